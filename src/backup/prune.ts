// The backups in BACKUP_DIR and their retention: the newest BACKUP_KEEP finished ones stay. A folder without a
// manifest may be a backup another process is writing right now, so it is left alone until it is a day old.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST, parseBackupName } from './manifest.ts';

export interface BackupEntry {
  name: string;
  dir: string;
  /** Start time, from the name, and the number added on a clash within one second. */
  at: number;
  seq: number;
  complete: boolean;
}

/** No backup takes a day: an unfinished one older than that was interrupted (a crash, a full disk). */
export const ABANDONED_AFTER_MS = 24 * 3_600_000;

/** Our backup folders in root, oldest first; anything else there is not ours and never touched. */
export async function listBackups(root: string): Promise<BackupEntry[]> {
  const entries = await fsp.readdir(root, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  const out: BackupEntry[] = [];
  for (const e of entries) {
    const parsed = e.isDirectory() ? parseBackupName(e.name) : null;
    if (!parsed) continue;
    const dir = path.join(root, e.name);
    out.push({ name: e.name, dir, at: parsed.at, seq: parsed.seq, complete: fs.existsSync(path.join(dir, MANIFEST)) });
  }
  out.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return out;
}

/** Removes finished backups beyond the newest `keep`, and unfinished ones abandoned for a day; returns what went. */
export async function pruneBackups(root: string, keep: number, now: number): Promise<string[]> {
  const all = await listBackups(root);
  const complete = all.filter((b) => b.complete);
  const doomed = [
    ...complete.slice(0, Math.max(0, complete.length - keep)),
    ...all.filter((b) => !b.complete && now - b.at > ABANDONED_AFTER_MS),
  ];
  for (const b of doomed) await fsp.rm(b.dir, { recursive: true, force: true });
  return doomed.map((b) => b.dir);
}
