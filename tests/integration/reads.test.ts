// Read marks, notifications and drafts (src/api/routes-reads.ts, src/store/reads.ts, src/notifications.ts):
// unread derived from the marks, never written at ingest; who may mark, read and draft; input validation; the
// notification rows of staff events; drafts gone when sent or when the ticket is anonymised.
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, openSession } from '../../src/auth.ts';
import type { Role, UserRow } from '../../src/store/index.ts';
import { client, envelope, makeVic, nextEvent, serve } from '../helpers.ts';

type Row = { id: number; unread: boolean };
type Notification = { id: number; ticketId: number; kind: string; actorId: number | null; readAt: number | null };

async function setup() {
  const { vic } = await makeVic();
  const server = await serve(vic);
  // Sessions opened directly: six sign-ins (argon2) per test would cost more than the test.
  const user = (login: string, role: Role, court = 'sko-regional') =>
    vic.store.getUser(
      vic.store.createUser({ login, name: login, role, passwordHash: 'x', courtId: vic.store.getCourtByCode(court)!.id }, vic.clock.now()),
    )!;
  const as = (u: UserRow) => {
    const cookie = `${SESSION_COOKIE}=${openSession(vic.store, u.id, vic.clock.now(), 3_600_000)}`;
    return { cookie, api: client(server.base, cookie) };
  };
  const opA = user('op-a', 'operator');
  const spec = user('spec', 'specialist');
  const [a, b, other, s, admin] = [
    as(opA),
    as(user('op-b', 'operator')),
    as(user('op-other', 'operator', 'sko-economic')),
    as(spec),
    as(vic.store.getUserByLogin('admin')!),
  ];
  let n = 0;
  const ticket = (text = 'Когда заседание?') =>
    vic.ingest(
      envelope({ courtHint: 'sko-regional', text, sender: { kind: 'whatsapp', address: `7701000${String(++n).padStart(4, '0')}@c.us` } }),
    ).ticketId;
  const again = (id: number, text: string) => {
    const t = vic.store.getTicket(id)!;
    const address = vic.store.getContact(t.contactId)!.identities.find((i) => i.kind === 'whatsapp')!.address;
    vic.ingest(envelope({ courtHint: 'sko-regional', text, sender: { kind: 'whatsapp', address } }));
  };
  const unreadOf = async (api: typeof a.api, id: number) =>
    ((await api.get('/api/tickets?queue=all&limit=200')).body as { items: Row[] }).items.find((r) => r.id === id)?.unread;
  return { vic, server, opA, spec, a, b, other, s, admin, ticket, again, unreadOf };
}

