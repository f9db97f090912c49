// Taking a backup while VIC runs: the database through SQLite's online backup API, then the rest of DATA_DIR
// (attachments, the WhatsApp session), then the manifest. Nothing here stops the helpdesk from writing.
import fsp from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { copyWithHash, eachLimited, hashFile, listTree, syncDir, type TreeFile } from './files.ts';
import {
  BackupError,
  DB_FILE,
  FORMAT,
  FORMAT_VERSION,
  MANIFEST,
  backupName,
  vicVersion,
  type FileEntry,
  type Manifest,
} from './manifest.ts';
import { listBackups } from './prune.ts';

export interface TakeBackupOptions {
  /** A connection to DATA_DIR/vic.sqlite: the helpdesk's own (scheduled backups) or one opened by `vic backup`. */
  db: Database.Database;
  dataDir: string;
  /** BACKUP_DIR: the backup becomes a new folder in it. */
  root: string;
  now?: () => number;
  /**
   * Database pages copied per event-loop turn. The helpdesk's own connection uses steps: its writes during the
   * backup are carried into the copy by SQLite, so the copy is the database as it was when the last step ended.
   * 0 (for a separate process): all pages in one step, that is one read transaction, so writes by the helpdesk,
   * which would restart a stepped copy, cannot starve it. In WAL mode neither way blocks the helpdesk's writes.
   */
  stepPages?: number;
  signal?: AbortSignal;
}

export interface TakenBackup {
  dir: string;
  manifest: Manifest;
  ms: number;
}

/** SQLite's own files, copied through the backup API only, never as files. */
const DB_FILES = new Set([DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, `${DB_FILE}-journal`]);
/** Chromium's caches in the WhatsApp profile: rebuilt by Chromium, large, and rewritten all the time. */
const CHROMIUM_CACHES = new Set([
  'Cache',
  'Code Cache',
  'GPUCache',
  'GrShaderCache',
  'ShaderCache',
  'GraphiteDawnCache',
  'DawnGraphiteCache',
  'DawnWebGPUCache',
  'Crashpad',
]);

