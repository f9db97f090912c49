import { describe, expect, it } from 'vitest';
import { addUser, envelope, makeVic, nextEvent, serve } from '../helpers.ts';
import type { ApiError, EscalationRow, MessageRow, TicketRow } from './json.ts';

/** What a socket event about a ticket carries. */
interface TicketEvent {
  ticket: TicketRow;
}
/** The acknowledgement of a socket request: its result, or why it was refused. */
type Ack = { ok: true; result: unknown } | { error: ApiError };

async function setup() {
  const { vic, clock } = await makeVic();
  return { vic, clock, server: await serve(vic) };
}

describe('realtime', () => {
  it('refuses a socket without a session', async () => {
    const { server } = await setup();
    await expect(server.socket('')).rejects.toThrow(/unauthorized/);
    await expect(server.socket('vic_session=forged')).rejects.toThrow(/unauthorized/);
  });

  it('sends a court’s ticket events only to that court’s operators (and admins)', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'op-reg', 'operator', 'sko-regional');
    await addUser(vic, 'op-eco', 'operator', 'sko-economic');
    const reg = await server.socket((await server.login('op-reg', 'password-123')).cookie);
    const eco = await server.socket((await server.login('op-eco', 'password-123')).cookie);
    const adm = await server.socket((await server.login('admin', 'admin-secret-1')).cookie);

    const regEvents: string[] = [];
    const ecoEvents: string[] = [];
    reg.on('ticket.created', (p: TicketEvent) => regEvents.push(p.ticket.courtCode));
    eco.on('ticket.created', (p: TicketEvent) => ecoEvents.push(p.ticket.courtCode));
    const adminSaw = nextEvent<TicketEvent>(adm, 'ticket.created');
    // The economic court's ticket comes first: if the regional operator received it, it would be first in the list.
    vic.ingest(envelope({ courtHint: 'sko-economic', sender: { kind: 'email', address: 'too@firm.kz' }, channel: 'email' }));
    const regSaw = nextEvent<TicketEvent>(reg, 'ticket.created');
    vic.ingest(envelope({ courtHint: 'sko-regional' }));
    expect((await regSaw).ticket.courtCode).toBe('sko-regional');
    expect((await adminSaw).ticket.courtCode).toBe('sko-economic');
    expect(regEvents).toEqual(['sko-regional']);
    expect(ecoEvents).toEqual(['sko-economic']);
  });

  it('announces a new message live without reload', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'op', 'operator');
    const s = await server.socket((await server.login('op', 'password-123')).cookie);
    const got = nextEvent<TicketEvent & { message: MessageRow }>(s, 'message.created');
    vic.ingest(envelope({ text: 'Новое сообщение' }));
    expect((await got).message).toMatchObject({ direction: 'in', text: 'Новое сообщение' });
  });

  it('checks the role and input of socket events', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'op', 'operator');
    const s = await server.socket((await server.login('op', 'password-123')).cookie);
    const bad = (await s.emitWithAck('presence:set', { status: 'sleeping' })) as { error: ApiError };
    expect(bad.error.code).toBe('VIC_VALIDATION');
    const ok = (await s.emitWithAck('presence:set', { status: 'away' })) as Ack;
    expect(ok).toMatchObject({ ok: true });
    expect(vic.store.getPresence(vic.store.getUserByLogin('op')!.id)).toMatchObject({ status: 'away', connections: 1 });
  });

  it('cuts the connection off when the session ends (more in sessions-realtime.test.ts)', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'op', 'operator');
    const login = await server.login('op', 'password-123');
    const s = await server.socket(login.cookie);
    const cut = nextEvent<string>(s, 'disconnect');
    await login.api.post('/api/auth/logout');
    expect(await cut).toBe('io server disconnect');
  });

  it('tells the operators of the old court only that a moved ticket left, and the new court all of it', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'op-reg', 'operator', 'sko-regional');
    await addUser(vic, 'op-eco', 'operator', 'sko-economic');
    const regLogin = await server.login('op-reg', 'password-123');
    const reg = await server.socket(regLogin.cookie);
    const eco = await server.socket((await server.login('op-eco', 'password-123')).cookie);
    const { ticketId } = vic.ingest(envelope({ courtHint: 'sko-regional', text: 'Вопрос по банкротству ТОО' }));
    const regUpdates: string[] = [];
    reg.on('ticket.updated', (p: TicketEvent) => regUpdates.push(p.ticket.courtCode));
    const left = nextEvent(reg, 'ticket.left');
    const arrived = nextEvent<TicketEvent>(eco, 'ticket.updated');
    const moved = await regLogin.api.patch(`/api/tickets/${ticketId}`, { courtId: vic.store.getCourtByCode('sko-economic')!.id });
    expect(moved.status).toBe(200);
    expect(await left).toEqual({ ticketId });
    expect((await arrived).ticket).toMatchObject({ id: ticketId, courtCode: 'sko-economic' });
    // Events reach a socket in order: an update sent to the old court would have come before "left".
    expect(regUpdates).toEqual([]);
  });

  it('tells a specialist who passed a ticket on that it left, and the operator when it was picked up', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'op', 'operator');
    const first = await addUser(vic, 'sec-1', 'specialist');
    const second = await addUser(vic, 'sec-2', 'specialist');
    const opLogin = await server.login('op', 'password-123');
    const op = await server.socket(opLogin.cookie);
    const s1Login = await server.login('sec-1', 'password-123');
    const s1 = await server.socket(s1Login.cookie);
    const s2 = await server.socket((await server.login('sec-2', 'password-123')).cookie);
    const { ticketId } = vic.ingest(envelope({ text: 'Когда будет готов протокол заседания?' }));
    const escalated = nextEvent(s1, 'escalation.created');
    expect(
      (await opLogin.api.post(`/api/tickets/${ticketId}/escalate`, { specialistId: first.id, question: 'Протокол готов?' })).status,
    ).toBe(200);
    await escalated;

    const pickedUp = nextEvent(op, 'escalation.picked_up');
    expect((await s1Login.api.get(`/api/tickets/${ticketId}`)).status).toBe(200);
    expect(await pickedUp).toMatchObject({ ticketId, escalation: { toUserId: first.id, pickedUpAt: expect.any(Number) as number } });

    const left = nextEvent(s1, 'ticket.left');
    const passed = nextEvent<TicketEvent & { escalation: EscalationRow }>(s2, 'escalation.created');
    expect(
      (await s1Login.api.post(`/api/tickets/${ticketId}/pass`, { specialistId: second.id, note: 'Это дело ведёт коллега' })).status,
    ).toBe(200);
    expect(await left).toEqual({ ticketId });
    expect((await passed).ticket).toMatchObject({ id: ticketId, specialistId: second.id });
  });
});
