// Two operators on one ticket: the reply guard (a reply from someone who does not hold the ticket is refused unless
// they take it over, and its holder is told), and per-ticket presence over the socket (who views, who types), shown
// only to those who may see the ticket. Generous timeouts: every sign-in hashes a password, slow on a busy machine.
import { describe, expect, it } from 'vitest';
import { addUser, envelope, makeVic, nextEvent, serve } from '../helpers.ts';
import { errorOf, type ApiError } from './json.ts';

interface Viewer {
  userId: number;
  name: string;
  typing: boolean;
}
type PresenceEvent = { ticketId: number; viewers: Viewer[] };
type Ack = { ok: true; result: unknown } | { error: ApiError };

async function setup() {
  const { vic } = await makeVic();
  const a = await addUser(vic, 'op-a', 'operator', 'sko-regional');
  const b = await addUser(vic, 'op-b', 'operator', 'sko-regional');
  await addUser(vic, 'op-eco', 'operator', 'sko-economic');
  const server = await serve(vic);
  return { vic, server, a, b };
}

describe('two operators on one ticket', () => {
  it('refuses a reply from someone who does not hold the ticket, unless they take it over; notes stay allowed', async () => {
    const { vic, server, a, b } = await setup();
    const { ticketId } = vic.ingest(envelope({ courtHint: 'sko-regional', text: 'Когда заседание?' }));
    const opA = await server.login('op-a', 'password-123');
    const opB = await server.login('op-b', 'password-123');
    const admin = (await server.login('admin', 'admin-secret-1')).api;
    expect((await opA.api.post(`/api/tickets/${ticketId}/claim`)).status).toBe(200);
    const aSocket = await server.socket(opA.cookie);

    const refused = await opB.api.post(`/api/tickets/${ticketId}/messages`, { kind: 'reply', text: 'Ответ Б' });
    expect(refused.status).toBe(409);
    expect(errorOf(refused).code).toBe('VIC_NOT_ASSIGNEE');
    // Nothing went out, the holder is the same.
    expect(vic.store.listMessages(ticketId).filter((m) => m.direction === 'out')).toEqual([]);
    expect(vic.store.getTicket(ticketId)!.assigneeId).toBe(a.id);
    // An admin does not hold tickets and cannot take one over: they reassign it.
    expect(errorOf(await admin.post(`/api/tickets/${ticketId}/messages`, { kind: 'reply', text: 'x' })).code).toBe('VIC_NOT_ASSIGNEE');
    expect((await admin.post(`/api/tickets/${ticketId}/messages`, { kind: 'reply', text: 'x', takeOver: true })).status).toBe(403);
    expect((await opB.api.post(`/api/tickets/${ticketId}/messages`, { kind: 'reply', text: 'x', takeOver: 'yes' })).status).toBe(400);

    const note = await opB.api.post(`/api/tickets/${ticketId}/messages`, { kind: 'note', text: 'Заметка Б' });
    expect(note.status).toBe(201);

    const told = nextEvent<{ ticketId: number; ref: string; byName: string }>(aSocket, 'presence.takenOver');
    const taken = await opB.api.post(`/api/tickets/${ticketId}/messages`, { kind: 'reply', text: 'Ответ Б', takeOver: true });
    expect(taken.status).toBe(201);
    expect(await told).toMatchObject({ ticketId, byName: 'op-b' });
    expect(vic.store.getTicket(ticketId)!.assigneeId).toBe(b.id);
    const audit = vic.store.auditOf('ticket', ticketId).map((x) => [x.action, x.userId]);
    expect(audit).toEqual(
      expect.arrayContaining([
        ['ticket.claimed', b.id],
        ['ticket.reply', b.id],
      ]),
    );
    // Now A is the one refused.
    expect(errorOf(await opA.api.post(`/api/tickets/${ticketId}/messages`, { kind: 'reply', text: 'Ответ А' })).code).toBe(
      'VIC_NOT_ASSIGNEE',
    );
  }, 90_000);

  it('lets an operator answer an unassigned ticket, which makes it theirs (escalation.test.ts: the specialist answers)', async () => {
    const { vic, server, b } = await setup();
    const { ticketId } = vic.ingest(envelope({ courtHint: 'sko-regional' }));
    const opB = (await server.login('op-b', 'password-123')).api;
    expect((await opB.post(`/api/tickets/${ticketId}/messages`, { kind: 'reply', text: 'Ответ' })).status).toBe(201);
    expect(vic.store.getTicket(ticketId)!.assigneeId).toBe(b.id);
    expect((await opB.post(`/api/tickets/${ticketId}/messages`, { kind: 'reply', text: 'Ещё ответ' })).status).toBe(201);
  }, 90_000);

  it('tells who views and types a ticket to those who may see it, and only lets them announce it', async () => {
    const { vic, server, a } = await setup();
    const { ticketId } = vic.ingest(envelope({ courtHint: 'sko-regional' }));
    const aSocket = await server.socket((await server.login('op-a', 'password-123')).cookie);
    const bSocket = await server.socket((await server.login('op-b', 'password-123')).cookie);
    const eco = await server.socket((await server.login('op-eco', 'password-123')).cookie);
    const ecoSaw: PresenceEvent[] = [];
    eco.on('presence.ticket', (p: PresenceEvent) => ecoSaw.push(p));

    // Another court's operator may not announce themselves on it; bad input is refused.
    expect(await eco.emitWithAck('presence.view', { ticketId })).toMatchObject({ error: { code: 'VIC_VALIDATION' } });
    expect(await bSocket.emitWithAck('presence.view', { ticketId: 'x' })).toMatchObject({ error: { code: 'VIC_VALIDATION' } });
    // Typing is announced only on the ticket the tab views.
    expect(await bSocket.emitWithAck('presence.typing', { ticketId, typing: true })).toMatchObject({ error: {} });

    const viewing = nextEvent<PresenceEvent>(bSocket, 'presence.ticket');
    expect(await aSocket.emitWithAck('presence.view', { ticketId })).toMatchObject({ ok: true });
    expect(await viewing).toEqual({ ticketId, viewers: [{ userId: a.id, name: 'op-a', typing: false }] });

    const typing = nextEvent<PresenceEvent>(bSocket, 'presence.ticket');
    await aSocket.emitWithAck('presence.typing', { ticketId, typing: true });
    expect((await typing).viewers).toEqual([{ userId: a.id, name: 'op-a', typing: true }]);

    // A console connecting later asks who is where.
    const late = await server.socket((await server.login('op-b', 'password-123')).cookie);
    const snap = (await late.emitWithAck('presence.list', {})) as Ack;
    expect(snap).toEqual({ ok: true, result: [{ ticketId, viewers: [{ userId: a.id, name: 'op-a', typing: true }] }] });
    expect(await eco.emitWithAck('presence.list', {})).toEqual({ ok: true, result: [] });

    // Closing the tab ends the viewing.
    const gone = nextEvent<PresenceEvent>(bSocket, 'presence.ticket');
    aSocket.close();
    expect(await gone).toEqual({ ticketId, viewers: [] });
    expect(ecoSaw).toEqual([]);
  }, 90_000);
});