export async function takeBackup(opts: TakeBackupOptions): Promise<TakenBackup> {
  const now = opts.now ?? Date.now;
  const started = Date.now();
  await fsp.mkdir(opts.root, { recursive: true });
  const dir = await newBackupDir(opts.root, backupName(now()));
  try {
    const skip = await skipper(opts.dataDir, opts.root);
    const aborted = () => {
      if (opts.signal?.aborted) throw new BackupError('stopped before it finished');
    };

    const dbCopy = path.join(dir, DB_FILE);
    const step = opts.stepPages ?? 0;
    await opts.db.backup(dbCopy, {
      progress: () => {
        aborted();
        return step > 0 ? step : 0x7fffffff;
      },
    });
    const createdAt = now();
    const { userVersion, referenced } = settleDatabaseCopy(dbCopy);
    const files: FileEntry[] = [{ path: DB_FILE, ...(await hashFile(dbCopy)) }];

    // After the database: every attachment its copy refers to was written before that message's transaction
    // committed, so it is on disk now. Attachments are content-addressed: a file never changes once there.
    const tree = await listTree(opts.dataDir, skip);
    const previous = await previousAttachments(opts.root, dir);
    await eachLimited(tree.files, 4, async (f) => {
      aborted();
      try {
        const linked = await linkUnchanged(previous, f, path.join(dir, f.rel));
        files.push(linked ?? { path: f.rel, ...(await copyWithHash(path.join(opts.dataDir, f.rel), path.join(dir, f.rel))) });
      } catch (e) {
        // Gone since the listing (Chromium rotating its files): there is nothing to keep.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    });
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const copied = new Set(files.map((f) => f.path));
    const missingAttachments = referenced.filter((sha) => !copied.has(attachmentPath(sha)));

    aborted();
    const manifest: Manifest = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      vicVersion: vicVersion(),
      createdAt: new Date(createdAt).toISOString(),
      sourceDataDir: path.resolve(opts.dataDir),
      sqlite: { file: DB_FILE, userVersion, method: 'sqlite3 online backup API (better-sqlite3 db.backup)' },
      missingAttachments,
      files,
      totals: { files: files.length, bytes: files.reduce((s, f) => s + f.size, 0) },
    };
    const tmp = path.join(dir, `${MANIFEST}.tmp`);
    const h = await fsp.open(tmp, 'w');
    try {
      await h.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
      await h.sync();
    } finally {
      await h.close();
    }
    await fsp.rename(tmp, path.join(dir, MANIFEST));
    await syncDir(dir);
    return { dir, manifest, ms: Date.now() - started };
  } catch (e) {
    // Ours and unfinished: nobody can use it.
    await fsp.rm(dir, { recursive: true, force: true });
    throw e;
  }
}

interface Previous {
  dir: string;
  files: Map<string, FileEntry>;
}

/** The attachments of the newest finished backup in root, to be shared with the new one rather than copied again. */
async function previousAttachments(root: string, current: string): Promise<Previous | null> {
  const newest = (await listBackups(root)).filter((b) => b.complete && b.dir !== current).at(-1);
  if (!newest) return null;
  try {
    // Read without the schema: only entries that name an attachment by its own checksum are used, and `vic verify`
    // checks the new backup's files anyway.
    const { files } = JSON.parse(await fsp.readFile(path.join(newest.dir, MANIFEST), 'utf8')) as { files: FileEntry[] };
    const usable = files.filter(
      (f) =>
        typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256) && f.path === attachmentPath(f.sha256) && Number.isInteger(f.size),
    );
    return { dir: newest.dir, files: new Map(usable.map((f) => [f.path, { path: f.path, size: f.size, sha256: f.sha256 }])) };
  } catch {
    return null;
  }
}

/**
 * An attachment is named by its SHA-256 and never changes: when the previous backup holds it, the new backup gets a
 * hard link to the same file, so keeping BACKUP_KEEP backups does not keep BACKUP_KEEP copies of every attachment.
 * null (copy it) when it is not there or the file system has no hard links (some network shares).
 */
async function linkUnchanged(previous: Previous | null, f: TreeFile, dst: string): Promise<FileEntry | null> {
  const known = previous?.files.get(f.rel);
  if (!known || known.size !== f.size) return null;
  try {
    await fsp.mkdir(path.dirname(dst), { recursive: true });
    await fsp.link(path.join(previous!.dir, f.rel), dst);
    return known;
  } catch {
    return null;
  }
}

export function attachmentPath(sha256: string): string {
  return `attachments/${sha256.slice(0, 2)}/${sha256}`;
}

/** A new folder named after the start time; a second backup in the same second gets `-1`, `-2`… */
async function newBackupDir(root: string, name: string): Promise<string> {
  for (let n = 0; ; n++) {
    const dir = path.join(root, n ? `${name}-${n}` : name);
    try {
      await fsp.mkdir(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** What of DATA_DIR is not copied as a file: the database, temporary files, caches, and the backups themselves. */
async function skipper(dataDir: string, root: string) {
  const realData = await fsp.realpath(dataDir);
  const realRoot = await fsp.realpath(root);
  const inside = path.relative(realData, realRoot);
  const backupsRel = inside && !inside.startsWith('..') && !path.isAbsolute(inside) ? inside.split(path.sep).join('/') : null;
  return (rel: string, isDir: boolean) => {
    if (!rel.includes('/') && DB_FILES.has(rel)) return true;
    if (backupsRel && (rel === backupsRel || rel.startsWith(`${backupsRel}/`))) return true;
    // An attachment being written (src/attachments.ts renames it into place when complete).
    if (!isDir && rel.startsWith('attachments/') && rel.endsWith('.tmp')) return true;
    if (isDir && rel.startsWith('whatsapp/') && CHROMIUM_CACHES.has(rel.slice(rel.lastIndexOf('/') + 1))) return true;
    return false;
  };
}

/**
 * The copy is made a plain one-file database (rollback journal, not WAL), so it can be checked and copied as one
 * file; VIC switches it back to WAL when it opens it after a restore. Returns its schema version and the
 * attachments it refers to.
 */
function settleDatabaseCopy(file: string): { userVersion: number; referenced: string[] } {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    const hasAttachments = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachments'`).get();
    const referenced = hasAttachments
      ? (db.prepare('SELECT DISTINCT sha256 FROM attachments WHERE sha256 IS NOT NULL ORDER BY sha256').pluck().all() as string[]).filter(
          (s) => /^[0-9a-f]{64}$/.test(s),
        )
      : [];
    return { userVersion, referenced };
  } finally {
    db.close();
  }
}
