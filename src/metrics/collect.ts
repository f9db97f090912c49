// What the gauges read at scrape time. Each part is read at most once per scrape (a Snapshot lives for one scrape),
// with grouped queries that touch only the rows that are not finished: never the messages.
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import type { ChannelRegistry, HealthState } from '../channels.ts';
import type { Store } from '../store/index.ts';

const STATES: readonly HealthState[] = ['connected', 'connecting', 'pairing', 'degraded', 'down'];
/** The outbox's statuses as the docs name them (`pending` is a queued message, due or waiting for its channel). */
const OUTBOX_STATUSES = { pending: 'queued', sending: 'sending', failed: 'failed' } as const;
const QUEUES = ['unassigned', 'assigned', 'escalated', 'off-hours'] as const;

// Prepared once per database connection.
const prepared = new WeakMap<Database.Database, Record<'outbox' | 'tickets' | 'pages' | 'pageSize', Database.Statement>>();
function statements(db: Database.Database) {
  let s = prepared.get(db);
  if (!s) {
    s = {
      // The outbox_due index (status first) skips the sent rows, which are nearly all of them.
      outbox: db.prepare(
        `SELECT channel, status, count(*) AS n FROM outbox WHERE status IN ('pending','sending','failed') GROUP BY channel, status`,
      ),
      // The partial tickets_live holds only the unresolved tickets and covers every column read here, so the
      // resolved ones the years add are never read.
      tickets: db.prepare(
        `SELECT court_id AS courtId,
           CASE WHEN specialist_id IS NOT NULL THEN 'escalated' WHEN status = 'waiting' THEN 'off-hours'
                WHEN assignee_id IS NULL THEN 'unassigned' ELSE 'assigned' END AS queue,
           count(*) AS n, sum(first_response_at IS NULL AND first_response_due_at <= ?) AS overdue
         FROM tickets WHERE status IN ('open','waiting') AND status != 'resolved' GROUP BY 1, 2`,
      ),
      pages: db.prepare('PRAGMA page_count').pluck(),
      pageSize: db.prepare('PRAGMA page_size').pluck(),
    };
    prepared.set(db, s);
  }
  return s;
}

export interface Snapshot {
  outbox: { channel: string; status: string; n: number }[];
  channels: { channel: string; state: HealthState }[];
  tickets: { queues: { court: string; queue: string; n: number }[]; overdue: Map<string, number> };
  sqlite: { walBytes: number; pages: number; pageSize: number };
}

/** Reads each part on first use. */
export function snapshot(store: Store, channels: ChannelRegistry, now: number): Snapshot {
  const s = statements(store.db);
  const parts: Partial<Snapshot> = {};
  return {
    get outbox() {
      return (parts.outbox ??= outboxDepth(s.outbox, channels));
    },
    get channels() {
      return (parts.channels ??= channels.all().map((a) => ({ channel: a.name, state: a.health().state })));
    },
    get tickets() {
      return (parts.tickets ??= openTickets(s.tickets, store, now));
    },
    get sqlite() {
      return (parts.sqlite ??= { walBytes: walBytes(store.db.name), pages: s.pages.get() as number, pageSize: s.pageSize.get() as number });
    },
  };
}

/** Every registered channel and status appears, at 0 when empty, so a drained queue reads 0 rather than vanishing. */
function outboxDepth(stmt: Database.Statement, channels: ChannelRegistry): Snapshot['outbox'] {
  const depth = new Map<string, number>();
  for (const a of channels.all()) for (const status of Object.values(OUTBOX_STATUSES)) depth.set(`${a.name}\0${status}`, 0);
  for (const r of stmt.all() as { channel: string; status: keyof typeof OUTBOX_STATUSES; n: number }[])
    depth.set(`${r.channel}\0${OUTBOX_STATUSES[r.status]}`, r.n);
  return [...depth].map(([key, n]) => {
    const [channel, status] = key.split('\0') as [string, string];
    return { channel, status, n };
  });
}

/** Every court and queue appears, at 0 when empty. */
function openTickets(stmt: Database.Statement, store: Store, now: number): Snapshot['tickets'] {
  const courts = new Map(store.listCourts().map((c) => [c.id, c.code]));
  const counts = new Map<string, number>();
  const overdue = new Map<string, number>();
  for (const code of courts.values()) {
    for (const queue of QUEUES) counts.set(`${code}\0${queue}`, 0);
    overdue.set(code, 0);
  }
  for (const r of stmt.all(now) as { courtId: number; queue: string; n: number; overdue: number }[]) {
    const court = courts.get(r.courtId)!;
    counts.set(`${court}\0${r.queue}`, r.n);
    overdue.set(court, overdue.get(court)! + r.overdue);
  }
  const queues = [...counts].map(([key, n]) => {
    const [court, queue] = key.split('\0') as [string, string];
    return { court, queue, n };
  });
  return { queues, overdue };
}

/** The -wal file's size; 0 when there is none (after a clean close, or an in-memory database). */
function walBytes(dbFile: string): number {
  try {
    return fs.statSync(`${dbFile}-wal`).size;
  } catch {
    return 0;
  }
}

export function stateSet(state: HealthState): [HealthState, number][] {
  return STATES.map((s) => [s, s === state ? 1 : 0]);
}
