// `vic backup DIR [--data-dir X] [--keep N]`, `vic verify BACKUP`, `vic restore BACKUP [--data-dir X]` (docs/backup.md).
// Every failure is one line on stderr and a non-zero exit code, so cron and systemd report it.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { formatBytes } from '../backup/files.ts';
import { DB_FILE, type Manifest } from '../backup/manifest.ts';
import { pruneBackups } from '../backup/prune.ts';
import { RestoreTargetError, restoreBackup } from '../backup/restore.ts';
import { takeBackup } from '../backup/take.ts';
import { verifyBackup } from '../backup/verify.ts';
import { loadConfig } from '../config.ts';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}
const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const USAGE: Record<Command, string> = {
  backup: 'usage: vic backup DIR [--data-dir DATA_DIR] [--keep N]',
  verify: 'usage: vic verify BACKUP',
  restore: 'usage: vic restore BACKUP [--data-dir DATA_DIR]',
};
export type Command = 'backup' | 'verify' | 'restore';

export async function runBackupCommand(command: Command, args: string[], io: Io = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { 'data-dir': { type: 'string' }, keep: { type: 'string' } } });
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE[command]}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const keep = values.keep === undefined ? undefined : Number(values.keep);
  if (
    positionals.length !== 1 ||
    (command !== 'backup' && values.keep !== undefined) ||
    (command === 'verify' && values['data-dir'] !== undefined) ||
    (keep !== undefined && !(Number.isInteger(keep) && keep >= 1))
  ) {
    io.err(USAGE[command]);
    return 2;
  }
  const dir = path.resolve(positionals[0]);
  const dataDir = () => path.resolve(values['data-dir'] ?? loadConfig().DATA_DIR);
  try {
    if (command === 'backup') return await backup(dir, dataDir(), keep, io);
    if (command === 'verify') {
      const m = await verifyBackup(dir);
      io.out(`backup ${dir}: ok (${describe(m)})`);
      warnMissing(m, io);
      return 0;
    }
    const target = dataDir();
    const m = await restoreBackup(dir, target);
    io.out(`restored ${dir} into ${target}: ${describe(m)}; start VIC with DATA_DIR=${target}`);
    warnMissing(m, io);
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof RestoreTargetError) io.err(`restore: ${message}`);
    else if (command === 'backup') io.err(`backup: ${message}`);
    else io.err(`backup ${dir}: ${message}`);
    return 1;
  }
}

/** A backup by a separate process: its own connection, the database copied in one read transaction. */
async function backup(root: string, dataDir: string, keep: number | undefined, io: Io): Promise<number> {
  const file = path.join(dataDir, DB_FILE);
  if (!fs.existsSync(file)) {
    io.err(`backup: no helpdesk database in ${dataDir} (DATA_DIR)`);
    return 1;
  }
  const db = new Database(file, { fileMustExist: true });
  let taken;
  try {
    db.pragma('busy_timeout = 5000');
    taken = await takeBackup({ db, dataDir, root, stepPages: 0 });
  } finally {
    db.close();
  }
  io.out(`backup written: ${taken.dir} (${describe(taken.manifest)}, ${(taken.ms / 1000).toFixed(1)} s)`);
  warnMissing(taken.manifest, io);
  if (keep !== undefined) for (const old of await pruneBackups(root, keep, Date.now())) io.out(`removed old backup ${old}`);
  return 0;
}

function describe(m: Manifest): string {
  return `${m.totals.files} files, ${formatBytes(m.totals.bytes)}, database schema ${m.sqlite.userVersion}, taken ${m.createdAt} by VIC ${m.vicVersion}`;
}

function warnMissing(m: Manifest, io: Io) {
  const n = m.missingAttachments.length;
  if (n)
    io.err(
      `warning: ${n} attachment file${n > 1 ? 's' : ''} the database refers to ${n > 1 ? 'were' : 'was'} not in DATA_DIR when copied (removed meanwhile by the retention job, or lost before); manifest.json lists them under missingAttachments`,
    );
}
