// The figures over tickets: received, first response, resolution, reply-by breaches, off-hours, languages, and
// the backlog at each day's end. Each is defined once here (its doc comment, the same words as
// docs/reports.md); the summary, its breakdowns, the drill-down and the exports all call these.
import { isWorkingTime, workingMsBetween, type CourtCalendar } from '../../routing/calendar/index.ts';
import { workingMs, type ReportData, type TicketFact } from './data.ts';
import { localHour } from './period.ts';
import { countBy, durations, share, type Durations } from './stats.ts';

/** A ticket counts for an operator when they hold it now (its assignee). */
export const heldBy = (data: ReportData, t: TicketFact) => data.query.operatorId === undefined || t.assigneeId === data.query.operatorId;

/**
 * Tickets received (поступило обращений): tickets created in the period (court time), of the chosen courts and
 * channel, and held by the chosen operator.
 */
export function receivedTickets(data: ReportData): TicketFact[] {
  const { start, end } = data.query.period;
  return data.tickets.filter((t) => t.createdAt >= start && t.createdAt < end && heldBy(data, t));
}

/** A ticket's working-time answers that depend only on it and its court's calendar, not on "now". */
export interface WorkingTimes {
  firstResponse: number | null;
  resolution: number | null;
  offHours: boolean;
  /** The reply-by verdict (limitVerdict), worked out per report: it may depend on "now", so the facts leave it out. */
  verdict?: 'within' | 'over' | null;
}

/** The definitions below (first response, resolution, off hours), worked out on a calendar: the report facts store them. */
export function workingTimesOn(cal: CourtCalendar, t: TicketFact): WorkingTimes {
  const created = new Date(t.createdAt);
  return {
    firstResponse: t.firstResponseAt === null ? null : workingMsBetween(cal, created, new Date(t.firstResponseAt)),
    resolution: t.status === 'resolved' && t.resolvedAt !== null ? workingMsBetween(cal, created, new Date(t.resolvedAt)) : null,
    offHours: !isWorkingTime(cal, created),
  };
}

/** Worked out once per ticket (the breakdowns by channel, court and operator ask again), or read from the facts. */
const cached = (data: ReportData, t: TicketFact) => (t.times ??= workingTimesOn(data.courts.get(t.courtId)!.calendar, t));

/**
 * First-response time (время первого ответа): working time of the ticket's court from its arrival to the first
 * answer a person gave (an operator's or specialist's reply, or an answered call); automatic replies do not
 * count. Null while unanswered.
 */
export const firstResponseMs = (data: ReportData, t: TicketFact): number | null => cached(data, t).firstResponse;

/** Resolution time (время решения): working time from arrival to resolution, for tickets resolved now. */
export const resolutionMs = (data: ReportData, t: TicketFact): number | null => cached(data, t).resolution;

/** When the reply clock stopped: the first answer, else a resolution without one, else it still runs ("now"). */
const replyClockStop = (data: ReportData, t: TicketFact) =>
  t.firstResponseAt ?? (t.status === 'resolved' ? t.resolvedAt : null) ?? data.query.asOf;

/** A ticket turned away as an appeal (обращение вне компетенции): its current verdict, after operators' decisions. */
export const outOfScope = (t: TicketFact) => t.scopeVerdict === 'appeal' || t.status === 'out_of_scope';

/**
 * Within the reply-by limit (в пределах норматива): answered within the court's limit
 * (`courts.sla_first_response_min`) of working time → 'within'; answered later, or not answered and already past
 * it ("now", or when resolved without an answer) → 'over'; otherwise (still in time, or turned away) null,
 * not judged yet.
 */
export function limitVerdict(data: ReportData, t: TicketFact): 'within' | 'over' | null {
  const m = cached(data, t);
  if (m.verdict === undefined) m.verdict = judge(data, t);
  return m.verdict;
}

function judge(data: ReportData, t: TicketFact): 'within' | 'over' | null {
  const limit = data.courts.get(t.courtId)!.limitMs;
  const answered = firstResponseMs(data, t);
  if (answered !== null) return answered <= limit ? 'within' : 'over';
  if (outOfScope(t)) return null;
  // Resolved without an answer: the clock stopped at the resolution, whose working time is known (the facts hold it).
  const elapsed = resolutionMs(data, t) ?? workingMs(data, t.courtId, t.createdAt, replyClockStop(data, t));
  return elapsed > limit ? 'over' : null;
}

/** Tickets a reply-by breach is judged on: with a reply-by time (set on arrival) and not turned away since. */
export const hasReplyBy = (t: TicketFact) => t.dueAt !== null && !outOfScope(t);

/**
 * Reply-by breach (нарушение срока ответа): the ticket's reply-by time (set on arrival: the court's limit in
 * working time) passed before the first answer, or passed with no answer yet ("now"), or before it was resolved
 * without one. Tickets turned away (on arrival: no reply-by time; or later by an operator) never breach.
 */
