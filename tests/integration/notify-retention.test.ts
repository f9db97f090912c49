// The notify part of #16 on the server: the routing's own assignments reach the bell without a stored row (live
// `notification.routed`, and the read marks after a reload); old notifications and drafts go with the daily
// retention run, in bounded batches, by an index; a deactivated user's drafts go at once and stay gone.
import { describe, expect, it } from 'vitest';
import { DAY } from '../../routing/calendar/days.ts';
import { SESSION_COOKIE, openSession } from '../../src/auth.ts';
import { loadConfig } from '../../src/config.ts';
import { RetentionJob } from '../../src/retention/job.ts';
import type { Role, UserRow } from '../../src/store/index.ts';
import { client, envelope, makeVic, nextEvent, serve, until } from '../helpers.ts';

type Entry = { ticketId: number; ref: string; assigned: boolean };

async function setup(over: Parameters<typeof makeVic>[0] = {}) {
  const { vic, clock } = await makeVic(over);
  const server = await serve(vic);
  // Sessions opened directly: a sign-in (argon2) per user would cost more than the test.
  const user = (login: string, role: Role) =>
    vic.store.getUser(
      vic.store.createUser(
        { login, name: login, role, passwordHash: 'x', courtId: vic.store.getCourtByCode('sko-regional')!.id },
        clock.now(),
      ),
    )!;
  const as = (u: UserRow) => {
    const cookie = `${SESSION_COOKIE}=${openSession(vic.store, u.id, clock.now(), 365 * DAY)}`;
    return { cookie, api: client(server.base, cookie) };
  };
  let n = 0;
  const ticket = () =>
    vic.ingest(
      envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: `7702000${String(++n).padStart(4, '0')}@c.us` } }),
    ).ticketId;
  const count = (table: string) => (vic.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { vic, clock, server, user, as, ticket, count, admin: as(vic.store.getUserByLogin('admin')!) };
}

describe('the routing’s assignments in the bell', () => {
  it('tells the operator live when ingest routes a new ticket to them, writes no row, and lists it until read', async () => {
    const { vic, server, user, as, ticket, count } = await setup();
    const opA = user('op-a', 'operator');
    const a = as(opA);
    // Connected and available: the routing picks A.
    const socket = await server.socket(a.cookie);
    const order: string[] = [];
    for (const name of ['notification.routed', 'ticket.created', 'message.created']) socket.on(name, () => order.push(name));
    const routed = nextEvent<{ entry: Entry }>(socket, 'notification.routed');
    const before = count('notifications');
    const id = ticket();
    expect(vic.store.getTicket(id)!.assigneeId).toBe(opA.id);
    expect((await routed).entry).toMatchObject({ ticketId: id, ref: vic.store.getTicket(id)!.ref, assigned: true });
    expect(count('notifications'), 'ingest wrote no notification').toBe(before);
    // The console silences its own new-ticket alert for it: the routed entry must come first.
    await until('the ticket’s events', () => order.length === 3);
    expect(order).toEqual(['notification.routed', 'ticket.created', 'message.created']);

    // A reload: the bell's list comes from the read marks.
    const listed = async () => ((await a.api.get('/api/notifications')).body as { unreadMine: Entry[] }).unreadMine;
    expect(await listed()).toEqual([expect.objectContaining({ ticketId: id, assigned: true })]);
    await a.api.post(`/api/tickets/${id}/read`, {});
    expect(await listed()).toEqual([]);
    // A new message on the ticket A has read is a new message, not an assignment.
    vic.ingest(envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: '77020000001@c.us' }, text: 'Ещё вопрос' }));
    expect(await listed()).toEqual([expect.objectContaining({ ticketId: id, assigned: false })]);
  });

  it('tells the operator when the dispatcher assigns a waiting ticket to them, and nobody else', async () => {
    const { vic, server, user, as, ticket } = await setup();
    const opA = user('op-a', 'operator');
    const a = as(opA);
    const b = as(user('op-b', 'operator'));
    await a.api.put('/api/me/presence', { status: 'away' });
    await b.api.put('/api/me/presence', { status: 'away' });
    const [sa, sb] = [await server.socket(a.cookie), await server.socket(b.cookie)];
    const id = ticket();
    expect(vic.store.getTicket(id)!.assigneeId).toBeNull();
    let toB = 0;
    sb.on('notification.routed', () => toB++);
    const routed = nextEvent<{ entry: Entry }>(sa, 'notification.routed');
    // Back at work: the dispatcher hands A the waiting ticket.
    await a.api.put('/api/me/presence', { status: 'available' });
    expect((await routed).entry).toMatchObject({ ticketId: id, assigned: true });
    expect(vic.store.getTicket(id)!.assigneeId).toBe(opA.id);
    expect(vic.store.listNotifications(opA.id, 10).items).toEqual([]);
    expect(toB).toBe(0);
  });

  it('stores an assignment by a colleague as before, and sends it no routed entry', async () => {
    const { vic, server, user, as, ticket, admin } = await setup();
    const opA = user('op-a', 'operator');
    const a = as(opA);
    await a.api.put('/api/me/presence', { status: 'away' });
    const socket = await server.socket(a.cookie);
    const id = ticket();
    let routed = 0;
    socket.on('notification.routed', () => routed++);
    const created = nextEvent<{ notification: { kind: string } }>(socket, 'notification.created');
    await admin.api.post(`/api/tickets/${id}/assign`, { userId: opA.id });
    expect((await created).notification.kind).toBe('assigned');
    expect(routed).toBe(0);
    expect(vic.store.listNotifications(opA.id, 10).items.map((x) => x.kind)).toEqual(['assigned']);
  });
});

