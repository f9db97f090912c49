// Restoring a backup into an empty DATA_DIR: the backup is verified in full first, every file is checked again
// as it is copied, and the database goes in last, so a restore that fails half-way leaves no database that VIC
// could start on (and what was copied is removed again).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { MIGRATIONS } from '../store/migrations.ts';
import { copyWithHash, syncDir } from './files.ts';
import { BackupError, DB_FILE, type Manifest } from './manifest.ts';
import { verifyBackup } from './verify.ts';

/** A problem with where the backup would go (not with the backup). */
export class RestoreTargetError extends Error {}

/** Left by mkfs on a mounted volume: the volume is still empty. */
const EMPTY_ANYWAY = new Set(['lost+found']);

export async function restoreBackup(dir: string, target: string): Promise<Manifest> {
  const existed = assertEmpty(target);
  const manifest = await verifyBackup(dir);
  if (manifest.sqlite.userVersion > MIGRATIONS.length) {
    throw new BackupError(
      `made by a newer VIC (${manifest.vicVersion}, database schema ${manifest.sqlite.userVersion}; this VIC knows ${MIGRATIONS.length}): update VIC first`,
    );
  }
  await fsp.mkdir(target, { recursive: true });
  try {
    const ordered = [...manifest.files.filter((f) => f.path !== DB_FILE), manifest.files.find((f) => f.path === DB_FILE)!];
    for (const f of ordered) {
      const last = f.path === DB_FILE;
      const dst = path.join(target, last ? `${DB_FILE}.restoring` : f.path);
      const copied = await copyWithHash(path.join(dir, f.path), dst);
      if (copied.sha256 !== f.sha256 || copied.size !== f.size) throw new BackupError(`${f.path}: changed while it was being restored`);
      if (last) await fsp.rename(dst, path.join(target, DB_FILE));
    }
    await syncDir(target);
    return manifest;
  } catch (e) {
    if (existed)
      for (const name of await fsp.readdir(target))
        if (!EMPTY_ANYWAY.has(name)) await fsp.rm(path.join(target, name), { recursive: true, force: true });
    if (!existed) await fsp.rm(target, { recursive: true, force: true });
    throw e;
  }
}

/** Whether the folder existed; throws unless it is missing or empty. */
function assertEmpty(target: string): boolean {
  let names: string[];
  try {
    names = fs.readdirSync(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code === 'ENOTDIR') throw new RestoreTargetError(`DATA_DIR ${target} is not a folder`);
    throw e;
  }
  const left = names.filter((n) => !EMPTY_ANYWAY.has(n));
  if (left.length) {
    throw new RestoreTargetError(
      `DATA_DIR ${target} is not empty (${left.length} entries, e.g. ${left.sort()[0]}): restore only into an empty or new folder`,
    );
  }
  return true;
}
