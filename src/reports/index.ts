// A report: every figure of a period for the chosen courts, channel and operator, and the
// tickets behind one number (the drill-down). Both call the same definitions, so a number and its list agree.
import type { Store } from '../store/index.ts';
import { callbackState, callFigures, missedCallsOf } from './calls.ts';
import { loadReportData, type ReportData, type ReportQuery } from './data.ts';
import { escalationFigures, escalationsOf } from './escalations.ts';
import { decidedTickets, scopeFigures, scopeTickets } from './scope.ts';
import { DaysTally, figuresOf, groupLeaves, type Leaf } from './tally.ts';
import {
  breached,
  firstResponseMs,
  inBacklog,
  languageOf,
  limitVerdict,
  offHours,
  outOfScope,
  receivedTickets,
  resolutionMs,
  tallyDays,
  tallyTicket,
} from './tickets.ts';

export type { ReportQuery } from './data.ts';

/** Ids in order, null (nobody) last. */
const nullLast = (a: number | null, b: number | null) => (a === null ? 1 : b === null ? -1 : a - b);

export function summarize(data: ReportData) {
  const { period, channel, operatorId, asOf } = data.query;
  // Tally leaves and days (tally.ts): the tickets read one by one, and the sums of the rest over the facts.
  const own = new Map<string, Leaf>();
  const days = new DaysTally(period.days, period.timeZone);
  for (const t of data.tickets) {
    if (t.createdAt >= period.start && t.createdAt < period.end) tallyTicket(data, t, own);
    tallyDays(data, t, days);
  }
  const sums = data.sums;
  if (sums) {
    for (const r of sums.received) days.addReceived(r.at, r.channel, r.n);
    for (const r of sums.arrivals) days.addArrivals(r.at, r.n);
    for (const r of sums.resolutions) days.addResolutions(r.at, r.n);
  }
  const leaves = [...(sums?.leaves ?? []), ...own.values()];
  // Ticket figures count the received tickets held by the chosen operator (heldBy); the scope figures all of them.
  const held = operatorId === undefined ? leaves : leaves.filter((l) => l.assigneeId === operatorId);
  const byChannel = groupLeaves(held, (l) => l.channel);
  const byCourt = groupLeaves(held, (l) => l.courtId);
  const byOperator = groupLeaves(held, (l) => l.assigneeId);
  return {
    period: { kind: period.kind, from: period.from, to: period.to, timeZone: period.timeZone },
    filters: { courts: data.query.courts, channel: channel ?? null, operatorId: operatorId ?? null },
    asOf,
    tickets: figuresOf(held),
    days: days.rows(),
    arrivals: days.heat,
    byChannel: [...byChannel.keys()].sort().map((c) => ({ channel: c, ...figuresOf(byChannel.get(c)!) })),
    byCourt: [...byCourt.keys()]
      .sort((a, b) => a - b)
      .map((id) => {
        const c = data.courts.get(id)!;
        return { courtId: id, code: c.code, nameRu: c.nameRu, nameKk: c.nameKk, ...figuresOf(byCourt.get(id)!) };
      }),
    // The operator holding each ticket now; null: nobody (waiting in the queue, or turned away).
    byOperator: [...byOperator.keys()].sort(nullLast).map((id) => ({
      operatorId: id,
      name: id === null ? null : (data.userNames.get(id) ?? null),
      ...figuresOf(byOperator.get(id)!),
    })),
    escalations: escalationFigures(data),
    scope: scopeFigures(data, leaves),
    calls: callFigures(data),
    ratings: data.ratings,
  };
}

export type ReportSummary = ReturnType<typeof summarize>;

/** The numbers a drill-down can open, each the tickets one figure counts. */
export const DRILL_FIGURES = [
  'received',
  'answered',
  'withinLimit',
  'overLimit',
  'resolved',
  'slaBreached',
  'offHours',
  'language',
  'backlog',
  'outOfScope',
  'filtered',
  'overruled',
  'markedAppeal',
  'escalated',
  'missedCall',
  'callbackOverdue',
] as const;
export type DrillFigure = (typeof DRILL_FIGURES)[number];

