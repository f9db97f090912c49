// GET /api/tickets pages by cursor (each page audited), and GET /api/tickets/counts gives the counters of each
// court the user serves as well as their own queues.
import { describe, expect, it } from 'vitest';
import { addUser, envelope, makeVic, serve } from '../helpers.ts';
import { errorOf, json, type TicketRow } from './json.ts';

interface CursorPage {
  items: TicketRow[];
  total: number;
  nextCursor: string | null;
}
type Counts = Record<string, number> & { byCourt: Record<string, Record<string, number>> };

describe('ticket list by cursor', () => {
  it('gives every ticket of a queue once, page after page, with the same total; refuses a cursor it did not make', async () => {
    const { vic, clock } = await makeVic();
    const server = await serve(vic);
    await addUser(vic, 'op', 'operator', 'sko-regional');
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      // Two tickets at each instant: the cursor's id orders them.
      if (i % 2 === 0) clock.advance(1000);
      ids.push(vic.ingest(envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: `7701000000${i}@c.us` } })).ticketId);
    }
    const { api } = await server.login('op', 'password-123');
    const seen: number[] = [];
    let url = '/api/tickets?queue=court&limit=3';
    for (;;) {
      const page = json<CursorPage>(await api.get(url));
      expect(page.total).toBe(7);
      seen.push(...page.items.map((t) => t.id));
      if (!page.nextCursor) break;
      url = `/api/tickets?queue=court&limit=3&cursor=${page.nextCursor}`;
    }
    expect(seen).toEqual([...ids].reverse());
    const listed = vic.store.searchAudit({ action: 'ticket.list', limit: 10, offset: 0 }).items;
    expect(listed).toHaveLength(3);

    const bad = await api.get('/api/tickets?queue=court&cursor=bm90LWEtY3Vyc29y');
    expect(bad.status).toBe(400);
    expect(errorOf(bad)).toMatchObject({ code: 'VIC_VALIDATION' });
    expect(vic.store.searchAudit({ action: 'ticket.list', limit: 10, offset: 0 }).items).toHaveLength(3);
  });
});

describe('queue counters', () => {
  it("gives each court's counters the user serves: an operator their court, an admin every court, a specialist none", async () => {
    const { vic } = await makeVic();
    const server = await serve(vic);
    const op = await addUser(vic, 'op', 'operator', 'sko-regional');
    await addUser(vic, 'sp', 'specialist', 'sko-regional');
    const regional = vic.store.getCourtByCode('sko-regional')!.id;
    const economic = vic.store.getCourtByCode('sko-economic')!.id;
    const a = vic.ingest(envelope({ courtHint: 'sko-regional' }));
    vic.ingest(envelope({ courtHint: 'sko-economic', channel: 'email', sender: { kind: 'email', address: 'firm@too.kz' } }));
    vic.tickets.claim(op, a.ticketId);

    const ofOp = json<Counts>(await (await server.login('op', 'password-123')).api.get('/api/tickets/counts'));
    expect(ofOp).toMatchObject({ mine: 1, court: 1, unassigned: 0, all: 1 });
    expect(Object.keys(ofOp.byCourt)).toEqual([String(regional)]);
    expect(ofOp.byCourt[regional]).toEqual({
      court: 1,
      unassigned: 0,
      'off-hours': 0,
      escalated: 0,
      'out-of-scope': 0,
      resolved: 0,
      all: 1,
    });

    const ofAdmin = json<Counts>(await (await server.login('admin', 'admin-secret-1')).api.get('/api/tickets/counts'));
    expect(ofAdmin).toMatchObject({ court: 2, unassigned: 1, all: 2 });
    expect(Object.keys(ofAdmin.byCourt).sort()).toEqual(
      vic.store
        .listCourts()
        .map((c) => String(c.id))
        .sort(),
    );
    expect(ofAdmin.byCourt[economic]).toMatchObject({ court: 1, unassigned: 1, all: 1 });

    const ofSpecialist = json<Counts>(await (await server.login('sp', 'password-123')).api.get('/api/tickets/counts'));
    expect(ofSpecialist).toMatchObject({ mine: 0, all: 0, byCourt: {} });
  });
});
