// The report facts: one row per ticket with what the figures read of it and its working times (first response,
// resolution, off hours) already worked out on its court's calendar, so that a report reads compact index ranges
// instead of doing calendar arithmetic per ticket. Kept by a job outside ingest (src/catch-up-job.ts), in batches:
// - new and changed tickets, by a cursor over (updated_at, id): every change of a ticket sets its updated_at, and
//   the tickets_live and tickets_resolved indexes (migration 12) give them in that order;
// - a court's facts again when its calendar changed (report_facts_courts keeps the calendar they were worked out
//   on; until they are redone, reports compute that court as before, facts-read.ts).
import { CalendarBook } from '../calendars.ts';
import type { Store } from '../store/index.ts';
import { LIVE, q, TICKET_COLUMNS, type TicketFact } from './data.ts';
import { workingTimesOn } from './tickets.ts';
import type { CourtCalendar } from '../../routing/calendar/index.ts';

/** Tickets worked out per batch: about 10 ms of the writer's time (docs/reports.md, "Speed"). */
export const FACTS_BATCH = 500;
/**
 * The cursor stays this far behind "now": a ticket changed later gets a later updated_at, so none is passed over
 * (updated_at comes from the clock of the one writer). Reports read the tickets changed since the cursor directly.
 */
export const FACTS_SETTLE_MS = 2_000;

/** What a calendar is, as text: the facts of a court were worked out on this one. */
export const calendarKey = (cal: CourtCalendar) => JSON.stringify(cal);

export interface FactsCursor {
  updatedAt: number;
  ticketId: number;
}

export function factsCursor(store: Store): FactsCursor {
  return q(store.db, `SELECT updated_at AS updatedAt, ticket_id AS ticketId FROM report_facts_cursor WHERE id = 1`).get() as FactsCursor;
}

interface CourtState {
  courtId: number;
  calendar: string;
  redoCalendar: string | null;
  redoCreatedAt: number | null;
  redoTicketId: number | null;
}

/** The calendar each court's facts were worked out on, and where a redo after a change has got to. */
export function factsCourts(store: Store): Map<number, CourtState> {
  const rows = q(
    store.db,
    `SELECT court_id AS courtId, calendar, redo_calendar AS redoCalendar, redo_created_at AS redoCreatedAt, redo_ticket_id AS redoTicketId
     FROM report_facts_courts`,
  ).all() as CourtState[];
  return new Map(rows.map((r) => [r.courtId, r]));
}

type Row = TicketFact & { updatedAt: number };