describe('unread marks', () => {
  it('derives unread from the mark: news from the citizen and colleagues, not one’s own; ingest writes no mark', async () => {
    const { vic, a, b, ticket, again, unreadOf } = await setup();
    const id = ticket();
    expect(await unreadOf(a.api, id)).toBe(true);
    expect((await a.api.post(`/api/tickets/${id}/read`, {})).status).toBe(200);
    expect(await unreadOf(a.api, id)).toBe(false);
    // B has not read it: marks are per user.
    expect(await unreadOf(b.api, id)).toBe(true);

    const count = (table: string) => (vic.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const before = [count('ticket_reads'), count('notifications'), count('ticket_drafts')];
    again(id, 'Ответьте, пожалуйста');
    expect([count('ticket_reads'), count('notifications'), count('ticket_drafts')]).toEqual(before);
    expect(await unreadOf(a.api, id)).toBe(true);

    await a.api.post(`/api/tickets/${id}/read`, {});
    await a.api.post(`/api/tickets/${id}/messages`, { kind: 'note', text: 'Моя заметка' });
    expect(await unreadOf(a.api, id)).toBe(false);
    await b.api.post(`/api/tickets/${id}/messages`, { kind: 'note', text: 'Заметка коллеги' });
    expect(await unreadOf(a.api, id)).toBe(true);
  });

  it('never moves a mark back, and counts the unread tickets of one’s own queue', async () => {
    const { vic, a, opA, ticket, again } = await setup();
    const id = ticket();
    vic.tickets.claim(opA, id);
    const first = vic.store.listMessages(id)[0].id;
    again(id, 'Ещё вопрос');
    expect(((await a.api.get('/api/tickets/counts')).body as { unreadMine: number }).unreadMine).toBe(1);
    await a.api.post(`/api/tickets/${id}/read`, {});
    expect(((await a.api.get('/api/tickets/counts')).body as { unreadMine: number }).unreadMine).toBe(0);
    // A late request for an older message does not make the newer one unread again.
    await a.api.post(`/api/tickets/${id}/read`, { messageId: first });
    expect(((await a.api.get('/api/tickets/counts')).body as { unreadMine: number }).unreadMine).toBe(0);
  });

  it('checks who may mark and validates the body', async () => {
    const { a, other, s, ticket } = await setup();
    const id = ticket();
    expect((await other.api.post(`/api/tickets/${id}/read`, {})).status).toBe(403);
    expect((await s.api.post(`/api/tickets/${id}/read`, {})).status).toBe(403);
    expect((await a.api.post(`/api/tickets/999999/read`, {})).status).toBe(404);
    expect((await a.api.post(`/api/tickets/${id}/read`, { messageId: -1 })).status).toBe(400);
    expect((await a.api.post(`/api/tickets/${id}/read`, { messageId: 1, extra: true })).status).toBe(400);
    expect((await a.api.post(`/api/tickets/x/read`, {})).status).toBe(400);
  });

  it('tells the user’s other connections live', async () => {
    const { server, a, ticket } = await setup();
    const id = ticket();
    const socket = await server.socket(a.cookie);
    const changed = nextEvent<{ ticketId: number }>(socket, 'read.changed');
    await a.api.post(`/api/tickets/${id}/read`, {});
    expect((await changed).ticketId).toBe(id);
  });
});

describe('notifications', () => {
  it('records staff events for the person concerned, not their own actions, and reads them with the ticket', async () => {
    const { vic, server, opA, spec, a, s, admin, ticket } = await setup();
    const mine = async () => ((await a.api.get('/api/notifications')).body as { items: Notification[] }).items;
    // Away: the dispatcher hands a connected, available operator tickets by itself.
    await a.api.put('/api/me/presence', { status: 'away' });
    const socket = await server.socket(a.cookie);

    // Claimed by A: no news for A.
    const id = ticket();
    await a.api.post(`/api/tickets/${id}/claim`);
    expect(await mine()).toEqual([]);

    // Assigned to A by the admin.
    const id2 = ticket();
    const live = nextEvent<{ notification: Notification }>(socket, 'notification.created');
    await admin.api.post(`/api/tickets/${id2}/assign`, { userId: opA.id });
    expect((await live).notification).toMatchObject({ ticketId: id2, kind: 'assigned' });

    // Escalated: the specialist is told; their answer and their hand-back tell A.
    await a.api.post(`/api/tickets/${id}/escalate`, { specialistId: spec.id, question: 'Когда заседание по делу?' });
    const specItems = ((await s.api.get('/api/notifications')).body as { items: Notification[] }).items;
    expect(specItems.map((x) => [x.ticketId, x.kind])).toEqual([[id, 'escalated']]);
    await s.api.post(`/api/tickets/${id}/messages`, { kind: 'note', text: 'Заседание 10 декабря' });
    await s.api.post(`/api/tickets/${id}/hand-back`, { note: '' });
    expect((await mine()).map((x) => [x.ticketId, x.kind, x.actorId])).toEqual([
      [id, 'handback', spec.id],
      [id, 'answer', spec.id],
      [id2, 'assigned', vic.store.getUserByLogin('admin')!.id],
    ]);
    expect(((await a.api.get('/api/notifications')).body as { unread: number }).unread).toBe(3);

    await a.api.post(`/api/tickets/${id}/read`, {});
    expect((await mine()).filter((x) => x.readAt === null).map((x) => x.ticketId)).toEqual([id2]);
    expect((await a.api.post('/api/notifications/read', { all: true })).body).toEqual({ changed: 1 });
    expect((await mine()).every((x) => x.readAt !== null)).toBe(true);
  });

  it('marks only the user’s own notifications and validates the body', async () => {
    const { vic, opA, a, b, admin, ticket } = await setup();
    const id = ticket();
    await admin.api.post(`/api/tickets/${id}/assign`, { userId: opA.id });
    const [n] = vic.store.listNotifications(opA.id, 10).items;
    expect((await b.api.post('/api/notifications/read', { ids: [n.id] })).body).toEqual({ changed: 0 });
    expect(vic.store.getNotification(n.id)!.readAt).toBeNull();
    expect((await a.api.post('/api/notifications/read', { ids: [] })).status).toBe(400);
    expect((await a.api.post('/api/notifications/read', { all: false })).status).toBe(400);
    expect((await a.api.post('/api/notifications/read', { ids: [n.id] })).body).toEqual({ changed: 1 });
  });
});

describe('drafts', () => {
  it('keeps each user’s own draft, deletes it when sent, and validates it', async () => {
    const { a, b, other, s, ticket } = await setup();
    const id = ticket();
    const draft = async (api: typeof a.api) => ((await api.get(`/api/tickets/${id}/draft`)).body as { draft: unknown }).draft;
    expect(await draft(a.api)).toBeNull();
    expect((await a.api.put(`/api/tickets/${id}/draft`, { kind: 'note', text: 'Проверить дело' })).status).toBe(200);
    expect(await draft(a.api)).toMatchObject({ kind: 'note', text: 'Проверить дело' });
    expect(await draft(b.api)).toBeNull();

    expect((await other.api.get(`/api/tickets/${id}/draft`)).status).toBe(403);
    expect((await other.api.put(`/api/tickets/${id}/draft`, { kind: 'reply', text: 'x' })).status).toBe(403);
    expect((await s.api.del(`/api/tickets/${id}/draft`)).status).toBe(403);
    expect((await a.api.put(`/api/tickets/${id}/draft`, { kind: 'reply', text: 'я'.repeat(20_001) })).status).toBe(400);
    expect((await a.api.put(`/api/tickets/${id}/draft`, { kind: 'letter', text: 'x' })).status).toBe(400);
    expect((await a.api.put(`/api/tickets/${id}/draft`, { kind: 'reply' })).status).toBe(400);
    expect((await a.api.put(`/api/tickets/${id}/draft`, { kind: 'reply', text: 'я'.repeat(20_000) })).status).toBe(200);

    await a.api.post(`/api/tickets/${id}/messages`, { kind: 'note', text: 'Отправлено' });
    expect(await draft(a.api)).toBeNull();

    await a.api.put(`/api/tickets/${id}/draft`, { kind: 'reply', text: 'Снова' });
    await a.api.put(`/api/tickets/${id}/draft`, { kind: 'reply', text: '  ' });
    expect(await draft(a.api)).toBeNull();
    await a.api.put(`/api/tickets/${id}/draft`, { kind: 'reply', text: 'Снова' });
    expect((await a.api.del(`/api/tickets/${id}/draft`)).status).toBe(200);
    expect(await draft(a.api)).toBeNull();
  });

  it('goes with the ticket’s content when it is anonymised', async () => {
    const { vic, a, ticket } = await setup();
    const id = ticket();
    const kept = ticket();
    await a.api.put(`/api/tickets/${id}/draft`, { kind: 'reply', text: 'Ержан, ваше дело 7599-26-00-2/101' });
    await a.api.put(`/api/tickets/${kept}/draft`, { kind: 'reply', text: 'Другое' });
    vic.store.tx(() => vic.store.anonymiseTickets([id], '[removed]', vic.clock.now()));
    expect(((await a.api.get(`/api/tickets/${id}/draft`)).body as { draft: unknown }).draft).toBeNull();
    expect(((await a.api.get(`/api/tickets/${kept}/draft`)).body as { draft: unknown }).draft).toMatchObject({ text: 'Другое' });
  });
});
