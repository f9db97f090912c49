// The console's queueMatcher (operator-ui/src/queues.ts) places a changed ticket in or out of the list on screen
// without asking the server: it must hold exactly the tickets the server's list holds, for every viewer and filter.
import { afterEach, describe, expect, it } from 'vitest';
import { queueMatcher, type ListFilter } from '../../operator-ui/src/queues.ts';
import { Store, decodeCursor, type Queue, type TicketStatus, type Viewer } from '../../src/store/index.ts';
import { tempDir } from '../helpers.ts';
import { allTickets, makeWorld, random, randomOp, viewers } from '../support/queue-ops.ts';

const QUEUES: Queue[] = ['mine', 'court', 'unassigned', 'off-hours', 'escalated', 'out-of-scope', 'resolved', 'all'];
const T0 = Date.parse('2026-12-01T05:00:00Z');

let store: Store | null = null;
afterEach(() => store?.close());

function listed(s: Store, v: Viewer, f: ListFilter): number[] {
  const ids: number[] = [];
  let cursor: string | null = null;
  do {
    const page = s.listTickets(v, {
      queue: f.queue,
      courtId: f.courtId ?? undefined,
      channel: f.channel ?? undefined,
      status: f.status ?? undefined,
      limit: 50,
      cursor: cursor === null ? null : decodeCursor(cursor),
    });
    ids.push(...page.items.map((t) => t.id));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids.sort((a, b) => a - b);
}

describe('queueMatcher', () => {
  it('holds exactly the tickets the server lists, for every viewer, queue and filter, after random changes', () => {
    store = Store.open(tempDir());
    const w = makeWorld(store, T0);
    const r = random(3);
    for (let i = 0; i < 300; i++) randomOp(store, w, r, T0 + i);
    const tickets = allTickets(store);
    for (const v of viewers(store, w))
      for (const queue of QUEUES)
        for (const courtId of [null, w.courts[1]])
          for (const channel of [null, 'email'])
            for (const status of [null, 'open', 'resolved'] as (TicketStatus | null)[]) {
              const f = { queue, courtId, channel, status };
              const matches = queueMatcher(v, f);
              const want = tickets.filter((t) => matches(t)).map((t) => t.id);
              expect({ v, f, ids: listed(store, v, f) }).toEqual({ v, f, ids: want.sort((a, b) => a - b) });
            }
  });
});