function upsert(store: Store, book: CalendarBook, tickets: TicketFact[]) {
  // OR REPLACE also drops the ticket's old row when it moved court (the unique ticket_id index).
  const put = q(
    store.db,
    `INSERT OR REPLACE INTO report_facts (court_id, created_at, ticket_id, channel, assignee_id, status, scope_verdict, model_verdict,
       language, first_response_at, due_at, resolved_at, done_at, first_response_ms, resolution_ms, off_hours)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const t of tickets) {
    const w = workingTimesOn(book.for(t.courtId), t);
    put.run(
      t.courtId,
      t.createdAt,
      t.id,
      t.channel,
      t.assigneeId,
      t.status,
      t.scopeVerdict,
      t.modelVerdict,
      t.language,
      t.firstResponseAt,
      t.dueAt,
      t.resolvedAt,
      t.status === 'resolved' ? t.resolvedAt : null,
      w.firstResponse,
      w.resolution,
      w.offHours ? 1 : 0,
    );
  }
}

/** The next tickets after the cursor changed before `before`, in (updated_at, id) order: a merge of the status ranges. */
function changedTickets(store: Store, cursor: FactsCursor, before: number, limit: number): Row[] {
  const range = `t.updated_at >= @at AND t.updated_at < @before AND (t.updated_at > @at OR t.id > @id) ORDER BY t.updated_at, t.id LIMIT @limit`;
  const params = { at: cursor.updatedAt, id: cursor.ticketId, before, limit };
  const rows: Row[] = [];
  const select = `SELECT ${TICKET_COLUMNS}, t.updated_at AS updatedAt FROM tickets t`;
  for (const s of LIVE)
    rows.push(
      ...(q(store.db, `${select} INDEXED BY tickets_live WHERE t.status = '${s}' AND t.status != 'resolved' AND ${range}`).all(
        params,
      ) as Row[]),
    );
  rows.push(...(q(store.db, `${select} INDEXED BY tickets_resolved WHERE t.status = 'resolved' AND ${range}`).all(params) as Row[]));
  rows.sort((a, b) => a.updatedAt - b.updatedAt || a.id - b.id);
  return rows.slice(0, limit);
}

/** Notes calendar changes: a court met for the first time takes its calendar; a changed one starts (over) a redo. */
function checkCalendars(store: Store, book: CalendarBook): CourtState[] {
  const states = factsCourts(store);
  const courtIds = (q(store.db, `SELECT id FROM courts ORDER BY id`).all() as { id: number }[]).map((c) => c.id);
  for (const id of courtIds) {
    const key = calendarKey(book.for(id));
    const s = states.get(id);
    if (!s) q(store.db, `INSERT INTO report_facts_courts (court_id, calendar) VALUES (?, ?)`).run(id, key);
    else if (s.calendar !== key ? s.redoCalendar !== key : s.redoCalendar !== null)
      // Changed (or changed again during a redo, or back to what the facts hold): redo from the start, or not at all.
      q(store.db, `UPDATE report_facts_courts SET redo_calendar = ?, redo_created_at = ?, redo_ticket_id = ? WHERE court_id = ?`).run(
        ...(s.calendar === key ? [null, null, null] : [key, Number.MIN_SAFE_INTEGER, 0]),
        id,
      );
  }
  return [...factsCourts(store).values()].filter((s) => s.redoCalendar !== null);
}

/** A batch of one court's redo: its facts in (created_at, id) order, worked out again from the tickets. */
function redoBatch(store: Store, book: CalendarBook, s: CourtState, limit: number): number {
  const ids = q(
    store.db,
    `SELECT ticket_id AS id, created_at AS createdAt FROM report_facts
       WHERE court_id = @court AND created_at >= @at AND (created_at > @at OR ticket_id > @id) ORDER BY created_at, ticket_id LIMIT @limit`,
  ).all({ court: s.courtId, at: s.redoCreatedAt, id: s.redoTicketId, limit }) as { id: number; createdAt: number }[];
  const one = q(store.db, `SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.id = ?`);
  upsert(
    store,
    book,
    ids.map((r) => one.get(r.id) as TicketFact),
  );
  const last = ids[ids.length - 1];
  if (ids.length < limit)
    q(
      store.db,
      `UPDATE report_facts_courts SET calendar = redo_calendar, redo_calendar = NULL, redo_created_at = NULL, redo_ticket_id = NULL WHERE court_id = ?`,
    ).run(s.courtId);
  else
    q(store.db, `UPDATE report_facts_courts SET redo_created_at = ?, redo_ticket_id = ? WHERE court_id = ?`).run(
      last.createdAt,
      last.id,
      s.courtId,
    );
  return ids.length;
}

/**
 * One batch of the job, in one write transaction: a court's redo first when a calendar changed, then the tickets
 * changed since the cursor. Returns how many tickets it worked out (a full batch: more are waiting).
 */
export function runFactsBatch(store: Store, timeZone: string, now: number, limit = FACTS_BATCH): number {
  return store.tx(() => {
    const book = new CalendarBook(store, timeZone);
    const redo = checkCalendars(store, book);
    if (redo.length) return redoBatch(store, book, redo[0], limit);
    const rows = changedTickets(store, factsCursor(store), now - FACTS_SETTLE_MS, limit);
    if (!rows.length) return 0;
    upsert(store, book, rows);
    const last = rows[rows.length - 1];
    q(store.db, `UPDATE report_facts_cursor SET updated_at = ?, ticket_id = ? WHERE id = 1`).run(last.updatedAt, last.id);
    return rows.length;
  });
}
