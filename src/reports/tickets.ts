// The figures over tickets: received, first response, resolution, reply-by breaches, off-hours, languages, and
// the backlog at each day's end. Each is defined once here (its doc comment, the same words as
// docs/reports.md); the summary, its breakdowns, the drill-down and the exports all call these.
import { isWorkingTime, workingMsBetween, type CourtCalendar } from '../../routing/calendar/index.ts';
import type { ReportData, TicketFact } from './data.ts';
import { emptyLeaf, leafKey, type DaysTally, type Leaf } from './tally.ts';

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
  const resolution = resolutionMs(data, t);
  if (resolution !== null) return resolution > limit ? 'over' : null;
  return workingMsOver(data.courts.get(t.courtId)!.calendar, t.createdAt, replyClockStop(data, t), limit) ? 'over' : null;
}

/**
 * Whether more than `limit` of working time lies between `from` and `to`: the working time up to `to`, counted a
 * stretch at a time (it only grows), so a ticket open for years is not summed day by day to its end.
 */
export function workingMsOver(cal: CourtCalendar, from: number, to: number, limit: number): boolean {
  for (let span = 7 * 86_400_000; ; span *= 8) {
    const until = Math.min(to, from + span);
    if (workingMsBetween(cal, new Date(from), new Date(until)) > limit) return true;
    if (until === to) return false;
  }
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

export type { TicketFigures } from './tally.ts';

/** Adds the received ticket `t` to its leaf (tally.ts): the figures above, each ticket's flags summed. */
export function tallyTicket(data: ReportData, t: TicketFact, leaves: Map<string, Leaf>) {
  const language = languageOf(t);
  const key = leafKey(t.courtId, t.channel, t.assigneeId, language);
  let l = leaves.get(key);
  if (!l) leaves.set(key, (l = emptyLeaf(t.courtId, t.channel, t.assigneeId, language)));
  l.received++;
  const first = firstResponseMs(data, t);
  if (first !== null) l.firstResponse.push(first);
  const verdict = limitVerdict(data, t);
  if (verdict === 'within') l.within++;
  else if (verdict === 'over') l.over++;
  if (hasReplyBy(t)) {
    l.withReplyBy++;
    if (breached(data, t)) l.breaches++;
  }
  if (offHours(data, t)) l.offHours++;
  const resolution = resolutionMs(data, t);
  if (resolution !== null) l.resolution.push(resolution);
  if (outOfScope(t)) l.outOfScope++;
  if (t.modelVerdict === 'appeal') l.filtered++;
}

/**
 * Adds a ticket of the report (received in the period, or before it and not resolved by its start) to the days:
 * when received in the period, to its day's count and the heat map; held by the chosen operator and not turned
 * away, to the backlog (inBacklog: its arrival, and its resolution if resolved).
 */
export function tallyDays(data: ReportData, t: TicketFact, days: DaysTally) {
  if (!heldBy(data, t)) return;
  const { start, end } = data.query.period;
  if (t.createdAt >= start && t.createdAt < end) days.addReceived(t.createdAt, t.channel, 1);
  if (outOfScope(t)) return;
  days.addArrivals(t.createdAt, 1);
  if (t.status === 'resolved' && t.resolvedAt !== null) days.addResolutions(t.resolvedAt, 1);
}
