// @ts-check
// Entry of the e-mail parse workers (parse-pool.ts). A worker thread starts without the TypeScript loader of the
// process that made it (vitest's, or tsx's from the sources): in the release build (scripts/build.mjs) the worker is
// compiled JavaScript beside this file; from the sources, tsx's scoped import loads the TypeScript worker.
import fs from 'node:fs';

const built = new URL('./parse-worker.js', import.meta.url);
/** @type {unknown} */
const loaded = fs.existsSync(built)
  ? await import(built.href)
  : await (await import('tsx/esm/api')).tsImport('./parse-worker.ts', import.meta.url);
const worker = /** @type {typeof import('./parse-worker.js')} */ (loaded);

export const normalize = worker.normalize;
