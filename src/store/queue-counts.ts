// Queue counters: kept by the triggers of migration 12 in the transaction of every ticket change, so reading the
// console's counters costs a few rows whatever the number of tickets. `queueCounterDrift` recounts to check them;
// `rebuildQueueCounters` recounts to repair them (and after a bulk load made without the triggers).
import type { StoreBase } from './core.ts';
import { ALL_STATUSES, countSql, queuePlan, type QueueFilter } from './queues.ts';
import type { Queue, Viewer } from './tickets.ts';

export type CourtQueue = Exclude<Queue, 'mine'>;

// Each queue as a condition over a counter row (status, unassigned, escalated).
const COUNTED: Record<CourtQueue, string> = {
  court: `status = 'open'`,
  unassigned: `status = 'open' AND unassigned = 1`,
  'off-hours': `status = 'waiting'`,
  escalated: `status != 'resolved' AND escalated = 1`,
  'out-of-scope': `status = 'out_of_scope'`,
  resolved: `status = 'resolved'`,
  all: '1',
};
const COURT_QUEUES = Object.keys(COUNTED) as CourtQueue[];
const SUMS = COURT_QUEUES.map((k) => `coalesce(sum(n) FILTER (WHERE ${COUNTED[k]}), 0) AS "${k}"`).join(', ');

// The recounts, also the counters' definition: per court, channel, status, "nobody holds it", "escalated"; per user,
// court and status, a user both assignee and specialist of a ticket counting it once.
const RECOUNT_COURTS = `SELECT court_id, channel, status, assignee_id IS NULL, specialist_id IS NOT NULL, count(*) FROM tickets GROUP BY 1, 2, 3, 4, 5`;
const RECOUNT_USERS = `SELECT user_id, court_id, status, count(*) FROM (
    SELECT assignee_id AS user_id, court_id, status FROM tickets WHERE assignee_id IS NOT NULL
    UNION ALL SELECT specialist_id, court_id, status FROM tickets WHERE specialist_id IS NOT NULL AND specialist_id IS NOT assignee_id)
  GROUP BY 1, 2, 3`;

const inList = (statuses: readonly string[]) => `status IN (${statuses.map((s) => `'${s}'`).join(', ')})`;

export function QueueCountQueries<B extends StoreBase>(Base: B) {
  abstract class QueueCounts extends Base {
    /** Every queue but "mine" for one court (null: all courts together). */
    courtQueueCounts(courtId: number | null): Record<CourtQueue, number> {
      return courtId === null
        ? (this.q(`SELECT ${SUMS} FROM queue_counts`).get() as Record<CourtQueue, number>)
        : (this.q(`SELECT ${SUMS} FROM queue_counts WHERE court_id = ?`).get(courtId) as Record<CourtQueue, number>);
    }

    /** Tickets not resolved that the user holds or was escalated, in one court (null: any court). */
    mineCount(userId: number, courtId: number | null): number {
      const sql = `SELECT coalesce(sum(n), 0) AS n FROM queue_counts_user WHERE user_id = ? AND status != 'resolved'`;
      const r = (courtId === null ? this.q(sql).get(userId) : this.q(`${sql} AND court_id = ?`).get(userId, courtId)) as { n: number };
      return r.n;
    }

    /** The console's counters: every queue as the viewer sees it. */
    queueCounts(viewer: Viewer): Record<Queue, number> {
      // A specialist sees only what was escalated to them: few tickets, counted from their index.
      if (viewer.role === 'specialist') {
        return this.q(
          `SELECT count(*) FILTER (WHERE status != 'resolved') AS mine, count(*) FILTER (WHERE status = 'open') AS court,
             count(*) FILTER (WHERE status = 'open' AND assignee_id IS NULL) AS unassigned,
             count(*) FILTER (WHERE status = 'waiting') AS "off-hours", count(*) FILTER (WHERE status != 'resolved') AS escalated,
             count(*) FILTER (WHERE status = 'out_of_scope') AS "out-of-scope", count(*) FILTER (WHERE status = 'resolved') AS resolved,
             count(*) AS "all"
           FROM tickets INDEXED BY tickets_specialist WHERE specialist_id = ? AND specialist_id IS NOT NULL`,
        ).get(viewer.id) as Record<Queue, number>;
      }
      // An operator without a court serves every court.
      const court = viewer.role === 'operator' ? viewer.courtId : null;
      return { mine: this.mineCount(viewer.id, court), ...this.courtQueueCounts(court) };
    }

    /** The number of tickets in a queue with its filters, as `listTickets` pages through them. */
    queueTotal(viewer: Viewer, f: QueueFilter): number {
      const plan = queuePlan(viewer, f);
      if (!plan) return 0;
      const queue = f.queue ?? 'all';
      const n = (sql: string) => (this.q(sql).get(plan.params) as { n: number }).n;
      // No counter holds these by channel or per specialist: their indexes are small, count them.
      if (viewer.role === 'specialist' || (queue === 'mine' && f.channel)) return n(countSql(plan.branches));
      const where = plan.statuses.length === ALL_STATUSES.length ? ['1'] : [inList(plan.statuses)];
      if (plan.court !== null) where.push('court_id = @court');
      if (queue === 'mine')
        return n(`SELECT coalesce(sum(n), 0) AS n FROM queue_counts_user WHERE ${where.join(' AND ')} AND user_id = @me`);
      if (f.channel) where.push('channel = @channel');
      if (queue === 'unassigned') where.push('unassigned = 1');
      if (queue === 'escalated') where.push('escalated = 1');
      return n(`SELECT coalesce(sum(n), 0) AS n FROM queue_counts WHERE ${where.join(' AND ')}`);
    }

    /**
     * Counters that differ from a recount, read in one transaction (nothing written). The recount reads every
     * ticket: a job for a read-only connection off the main thread (src/readpool).
     */
    queueCounterDrift(): { key: string; stored: number; actual: number }[] {
      return this.tx(() => {
        const diff = new Map<string, { stored: number; actual: number }>();
        const add = (rows: unknown[][], field: 'stored' | 'actual', key: (r: unknown[]) => string) => {
          for (const r of rows) {
            const k = key(r);
            const d = diff.get(k) ?? { stored: 0, actual: 0 };
            d[field] += r.at(-1) as number;
            diff.set(k, d);
          }
        };
        const courtKey = (r: unknown[]) =>
          `court ${String(r[0])} ${String(r[1])} ${String(r[2])} unassigned=${String(r[3])} escalated=${String(r[4])}`;
        const userKey = (r: unknown[]) => `user ${String(r[0])} court ${String(r[1])} ${String(r[2])}`;
        add(this.q(`SELECT * FROM queue_counts`).raw().all() as unknown[][], 'stored', courtKey);
        add(this.q(RECOUNT_COURTS).raw().all() as unknown[][], 'actual', courtKey);
        add(this.q(`SELECT * FROM queue_counts_user`).raw().all() as unknown[][], 'stored', userKey);
        add(this.q(RECOUNT_USERS).raw().all() as unknown[][], 'actual', userKey);
        return [...diff].filter(([, d]) => d.stored !== d.actual).map(([key, d]) => ({ key, ...d }));
      });
    }

    /** Recounts every counter, in one transaction. */
    rebuildQueueCounters() {
      this.tx(() => {
        this.db.exec(`DELETE FROM queue_counts; INSERT INTO queue_counts ${RECOUNT_COURTS};
          DELETE FROM queue_counts_user; INSERT INTO queue_counts_user ${RECOUNT_USERS};`);
      });
    }
  }
  return QueueCounts;
}
