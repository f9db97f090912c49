import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { SATURDAY_NIGHT, addUser, envelope, makeVic, serve } from '../helpers.ts';
import { json } from './json.ts';

const MONDAY_OPENING = Date.parse('2026-11-30T04:00:00Z'); // 09:00 in Petropavl

const outOf = (vic: Vic, ticketId: number) => vic.store.listMessages(ticketId).filter((m) => m.direction === 'out');

describe('working-day routing through the ingest pipeline', () => {
  it('answers a Saturday message once in Russian naming Monday’s opening, and assigns it on Monday at opening', async () => {
    const { vic, clock } = await makeVic({}, SATURDAY_NIGHT);
    const op = await addUser(vic, 'op', 'operator');
    const r = vic.ingest(envelope({ text: 'Здравствуйте, как получить копию решения суда?' }));
    expect(vic.store.getTicket(r.ticketId)).toMatchObject({ status: 'waiting', assigneeId: null });
    const [reply] = outOf(vic, r.ticketId);
    expect(reply.text).toMatch(/30\.11\.2026/);
    expect(reply.text).toMatch(/09:00/);
    expect(reply.text).toMatch(/обращение|Здравствуйте/i);
    expect(reply.text).not.toMatch(/[әғқңөұүһі]/i);

    clock.advance(2 * 3_600_000);
    vic.ingest(envelope({ text: 'Ответьте, пожалуйста' }));
    expect(outOf(vic, r.ticketId)).toHaveLength(1);

    // The operator's console is connected over the weekend; nothing is assigned before opening.
    vic.store.changeConnections(op.id, 1, clock.now());
    clock.set(MONDAY_OPENING - 60_000);
    vic.dispatcher.tick();
    expect(vic.store.getTicket(r.ticketId)).toMatchObject({ status: 'waiting', assigneeId: null });
    clock.set(MONDAY_OPENING);
    vic.dispatcher.tick();
    expect(vic.store.getTicket(r.ticketId)).toMatchObject({ status: 'open', assigneeId: op.id });
  });

  it('answers a Kazakh message off hours in Kazakh', async () => {
    const { vic } = await makeVic({}, SATURDAY_NIGHT);
    const r = vic.ingest(envelope({ text: 'Сәлеметсіз бе, шешімнің көшірмесін қалай алуға болады?' }));
    expect(outOf(vic, r.ticketId)[0].text).toMatch(/[әғқңөұүһі]/i);
  });

  it('lets waiting tickets enter the queue oldest first at opening', async () => {
    const { vic, clock } = await makeVic({}, SATURDAY_NIGHT);
    const op = await addUser(vic, 'op', 'operator');
    vic.store.updateUser(op.id, { maxConcurrent: 1 });
    const first = vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77010000001@c.us' } }));
    clock.advance(60_000);
    const second = vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77010000002@c.us' } }));
    vic.store.changeConnections(op.id, 1, clock.now());
    clock.set(MONDAY_OPENING);
    vic.dispatcher.tick();
    expect(vic.store.getTicket(first.ticketId)!.assigneeId).toBe(op.id);
    expect(vic.store.getTicket(second.ticketId)).toMatchObject({ status: 'open', assigneeId: null });
  });

  it('returns an offline operator’s unanswered tickets to the queue after the grace period, and gives them to someone online', async () => {
    const { vic, clock } = await makeVic({ OFFLINE_GRACE_MIN: 5 });
    const a = await addUser(vic, 'op-a', 'operator');
    vic.store.changeConnections(a.id, 1, clock.now());
    const r = vic.ingest(envelope());
    expect(vic.store.getTicket(r.ticketId)!.assigneeId).toBe(a.id);
    vic.store.changeConnections(a.id, -1, clock.now());
    clock.advance(4 * 60_000);
    vic.dispatcher.tick();
    expect(vic.store.getTicket(r.ticketId)!.assigneeId).toBe(a.id);
    const b = await addUser(vic, 'op-b', 'operator');
    vic.store.changeConnections(b.id, 1, clock.now());
    clock.advance(2 * 60_000);
    vic.dispatcher.tick();
    expect(vic.store.getTicket(r.ticketId)!.assigneeId).toBe(b.id);
    expect(vic.store.auditOf('ticket', r.ticketId).map((x) => x.action)).toContain('ticket.returned');
  });

  it('keeps an answered ticket with its operator when they go offline', async () => {
    const { vic, clock } = await makeVic({ OFFLINE_GRACE_MIN: 5 });
    const a = await addUser(vic, 'op-a', 'operator');
    vic.store.changeConnections(a.id, 1, clock.now());
    const r = vic.ingest(envelope());
    vic.tickets.post(a, r.ticketId, 'reply', 'Добрый день!');
    vic.store.changeConnections(a.id, -1, clock.now());
    clock.advance(60 * 60_000);
    vic.dispatcher.tick();
    expect(vic.store.getTicket(r.ticketId)!.assigneeId).toBe(a.id);
  });

  it('flags a ticket whose first-response deadline passes in working time, once', async () => {
    const { vic, clock } = await makeVic();
    const r = vic.ingest(envelope());
    const due = vic.store.getTicket(r.ticketId)!.firstResponseDueAt!;
    const seen: number[] = [];
    vic.events.on((e) => e.type === 'ticket.updated' && e.ticket.slaBreachedAt && seen.push(e.ticket.id));
    clock.set(due - 1);
    vic.dispatcher.tick();
    expect(vic.store.getTicket(r.ticketId)!.slaBreachedAt).toBeNull();
    clock.set(due);
    vic.dispatcher.tick();
    vic.dispatcher.tick();
    expect(vic.store.getTicket(r.ticketId)!.slaBreachedAt).toBe(due);
    expect(seen).toEqual([r.ticketId]);
  });

  it('lets an admin declare a court day off through the API, audited, and routes by it', async () => {
    const { vic } = await makeVic();
    const server = await serve(vic);
    const { api } = await server.login('admin', 'admin-secret-1');
    const court = vic.store.getCourtByCode('sko-regional')!;
    const put = await api.put(`/api/courts/${court.id}/calendar/2026-12-01`, { kind: 'off', note: 'Санитарный день' });
    expect(put.status).toBe(200);
    const cal = json<{ daysOff: string[] }>(await api.get(`/api/courts/${court.id}/calendar?year=2026`));
    expect(cal.daysOff).toContain('2026-12-01');
    expect(cal.daysOff).toContain('2026-12-16');
    const r = vic.ingest(envelope({ courtHint: 'sko-regional' }));
    expect(vic.store.getTicket(r.ticketId)!.status).toBe('waiting');
    const other = vic.ingest(envelope({ courtHint: 'sko-economic', sender: { kind: 'email', address: 'x@firm.kz' }, channel: 'email' }));
    expect(vic.store.getTicket(other.ticketId)!.status).toBe('open');
    expect((await api.put(`/api/courts/${court.id}/calendar/2026-02-30`, { kind: 'off' })).status).toBe(400);
    expect((await api.del(`/api/courts/${court.id}/calendar/2026-12-01`)).status).toBe(200);
    expect(vic.store.auditOf('court', court.id).map((a) => a.action)).toEqual(['calendar.day_set', 'calendar.day_removed']);
    await addUser(vic, 'op', 'operator');
    const opApi = (await server.login('op', 'password-123')).api;
    expect((await opApi.put(`/api/courts/${court.id}/calendar/2026-12-02`, { kind: 'off' })).status).toBe(403);
  });
});
