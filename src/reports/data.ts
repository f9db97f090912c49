// What the report figures are computed from, read in one snapshot: the tickets, escalations, missed calls and
// scope decisions of a period, narrowed to courts and a channel. Read only: nothing here writes, and every read
// is an index range where one exists; tickets come from the report facts where they serve (see docs/reports.md,
// "Speed").
import type Database from 'better-sqlite3';
import { workingMsBetween, type CourtCalendar } from '../../routing/calendar/index.ts';
import { CalendarBook } from '../calendars.ts';
import type { Store } from '../store/index.ts';
import { ticketsFromFacts } from './facts-read.ts';
import type { FactsSums } from './facts-sum.ts';
import type { ReportPeriod } from './period.ts';
import { ratingFigures } from './ratings.ts';
import type { WorkingTimes } from './tickets.ts';

/** The statuses a ticket is "live" in (not resolved): the tickets_live index holds them. */
export const LIVE = ['open', 'waiting', 'out_of_scope'] as const;
/**
 * A call's outcomes that leave the citizen unanswered: each asks for a call back, and call progress gives it a
 * call-back due time (src/calls.ts); the reports find them by it (calls_missed_started, migration 23).
 */
export const MISSED_OUTCOMES = ['missed', 'abandoned', 'rejected_off_hours'] as const;
/** The phone channel: calls belong to it, whatever channel their ticket began on. */
export const PHONE_CHANNEL = 'sip';

export interface TicketFact {
  id: number;
  courtId: number;
  channel: string;
  assigneeId: number | null;
  status: string;
  scopeVerdict: string | null;
  /** The appeal filter's own verdict on arrival ('appeal': turned away automatically). */
  modelVerdict: string | null;
  language: string | null;
  createdAt: number;
  firstResponseAt: number | null;
  /** The reply-by time set when the ticket arrived (working time of its court); null for tickets turned away. */
  dueAt: number | null;
  resolvedAt: number | null;
  /** Its working times (tickets.ts), worked out once per report, or read from the report facts (facts-read.ts). */
  times?: WorkingTimes;
}

export interface EscalationFact {
  id: number;
  ticketId: number;
  courtId: number;
  channel: string;
  fromUserId: number;
  toUserId: number;
  status: 'open' | 'answered' | 'returned' | 'passed';
  createdAt: number;
  pickedUpAt: number | null;
  answeredAt: number | null;
}

export interface MissedCallFact {
  id: number;
  ticketId: number;
  courtId: number;
  assigneeId: number | null;
  startedAt: number;
  callbackDueAt: number | null;
  /** When the citizen was spoken to after it: a later answered call on the ticket, or a callback marked done. */
  calledBackAt: number | null;
}

export interface DecisionFact {
  ticketId: number;
  source: 'overrule' | 'marked_appeal';
  userId: number | null;
}

export interface CourtInfo {
  id: number;
  code: string;
  nameRu: string;
  nameKk: string;
  /** The court's reply-by limit (`courts.sla_first_response_min`), in ms of working time. */
  limitMs: number;
  calendar: CourtCalendar;
}

/** What a report is asked for: `courts` already narrowed to what the viewer may see. */
export interface ReportQuery {
  courts: number[] | 'all';
  channel?: string;
  operatorId?: number;
  period: ReportPeriod;
  /** "Now" for figures that depend on it (a reply-by time passed without an answer). */
  asOf: number;
}

export interface ReportData {
  query: ReportQuery;
  courts: Map<number, CourtInfo>;
  /**
   * Tickets received before the period's end that were live or resolved during it (a superset of "received"); for a
   * summary read with `sums`, only those the sums leave out (changed since the facts' cursor, or of courts the
   * facts do not serve). The drill-down needs them all.
   */
  tickets: TicketFact[];
  /** The rest of the tickets, summed in SQL over the report facts (facts-sum.ts); null: all are in `tickets`. */
  sums: FactsSums | null;
  escalations: EscalationFact[];
  missedCalls: MissedCallFact[];
  /** Operators' scope decisions on tickets received in the period. */
  decisions: DecisionFact[];
  userNames: Map<number, string>;
  /** The citizens' ratings (ratings.ts): read here, in the same snapshot. */
  ratings: ReturnType<typeof ratingFigures>;
}

