// The supervisor role: the court's management sees the reports of their court and handles no ticket: every ticket
// route and socket event refuses them, ticket events never reach them, and routing never gives them a ticket.
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { reportCourts } from '../../src/reports/access.ts';
import { addUser, envelope, makeVic, nextEvent, serve } from '../helpers.ts';
import { errorOf, json, type ApiError, type TicketRow, type UserRow } from './json.ts';

type Ack = { ok: true; result: unknown } | { error: ApiError };
const refusal = async (s: Socket, event: string, payload: unknown) =>
  ((await s.emitWithAck(event, payload)) as { error?: ApiError }).error?.code;

async function setup() {
  const { vic, clock } = await makeVic();
  const server = await serve(vic);
  const admin = (await server.login('admin', 'admin-secret-1')).api;
  const regional = vic.store.getCourtByCode('sko-regional')!.id;
  return { vic, clock, server, admin, regional };
}

describe('supervisor', () => {
  it('is created by an admin with a court, and only with one', async () => {
    const { admin, regional } = await setup();
    const body = { login: 'chair', name: 'Председатель суда', role: 'supervisor', password: 'password-123' };
    const without = await admin.post('/api/users', body);
    expect(errorOf(without)).toMatchObject({ code: 'VIC_VALIDATION', details: [{ path: 'courtId' }] });
    const created = await admin.post('/api/users', { ...body, courtId: regional });
    expect(created.status).toBe(201);
    const { user } = json<{ user: UserRow }>(created);
    expect(user).toMatchObject({ role: 'supervisor', courtId: regional });
    // Nor can a court be taken away from one later.
    expect(errorOf(await admin.patch(`/api/users/${user.id}`, { courtId: null })).code).toBe('VIC_VALIDATION');
  });

  it('may see the reports of their own court only; admins all; ticket staff none', async () => {
    const { vic, regional } = await setup();
    expect(reportCourts(await addUser(vic, 'chair', 'supervisor', 'sko-regional'))).toEqual([regional]);
    expect(reportCourts(vic.store.getUserByLogin('admin')!)).toBe('all');
    expect(reportCourts({ role: 'operator', courtId: regional })).toBeNull();
    expect(reportCourts({ role: 'operator', courtId: null })).toBeNull();
    expect(reportCourts({ role: 'specialist', courtId: regional })).toBeNull();
    // Never every court for a supervisor whose court went missing.
    expect(reportCourts({ role: 'supervisor', courtId: null })).toBeNull();
  });

  it('is refused on every ticket route, even for a ticket of their own court', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'chair', 'supervisor', 'sko-regional');
    const sup = (await server.login('chair', 'password-123')).api;
    const { ticketId } = vic.ingest(envelope({ courtHint: 'sko-regional' }));
    const contactId = vic.store.getTicket(ticketId)!.contactId;
    const messageId = vic.store.listMessages(ticketId)[0].id;
    const [topic] = vic.store.listTopics();

    const refused = [
      sup.get('/api/tickets'),
      sup.get('/api/tickets?q=Ержан'),
      sup.get('/api/tickets/counts'),
      sup.get(`/api/tickets/${ticketId}`),
      sup.post(`/api/tickets/${ticketId}/messages`, { kind: 'note', text: 'Заметка' }),
      sup.post(`/api/tickets/${ticketId}/claim`),
      sup.post(`/api/tickets/${ticketId}/assign`, { userId: null }),
      sup.post(`/api/tickets/${ticketId}/resolve`),
      sup.patch(`/api/tickets/${ticketId}`, { caseNumber: '5999-25-00-2/1' }),
      sup.post(`/api/tickets/${ticketId}/read`, {}),
      sup.get(`/api/tickets/${ticketId}/draft`),
      sup.get(`/api/tickets/${ticketId}/topics`),
      sup.put(`/api/tickets/${ticketId}/topics`, { topicIds: [topic.id] }),
      sup.post('/api/tickets/bulk', { ids: [ticketId], action: 'resolve' }),
      sup.post(`/api/messages/${messageId}/retry`),
      sup.get(`/api/contacts/${contactId}`),
      sup.get('/api/notifications'),
    ];
    for (const res of await Promise.all(refused)) expect(errorOf(res).code).toBe('VIC_FORBIDDEN');
    // Nothing about the ticket changed, and no read of it was recorded.
    expect(vic.store.getTicket(ticketId)).toMatchObject({ status: 'open', assigneeId: null, caseNumber: null });
    expect(vic.store.ticketTopics(ticketId)).toEqual([]);

    // What a supervisor's console needs: themselves, the courts, the topics their reports name.
    expect(json<{ user: UserRow }>(await sup.get('/api/me')).user.role).toBe('supervisor');
    expect((await sup.get('/api/courts')).status).toBe(200);
    expect((await sup.get('/api/topics')).status).toBe(200);
    expect((await sup.post('/api/topics', { nameRu: 'Тема', nameKk: 'Тақырып' })).status).toBe(403);
  });

  it('is refused on every socket event and gets no ticket event', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'chair', 'supervisor', 'sko-regional');
    await addUser(vic, 'op', 'operator', 'sko-regional');
    const sup = await server.socket((await server.login('chair', 'password-123')).cookie);
    const op = await server.socket((await server.login('op', 'password-123')).cookie);
    const seen: string[] = [];
    for (const name of ['ticket.created', 'ticket.updated', 'message.created', 'counts', 'presence.ticket'])
      sup.on(name, () => seen.push(name));

    const created = nextEvent<{ ticket: TicketRow }>(op, 'ticket.created');
    const { ticketId } = vic.ingest(envelope({ courtHint: 'sko-regional' }));
    await created;
    expect(await refusal(sup, 'presence:set', { status: 'away' })).toBe('VIC_FORBIDDEN');
    expect(await refusal(sup, 'presence.view', { ticketId })).toBe('VIC_FORBIDDEN');
    expect(await refusal(sup, 'presence.typing', { ticketId, typing: true })).toBe('VIC_FORBIDDEN');
    expect(await refusal(sup, 'presence.list', {})).toBe('VIC_FORBIDDEN');
    // The operator's own events pass (the same checks), so the refusals above are the role's.
    expect((await op.emitWithAck('presence.view', { ticketId })) as Ack).toMatchObject({ ok: true });
    // A round trip on the supervisor's socket after the broadcasts: anything sent to them would have arrived first.
    await refusal(sup, 'presence.list', {});
    expect(seen).toEqual([]);
  });

  it('is never given a ticket by routing, online and available as they are', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'chair', 'supervisor', 'sko-regional');
    await server.socket((await server.login('chair', 'password-123')).cookie);
    const supervisorId = vic.store.getUserByLogin('chair')!.id;
    expect(vic.store.getPresence(supervisorId)).toMatchObject({ status: 'available', connections: 1 });
    const { ticketId } = vic.ingest(envelope({ courtHint: 'sko-regional' }));
    expect(vic.store.getTicket(ticketId)!.assigneeId).toBeNull();
    // The same ticket flow gives the next one to an operator who comes online.
    const op = await addUser(vic, 'op', 'operator', 'sko-regional');
    await server.socket((await server.login('op', 'password-123')).cookie);
    const next = vic.ingest(envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: '77010000099@c.us' } }));
    expect(vic.store.getTicket(next.ticketId)!.assigneeId).toBe(op.id);
  });

  it('takes an operator’s tickets back to the queue when the operator becomes a supervisor', async () => {
    const { vic, server, admin } = await setup();
    const opUser = await addUser(vic, 'op', 'operator', 'sko-regional');
    const op = (await server.login('op', 'password-123')).api;
    const { ticketId } = vic.ingest(envelope({ courtHint: 'sko-regional' }));
    expect((await op.post(`/api/tickets/${ticketId}/claim`)).status).toBe(200);
    expect((await admin.patch(`/api/users/${opUser.id}`, { role: 'supervisor' })).status).toBe(200);
    expect(vic.store.getTicket(ticketId)!.assigneeId).toBeNull();
    // Their session goes on, now as a supervisor's.
    expect(errorOf(await op.get(`/api/tickets/${ticketId}`)).code).toBe('VIC_FORBIDDEN');
  });
});
