// The tickets of a report read from the report facts (facts.ts), exact at any moment: the facts give the tickets
// unchanged since the job's cursor with their working times worked out; the tickets changed since (the last
// seconds, read from the tickets by the same indexes the job follows) and every ticket of a court whose calendar
// changed since its facts were worked out are taken as they are now and computed here, as without the facts.
// For a summary the unchanged tickets are summed in SQL instead of read (facts-sum.ts).
import type Database from 'better-sqlite3';
import type { Store } from '../store/index.ts';
import { LIVE, q, TICKET_COLUMNS, type CourtInfo, type ReportQuery, type TicketFact } from './data.ts';
import { calendarKey, factsCourts, factsCursor } from './facts.ts';
import { sumFacts, type FactsSums } from './facts-sum.ts';

const FACT_COLUMNS = `ticket_id, court_id, channel, assignee_id, status, scope_verdict, model_verdict, language, created_at,
  first_response_at, due_at, resolved_at, first_response_ms, resolution_ms, off_hours`;

type FactRow = [
  number,
  number,
  string,
  number | null,
  string,
  string | null,
  string | null,
  string | null,
  number,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number,
];

// Rows as arrays and one object literal each: a year's 250,000 tickets are read in a fraction of the time named
// columns and a spread would take.
const toFact = (r: FactRow): TicketFact => ({
  id: r[0],
  courtId: r[1],
  channel: r[2],
  assigneeId: r[3],
  status: r[4],
  scopeVerdict: r[5],
  modelVerdict: r[6],
  language: r[7],
  createdAt: r[8],
  firstResponseAt: r[9],
  dueAt: r[10],
  resolvedAt: r[11],
  times: { firstResponse: r[12], resolution: r[13], offHours: r[14] === 1, verdict: undefined },
});

/** The tickets changed since `since`, as they are now (any court or channel: a ticket may have moved). */
function changedSince(db: Database.Database, since: number): TicketFact[] {
  const out: TicketFact[] = [];
  const select = `SELECT ${TICKET_COLUMNS} FROM tickets t`;
  for (const s of LIVE)
    out.push(
      ...(q(db, `${select} INDEXED BY tickets_live WHERE t.status = '${s}' AND t.status != 'resolved' AND t.updated_at >= ?`).all(
        since,
      ) as TicketFact[]),
    );
  out.push(
    ...(q(db, `${select} INDEXED BY tickets_resolved WHERE t.status = 'resolved' AND t.updated_at >= ?`).all(since) as TicketFact[]),
  );
  return out;
}

export interface FactsSplit {
  /** The tickets read one by one: all of them, or (summed) only those changed since the cursor. */
  tickets: TicketFact[];
  /** The served courts' unchanged tickets as sums (facts-sum.ts), when asked for. */
  sums: FactsSums | null;
  /** Courts the facts cannot serve yet (calendar changed, or not met by the job): to be read as without facts. */
  otherCourts: number[];
}

/**
 * The tickets a period's figures need (those received in it, and those received before it and not resolved by its
 * start: the backlog), from the facts; null when reading the tickets directly is no more work (the job's cursor
 * is before the period's start: everything since would be read anyway).
 */
export function ticketsFromFacts(store: Store, query: ReportQuery, courts: Map<number, CourtInfo>, summed = false): FactsSplit | null {
  const db = store.db;
  const cursor = factsCursor(store);
  const { start, end } = query.period;
  if (cursor.updatedAt < start) return null;
  const states = factsCourts(store);
  const wanted = query.courts === 'all' ? [...courts.keys()] : query.courts;
  const served = wanted.filter((id) => {
    const s = states.get(id);
    const court = courts.get(id);
    return s !== undefined && court !== undefined && s.redoCalendar === null && s.calendar === calendarKey(court.calendar);
  });
  const servedSet = new Set(served);
  const changed = changedSince(db, cursor.updatedAt);
  const changedIds = new Set(changed.map((t) => t.id));
  const channel = query.channel === undefined ? '' : ' AND channel = @channel';
  const received = q(
    db,
    `SELECT ${FACT_COLUMNS} FROM report_facts WHERE court_id = @court AND created_at >= @start AND created_at < @end${channel}`,
  );
  const carriedOpen = q(
    db,
    `SELECT ${FACT_COLUMNS} FROM report_facts INDEXED BY report_facts_open WHERE court_id = @court AND done_at IS NULL AND created_at < @start${channel}`,
  );
  const carriedDone = q(
    db,
    `SELECT ${FACT_COLUMNS} FROM report_facts INDEXED BY report_facts_open WHERE court_id = @court AND done_at >= @start AND created_at < @start${channel}`,
  );
  const tickets: TicketFact[] = [];
  const sums = summed ? sumFacts(db, query, courts, served, [...changedIds]) : null;
  if (!summed)
    for (const court of served) {
      const params = { court, start, end, ...(query.channel === undefined ? {} : { channel: query.channel }) };
      for (const stmt of [received, carriedOpen, carriedDone])
        // Row by row: a year's tickets are too many to spread into push() as arguments (and all() was no faster).
        for (const r of stmt.raw(true).iterate(params) as IterableIterator<FactRow>) if (!changedIds.has(r[0])) tickets.push(toFact(r));
    }
  for (const t of changed)
    if (servedSet.has(t.courtId) && t.createdAt < end && (query.channel === undefined || t.channel === query.channel)) tickets.push(t);
  return { tickets, sums, otherCourts: wanted.filter((id) => !servedSet.has(id)) };
}
