// The console's queues as SQL over the indexes of migration 12. A queue page is the merge (UNION ALL, which SQLite
// merges in order) of index range reads, each already in `updated_at DESC, id DESC` order: no sort, no OFFSET.
// "Oldest first" reads the same ranges ascending. "Due first" is the one page that sorts: the queue's live tickets
// by reply-by time (only unresolved tickets, a bounded set; an index for it would be written by every ingest). The
// same branches count a queue where no counter holds it (a user's own tickets by channel, a specialist's tickets).
import type { Queue, TicketStatus, Viewer } from './tickets.ts';

/** The orders a queue is read in. */
export const SORTS = ['newest', 'oldest', 'due'] as const;
export type Sort = (typeof SORTS)[number];

/** Where the next page starts: the last ticket shown, by its sort key (updated_at, or the reply-by time for "due"). */
export interface Cursor {
  sort: Sort;
  key: number;
  id: number;
}

/** The "due" key of a ticket with no reply-by time: after every real one (and within the cursor's 16 digits). */
export const NO_DUE = 9_000_000_000_000_000;

/** What narrows a queue: a court, a channel, a status. */
export interface QueueFilter {
  queue?: Queue;
  courtId?: number;
  channel?: string;
  status?: TicketStatus;
}

const LIVE: TicketStatus[] = ['open', 'waiting', 'out_of_scope'];
export const ALL_STATUSES: TicketStatus[] = [...LIVE, 'resolved'];

/** The statuses each queue holds; `unassigned` and `escalated` add a condition on top. */
const QUEUE_STATUSES: Record<Queue, TicketStatus[]> = {
  mine: LIVE,
  court: ['open'],
  unassigned: ['open'],
  'off-hours': ['waiting'],
  escalated: LIVE,
  'out-of-scope': ['out_of_scope'],
  resolved: ['resolved'],
  all: ALL_STATUSES,
};

/** One index range read: the index and the conditions (named parameters @court, @channel, @me). */
export interface Branch {
  index: string;
  where: string[];
}

export interface QueuePlan {
  branches: Branch[];
  params: { court: number | null; channel: string | null; me: number };
  /** The court the viewer's queue is limited to (null: every court). */
  court: number | null;
  statuses: TicketStatus[];
}

/**
 * The branches of a queue for this viewer, or null when nothing can match (another court than the operator's own,
 * a status the queue does not hold). An operator without a court serves every court; a specialist sees the
 * tickets escalated to them.
 */
export function queuePlan(viewer: Viewer, f: QueueFilter): QueuePlan | null {
  // A supervisor handles no tickets: no queue holds any for them.
  if (viewer.role === 'supervisor') return null;
  const queue = f.queue ?? 'all';
  let court = f.courtId ?? null;
  if (viewer.role === 'operator' && viewer.courtId !== null) {
    if (court !== null && court !== viewer.courtId) return null;
    court = viewer.courtId;
  }
  const statuses = QUEUE_STATUSES[queue].filter((s) => !f.status || s === f.status);
  if (!statuses.length) return null;
  const params = { court, channel: f.channel ?? null, me: viewer.id };
  // Conditions on columns every index below holds (as a key or a covered column).
  const common = [...(court !== null ? ['t.court_id = @court'] : []), ...(f.channel ? ['t.channel = @channel'] : [])];
  const unassigned = queue === 'unassigned' ? ['t.assignee_id IS NULL'] : [];
  const inStatuses = statuses.length === ALL_STATUSES.length ? [] : [`t.status IN (${statuses.map((s) => `'${s}'`).join(', ')})`];
  // Each partial index's own condition is repeated word for word: SQLite uses a partial index only then.
  const live = `t.status != 'resolved'`;
  const plan = (branches: Branch[]): QueuePlan => ({ branches, params, court, statuses });

  if (viewer.role === 'specialist')
    return plan([
      {
        index: 'tickets_specialist',
        where: ['t.specialist_id = @me', 't.specialist_id IS NOT NULL', ...inStatuses, ...unassigned, ...common],
      },
    ]);
  if (queue === 'mine')
    return plan([
      { index: 'tickets_mine', where: ['t.assignee_id = @me', 't.assignee_id IS NOT NULL', live, ...inStatuses, ...common] },
      // A ticket both assigned to and escalated to the same user is taken once, from the branch above.
      {
        index: 'tickets_specialist',
        where: ['t.specialist_id = @me', 't.specialist_id IS NOT NULL', 't.assignee_id IS NOT @me', live, ...inStatuses, ...common],
      },
    ]);
  if (queue === 'escalated')
    return plan([
      {
        index: court !== null ? 'tickets_escalated_court' : 'tickets_escalated',
        where: ['t.specialist_id IS NOT NULL', live, ...inStatuses, ...common],
      },
    ]);
  return plan(
    statuses.map((s) =>
      s === 'resolved'
        ? {
            index: `tickets_resolved${court !== null ? '_court' : ''}${f.channel ? '_channel' : ''}`,
            where: [`t.status = 'resolved'`, ...common],
          }
        : { index: 'tickets_live', where: [`t.status = '${s}'`, live, ...unassigned, ...common] },
    ),
  );
}

