// Appeals turned away (out of scope) and the operators' corrections of the appeal filter.
import type { ReportData, TicketFact } from './data.ts';
import { share } from './stats.ts';
import type { Leaf } from './tally.ts';

/**
 * The tickets the scope figures are over: received in the period, of the chosen courts and channel, whoever holds
 * them (a ticket turned away has no operator; the chosen operator narrows the decisions instead).
 */
export function scopeTickets(data: ReportData): TicketFact[] {
  const { start, end } = data.query.period;
  return data.tickets.filter((t) => t.createdAt >= start && t.createdAt < end);
}

/** The received tickets with an operator's decision of this kind (by the chosen operator, when one is chosen). */
function decidedIds(data: ReportData, source: 'overrule' | 'marked_appeal'): Set<number> {
  const op = data.query.operatorId;
  return new Set(data.decisions.filter((d) => d.source === source && (op === undefined || d.userId === op)).map((d) => d.ticketId));
}

/** Tickets of `received` with an operator's decision of this kind (decidedIds). */
export function decidedTickets(data: ReportData, received: TicketFact[], source: 'overrule' | 'marked_appeal'): TicketFact[] {
  const ids = decidedIds(data, source);
  return received.filter((t) => ids.has(t.id));
}

/**
 * Out of scope (вне компетенции): received tickets turned away as appeals as they stand now (the filter's verdict,
 * or an operator's "mark as appeal"; an overruled one is back in scope); the share is of all received.
 * Filtered (отсеяно фильтром): those the filter turned away on arrival. Overruled (возвращено оператором): put back
 * in scope by an operator; their share is of the filtered. Marked (отмечено оператором): marked as an appeal by an
 * operator.
 */
export function scopeFigures(data: ReportData, leaves: Leaf[]) {
  // Counted over the tally leaves of every received ticket (tally.ts: outOfScope and the filter's verdict summed);
  // the decisions are of received tickets only (data.ts), so their tickets are counted as they are.
  let received = 0;
  let out = 0;
  let filtered = 0;
  for (const l of leaves) {
    received += l.received;
    out += l.outOfScope;
    filtered += l.filtered;
  }
  const overruled = decidedIds(data, 'overrule').size;
  return {
    received,
    outOfScope: out,
    outOfScopeShare: share(out, received),
    filtered,
    overruled,
    overruledShare: share(overruled, filtered),
    markedAppeal: decidedIds(data, 'marked_appeal').size,
  };
}