describe('retention of notifications and drafts', () => {
  it('is 90 days unless NOTIFICATION_RETENTION_DAYS says otherwise', () => {
    expect(loadConfig({}, false).NOTIFICATION_RETENTION_DAYS).toBe(90);
    expect(loadConfig({ NOTIFICATION_RETENTION_DAYS: '14' }, false).NOTIFICATION_RETENTION_DAYS).toBe(14);
    expect(() => loadConfig({ NOTIFICATION_RETENTION_DAYS: '0' }, false)).toThrow(/NOTIFICATION_RETENTION_DAYS/);
  });

  it('deletes notifications past the age (read ones after 30 days) and old drafts, in batches, as previewed', async () => {
    const { vic, clock, user, ticket, count } = await setup({ NOTIFICATION_RETENTION_DAYS: 60 });
    const opA = user('op-a', 'operator');
    const opB = user('op-b', 'operator');
    const t0 = clock.now();
    const tickets = Array.from({ length: 40 }, () => ticket());
    // 40 notifications a day apart, every other one read; drafts of both users on the same days.
    const ids: { id: number; day: number; read: boolean }[] = [];
    for (let day = 0; day < 40; day++) {
      const at = t0 + day * 2 * DAY;
      const userId = day % 2 ? opA.id : opB.id;
      const id = vic.store.addNotification({ userId, ticketId: tickets[day], kind: 'answer', actorId: null, now: at });
      const read = day % 4 < 2;
      if (read) vic.store.db.prepare(`UPDATE notifications SET read_at = ? WHERE id = ?`).run(at + 1000, id);
      ids.push({ id, day: day * 2, read });
      vic.store.saveDraft(userId, tickets[day], 'reply', `черновик ${day}`, at);
    }
    // Day 100: everything created before day 40 goes; read ones before day 70 too.
    clock.set(t0 + 100 * DAY);
    const kept = ids.filter((x) => x.day >= 40 && !(x.read && x.day < 70)).map((x) => x.id);

    const job = new RetentionJob({ store: vic.store, clock, config: vic.config, attachments: vic.attachments, log: vic.log }, 4);
    const preview = await job.preview();
    // Days 0–38 of 0–78: 20 drafts past the age.
    expect(preview).toMatchObject({ notifications: ids.length - kept.length, drafts: 20 });
    const counts = await job.run();
    expect(counts).toEqual(preview);
    expect((vic.store.db.prepare(`SELECT id FROM notifications ORDER BY id`).all() as { id: number }[]).map((r) => r.id)).toEqual(kept);
    expect(count('ticket_drafts')).toBe(20);
    expect(vic.store.getDraft(opA.id, tickets[39])?.text).toBe('черновик 39');
    expect(vic.store.getDraft(opA.id, tickets[19])).toBeUndefined();
    expect(vic.store.lastRetentionRun()!.details).toMatchObject({ counts: { notifications: counts.notifications, drafts: counts.drafts } });
    // A second run finds nothing more.
    expect(await job.preview()).toMatchObject({ notifications: 0, drafts: 0 });
  });

  it('deletes in bounded batches', async () => {
    const { vic, clock, user, ticket } = await setup();
    const opA = user('op-a', 'operator');
    const id = ticket();
    for (let i = 0; i < 10; i++)
      vic.store.addNotification({ userId: opA.id, ticketId: id, kind: 'answer', actorId: null, now: clock.now() });
    const later = clock.now() + 1;
    expect(vic.store.deleteNotificationsDue(later, later, 4)).toBe(4);
    expect(vic.store.countNotificationsDue(later, later)).toBe(6);
    vic.store.saveDraft(opA.id, id, 'reply', 'x', clock.now());
    expect(vic.store.deleteDraftsBefore(later, 0)).toBe(0);
    expect(vic.store.deleteDraftsBefore(later, 1)).toBe(1);
  });

  it('finds what is due by an index, not by reading every row', async () => {
    const { vic } = await setup();
    const plan = (sql: string, ...args: number[]) =>
      (vic.store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join('; ');
    expect(plan(`SELECT id FROM notifications WHERE created_at < ? AND (created_at < ? OR read_at IS NOT NULL) LIMIT ?`, 0, 0, 1)).toMatch(
      /USING (COVERING )?INDEX notifications_created/,
    );
    expect(plan(`SELECT user_id, ticket_id FROM ticket_drafts WHERE updated_at < ? LIMIT ?`, 0, 1)).toMatch(
      /USING (COVERING )?INDEX ticket_drafts_updated/,
    );
  });
});

describe('drafts of a deactivated user', () => {
  it('are deleted with the account and not restored when it is reactivated; colleagues’ drafts stay', async () => {
    const { vic, user, as, ticket, admin } = await setup();
    const opA = user('op-a', 'operator');
    const opB = user('op-b', 'operator');
    const [a, b] = [as(opA), as(opB)];
    const id = ticket();
    const other = ticket();
    expect((await a.api.put(`/api/tickets/${id}/draft`, { kind: 'reply', text: 'Ержан, ваше дело 7599-26-00-2/101' })).status).toBe(200);
    await a.api.put(`/api/tickets/${other}/draft`, { kind: 'note', text: 'Проверить' });
    await b.api.put(`/api/tickets/${id}/draft`, { kind: 'reply', text: 'Черновик коллеги' });

    expect((await admin.api.del(`/api/users/${opA.id}`)).status).toBe(200);
    expect([vic.store.getDraft(opA.id, id), vic.store.getDraft(opA.id, other)]).toEqual([undefined, undefined]);
    expect(vic.store.getDraft(opB.id, id)?.text).toBe('Черновик коллеги');

    expect((await admin.api.patch(`/api/users/${opA.id}`, { active: true })).status).toBe(200);
    expect(vic.store.getDraft(opA.id, id)).toBeUndefined();

    // Deactivated by an edit of the account, the same.
    await b.api.put(`/api/tickets/${other}/draft`, { kind: 'reply', text: 'Ещё один' });
    expect((await admin.api.patch(`/api/users/${opB.id}`, { active: false })).status).toBe(200);
    expect(vic.store.getDraft(opB.id, id)).toBeUndefined();
    expect(vic.store.getDraft(opB.id, other)).toBeUndefined();
  });
});
