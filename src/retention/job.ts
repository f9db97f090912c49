// The daily retention job: anonymises or deletes what is past its age under the policy (policy.ts), at a quiet
// hour in court time. It walks each table in windows of `batch` ids, one short transaction per window with a turn
// of the event loop between, so ingest and the console never wait on it for long. The preview is the same walk
// without writes, so the admin screen's "what the next run would remove" is what a run at that moment removes.
import fs from 'node:fs';
import { DAY, MINUTE } from '../../routing/calendar/days.ts';
import { localToUtc, offsetAt } from '../../routing/calendar/zone.ts';
import type { AttachmentStore } from '../attachments.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import type { RetentionTable } from '../store/retention.ts';
import { RECORDING_TYPE } from '../recordings.ts';
import { MARKERS, REMOVED_ATTACHMENT, cutoffs, retentionPolicy, zeroCounts, type PolicyEntry, type RetentionCounts } from './policy.ts';

export interface RetentionDeps {
  store: Store;
  clock: Clock;
  config: Config;
  attachments: AttachmentStore;
  log: Logger;
}

/** Rows a transaction handles at most (a window of ids, or a slice of audit rows or sessions). */
const BATCH = 500;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The next instant after `now` at wall-clock `hhmm` in the zone. */
export function nextRunAt(timeZone: string, hhmm: string, now: number): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  for (let day = Math.floor((now + offsetAt(timeZone, now)) / DAY); ; day++) {
    const at = localToUtc(timeZone, day, h * 60 + m);
    if (at > now) return at;
  }
}