/** What some figures need besides the filters: the language, or the day whose end the backlog is counted at. */
export interface DrillParams {
  language?: string;
  date?: string;
}

/** The ids of the tickets behind a figure, newest first (a ticket once, however many escalations or calls). */
export function drillIds(data: ReportData, figure: DrillFigure, p: DrillParams): number[] {
  if (data.sums) throw new Error('the drill-down needs every ticket: read the report without sums');
  const received = () => receivedTickets(data);
  let ids: number[];
  switch (figure) {
    case 'received':
      ids = received().map((t) => t.id);
      break;
    case 'answered':
      ids = received()
        .filter((t) => firstResponseMs(data, t) !== null)
        .map((t) => t.id);
      break;
    case 'withinLimit':
    case 'overLimit': {
      const want = figure === 'withinLimit' ? 'within' : 'over';
      ids = received()
        .filter((t) => limitVerdict(data, t) === want)
        .map((t) => t.id);
      break;
    }
    case 'resolved':
      ids = received()
        .filter((t) => resolutionMs(data, t) !== null)
        .map((t) => t.id);
      break;
    case 'slaBreached':
      ids = received()
        .filter((t) => breached(data, t))
        .map((t) => t.id);
      break;
    case 'offHours':
      ids = received()
        .filter((t) => offHours(data, t))
        .map((t) => t.id);
      break;
    case 'language':
      ids = received()
        .filter((t) => languageOf(t) === p.language)
        .map((t) => t.id);
      break;
    case 'backlog': {
      const day = data.query.period.days.find((d) => d.date === p.date);
      ids = day ? data.tickets.filter((t) => inBacklog(data, t, day.end)).map((t) => t.id) : [];
      break;
    }
    case 'outOfScope':
      ids = scopeTickets(data)
        .filter(outOfScope)
        .map((t) => t.id);
      break;
    case 'filtered':
      ids = scopeTickets(data)
        .filter((t) => t.modelVerdict === 'appeal')
        .map((t) => t.id);
      break;
    case 'overruled':
    case 'markedAppeal':
      ids = decidedTickets(data, scopeTickets(data), figure === 'overruled' ? 'overrule' : 'marked_appeal').map((t) => t.id);
      break;
    case 'escalated':
      ids = escalationsOf(data).map((e) => e.ticketId);
      break;
    case 'missedCall':
      ids = missedCallsOf(data).map((c) => c.ticketId);
      break;
    case 'callbackOverdue':
      ids = missedCallsOf(data)
        .filter((c) => callbackState(data, c) === 'overdue')
        .map((c) => c.ticketId);
      break;
  }
  return [...new Set(ids)].sort((a, b) => b - a);
}

/** Working minutes a drill-down row shows beside the ticket (its first response and resolution). */
export function ticketTimes(data: ReportData, ids: number[]): Map<number, { firstResponseMs: number | null; resolutionMs: number | null }> {
  const wanted = new Set(ids);
  return new Map(
    data.tickets
      .filter((t) => wanted.has(t.id))
      .map((t) => [t.id, { firstResponseMs: firstResponseMs(data, t), resolutionMs: resolutionMs(data, t) }] as const),
  );
}

/** The report's summary, read in one snapshot. */
export function reportSummary(store: Store, query: ReportQuery, timeZone: string): ReportSummary {
  return summarize(loadReportData(store, query, timeZone, true));
}

/** One page of the tickets behind a figure: ids below `before` (keyset), newest first, and whether more follow. */
export function reportTicketPage(
  store: Store,
  query: ReportQuery,
  timeZone: string,
  figure: DrillFigure,
  params: DrillParams,
  page: { before: number | null; limit: number },
) {
  const data = loadReportData(store, query, timeZone);
  const all = drillIds(data, figure, params);
  const after = page.before === null ? all : all.filter((id) => id < page.before!);
  const ids = after.slice(0, page.limit);
  const times = ticketTimes(data, ids);
  return {
    total: all.length,
    ids,
    times: ids.map((id) => ({ id, ...(times.get(id) ?? { firstResponseMs: null, resolutionMs: null }) })),
    next: after.length > page.limit ? ids[ids.length - 1] : null,
  };
}
