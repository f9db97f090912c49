// Callback tasks: a missed call is a task due in working time, named on its ticket by a readable line; the queue
// per court, its counters, "no answer, try again at…", "done", call-backs as tries, and retention.
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { WORKING, addUser, envelope, makeVic, nextEvent, serve } from '../helpers.ts';
import { errorOf } from './json.ts';

const MIN = 60_000;

function missedCall(vic: Vic, callId: string, from: string, rung: number[], waitedMs = 45_000) {
  const at = vic.clock.now();
  const r = vic.ingest(
    envelope({
      channel: 'sip',
      externalId: callId,
      sender: { kind: 'phone', address: from, displayName: 'Ержан' },
      text: '',
      receivedAt: at,
      call: { callId, from, to: '+77152000000', outcome: 'ringing', startedAt: at },
    }),
  );
  // As the adapter reports it today: each phone rung, then the miss.
  for (const id of rung) vic.calls.progress(callId, { outcome: 'ringing', operatorUserId: id });
  vic.calls.progress(callId, { outcome: 'missed', endedAt: at + waitedMs });
  return r.ticketId;
}

async function rig() {
  const { vic, clock } = await makeVic();
  const a = await addUser(vic, 'Айгуль', 'operator');
  const b = await addUser(vic, 'Болат', 'operator');
  await addUser(vic, 'op-eco', 'operator', 'sko-economic');
  await addUser(vic, 'spec', 'specialist');
  await addUser(vic, 'sup', 'supervisor');
  return { vic, clock, a, b };
}

describe('a missed call', () => {
  it('is a callback task due in working time, names nobody, and shows who called, when, how long and who was rung', async () => {
    const { vic, a, b } = await rig();
    const ticketId = missedCall(vic, 'm1@pbx', '+77012345678', [a.id, b.id]);
    const call = vic.store.getCall('m1@pbx')!;
    // Tuesday 10:00 local + 45 s waited + 120 working minutes.
    expect(call).toMatchObject({ outcome: 'missed', operatorId: null, rung: [a.id, b.id], callbackDueAt: WORKING + 45_000 + 120 * MIN });
    const line = vic.store.getMessage(call.messageId!)!;
    expect(line.auto).toBe('call');
    expect(line.text).toBe('Пропущенный звонок: +77012345678 (Ержан), 01.12.2026 10:00; ожидание 45 с; звонили операторам: Айгуль, Болат');

    const server = await serve(vic);
    const { api } = await server.login('Айгуль', 'password-123');
    const detail = (await api.get(`/api/tickets/${ticketId}`)).body as {
      calls: { messageId: number; rungUsers: { name: string }[]; waitedMs: number; operatorId: number | null }[];
      messages: { id: number; text: string }[];
    };
    expect(detail.calls[0]).toMatchObject({ messageId: line.id, waitedMs: 45_000, operatorId: null });
    expect(detail.calls[0].rungUsers.map((u) => u.name)).toEqual(['Айгуль', 'Болат']);
    expect(detail.messages.find((m) => m.id === line.id)!.text).toContain('ожидание 45 с');

    // The citizen calls again and gets through: the task needs no call-back any more.
    vic.ingest(
      envelope({
        channel: 'sip',
        externalId: 'm2@pbx',
        sender: { kind: 'phone', address: '+77012345678' },
        text: '',
        call: { callId: 'm2@pbx', from: '+77012345678', to: '+77152000000', outcome: 'ringing', startedAt: vic.clock.now() },
      }),
    );
    expect(vic.store.getCall('m2@pbx')!.ticketId).toBe(ticketId);
    vic.calls.progress('m2@pbx', { outcome: 'answered', operatorUserId: b.id, answeredAt: vic.clock.now() });
    expect(vic.store.getCall('m1@pbx')!.callbackDoneAt).toBe(vic.clock.now());
  });

  it('near closing time, on a Kazakh ticket: due after the next opening, the line in Kazakh', async () => {
    // Friday 18:20 local, missed at 18:21:10: 8 min 50 s of working time left, so the task is due Monday 10:51:10.
    const { vic } = await makeVic({}, Date.parse('2026-11-27T13:20:00Z'));
    const r = vic.ingest(
      envelope({
        channel: 'sip',
        externalId: 'kk@pbx',
        sender: { kind: 'phone', address: '+77019998877' },
        text: '',
        receivedAt: vic.clock.now(),
        call: { callId: 'kk@pbx', from: '+77019998877', to: '+77152000000', outcome: 'ringing', startedAt: vic.clock.now() },
      }),
    );
    vic.store.updateTicket(r.ticketId, { language: 'kk' }, vic.clock.now());
    vic.calls.progress('kk@pbx', { outcome: 'missed', endedAt: vic.clock.now() + 70_000, rung: [] });
    const call = vic.store.getCall('kk@pbx')!;
    expect(call.callbackDueAt).toBe(Date.parse('2026-11-30T05:51:10Z'));
    expect(vic.store.getMessage(call.messageId!)!.text).toBe(
      'Жауапсыз қалған қоңырау: +77019998877, 27.11.2026 18:20; күтті 1 мин 10 сек; бос оператор болмады',
    );
  });
});