export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RetentionCounts> | null = null;
  private stopped = false;

  constructor(
    private readonly d: RetentionDeps,
    private readonly batch = BATCH,
  ) {}

  policy(now = this.d.clock.now()): PolicyEntry[] {
    return retentionPolicy(this.d.config, now);
  }

  /** When the daily run comes next; null when it is off (RETENTION_RUN_AT=off). */
  nextRunAt(now = this.d.clock.now()): number | null {
    const at = this.d.config.RETENTION_RUN_AT;
    return at === 'off' ? null : nextRunAt(this.d.config.TZ_COURT, at, now);
  }

  /** What a run at `now` would remove, found the same way, writing nothing. */
  preview(now = this.d.clock.now()): Promise<RetentionCounts> {
    return this.pass(now, true);
  }

  /** Removes what is past its age and writes one audit entry (`retention.run`) with the counts. One run at a time. */
  run(): Promise<RetentionCounts> {
    this.running ??= (async () => {
      try {
        const now = this.d.clock.now();
        const counts = await this.pass(now, false);
        const c = cutoffs(this.d.config, now);
        const before = Object.fromEntries(Object.entries(c).map(([k, v]: [string, number]) => [k, new Date(v).toISOString()]));
        this.d.store.audit({ at: now, userId: null, action: 'retention.run', entity: 'retention', details: { counts, before } });
        this.d.log.info({ counts }, 'retention: run done');
        return counts;
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Schedules the daily run (nothing when RETENTION_RUN_AT=off); a run missed while VIC was down happens the next day. */
  start() {
    this.schedule(this.d.clock.now());
  }

  private schedule(after: number) {
    const next = this.nextRunAt(after);
    if (next === null || this.stopped) return;
    this.timer = setTimeout(() => {
      this.run()
        .catch((err: unknown) => this.d.log.error({ err }, 'retention: run failed'))
        // A minute on: a timer that fired a little early must not schedule the same run again.
        .finally(() => this.schedule(this.d.clock.now() + MINUTE));
    }, next - this.d.clock.now());
    this.timer.unref();
  }

  /** Stops the schedule; a run under way stops before its next transaction. */
  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async pass(now: number, dry: boolean): Promise<RetentionCounts> {
    const { store } = this.d;
    const c = cutoffs(this.d.config, now);
    const counts = zeroCounts();

    // Attachments first, each by its ticket's kind; a file goes once no row refers to it (content-addressed).
    const due = new Map<string, number>();
    const seen = new Set<number>(); // the preview removes nothing: a recording due by both rules counts once
    await this.windows('attachments', (lo, hi) => {
      const rows = store.dueAttachments(lo, hi, c);
      if (!rows.length) return;
      for (const r of rows) {
        counts[r.recording ? 'recordings' : 'attachments']++;
        if (r.sha256) due.set(r.sha256, (due.get(r.sha256) ?? 0) + 1);
        if (dry && r.recording) seen.add(r.id);
      }
      if (!dry)
        store.removeAttachments(
          rows.map((r) => r.id),
          REMOVED_ATTACHMENT.retention,
          now,
        );
    });
    // VIC's own call recordings also go by their own age (SIP_RECORDING_RETENTION_DAYS): whichever comes first.
    await this.windows('calls', (lo, hi) => {
      const rows = store.dueRecordings(lo, hi, c.callRecordings, RECORDING_TYPE).filter((r) => !seen.has(r.id));
      if (!rows.length) return;
      counts.recordings += rows.length;
      for (const r of rows) if (r.sha256) due.set(r.sha256, (due.get(r.sha256) ?? 0) + 1);
      if (!dry)
        store.removeAttachments(
          rows.map((r) => r.id),
          REMOVED_ATTACHMENT.retention,
          now,
        );
    });
    counts.files = await this.deleteFiles(due, dry);

    await this.windows('tickets', (lo, hi) => {
      const ids = store.dueTickets(lo, hi, c);
      if (!ids.length) return;
      const n = dry ? store.ticketContentCounts(ids) : store.anonymiseTickets(ids, MARKERS.retention, now);
      counts.tickets += ids.length;
      counts.messages += n.messages;
      counts.scopeDecisions += n.scopeDecisions;
    });

    await this.windows('contacts', (lo, hi) => {
      const ids = store.dueContacts(lo, hi, c);
      if (ids.length) counts.contacts += dry ? ids.length : store.anonymiseContacts(ids, now);
    });

    counts.audit = dry ? store.countAuditBefore(c.audit) : await this.slices((n) => store.deleteAuditBefore(c.audit, n));
    counts.sessions = dry
      ? store.countSessionsExpiredBy(c.sessions)
      : await this.slices((n) => store.deleteSessionsExpiredBy(c.sessions, n));
    counts.notifications = dry
      ? store.countNotificationsDue(c.notifications, c.readNotifications)
      : await this.slices((n) => store.deleteNotificationsDue(c.notifications, c.readNotifications, n));
    counts.drafts = dry ? store.countDraftsBefore(c.notifications) : await this.slices((n) => store.deleteDraftsBefore(c.notifications, n));
    return counts;
  }

  /** Calls fn on each window (lo, hi] of the table's ids, each in its own transaction. */
  private async windows(table: RetentionTable, fn: (lo: number, hi: number) => void) {
    const top = this.d.store.retentionTop(table);
    for (let lo = 0; lo < top; lo += this.batch) {
      this.checkStopped();
      this.d.store.tx(() => fn(lo, lo + this.batch));
      await turn();
    }
  }

  /** Repeats a bounded delete until it removes less than a batch; returns the total. */
  private async slices(del: (limit: number) => number): Promise<number> {
    let total = 0;
    for (;;) {
      this.checkStopped();
      const n = this.d.store.tx(() => del(this.batch));
      total += n;
      if (n < this.batch) return total;
      await turn();
    }
  }

  /**
   * Files of removed attachments that no row refers to any more. The preview counts those whose every reference
   * is due now. Checked and deleted without a pause between: ingest, which may add a reference, cannot run there.
   */
  private async deleteFiles(due: Map<string, number>, dry: boolean): Promise<number> {
    let files = 0;
    let k = 0;
    for (const [sha, refs] of due) {
      const left = this.d.store.attachmentRefs(sha);
      const file = this.d.attachments.pathOf(sha);
      if ((dry ? left === refs : left === 0) && file && fs.existsSync(file)) {
        if (!dry) fs.unlinkSync(file);
        files++;
      }
      if (++k % this.batch === 0) await turn();
    }
    return files;
  }

  private checkStopped() {
    if (this.stopped) throw new Error('retention: stopped');
  }
}
