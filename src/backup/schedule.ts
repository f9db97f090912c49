// Scheduled backups inside the running helpdesk (BACKUP_DIR, BACKUP_EVERY_HOURS, BACKUP_KEEP). A backup is due when
// the newest finished one in BACKUP_DIR is older than the interval, so a restart neither repeats nor delays one.
// It runs on the helpdesk's own connection in small steps and copies files asynchronously: requests keep being
// served, and messages keep being stored, while it runs.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { listBackups, pruneBackups } from './prune.ts';
import { takeBackup, type TakenBackup } from './take.ts';

export interface BackupSchedulerOptions {
  db: Database.Database;
  dataDir: string;
  dir: string;
  everyMs: number;
  keep: number;
  clock: Clock;
  log: Logger;
}

/** Pages per step: 1 MB with SQLite's default 4 KB pages, a few milliseconds of the event loop. */
const STEP_PAGES = 256;
/** After a failure (a full disk, the volume gone), try again this soon, or at the interval if shorter. */
const RETRY_MS = 3_600_000;

export class BackupScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<TakenBackup | null> | null = null;
  private readonly abort = new AbortController();
  private retryAt = 0;

  constructor(private readonly opts: BackupSchedulerOptions) {}

  /** null when BACKUP_DIR is not set: no scheduled backups. */
  static fromConfig(config: Config, deps: { db: Database.Database; clock: Clock; log: Logger }): BackupScheduler | null {
    if (!config.BACKUP_DIR) return null;
    return new BackupScheduler({
      ...deps,
      log: deps.log.child({ job: 'backup' }),
      dataDir: config.DATA_DIR,
      dir: config.BACKUP_DIR,
      everyMs: config.BACKUP_EVERY_HOURS * 3_600_000,
      keep: config.BACKUP_KEEP,
    });
  }

  start() {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), Math.min(this.opts.everyMs, 60_000));
    this.timer.unref();
    void this.tick();
  }

  /** Takes a backup and prunes old ones when one is due; null when none was due, one is running, or it failed. */
  async tick(): Promise<TakenBackup | null> {
    if (this.running || this.abort.signal.aborted) return null;
    const run = this.runIfDue();
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = null;
    }
  }

  private async runIfDue(): Promise<TakenBackup | null> {
    const { clock, log, dir } = this.opts;
    try {
      const now = clock.now();
      if (now < this.retryAt) return null;
      const newest = (await listBackups(dir)).filter((b) => b.complete).at(-1);
      if (newest && now - newest.at < this.opts.everyMs) return null;
      const taken = await takeBackup({
        db: this.opts.db,
        dataDir: this.opts.dataDir,
        root: dir,
        now: () => clock.now(),
        stepPages: STEP_PAGES,
        signal: this.abort.signal,
      });
      const { totals, missingAttachments } = taken.manifest;
      log.info({ dir: taken.dir, files: totals.files, bytes: totals.bytes, ms: taken.ms }, 'backup written');
      if (missingAttachments.length)
        log.warn(
          { dir: taken.dir, missing: missingAttachments.length },
          'attachments the database refers to were not in DATA_DIR when copied (removed by retention meanwhile, or lost before)',
        );
      const removed = await pruneBackups(dir, this.opts.keep, clock.now());
      if (removed.length) log.info({ removed }, 'old backups removed');
      return taken;
    } catch (err) {
      if (this.abort.signal.aborted) return null;
      this.retryAt = clock.now() + Math.min(this.opts.everyMs, RETRY_MS);
      log.error({ err, dir }, 'backup failed');
      return null;
    }
  }

  /** Stops the schedule; a backup under way is abandoned (its folder removed) so the database can close. */
  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.running;
  }
}
