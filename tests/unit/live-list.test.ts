// The console's list kept by events (operator-ui/src/live-list.ts): order, paging boundary and total.
import { describe, expect, it } from 'vitest';
import { appendPage, applyEvent, fromPage, ORDERS, type LiveList } from '../../operator-ui/src/live-list.ts';
import { queueMatcher } from '../../operator-ui/src/queues.ts';
import type { TicketRow } from '../../src/store/index.ts';

const row = (id: number, updatedAt: number, over: Partial<TicketRow> = {}) =>
  ({ id, updatedAt, courtId: 1, status: 'open', assigneeId: null, specialistId: null, channel: 'whatsapp', ...over }) as TicketRow;
const unassigned = queueMatcher(
  { id: 7, role: 'operator', courtId: 1 },
  { queue: 'unassigned', courtId: null, channel: null, status: null },
);
const ids = (l: LiveList) => l.items.map((x) => x.id);
const open = { courtId: 1, status: 'open', assigneeId: null, specialistId: null } as const;

describe('a list kept by events', () => {
  const page = fromPage({ items: [row(5, 500), row(4, 400), row(2, 400)], total: 10, nextCursor: 'next' });

  it('puts a changed ticket in its place (updatedAt, then id, newest first) and counts it once', () => {
    const created = applyEvent(page, { kind: 'ticket', ticket: row(9, 400), before: null }, unassigned);
    expect(ids(created)).toEqual([5, 9, 4, 2]);
    expect(created.total).toBe(11);
    // Already shown: moved, not counted again.
    const moved = applyEvent(created, { kind: 'ticket', ticket: row(2, 900), before: open }, unassigned);
    expect([ids(moved), moved.total]).toEqual([[2, 5, 9, 4], 11]);
    // Not shown but in the queue before (further down, not loaded): counted already.
    const known = applyEvent(moved, { kind: 'ticket', ticket: row(1, 950), before: open }, unassigned);
    expect([ids(known), known.total]).toEqual([[1, 2, 5, 9, 4], 11]);
  });

  it('drops a ticket that no longer belongs, or left, and leaves one past the loaded rows to its page', () => {
    const taken = applyEvent(page, { kind: 'ticket', ticket: row(4, 600, { assigneeId: 3 }), before: open }, unassigned);
    expect([ids(taken), taken.total]).toEqual([[5, 2], 9]);
    const left = applyEvent(taken, { kind: 'left', ticketId: 5 }, unassigned);
    expect([ids(left), left.total]).toEqual([[2], 8]);
    // Older than the last row loaded while more pages remain: counted, shown with its page.
    const older = applyEvent(page, { kind: 'ticket', ticket: row(1, 100), before: { ...open, status: 'waiting' } }, unassigned);
    expect([ids(older), older.total]).toEqual([[5, 4, 2], 11]);
    const last = { ...page, nextCursor: null };
    expect(ids(applyEvent(last, { kind: 'ticket', ticket: row(1, 100), before: null }, unassigned))).toEqual([5, 4, 2, 1]);
  });

  it('appends the next page without repeating a row an event moved up meanwhile', () => {
    const moved = applyEvent(page, { kind: 'ticket', ticket: row(3, 999), before: open }, unassigned);
    const next = appendPage(moved, { items: [row(1, 300)], total: 10, nextCursor: null });
    expect(ids(next)).toEqual([3, 5, 4, 2, 1]);
    expect(next.end).toMatchObject({ id: 1 });
  });

  // #16 list: the list's other orders, and what only list pages carry.
  it("places a ticket by the list's sort, and keeps the last message the event row does not carry", () => {
    const due = (id: number, at: number | null) => row(id, 100 * id, { firstResponseDueAt: at });
    const byDue = fromPage({ items: [due(1, 10), due(2, 20), due(3, null)], total: 3, nextCursor: null });
    expect(ids(applyEvent(byDue, { kind: 'ticket', ticket: due(4, 15), before: null }, unassigned, ORDERS.due))).toEqual([1, 4, 2, 3]);
    const oldest = fromPage({ items: [row(1, 100), row(2, 200)], total: 5, nextCursor: 'next' });
    // Changed now, it sorts last: after the loaded rows, so it comes with a later page.
    expect(ids(applyEvent(oldest, { kind: 'ticket', ticket: row(1, 900), before: open }, unassigned, ORDERS.oldest))).toEqual([2]);
    const lastMessage = { text: 'Здравствуйте', direction: 'in' as const, at: 5 };
    const shown = fromPage({ items: [row(1, 100, { lastMessage })], total: 1, nextCursor: null });
    const after = applyEvent(shown, { kind: 'ticket', ticket: row(1, 200, { assigneeId: null }), before: open }, unassigned);
    expect(after.items[0]).toMatchObject({ updatedAt: 200, lastMessage });
  });
});
