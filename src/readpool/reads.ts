// The reads a read worker runs (pool.ts): each may scan a large part of the database, so it runs beside the
// server, never on its event loop. Only what is listed here runs there, and nothing listed writes: the worker's
// connection is read-only besides. Reads that make one screen are one entry, so they see one snapshot.
import { AttachmentStore } from '../attachments.ts';
import type { Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { reportSummary, reportTicketPage } from '../reports/index.ts';
import { RetentionJob } from '../retention/job.ts';
import type { AuditFilter } from '../store/audit.ts';
import type { Store, Viewer } from '../store/index.ts';
import type { SearchFilter } from '../store/search.ts';

export const READS = {
  /** A page of the audit log; `until` taken now when not given (the first page). */
  auditPage(s: Store, f: Omit<AuditFilter, 'until'> & { until?: number }) {
    return s.tx(() => {
      const until = f.until ?? s.lastAuditId();
      return { ...s.searchAudit({ ...f, until }), until, actions: s.auditActions() };
    });
  },
  /** The appeal filter's counts over [from, to) and its latest decisions there. */
  scopeStats(s: Store, from: number, to: number, latest: number) {
    return s.tx(() => ({ tickets: s.scopeCounts(from, to), decisions: s.latestScopeDecisions(from, to, latest) }));
  },
  /** What a retention run at `now` would remove (a dry run of the daily job). */
  retentionPreview(s: Store, now: number, config: Config) {
    const job = new RetentionJob({
      store: s,
      clock: { now: () => now },
      config,
      attachments: new AttachmentStore(s.attachmentsDir, config.MAX_ATTACHMENT_BYTES),
      log: createLogger('silent'),
    });
    return job.preview(now);
  },
  searchTickets: (s: Store, viewer: Viewer, f: SearchFilter) => s.searchTickets(viewer, f),
  queueCounterDrift: (s: Store) => s.queueCounterDrift(),
  /** A report's figures (src/reports/), and a page of the tickets behind one of them. */
  reportSummary,
  reportTicketPage,
};

/** A read: the worker's store first, then the caller's arguments (cloned on the way, as the result is). */
export type Read = (s: Store, ...args: never[]) => unknown;
export type ReadName = keyof typeof READS;
