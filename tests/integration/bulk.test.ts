// POST /api/tickets/bulk: one action on many tickets, each checked and audited as its own route does, with a
// result per ticket; a ticket the user may not touch is refused in the answer without stopping the others.
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { addUser, envelope, makeVic, serve } from '../helpers.ts';
import { errorOf, json, type TicketRow } from './json.ts';

interface BulkAnswer {
  action: string;
  succeeded: number;
  failed: number;
  results: ({ id: number; ok: true; ticket: TicketRow } | { id: number; ok: false; error: { code: string } })[];
}

let n = 0;
/** An appeal the filter keeps out of the operators' queue. */
const outOfScope = (vic: Vic, court = 'sko-regional') =>
  vic.ingest(
    envelope({
      courtHint: court,
      sender: { kind: 'whatsapp', address: `7701777${String(++n).padStart(4, '0')}@c.us`, displayName: 'Болат' },
      text: 'Не согласен с решением суда, прошу отменить решение',
    }),
  ).ticketId;
const question = (vic: Vic, court = 'sko-regional') =>
  vic.ingest(
    envelope({
      courtHint: court,
      sender: { kind: 'whatsapp', address: `7701888${String(++n).padStart(4, '0')}@c.us`, displayName: 'Дина' },
      text: 'Когда заседание по моему делу?',
    }),
  ).ticketId;

const auditOf = (vic: Vic, action: string) =>
  vic.store.searchAudit({ action, limit: 100, offset: 0 }).items.map((a) => ({ ticketId: a.entityId, userLogin: a.userLogin }));

describe('bulk actions', () => {
  it('resolves out-of-scope tickets one by one, refusing per ticket one of another court and one already resolved', async () => {
    const { vic } = await makeVic();
    const server = await serve(vic);
    await addUser(vic, 'op', 'operator', 'sko-regional');
    const mine = [outOfScope(vic), outOfScope(vic), outOfScope(vic)];
    for (const id of mine) expect(vic.store.getTicket(id)!.status).toBe('out_of_scope');
    const other = outOfScope(vic, 'sko-economic');
    const done = question(vic);
    vic.tickets.resolve(vic.store.getUserByLogin('admin')!, done);
    const { api } = await server.login('op', 'password-123');

    const res = await api.post('/api/tickets/bulk', { ids: [...mine, other, done, 999_999], action: 'resolve' });
    expect(res.status).toBe(200);
    const b = json<BulkAnswer>(res);
    expect(b).toMatchObject({ action: 'resolve', succeeded: 3, failed: 3 });
    expect(b.results.map((r) => [r.id, r.ok ? 'ok' : r.error.code])).toEqual([
      ...mine.map((id) => [id, 'ok']),
      [other, 'VIC_FORBIDDEN_COURT'],
      [done, 'VIC_TICKET_RESOLVED'],
      [999_999, 'VIC_TICKET_NOT_FOUND'],
    ]);
    for (const id of mine) expect(vic.store.getTicket(id)!.status).toBe('resolved');
    expect(vic.store.getTicket(other)!.status).toBe('out_of_scope');
    // One audit row per ticket changed, by the operator; none for the refused ones.
    expect(
      auditOf(vic, 'ticket.resolved')
        .filter((a) => a.userLogin === 'op')
        .map((a) => a.ticketId)
        .sort(),
    ).toEqual([...mine].sort());
  });

  it('overrules the filter and marks appeals per ticket, with the reason audited on each', async () => {
    const { vic } = await makeVic();
    const server = await serve(vic);
    await addUser(vic, 'op', 'operator', 'sko-regional');
    const filtered = [outOfScope(vic), outOfScope(vic)];
    const open = [question(vic), question(vic)];
    const { api } = await server.login('op', 'password-123');

    const over = json<BulkAnswer>(await api.post('/api/tickets/bulk', { ids: filtered, action: 'overrule', reason: 'Вопрос о сроках' }));
    expect(over.succeeded).toBe(2);
    for (const id of filtered) expect(vic.store.getTicket(id)!.scopeVerdict).toBe('in_scope');
    const rows = vic.store.searchAudit({ action: 'ticket.scope_overruled', limit: 10, offset: 0 }).items;
    expect(rows.map((r) => r.entityId).sort()).toEqual([...filtered].sort());
    for (const r of rows) expect(r.details).toMatchObject({ reason: 'Вопрос о сроках' });

    const appeal = json<BulkAnswer>(await api.post('/api/tickets/bulk', { ids: open, action: 'appeal', reason: 'Жалоба на решение' }));
    expect(appeal.succeeded).toBe(2);
    for (const id of open) expect(vic.store.getTicket(id)!.status).toBe('out_of_scope');
    expect(
      auditOf(vic, 'ticket.scope_marked_appeal')
        .map((a) => a.ticketId)
        .sort(),
    ).toEqual([...open].sort());
  });

  it('moves to a court and assigns with the single routes’ checks', async () => {
    const { vic } = await makeVic();
    const server = await serve(vic);
    await addUser(vic, 'op', 'operator', 'sko-regional');
    const eco = await addUser(vic, 'op-eco', 'operator', 'sko-economic');
    const ids = [question(vic), question(vic)];
    const admin = await server.login('admin', 'admin-secret-1');
    // An operator of the economic court does not serve these tickets: refused per ticket, none assigned.
    const refused = json<BulkAnswer>(await admin.api.post('/api/tickets/bulk', { ids, action: 'assign', userId: eco.id }));
    expect(refused.results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['VIC_FORBIDDEN_COURT', 'VIC_FORBIDDEN_COURT']);
    const courtId = vic.store.getCourtByCode('sko-economic')!.id;
    const moved = json<BulkAnswer>(await admin.api.post('/api/tickets/bulk', { ids, action: 'court', courtId }));
    expect(moved.succeeded).toBe(2);
    const assigned = json<BulkAnswer>(await admin.api.post('/api/tickets/bulk', { ids, action: 'assign', userId: eco.id }));
    expect(assigned.succeeded).toBe(2);
    for (const id of ids) expect(vic.store.getTicket(id)).toMatchObject({ courtId, assigneeId: eco.id });
    expect(auditOf(vic, 'ticket.updated').filter((a) => ids.includes(a.ticketId!))).toHaveLength(2);
    expect(auditOf(vic, 'ticket.assigned').filter((a) => ids.includes(a.ticketId!))).toHaveLength(2);
  });

  it('is refused to specialists and anonymous callers, and validates its input', async () => {
    const { vic } = await makeVic();
    const server = await serve(vic);
    await addUser(vic, 'op', 'operator', 'sko-regional');
    await addUser(vic, 'spec', 'specialist', 'sko-regional');
    const id = outOfScope(vic);
    const spec = await server.login('spec', 'password-123');
    expect((await spec.api.post('/api/tickets/bulk', { ids: [id], action: 'resolve' })).status).toBe(403);
    expect((await server.anon.post('/api/tickets/bulk', { ids: [id], action: 'resolve' })).status).toBe(401);
    const { api } = await server.login('op', 'password-123');
    for (const body of [
      { ids: [], action: 'resolve' },
      { ids: Array.from({ length: 201 }, (_, i) => i + 1), action: 'resolve' },
      { ids: [id], action: 'overrule' },
      { ids: [id], action: 'delete' },
      { ids: [id], action: 'resolve', extra: 1 },
    ]) {
      const res = await api.post('/api/tickets/bulk', body);
      expect(res.status).toBe(400);
      expect(errorOf(res).code).toBe('VIC_VALIDATION');
    }
    expect(vic.store.getTicket(id)!.status).toBe('out_of_scope');
  });
});