export const TICKET_COLUMNS = `t.id, t.court_id AS courtId, t.channel, t.assignee_id AS assigneeId, t.status, t.scope_verdict AS scopeVerdict,
  t.scope_model_verdict AS modelVerdict, t.language, t.created_at AS createdAt, t.first_response_at AS firstResponseAt, t.first_response_due_at AS dueAt, t.resolved_at AS resolvedAt`;

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();
export function q(db: Database.Database, sql: string): Database.Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map<string, Database.Statement>()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

/**
 * The tickets a period's figures need, as index range reads: a ticket's updated_at is never before its
 * created_at nor its resolved_at, so a ticket received in the period, or resolved in it, or still live, is
 * found among the resolved tickets updated since the period's start and the live ones (few).
 */
function ticketSql(court: boolean, channel: boolean): string[] {
  const common = ['t.created_at < @end', ...(court ? ['t.court_id = @court'] : []), ...(channel ? ['t.channel = @channel'] : [])];
  const resolvedIndex = `tickets_resolved${court ? '_court' : ''}${channel ? '_channel' : ''}`;
  return [
    ...LIVE.map(
      (s) =>
        `SELECT ${TICKET_COLUMNS} FROM tickets t INDEXED BY tickets_live WHERE t.status = '${s}' AND t.status != 'resolved' AND ${common.join(' AND ')}`,
    ),
    `SELECT ${TICKET_COLUMNS} FROM tickets t INDEXED BY ${resolvedIndex} WHERE t.status = 'resolved' AND t.updated_at >= @start AND ${common.join(' AND ')}`,
  ];
}

function loadTickets(db: Database.Database, query: ReportQuery): TicketFact[] {
  const { period, channel } = query;
  const out: TicketFact[] = [];
  const courts = query.courts === 'all' ? [null] : query.courts;
  for (const court of courts)
    for (const sql of ticketSql(court !== null, channel !== undefined)) {
      const params = {
        start: period.start,
        end: period.end,
        ...(court !== null ? { court } : {}),
        ...(channel !== undefined ? { channel } : {}),
      };
      // Row by row: a year's tickets are too many to spread into push() as arguments.
      for (const t of q(db, sql).iterate(params) as IterableIterator<TicketFact>) out.push(t);
    }
  return out;
}

/** The tickets from the report facts where they serve (facts-read.ts; summed), the rest read and computed directly. */
function readTickets(
  store: Store,
  query: ReportQuery,
  courts: Map<number, CourtInfo>,
  summed: boolean,
): { tickets: TicketFact[]; sums: FactsSums | null } {
  const split = ticketsFromFacts(store, query, courts, summed);
  if (split === null) return { tickets: loadTickets(store.db, query), sums: null };
  if (split.otherCourts.length) for (const t of loadTickets(store.db, { ...query, courts: split.otherCourts })) split.tickets.push(t);
  return { tickets: split.tickets, sums: split.sums };
}

const inCourts = (query: ReportQuery, courtId: number) => query.courts === 'all' || query.courts.includes(courtId);

function loadEscalations(db: Database.Database, query: ReportQuery): EscalationFact[] {
  const rows = q(
    db,
    `SELECT e.id, e.ticket_id AS ticketId, t.court_id AS courtId, t.channel, e.from_user_id AS fromUserId, e.to_user_id AS toUserId,
       e.status, e.created_at AS createdAt, e.picked_up_at AS pickedUpAt, e.answered_at AS answeredAt
     FROM escalations e JOIN tickets t ON t.id = e.ticket_id WHERE e.created_at >= ? AND e.created_at < ? ORDER BY e.id`,
  ).all(query.period.start, query.period.end) as EscalationFact[];
  return rows.filter((e) => inCourts(query, e.courtId) && (query.channel === undefined || e.channel === query.channel));
}

