// A backup is one folder, BACKUP_DIR/<time>/, holding a copy of DATA_DIR and manifest.json. The manifest is written
// last (under a temporary name, then renamed): a folder without it is a backup that did not finish.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const MANIFEST = 'manifest.json';
export const DB_FILE = 'vic.sqlite';
export const FORMAT = 'vic-backup';
export const FORMAT_VERSION = 1;

/** A problem with a backup, said in one line: the path inside the backup first when there is one. */
export class BackupError extends Error {}

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256');
/** A relative path with `/` separators that stays inside the backup folder. */
const relPath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/') && !p.includes('\\') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'),
    'must be a relative path inside the backup',
  );

const fileEntry = z.object({ path: relPath, size: z.number().int().nonnegative(), sha256 });

export const manifestSchema = z
  .object({
    format: z.literal(FORMAT),
    formatVersion: z.literal(FORMAT_VERSION),
    vicVersion: z.string(),
    createdAt: z.iso.datetime(),
    sourceDataDir: z.string(),
    sqlite: z.object({
      file: z.literal(DB_FILE),
      userVersion: z.number().int().nonnegative(),
      method: z.string(),
    }),
    /** Attachments the database copy refers to that were not in DATA_DIR when copied (removed by retention meanwhile, or lost before). */
    missingAttachments: z.array(sha256),
    files: z.array(fileEntry),
    totals: z.object({ files: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }),
  })
  .superRefine((m, ctx) => {
    const paths = new Set(m.files.map((f) => f.path));
    if (paths.size !== m.files.length) ctx.addIssue({ code: 'custom', path: ['files'], message: 'lists a file twice' });
    if (!paths.has(DB_FILE)) ctx.addIssue({ code: 'custom', path: ['files'], message: `does not list ${DB_FILE}` });
    if (paths.has(MANIFEST)) ctx.addIssue({ code: 'custom', path: ['files'], message: `lists ${MANIFEST} itself` });
    const bytes = m.files.reduce((s, f) => s + f.size, 0);
    if (m.totals.files !== m.files.length || m.totals.bytes !== bytes)
      ctx.addIssue({ code: 'custom', path: ['totals'], message: 'do not add up to the files listed' });
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type FileEntry = z.infer<typeof fileEntry>;

/** Reads and checks a backup's manifest; every problem is a BackupError naming manifest.json. */
export function readManifest(dir: string): Manifest {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, MANIFEST), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new BackupError(`incomplete (no ${MANIFEST})`);
    throw new BackupError(`${MANIFEST}: cannot be read (${(e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BackupError(`${MANIFEST}: not valid JSON`);
  }
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > FORMAT_VERSION) {
    throw new BackupError(`${MANIFEST}: format version ${version} is newer than this VIC reads (${FORMAT_VERSION}): update VIC`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackupError(`${MANIFEST}: malformed (${issue.path.join('.') || 'top level'} ${issue.message})`);
  }
  return parsed.data;
}

/** Backup folders are named by their start time in UTC, e.g. 2026-12-02T10-00-00Z (`-2` added on a clash). */
export function backupName(at: number): string {
  return new Date(at)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}

const NAME = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z(?:-(\d+))?$/;

/** The start time of a backup folder's name, or null for a name that is not one of ours. */
export function parseBackupName(name: string): { at: number; seq: number } | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const at = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`);
  return Number.isNaN(at) ? null : { at, seq: Number(m[5] ?? 0) };
}

/** The version in VIC's package.json, looked for upwards so a compiled tree (dist/…) finds it too. */
export function vicVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'vic' && pkg.version) return pkg.version;
    }
    const up = path.dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}