/**
 * A page of ids and sort keys: every branch split at the cursor into "same key, next id" and "past the key",
 * because SQLite does not seek an index by a row value that ends with the rowid; each part is then one range.
 */
export function pageSql(branches: Branch[], after: boolean, sort: Sort = 'newest'): string {
  if (sort === 'due') return dueSql(branches, after);
  const [cmp, dir] = sort === 'newest' ? ['<', 'DESC'] : ['>', 'ASC'];
  const parts = branches.flatMap((b) =>
    (after ? [`t.updated_at = @u AND t.id ${cmp} @i`, `t.updated_at ${cmp} @u`] : ['1']).map(
      (k) => `SELECT t.id, t.updated_at FROM tickets t INDEXED BY ${b.index} WHERE ${[...b.where, k].join(' AND ')}`,
    ),
  );
  return `${parts.join(' UNION ALL ')} ORDER BY 2 ${dir}, 1 ${dir} LIMIT @n`;
}

/** Due first: the live branches only (resolved tickets are due for nothing), sorted by reply-by time, then id. */
function dueSql(branches: Branch[], after: boolean): string {
  const key = `coalesce(t.first_response_due_at, ${NO_DUE})`;
  const parts = liveBranches(branches).map(
    (b) =>
      `SELECT t.id, ${key} AS k FROM tickets t INDEXED BY ${b.index} WHERE ${[...b.where, `t.status != 'resolved'`, ...(after ? [`(${key} > @u OR (${key} = @u AND t.id > @i))`] : [])].join(' AND ')}`,
  );
  return `${parts.join(' UNION ALL ')} ORDER BY 2, 1 LIMIT @n`;
}

/** The branches that may hold a ticket not resolved (the resolved indexes hold none). */
export const liveBranches = (branches: Branch[]) => branches.filter((b) => !b.index.startsWith('tickets_resolved'));

/** How many tickets the branches hold, read from their indexes. */
export function countSql(branches: Branch[]): string {
  return `SELECT ${branches.map((b) => `(SELECT count(*) FROM tickets t INDEXED BY ${b.index} WHERE ${b.where.join(' AND ')})`).join(' + ')} AS n`;
}

const SORT_TAG: Record<Sort, string> = { newest: 'n', oldest: 'o', due: 'd' };

export const encodeCursor = (c: Cursor): string => Buffer.from(`${SORT_TAG[c.sort]}.${c.key}.${c.id}`).toString('base64url');

/** null when the text is not a cursor this server made. */
export function decodeCursor(s: string): Cursor | null {
  const m = /^([nod])\.(\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(s, 'base64url').toString());
  const sort = m && SORTS.find((x) => SORT_TAG[x] === m[1]);
  return m && sort ? { sort, key: Number(m[2]), id: Number(m[3]) } : null;
}