function loadMissedCalls(db: Database.Database, query: ReportQuery): MissedCallFact[] {
  if (query.channel !== undefined && query.channel !== PHONE_CHANNEL) return [];
  const rows = q(
    db,
    `SELECT c.id, c.ticket_id AS ticketId, t.court_id AS courtId, t.assignee_id AS assigneeId, c.started_at AS startedAt,
       c.callback_due_at AS callbackDueAt, c.callback_done_at AS doneAt
     FROM calls c INDEXED BY calls_missed_started JOIN tickets t ON t.id = c.ticket_id
     WHERE c.callback_due_at IS NOT NULL AND c.started_at >= ? AND c.started_at < ?
       AND c.outcome IN (${MISSED_OUTCOMES.map((o) => `'${o}'`).join(', ')}) ORDER BY c.id`,
  ).all(query.period.start, query.period.end) as (Omit<MissedCallFact, 'calledBackAt'> & { doneAt: number | null })[];
  // The ticket's calls (calls_ticket index): the first one answered after the missed call.
  const later = q(db, `SELECT min(answered_at) AS at FROM calls WHERE ticket_id = ? AND answered_at IS NOT NULL AND started_at > ?`);
  return rows
    .filter((c) => inCourts(query, c.courtId))
    .map(({ doneAt, ...c }) => {
      const answered = (later.get(c.ticketId, c.startedAt) as { at: number | null }).at;
      const both = [doneAt, answered].filter((x): x is number => x !== null);
      return { ...c, calledBackAt: both.length ? Math.min(...both) : null };
    });
}

function loadDecisions(db: Database.Database, query: ReportQuery): DecisionFact[] {
  // The decisions on tickets received in the period (their court, channel and arrival as they are now); a decision
  // comes after its ticket arrived, so those were taken since the period's start.
  const rows = q(
    db,
    `SELECT d.ticket_id AS ticketId, d.source, d.user_id AS userId, t.court_id AS courtId, t.channel, t.created_at AS createdAt
     FROM scope_decisions d INDEXED BY scope_decisions_at JOIN tickets t ON t.id = d.ticket_id
     WHERE d.created_at >= @start AND t.created_at >= @start AND t.created_at < @end ORDER BY d.id`,
  ).all({ start: query.period.start, end: query.period.end }) as (DecisionFact & { courtId: number; channel: string })[];
  return rows
    .filter((d) => inCourts(query, d.courtId) && (query.channel === undefined || d.channel === query.channel))
    .map(({ ticketId, source, userId }) => ({ ticketId, source, userId }));
}

/**
 * Reads everything a report needs in one read transaction (one snapshot), with each court's calendar. `summed`:
 * for the summary only, the tickets the facts serve summed in SQL (ReportData.sums) rather than read.
 */
export function loadReportData(store: Store, query: ReportQuery, defaultTimeZone: string, summed = false): ReportData {
  return store.tx(() => {
    const db = store.db;
    const book = new CalendarBook(store, defaultTimeZone);
    const courts = new Map<number, CourtInfo>();
    const courtRows = q(
      db,
      `SELECT id, code, name_ru AS nameRu, name_kk AS nameKk, sla_first_response_min AS slaMin FROM courts ORDER BY id`,
    ).all() as {
      id: number;
      code: string;
      nameRu: string;
      nameKk: string;
      slaMin: number;
    }[];
    for (const c of courtRows)
      courts.set(c.id, {
        id: c.id,
        code: c.code,
        nameRu: c.nameRu,
        nameKk: c.nameKk,
        limitMs: c.slaMin * 60_000,
        calendar: book.for(c.id),
      });
    const { tickets, sums } = readTickets(store, query, courts, summed);
    const userNames = new Map(
      (q(db, `SELECT id, name FROM users`).all() as { id: number; name: string }[]).map((u) => [u.id, u.name] as const),
    );
    return {
      query,
      courts,
      tickets,
      sums,
      escalations: loadEscalations(db, query),
      missedCalls: loadMissedCalls(db, query),
      decisions: loadDecisions(db, query),
      userNames,
      ratings: ratingFigures(store, query),
    };
  });
}

/** Working time (ms) of the court's calendar between two instants. */
export function workingMs(data: ReportData, courtId: number, from: number, to: number): number {
  return workingMsBetween(data.courts.get(courtId)!.calendar, new Date(from), new Date(to));
}
