// Types of scripts/stamp.mjs (plain JavaScript: npm start runs it before anything is built), for the tests.
export type Part = 'server' | 'ui';
export const STAMP_FILE: string;
export const PARTS: Record<Part, { inputs: string[]; output: string }>;
export function sourceStamp(root: string): Record<Part, string>;
export function readStamp(outDir: string): Partial<Record<Part, string>>;
export function writeStamp(outDir: string, stamp: Partial<Record<Part, string>>): void;
export function staleParts(root: string, outDir: string, current?: Record<Part, string>): Part[];
