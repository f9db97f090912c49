// A ticket list kept current by events: pages come from GET /api/tickets (keyset, `updatedAt DESC, id DESC` or
// another sort), and every ticket event places the ticket in or out of it locally. No event makes the console ask again.
import type { TicketRow } from './api.ts';
import type { QueueFields } from './queues.ts';

/** A page as GET /api/tickets answers it (`nextCursor`: null for the last page, and for searches). */
export interface Page {
  items: TicketRow[];
  total: number;
  nextCursor: string | null;
}

export interface LiveList extends Page {
  /** The last row the server sent: a ticket sorting after it belongs to a page not loaded yet. */
  end: Ordered | null;
}

type Ordered = Pick<TicketRow, 'updatedAt' | 'id' | 'firstResponseDueAt'>;
/** Where a row sorts against another: below 0 before it, above 0 after it. */
export type Order = (a: Ordered, b: Ordered) => number;

/** A ticket event as the list sees it; `before` null: a new ticket. */
export type ListEvent = { kind: 'ticket'; ticket: TicketRow; before: QueueFields | null } | { kind: 'left'; ticketId: number };

type Matches = (t: QueueFields & { channel: string }) => boolean;

const newerFirst: Order = (a, b) => b.updatedAt - a.updatedAt || b.id - a.id;
/** The orders of GET /api/tickets?sort= (due: no reply-by time sorts last, as on the server). */
export const ORDERS: Record<'newest' | 'oldest' | 'due', Order> = {
  newest: newerFirst,
  oldest: (a, b) => a.updatedAt - b.updatedAt || a.id - b.id,
  due: (a, b) => (a.firstResponseDueAt ?? Infinity) - (b.firstResponseDueAt ?? Infinity) || a.id - b.id,
};

export const fromPage = (p: Page): LiveList => ({ ...p, end: p.items.at(-1) ?? null });

/** The next page appended; rows already shown (moved to the top by an event meanwhile) are not repeated. */
export function appendPage(list: LiveList, p: Page): LiveList {
  const shown = new Set(list.items.map((x) => x.id));
  return {
    items: [...list.items, ...p.items.filter((x) => !shown.has(x.id))],
    total: p.total,
    nextCursor: p.nextCursor,
    end: p.items.at(-1) ?? list.end,
  };
}

/** Whether the event concerns this list: a row it shows, or a ticket that belongs (or belonged) in it. */
export function concerns(list: LiveList, e: ListEvent, matches: Matches): boolean {
  if (e.kind === 'left') return list.items.some((x) => x.id === e.ticketId);
  return (
    list.items.some((x) => x.id === e.ticket.id) ||
    matches(e.ticket) ||
    (e.before !== null && matches({ ...e.before, channel: e.ticket.channel }))
  );
}

export function applyEvent(list: LiveList, e: ListEvent, matches: Matches, order: Order = newerFirst): LiveList {
  const id = e.kind === 'left' ? e.ticketId : e.ticket.id;
  const shown = list.items.find((x) => x.id === id);
  const listed = shown !== undefined;
  const items = listed ? list.items.filter((x) => x.id !== id) : list.items;
  // A ticket that left is counted out only when it was shown: whether an unseen one was in this list is unknown.
  if (e.kind === 'left') return listed ? { ...list, items, total: list.total - 1 } : list;

  const now = matches(e.ticket);
  const counted = listed || (e.before !== null && matches({ ...e.before, channel: e.ticket.channel }));
  const total = list.total + Number(now) - Number(counted);
  // Past the last loaded row it comes with its page, not before.
  if (!now || (list.nextCursor !== null && list.end !== null && order(e.ticket, list.end) > 0)) return { ...list, items, total };
  // The event's row lacks what only list pages carry (the last message): kept from the row shown.
  const row = shown ? { ...shown, ...e.ticket } : e.ticket;
  const at = items.findIndex((x) => order(row, x) < 0);
  return { ...list, items: at < 0 ? [...items, row] : [...items.slice(0, at), row, ...items.slice(at)], total };
}