export const breached = (data: ReportData, t: TicketFact) => hasReplyBy(t) && replyClockStop(data, t) > t.dueAt!;

/** Received off hours (вне рабочего времени): created outside its court's working time (weekend, holiday, lunch, night). */
export const offHours = (data: ReportData, t: TicketFact): boolean => cached(data, t).offHours;

/** Language (язык обращения): as detected on arrival ('kk', 'ru', 'mixed'); none detected is 'unknown'. */
export const languageOf = (t: TicketFact) => t.language ?? 'unknown';

/**
 * Backlog at a day's end (остаток на конец дня): tickets received before the local day's end, not turned away,
 * and not resolved by then. Known from each ticket's current state: a ticket reopened later counts as unresolved
 * since it arrived.
 */
export function inBacklog(data: ReportData, t: TicketFact, dayEnd: number): boolean {
  return (
    heldBy(data, t) &&
    t.createdAt < dayEnd &&
    !outOfScope(t) &&
    !(t.status === 'resolved' && t.resolvedAt !== null && t.resolvedAt < dayEnd)
  );
}

export interface TicketFigures {
  received: number;
  byChannel: Record<string, number>;
  /** Over the answered tickets; the share is of the tickets judged (answered, or unanswered past the limit). */
  firstResponse: Durations & { withinLimit: number; overLimit: number; withinLimitShare: number | null };
  resolution: Durations;
  /** The share is of the received tickets judged for it (hasReplyBy). */
  slaBreaches: { count: number; share: number | null };
  offHours: { count: number; share: number | null };
  languages: Record<string, number>;
}

/** The ticket figures over a set of received tickets (the whole selection, or one channel's, court's, operator's). */
export function ticketFigures(data: ReportData, received: TicketFact[]): TicketFigures {
  // One pass: a year of all courts is a quarter of a million tickets, and this runs for every breakdown.
  const answered: number[] = [];
  const resolved: number[] = [];
  let within = 0;
  let over = 0;
  let withDue = 0;
  let breaches = 0;
  let off = 0;
  for (const t of received) {
    const first = firstResponseMs(data, t);
    if (first !== null) answered.push(first);
    const verdict = limitVerdict(data, t);
    if (verdict === 'within') within++;
    else if (verdict === 'over') over++;
    if (hasReplyBy(t)) {
      withDue++;
      if (breached(data, t)) breaches++;
    }
    if (offHours(data, t)) off++;
    const resolution = resolutionMs(data, t);
    if (resolution !== null) resolved.push(resolution);
  }
  return {
    received: received.length,
    byChannel: countBy(received, (t) => t.channel),
    firstResponse: { ...durations(answered), withinLimit: within, overLimit: over, withinLimitShare: share(within, within + over) },
    resolution: durations(resolved),
    slaBreaches: { count: breaches, share: share(breaches, withDue) },
    offHours: { count: off, share: share(off, received.length) },
    languages: countBy(received, languageOf),
  };
}

export interface DayRow {
  date: string;
  received: number;
  byChannel: Record<string, number>;
  backlog: number;
}

/** Per local day of the period: tickets received (by channel) and the backlog at the day's end. */
export function dailyRows(data: ReportData, received: TicketFact[]): DayRow[] {
  const { days } = data.query.period;
  // A ticket's day: the number of day ends at or before its arrival (no date formatting per ticket).
  const ends = Float64Array.from(days.map((d) => d.end));
  const byDay = days.map((): TicketFact[] => []);
  for (const t of received) byDay[countBefore(ends, t.createdAt + 1)].push(t);
  // inBacklog counted for every day at once: arrivals before the day's end less resolutions before it.
  const counted = data.tickets.filter((t) => heldBy(data, t) && !outOfScope(t));
  const arrivals = Float64Array.from(counted.map((t) => t.createdAt)).sort();
  const resolutions = Float64Array.from(
    counted.filter((t) => t.status === 'resolved' && t.resolvedAt !== null).map((t) => t.resolvedAt!),
  ).sort();
  return days.map((day, i) => {
    const list = byDay[i];
    return {
      date: day.date,
      received: list.length,
      byChannel: countBy(list, (t) => t.channel),
      backlog: countBefore(arrivals, day.end) - countBefore(resolutions, day.end),
    };
  });
}

/** How many of the sorted values are below `limit`. */
function countBefore(sorted: ArrayLike<number>, limit: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Arrivals by ISO weekday (rows 0–6: Monday–Sunday) and local hour (columns 0–23): the heat map. */
export function arrivalsHeatMap(data: ReportData, received: TicketFact[]): number[][] {
  const grid = Array.from({ length: 7 }, () => Array<number>(24).fill(0));
  for (const t of received) {
    const p = localHour(data.query.period.timeZone, t.createdAt);
    grid[p.weekday - 1][p.hour]++;
  }
  return grid;
}
