// Checking a backup without restoring it: the manifest, every file's presence, size and SHA-256, nothing extra,
// and the database copy itself (SQLite's integrity_check, its schema version, the attachments it refers to).
import fsp from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { eachLimited, hashFile, listTree } from './files.ts';
import { BackupError, DB_FILE, MANIFEST, readManifest, type Manifest } from './manifest.ts';
import { listBackups } from './prune.ts';
import { attachmentPath } from './take.ts';

/** Throws a BackupError with the first problem found (and how many more there are); returns the manifest. */
export async function verifyBackup(dir: string): Promise<Manifest> {
  const st = await fsp.stat(dir).catch(() => null);
  if (!st) throw new BackupError('does not exist');
  if (!st.isDirectory()) throw new BackupError('is not a folder');
  const manifest = await readManifestOrExplain(dir);

  const problems: string[] = [];
  const fail = () => {
    if (problems.length)
      throw new BackupError(problems.length > 1 ? `${problems[0]} (and ${problems.length - 1} more problems)` : problems[0]);
  };
  const tree = await listTree(dir, (rel) => rel === MANIFEST);
  for (const rel of tree.special) problems.push(`${rel}: not a regular file`);
  const present = new Map(tree.files.map((f) => [f.rel, f.size]));
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const f of manifest.files) {
    const size = present.get(f.path);
    if (size === undefined) problems.push(`${f.path}: missing`);
    else if (size !== f.size) problems.push(`${f.path}: ${size} bytes, the manifest says ${f.size}`);
  }
  for (const f of tree.files) if (!listed.has(f.rel)) problems.push(`${f.rel}: not in the manifest`);
  fail();

  await eachLimited(manifest.files, 4, async (f) => {
    const { sha256 } = await hashFile(path.join(dir, f.path));
    if (sha256 !== f.sha256) problems.push(`${f.path}: checksum mismatch`);
  });
  problems.sort();
  fail();

  problems.push(...checkDatabase(path.join(dir, DB_FILE), manifest));
  fail();
  return manifest;
}

/** A folder of backups given instead of one backup gets a pointer to the newest finished one. */
async function readManifestOrExplain(dir: string): Promise<Manifest> {
  try {
    return readManifest(dir);
  } catch (e) {
    if (e instanceof BackupError && e.message.startsWith('incomplete')) {
      const backups = await listBackups(dir);
      const newest = backups.filter((b) => b.complete).at(-1);
      if (backups.length)
        throw new BackupError(`holds backups, not one: name one${newest ? `, e.g. ${newest.dir}` : ' (none of them is complete)'}`);
    }
    throw e;
  }
}

/** The copy opened read-only: it must be sound, of the schema the manifest names, with its attachments. */
function checkDatabase(file: string, manifest: Manifest): string[] {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check(20)', { simple: false }) as { integrity_check: string }[];
    const messages = rows.map((r) => r.integrity_check);
    if (messages.length !== 1 || messages[0] !== 'ok')
      return [`${DB_FILE}: integrity_check: ${messages[0]}${messages.length > 1 ? ` (and ${messages.length - 1} more)` : ''}`];
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    if (userVersion !== manifest.sqlite.userVersion)
      return [`${DB_FILE}: schema version ${userVersion}, the manifest says ${manifest.sqlite.userVersion}`];
    const hasAttachments = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachments'`).get();
    if (!hasAttachments) return [];
    const files = new Set(manifest.files.map((f) => f.path));
    const known = new Set(manifest.missingAttachments);
    const referenced = db
      .prepare('SELECT DISTINCT sha256 FROM attachments WHERE sha256 IS NOT NULL ORDER BY sha256')
      .pluck()
      .all() as string[];
    return referenced
      .filter((sha) => !files.has(attachmentPath(sha)) && !known.has(sha))
      .map((sha) => `${attachmentPath(sha)}: referenced by the database but not in the backup`);
  } catch (e) {
    return [`${DB_FILE}: not a sound SQLite database (${(e as Error).message})`];
  } finally {
    db?.close();
  }
}