describe('the callbacks queue', () => {
  it('lists the court’s tasks by due time, page by page, counts them, and refuses who handles no tickets', async () => {
    const { vic, clock, a } = await rig();
    const server = await serve(vic);
    const ids = [];
    for (const n of [1, 2, 3]) {
      ids.push(missedCall(vic, `q${n}@pbx`, `+7701000000${n}`, [a.id]));
      clock.advance(MIN);
    }
    const op = (await server.login('Айгуль', 'password-123')).api;
    const first = (await op.get('/api/callbacks?limit=2')).body as {
      items: { callId: string; ticketRef: string; rung: unknown[]; overdue: boolean }[];
      next: string;
    };
    expect(first.items.map((i) => i.callId)).toEqual(['q1@pbx', 'q2@pbx']);
    expect(first.items[0]).toMatchObject({
      ticketRef: vic.store.getTicket(ids[0])!.ref,
      rung: [{ userId: a.id, name: 'Айгуль' }],
      overdue: false,
    });
    const second = (await op.get(`/api/callbacks?limit=2&cursor=${first.next}`)).body as { items: { callId: string }[]; next: null };
    expect(second).toMatchObject({ items: [{ callId: 'q3@pbx' }], next: null });

    // Three hours of working time later all three are overdue.
    clock.advance(180 * MIN);
    const court = vic.store.getCourtByCode('sko-regional')!.id;
    expect((await op.get('/api/callbacks/counts')).body).toEqual({
      open: 3,
      overdue: 3,
      dueToday: 3,
      byCourt: { [court]: { open: 3, overdue: 3 } },
    });
    // Another court's operator sees none of them; an admin sees them; a supervisor and a specialist are refused.
    const eco = (await server.login('op-eco', 'password-123')).api;
    expect(((await eco.get('/api/callbacks')).body as { items: unknown[] }).items).toEqual([]);
    expect(errorOf(await eco.get(`/api/callbacks?courtId=${court}`)).code).toBe('VIC_FORBIDDEN_COURT');
    expect(errorOf(await eco.post('/api/callbacks/q1@pbx/done')).code).toBe('VIC_FORBIDDEN_COURT');
    const admin = (await server.login('admin', 'admin-secret-1')).api;
    expect(((await admin.get('/api/callbacks')).body as { items: unknown[] }).items).toHaveLength(3);
    for (const login of ['sup', 'spec']) {
      const api = (await server.login(login, 'password-123')).api;
      expect((await api.get('/api/callbacks')).status).toBe(403);
      expect((await api.get('/api/callbacks/counts')).status).toBe(403);
    }
    expect(vic.store.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'callback.list'`).get()).toEqual({ n: 4 });
  });

  it('"no answer, try again at…" records a try and moves the due time; "done" closes the task; the court is told live', async () => {
    const { vic, clock, a } = await rig();
    const ticketId = missedCall(vic, 'r1@pbx', '+77012345678', [a.id]);
    const server = await serve(vic);
    const { api } = await server.login('Айгуль', 'password-123');
    const colleague = await server.socket((await server.login('Болат', 'password-123')).cookie);
    const stranger = await server.socket((await server.login('op-eco', 'password-123')).cookie);
    const strangerGot: string[] = [];
    stranger.onAny((name: string) => strangerGot.push(name));

    expect((await api.post('/api/callbacks/r1@pbx/retry', { at: clock.now() - 1 })).status).toBe(400);
    const later = clock.now() + 60 * MIN;
    const told = nextEvent<{ callId: string; ticketId: number }>(colleague, 'callback.updated');
    const retried = (await api.post('/api/callbacks/r1@pbx/retry', { at: later })).body as { task: { dueAt: number; attempts: unknown[] } };
    expect(retried.task).toMatchObject({ dueAt: later, attempts: [{ at: clock.now(), userId: a.id, result: 'no_answer' }] });
    expect(await told).toMatchObject({ callId: 'r1@pbx', ticketId });
    const note = vic.store.listMessages(ticketId).at(-1)!;
    expect(note).toMatchObject({
      direction: 'note',
      auto: 'callback',
      authorId: a.id,
      text: 'Не дозвонились, повторить: 01.12.2026 11:00',
    });

    const done = (await api.post('/api/callbacks/r1@pbx/done')).body as { task: { doneAt: number } };
    expect(done.task.doneAt).toBe(clock.now());
    expect(vic.store.getCall('r1@pbx')!.callbackDoneAt).toBe(clock.now());
    expect(errorOf(await api.post('/api/callbacks/r1@pbx/done')).code).toBe('VIC_CALLBACK_DONE');
    expect(((await api.get('/api/callbacks')).body as { items: unknown[] }).items).toEqual([]);
    expect(((await api.get('/api/callbacks?state=done')).body as { items: { callId: string }[] }).items.map((i) => i.callId)).toEqual([
      'r1@pbx',
    ]);
    expect(strangerGot).not.toContain('callback.updated');
  });

  it('counts a call-back from the task’s ticket as a try, writes its result on the ticket, and closes the task when answered', async () => {
    const { vic, clock, a } = await rig();
    const ticketId = missedCall(vic, 'c1@pbx', '+77012345678', [a.id]);
    clock.advance(10 * MIN);
    vic.calls.callBackResult('callback-1@vic', { ticketId, userId: a.id, result: 'busy', at: clock.now() });
    expect(vic.store.listMessages(ticketId).at(-1)).toMatchObject({ auto: 'call', text: 'Обратный звонок (Айгуль): занято' });
    expect(vic.store.callbackTask('c1@pbx')!.doneAt).toBeNull();
    clock.advance(10 * MIN);
    vic.calls.callBackResult('callback-2@vic', { ticketId, userId: a.id, result: 'answered', at: clock.now() });
    const server = await serve(vic);
    const { api } = await server.login('Айгуль', 'password-123');
    const task = ((await api.get('/api/callbacks?state=done')).body as { items: { attempts: { result: string }[]; doneAt: number }[] })
      .items[0];
    expect(task).toMatchObject({ doneAt: clock.now(), attempts: [{ result: 'busy' }, { result: 'answered' }] });
  });

  it('keeps the tries with their call when the ticket’s content is anonymised, and the call’s line goes with the messages', async () => {
    const { vic, clock, a } = await rig();
    const ticketId = missedCall(vic, 'x1@pbx', '+77012345678', [a.id]);
    vic.calls.callBackResult('callback-x@vic', { ticketId, userId: a.id, result: 'no_answer', at: clock.now() });
    const line = vic.store.getCall('x1@pbx')!.messageId!;
    vic.store.tx(() => vic.store.anonymiseTickets([ticketId], '[removed]', clock.now()));
    expect(vic.store.getMessage(line)!.text).toBe('[removed]');
    const [call] = vic.store.listCalls(ticketId);
    expect(call.from).toBe('');
    expect(vic.store.callbackAttemptsOfCalls([call.callId]).get(call.callId)).toEqual([
      { at: clock.now(), userId: a.id, result: 'no_answer' },
    ]);
  });
});
