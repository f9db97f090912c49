import { describe, expect, it } from 'vitest';
import { SATURDAY_NIGHT, addUser, envelope, makeVic, nextEvent, serve } from '../helpers.ts';
import { errorOf, type CallRow } from './json.ts';

const call = (callId: string, from = '+77012345678', at = Date.parse('2026-12-01T05:00:00Z')) =>
  envelope({
    channel: 'sip',
    externalId: callId,
    sender: { kind: 'phone', address: from },
    text: '',
    call: { callId, from, to: '+77152000000', outcome: 'ringing', startedAt: at },
  });

describe('the ticket side of phone calls', () => {
  it('hunts available operators with a phone, least loaded first', async () => {
    const { vic, clock } = await makeVic();
    const a = await addUser(vic, 'op-a', 'operator');
    const b = await addUser(vic, 'op-b', 'operator');
    const c = await addUser(vic, 'op-c', 'operator');
    vic.store.updateUser(a.id, { sipExtension: '201' });
    vic.store.updateUser(b.id, { sipExtension: '202' });
    for (const u of [a, b, c]) vic.store.changeConnections(u.id, 1, clock.now());
    vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77019990000@c.us' } })); // gives op-a one ticket
    expect(vic.calls.huntList().map((h) => h.extension)).toEqual(['202', '201']);
  });

  it('turns a missed call on Sunday into a callback due two working hours after Monday’s opening', async () => {
    const { vic } = await makeVic({}, SATURDAY_NIGHT);
    expect(vic.calls.openNow()).toEqual({ working: false, nextOpening: Date.parse('2026-11-30T04:00:00Z') });
    const r = vic.ingest(call('call-1@pbx'));
    expect(vic.ingest(call('call-1@pbx')).duplicate).toBe(true);
    const c = vic.calls.progress('call-1@pbx', { outcome: 'rejected_off_hours', endedAt: SATURDAY_NIGHT });
    expect(c).toMatchObject({ outcome: 'rejected_off_hours', callbackDueAt: Date.parse('2026-11-30T06:00:00Z'), ticketId: r.ticketId });
    expect(vic.store.getTicket(r.ticketId)!.status).toBe('waiting');
  });

  it('records who answered and pops the screen only for the operator being rung', async () => {
    const { vic } = await makeVic();
    const a = await addUser(vic, 'op-a', 'operator');
    await addUser(vic, 'op-b', 'operator');
    const server = await serve(vic);
    const sa = await server.socket((await server.login('op-a', 'password-123')).cookie);
    const sb = await server.socket((await server.login('op-b', 'password-123')).cookie);
    const bEvents: string[] = [];
    sb.onAny((name: string) => bEvents.push(name));
    const r = vic.ingest(call('call-2@pbx'));
    const pop = nextEvent<{ call: CallRow }>(sa, 'call.ringing');
    vic.calls.screenPop(a.id, 'call-2@pbx');
    expect((await pop).call).toMatchObject({ callId: 'call-2@pbx', from: '+77012345678' });
    const answered = nextEvent<{ call: CallRow }>(sa, 'call.updated');
    vic.calls.progress('call-2@pbx', { outcome: 'answered', operatorUserId: a.id, answeredAt: vic.clock.now() });
    expect((await answered).call).toMatchObject({ outcome: 'answered', operatorId: a.id });
    expect(vic.store.getTicket(r.ticketId)!.assigneeId).toBe(a.id);
    expect(bEvents).not.toContain('call.ringing');
  });

  it('gives the ticket to the operator who answers, not to whom routing would pick; a missed call waits in the court queue', async () => {
    const { vic } = await makeVic();
    await addUser(vic, 'op-a', 'operator');
    const b = await addUser(vic, 'op-b', 'operator');
    const server = await serve(vic);
    await server.socket((await server.login('op-a', 'password-123')).cookie);
    await server.socket((await server.login('op-b', 'password-123')).cookie);
    const r = vic.ingest(call('call-3@pbx'));
    expect(vic.store.getTicket(r.ticketId)!.assigneeId).toBeNull(); // ringing: nobody holds it yet
    vic.dispatcher.tick(); // nor does the dispatcher hand it out while it rings
    vic.calls.progress('call-3@pbx', { outcome: 'answered', operatorUserId: b.id, answeredAt: vic.clock.now() });
    expect(vic.store.getTicket(r.ticketId)!.assigneeId).toBe(b.id);

    const missed = vic.ingest(call('call-4@pbx', '+77019998877'));
    vic.calls.progress('call-4@pbx', { outcome: 'missed', endedAt: vic.clock.now() });
    expect(vic.store.getTicket(missed.ticketId)).toMatchObject({ assigneeId: null, status: 'open' });
    expect(vic.store.getCall('call-4@pbx')!.callbackDueAt).toBe(vic.clock.now() + 120 * 60_000);
    // The callback task is then handed out like any unassigned ticket.
    vic.dispatcher.tick();
    expect(vic.store.getTicket(missed.ticketId)!.assigneeId).not.toBeNull();
  });
});

describe('phone actions from the console', () => {
  it('calls a citizen back from the operator’s extension and transfers a live call to a specialist', async () => {
    const { vic } = await makeVic();
    const op = await addUser(vic, 'op', 'operator');
    vic.store.updateUser(op.id, { sipExtension: '201' });
    const spec = await addUser(vic, 'sec', 'specialist');
    vic.store.updateUser(spec.id, { sipExtension: '301' });
    const calls: unknown[] = [];
    vic.registry.register({
      name: 'sip',
      start: async () => {},
      stop: async () => {},
      health: () => ({ state: 'connected', since: 0 }),
      callBack: (o) => (calls.push(['callBack', o]), 'cb-1'),
      transfer: (callId, to) => (calls.push(['transfer', callId, to]), callId === 'live@pbx'),
    });
    const server = await serve(vic);
    const r = vic.ingest(call('live@pbx'));
    const api = (await server.login('op', 'password-123')).api;
    expect((await api.post(`/api/tickets/${r.ticketId}/call-back`)).body).toEqual({ callId: 'cb-1' });
    expect(calls[0]).toEqual(['callBack', { userId: op.id, extension: '201', number: '+77012345678', ticketId: r.ticketId }]);
    expect((await api.post('/api/calls/live@pbx/transfer', { specialistId: spec.id })).status).toBe(202);
    expect(calls[1]).toEqual(['transfer', 'live@pbx', { userId: spec.id, extension: '301' }]);
    vic.ingest(call('old@pbx', '+77010000000'));
    expect(errorOf(await api.post('/api/calls/old@pbx/transfer', { specialistId: spec.id })).code).toBe('VIC_CALL_NOT_LIVE');
    expect((await api.post('/api/calls/old@pbx/transfer', { specialistId: op.id })).status).toBe(400);
  });

  it('says so when the phone channel is not there', async () => {
    const { vic } = await makeVic();
    const op = await addUser(vic, 'op', 'operator');
    vic.store.updateUser(op.id, { sipExtension: '201' });
    const server = await serve(vic);
    const r = vic.ingest(call('x@pbx'));
    const res = await (await server.login('op', 'password-123')).api.post(`/api/tickets/${r.ticketId}/call-back`);
    expect(errorOf(res)).toMatchObject({ code: 'VIC_CHANNEL_NOT_CONNECTED', message: 'The phone channel is not connected' });
  });
});
