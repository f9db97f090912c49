// Admin changes after creation, through the real HTTP server: editing users (and what follows for their
// sessions, sockets and tickets), and a court's own working week (and what follows for routing).
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { addUser, envelope, makeVic, nextEvent, serve } from '../helpers.ts';
import { errorOf, json, type TicketRow, type UserRow, type WeekHours } from './json.ts';

/** GET/PUT /api/courts/:id/hours: the week in force, and whether it is the court's own. */
interface CourtHours {
  week: WeekHours;
  custom: boolean;
}

async function setup(at?: number) {
  const { vic, clock } = await makeVic({}, at);
  const server = await serve(vic);
  const admin = (await server.login('admin', 'admin-secret-1')).api;
  return { vic, clock, server, admin };
}
const courtId = (vic: Vic, code: string) => vic.store.getCourtByCode(code)!.id;

describe('admin edits users', () => {
  it('changes name, role, court, SIP extension, languages, load and title, audited, and validates each', async () => {
    const { vic, admin } = await setup();
    const op = await addUser(vic, 'op', 'operator');
    const eco = courtId(vic, 'sko-economic');
    const r = await admin.patch(`/api/users/${op.id}`, {
      name: 'Айгуль Серикова',
      role: 'specialist',
      courtId: eco,
      sipExtension: '201',
      languages: ['kk'],
      maxConcurrent: 3,
      title: 'Секретарь судебного заседания',
    });
    expect(r.status).toBe(200);
    expect(json<{ user: UserRow }>(r).user).toMatchObject({
      login: 'op',
      name: 'Айгуль Серикова',
      role: 'specialist',
      courtId: eco,
      sipExtension: '201',
      languages: ['kk'],
      maxConcurrent: 3,
    });
    expect(
      json<{ user: UserRow }>(await admin.patch(`/api/users/${op.id}`, { sipExtension: null, title: null, courtId: null })).user,
    ).toMatchObject({
      sipExtension: null,
      title: null,
      courtId: null,
    });
    expect(vic.store.auditOf('user', op.id).map((a) => a.action)).toEqual(['user.updated', 'user.updated']);

    const bad = async (body: unknown) => (await admin.patch(`/api/users/${op.id}`, body)).status;
    expect(await bad({})).toBe(400);
    expect(await bad({ login: 'renamed' })).toBe(400);
    expect(await bad({ sipExtension: '20 1' })).toBe(400);
    expect(await bad({ languages: [] })).toBe(400);
    expect(await bad({ maxConcurrent: 0 })).toBe(400);
    expect(await bad({ role: 'root' })).toBe(400);
    expect(await bad({ password: 'short' })).toBe(400);
    expect(errorOf(await admin.patch(`/api/users/${op.id}`, { courtId: 9999 })).code).toBe('VIC_COURT_NOT_FOUND');
    expect(errorOf(await admin.patch('/api/users/9999', { name: 'x' })).code).toBe('VIC_USER_NOT_FOUND');
    expect(vic.store.getUser(op.id)).toMatchObject({ name: 'Айгуль Серикова', maxConcurrent: 3 });
  });

  it('never lets an admin lock themselves out, nor leave the centre without an active admin', async () => {
    const { vic, server, admin } = await setup();
    const me = vic.store.getUserByLogin('admin')!;
    for (const body of [{ role: 'operator' }, { active: false }]) {
      const r = await admin.patch(`/api/users/${me.id}`, body);
      expect(r.status).toBe(409);
      expect(errorOf(r).code).toBe('VIC_SELF_LOCKOUT');
    }
    expect((await admin.del(`/api/users/${me.id}`)).status).toBe(409);
    expect(vic.store.getUser(me.id)).toMatchObject({ role: 'admin', active: true });

    // Two admins demote each other at the same moment (one also resets a password, so its write waits for the
    // hashing): whichever order the writes take, one of them is refused and one admin is left.
    const second = await addUser(vic, 'admin2', 'admin', null);
    const other = (await server.login('admin2', 'password-123')).api;
    const [a, b] = await Promise.all([
      admin.patch(`/api/users/${second.id}`, { role: 'operator', password: 'new-password-1' }),
      new Promise((resolve) => setTimeout(resolve, 5)).then(() => other.patch(`/api/users/${me.id}`, { role: 'operator' })),
    ]);
    expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
    expect([a.status, b.status].filter((s) => s === 403 || s === 409)).toHaveLength(1);
    expect(vic.store.countActiveAdmins()).toBe(1);
  });

  it('deactivating ends the user’s sessions and live connection and hands their tickets back; activating lets them in again', async () => {
    const { vic, server, admin } = await setup();
    const op = await addUser(vic, 'op', 'operator');
    const signedIn = await server.login('op', 'password-123');
    const socket = await server.socket(signedIn.cookie);
    const t = vic.ingest(envelope({ courtHint: 'sko-regional' }));
    expect(vic.store.getTicket(t.ticketId)!.assigneeId).toBe(op.id);

    const cut = nextEvent<string>(socket, 'disconnect');
    expect(json<{ user: UserRow }>(await admin.patch(`/api/users/${op.id}`, { active: false })).user.active).toBe(false);
    expect(await cut).toBe('io server disconnect');
    expect((await signedIn.api.get('/api/me')).status).toBe(401);
    expect((await server.login('op', 'password-123')).res.status).toBe(401);
    expect(vic.store.getTicket(t.ticketId)!.assigneeId).toBeNull();
    expect(vic.store.auditOf('ticket', t.ticketId).map((a) => a.action)).toContain('ticket.returned');

    expect(json<{ user: UserRow }>(await admin.patch(`/api/users/${op.id}`, { active: true })).user.active).toBe(true);
    expect((await server.login('op', 'password-123')).res.status).toBe(200);
  });

  it('hands the questions of a deactivated specialist back to the operator who asked, who sees it live', async () => {
    const { vic, server, admin } = await setup();
    await addUser(vic, 'op', 'operator');
    const specialist = await addUser(vic, 'sec', 'specialist');
    const op = await server.login('op', 'password-123');
    const socket = await server.socket(op.cookie);
    const { ticketId } = vic.ingest(envelope({ text: 'Когда будет готов протокол заседания?' }));
    expect(
      (await op.api.post(`/api/tickets/${ticketId}/escalate`, { specialistId: specialist.id, question: 'Протокол готов?' })).status,
    ).toBe(200);
    // Unassigned, escalated by an operator who had not claimed it: the question's asker takes it back.
    vic.store.updateTicket(ticketId, { assigneeId: null }, vic.clock.now());

    const back = nextEvent<{ ticket: TicketRow }>(socket, 'ticket.updated');
    expect((await admin.del(`/api/users/${specialist.id}`)).status).toBe(200);
    expect((await back).ticket).toMatchObject({ id: ticketId, specialistId: null, assigneeId: vic.store.getUserByLogin('op')!.id });
    expect(vic.store.openEscalation(ticketId)).toBeUndefined();
    expect(vic.store.listEscalations(ticketId).map((e) => e.status)).toEqual(['returned']);
    expect(vic.store.auditOf('ticket', ticketId).map((a) => a.action)).toContain('ticket.handed_back');
  });

  it('moves an operator to another court at once: live events, tickets and the console follow', async () => {
    const { vic, server, admin } = await setup();
    const op = await addUser(vic, 'op', 'operator', 'sko-regional');
    const signedIn = await server.login('op', 'password-123');
    const socket = await server.socket(signedIn.cookie);
    const mine = vic.ingest(envelope({ courtHint: 'sko-regional' }));
    expect(vic.store.getTicket(mine.ticketId)!.assigneeId).toBe(op.id);

    const told = nextEvent(socket, 'session.changed');
    await admin.patch(`/api/users/${op.id}`, { courtId: courtId(vic, 'sko-economic') });
    await told;
    // The regional ticket goes back to its court's queue: the operator can no longer see it.
    expect(vic.store.getTicket(mine.ticketId)!.assigneeId).toBeNull();
    expect((await signedIn.api.get(`/api/tickets/${mine.ticketId}`)).status).toBe(403);

    const seen: string[] = [];
    socket.on('ticket.created', (p: { ticket: TicketRow }) => seen.push(p.ticket.courtCode));
    vic.ingest(envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: '77010000009@c.us' } }));
    const eco = nextEvent<{ ticket: TicketRow }>(socket, 'ticket.created');
    vic.ingest(envelope({ courtHint: 'sko-economic', channel: 'email', sender: { kind: 'email', address: 'buh@firm.kz' } }));
    expect((await eco).ticket.courtCode).toBe('sko-economic');
    expect(seen).toEqual(['sko-economic']);
  });

  it('resets a password: the new one works, the old one and the user’s sessions end; an admin resetting their own stays in', async () => {
    const { vic, server, admin } = await setup();
    const op = await addUser(vic, 'op', 'operator');
    const before = await server.login('op', 'password-123');
    expect((await admin.patch(`/api/users/${op.id}`, { password: 'brand-new-pass' })).status).toBe(200);
    expect((await before.api.get('/api/me')).status).toBe(401);
    expect((await server.login('op', 'password-123')).res.status).toBe(401);
    expect((await server.login('op', 'brand-new-pass')).res.status).toBe(200);
    expect(JSON.stringify(vic.store.auditOf('user', op.id))).not.toMatch(/argon2|brand-new-pass/);

    const me = vic.store.getUserByLogin('admin')!;
    const otherAdminSession = (await server.login('admin', 'admin-secret-1')).api;
    expect((await admin.patch(`/api/users/${me.id}`, { password: 'admin-secret-2' })).status).toBe(200);
    expect((await admin.get('/api/me')).status).toBe(200);
    expect((await otherAdminSession.get('/api/me')).status).toBe(401);
    expect((await server.login('admin', 'admin-secret-2')).res.status).toBe(200);
  });
});

