// Appeals turned away (out of scope) and the operators' corrections of the appeal filter.
import type { ReportData, TicketFact } from './data.ts';
import { share } from './stats.ts';
import { outOfScope } from './tickets.ts';

/**
 * The tickets the scope figures are over: received in the period, of the chosen courts and channel, whoever holds
 * them (a ticket turned away has no operator; the chosen operator narrows the decisions instead).
 */
export function scopeTickets(data: ReportData): TicketFact[] {
  const { start, end } = data.query.period;
  return data.tickets.filter((t) => t.createdAt >= start && t.createdAt < end);
}

/** Tickets of `received` with an operator's decision of this kind (by the chosen operator, when one is chosen). */
export function decidedTickets(data: ReportData, received: TicketFact[], source: 'overrule' | 'marked_appeal'): TicketFact[] {
  const op = data.query.operatorId;
  const ids = new Set(data.decisions.filter((d) => d.source === source && (op === undefined || d.userId === op)).map((d) => d.ticketId));
  return received.filter((t) => ids.has(t.id));
}

/**
 * Out of scope (вне компетенции): received tickets turned away as appeals as they stand now (the filter's verdict,
 * or an operator's "mark as appeal"; an overruled one is back in scope); the share is of all received.
 * Filtered (отсеяно фильтром): those the filter turned away on arrival. Overruled (возвращено оператором): put back
 * in scope by an operator; their share is of the filtered. Marked (отмечено оператором): marked as an appeal by an
 * operator.
 */
export function scopeFigures(data: ReportData) {
  const received = scopeTickets(data);
  const out = received.filter(outOfScope).length;
  const filtered = received.filter((t) => t.modelVerdict === 'appeal').length;
  const overruled = decidedTickets(data, received, 'overrule').length;
  return {
    received: received.length,
    outOfScope: out,
    outOfScopeShare: share(out, received.length),
    filtered,
    overruled,
    overruledShare: share(overruled, filtered),
    markedAppeal: decidedTickets(data, received, 'marked_appeal').length,
  };
}