/** Tuesday 2026-12-01 19:00 in Petropavl (UTC+5): after the default week's 18:30 closing. */
const TUESDAY_7PM = Date.parse('2026-12-01T14:00:00Z');
const day = (...periods: [string, string][]) => periods.map(([start, end]) => ({ start, end }));
const LONG_DAY = day(['09:00', '13:00'], ['14:30', '20:00']);
const LONG_WEEK = { 1: LONG_DAY, 2: LONG_DAY, 3: LONG_DAY, 4: LONG_DAY, 5: LONG_DAY, 6: [], 7: [] };

describe('court working hours', () => {
  it('validates the week: HH:MM, start before end, no overlaps, at most 4 periods, all 7 days, some working time', async () => {
    const { vic, server, admin } = await setup();
    const id = courtId(vic, 'sko-regional');
    const put = (week: unknown) => admin.put(`/api/courts/${id}/hours`, { week });
    const withDay = (periods: unknown) => ({ ...LONG_WEEK, 1: periods });
    for (const week of [
      withDay(day(['9:00', '13:00'])),
      withDay(day(['09:00', '24:00'])),
      withDay(day(['09:60', '13:00'])),
      withDay(day(['13:00', '09:00'])),
      withDay(day(['09:00', '09:00'])),
      withDay(day(['09:00', '13:00'], ['12:30', '18:00'])),
      withDay(day(['08:00', '09:00'], ['10:00', '11:00'], ['12:00', '13:00'], ['14:00', '15:00'], ['16:00', '17:00'])),
      withDay([{ start: '09:00', end: '13:00', note: 'x' }]),
      { 1: LONG_DAY, 2: LONG_DAY, 3: LONG_DAY, 4: LONG_DAY, 5: LONG_DAY, 6: [] },
      { ...LONG_WEEK, 8: [] },
      { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] },
      'default',
    ]) {
      const r = await put(week);
      expect(r.status, JSON.stringify(week)).toBe(400);
      expect(errorOf(r).code).toBe('VIC_VALIDATION');
    }
    expect(errorOf(await put(withDay(day(['09:00', '13:00'], ['12:30', '18:00'])))).message).toMatch(/week\.1.*overlap/);
    expect(vic.store.getCourt(id)!.weekHours).toBeNull();

    // Periods may come in any order and touch; they are stored sorted.
    const ok = await put(withDay(day(['14:00', '18:00'], ['09:00', '14:00'])));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ custom: true, week: { 1: day(['09:00', '14:00'], ['14:00', '18:00']), 6: [] } });
    expect(json<CourtHours>(await admin.get(`/api/courts/${id}/hours`)).custom).toBe(true);
    const reset = await put(null);
    expect(reset.body).toMatchObject({ custom: false, week: { 1: day(['09:00', '13:00'], ['14:30', '18:30']), 7: [] } });
    expect(vic.store.auditOf('court', id).map((a) => a.action)).toEqual(['court.hours_set', 'court.hours_set']);

    await addUser(vic, 'op', 'operator');
    const op = (await server.login('op', 'password-123')).api;
    expect((await op.get(`/api/courts/${id}/hours`)).status).toBe(200);
    expect((await op.put(`/api/courts/${id}/hours`, { week: LONG_WEEK })).status).toBe(403);
    expect((await admin.put('/api/courts/9999/hours', { week: LONG_WEEK })).status).toBe(404);
  });

  it('routes by the court’s own hours: at 19:00 a court open until 20:00 takes the ticket, one on the default week waits', async () => {
    const { vic, admin } = await setup(TUESDAY_7PM);
    const reg = courtId(vic, 'sko-regional');
    const outbound = (ticketId: number) => vic.store.listMessages(ticketId).filter((m) => m.direction === 'out');

    // Before the change the regional court is closed at 19:00 too: the ticket waits.
    const early = vic.ingest(envelope({ courtHint: 'sko-regional', receivedAt: TUESDAY_7PM }));
    expect(vic.store.getTicket(early.ticketId)!.status).toBe('waiting');

    expect((await admin.put(`/api/courts/${reg}/hours`, { week: LONG_WEEK })).status).toBe(200);
    // The dispatcher's next beat lets the waiting ticket in: the court is open now.
    vic.dispatcher.tick();
    expect(vic.store.getTicket(early.ticketId)!.status).toBe('open');

    const open = vic.ingest(
      envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: '77010000002@c.us' }, receivedAt: TUESDAY_7PM }),
    );
    const t = vic.store.getTicket(open.ticketId)!;
    expect(t.status).toBe('open');
    expect(outbound(open.ticketId)).toEqual([]);
    // 120 working minutes: 19:00–20:00 today, then 09:00–10:00 on Wednesday.
    expect(t.firstResponseDueAt).toBe(Date.parse('2026-12-02T05:00:00Z'));

    const closed = vic.ingest(
      envelope({ courtHint: 'sko-economic', sender: { kind: 'whatsapp', address: '77010000003@c.us' }, receivedAt: TUESDAY_7PM }),
    );
    expect(vic.store.getTicket(closed.ticketId)!.status).toBe('waiting');
    const [reply] = outbound(closed.ticketId);
    expect(reply.text).toMatch(/02\.12\.2026/);
    expect(reply.text).toMatch(/09:00/);

    // Back to the default week: the regional court is closed at 19:00 again.
    await admin.put(`/api/courts/${reg}/hours`, { week: null });
    const late = vic.ingest(
      envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: '77010000004@c.us' }, receivedAt: TUESDAY_7PM }),
    );
    expect(vic.store.getTicket(late.ticketId)!.status).toBe('waiting');
  });
});
