// The phone from the console when the PBX is degraded, one's live calls and hanging up, and replies on phone
// tickets: only what can reach a caller (a call-back, or WhatsApp to the same number).
import { describe, expect, it } from 'vitest';
import type { ChannelAdapter, HealthState, OutboundMessage } from '../../src/channels.ts';
import type { LiveCall } from '../../src/live-call.ts';
import { addUser, envelope, makeVic, serve } from '../helpers.ts';
import { errorOf } from './json.ts';

const call = (callId: string, from = '+77012345678') =>
  envelope({
    channel: 'sip',
    externalId: callId,
    sender: { kind: 'phone', address: from },
    text: '',
    call: { callId, from, to: '+77152000000', outcome: 'ringing', startedAt: Date.parse('2026-12-01T05:00:00Z') },
  });

async function rig() {
  const { vic, clock } = await makeVic();
  const op = await addUser(vic, 'op', 'operator', 'sko-regional', 'password-123', '201');
  const other = await addUser(vic, 'op-2', 'operator');
  const spec = await addUser(vic, 'sec', 'specialist', 'sko-regional', 'password-123', '301');
  let state: HealthState = 'connected';
  const hungUp: string[] = [];
  const live: LiveCall[] = [];
  const sip: ChannelAdapter = {
    name: 'sip',
    start: async () => {},
    stop: async () => {},
    health: () => ({ state, since: 0 }),
    callBack: () => 'callback-1@vic',
    transfer: () => true,
    liveCalls: () => live,
    hangup: (callId) => (hungUp.push(callId), live.some((c) => c.callId === callId)),
  };
  vic.registry.register(sip);
  const server = await serve(vic);
  const api = (await server.login('op', 'password-123')).api;
  return { vic, clock, op, other, spec, server, api, hungUp, live, setState: (s: HealthState) => (state = s) };
}

describe('the phone while the PBX is degraded', () => {
  it('still transfers and calls back, with a warning; refuses only when the channel is down', async () => {
    const { vic, spec, api, setState } = await rig();
    const r = vic.ingest(call('live@pbx'));
    setState('degraded');
    expect(await api.post(`/api/tickets/${r.ticketId}/call-back`)).toMatchObject({
      status: 202,
      body: { callId: 'callback-1@vic', warning: 'VIC_PHONE_DEGRADED' },
    });
    expect(await api.post('/api/calls/live@pbx/transfer', { specialistId: spec.id })).toMatchObject({
      status: 202,
      body: { ok: true, warning: 'VIC_PHONE_DEGRADED' },
    });
    setState('connected');
    expect((await api.post(`/api/tickets/${r.ticketId}/call-back`)).body).toEqual({ callId: 'callback-1@vic' });
    setState('down');
    expect(errorOf(await api.post('/api/calls/live@pbx/transfer', { specialistId: spec.id })).code).toBe('VIC_CHANNEL_NOT_CONNECTED');
    expect(errorOf(await api.post(`/api/tickets/${r.ticketId}/call-back`)).code).toBe('VIC_CHANNEL_NOT_CONNECTED');
  });

  it('gives back one’s own live calls after a reload and hangs up only one’s own (an admin any)', async () => {
    const { vic, op, other, server, api, hungUp, live } = await rig();
    const r = vic.ingest(call('a@pbx'));
    const leg = (userId: number, callId: string): LiveCall => ({
      callId,
      ticketId: r.ticketId,
      userId,
      role: 'operator',
      state: 'talking',
      since: vic.clock.now(),
      number: '+77012345678',
    });
    live.push(leg(op.id, 'a@pbx'), leg(other.id, 'b@pbx'));
    expect((await api.get('/api/calls/live')).body).toEqual({ items: [leg(op.id, 'a@pbx')] });
    expect(errorOf(await api.post('/api/calls/b@pbx/hangup')).code).toBe('VIC_CALL_NOT_LIVE');
    expect(hungUp).toEqual([]);
    expect((await api.post('/api/calls/a@pbx/hangup')).body).toEqual({ ok: true });
    const admin = (await server.login('admin', 'admin-secret-1')).api;
    expect((await admin.post('/api/calls/b@pbx/hangup')).status).toBe(200);
    expect(hungUp).toEqual(['a@pbx', 'b@pbx']);
    expect(vic.store.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'call.live_read'`).get()).toEqual({ n: 1 });
  });
});

describe('replies on a phone ticket', () => {
  it('are never queued for the phone channel; they go on WhatsApp to the same number when there is a WhatsApp channel', async () => {
    const { vic, api } = await rig();
    const r = vic.ingest(call('w@pbx'));
    const detail = async () => ((await api.get(`/api/tickets/${r.ticketId}`)).body as { replyVia: string[] }).replyVia;
    expect(await detail()).toEqual(['call-back']);
    const before = vic.store.listMessages(r.ticketId).length;
    expect(errorOf(await api.post(`/api/tickets/${r.ticketId}/messages`, { kind: 'reply', text: 'Здравствуйте' })).code).toBe(
      'VIC_PHONE_TEXT_REPLY',
    );
    expect(
      errorOf(await api.post(`/api/tickets/${r.ticketId}/messages`, { kind: 'reply', text: 'Здравствуйте', via: 'whatsapp' })).code,
    ).toBe('VIC_NO_WHATSAPP');
    expect(vic.store.listMessages(r.ticketId)).toHaveLength(before);
    expect(vic.store.db.prepare(`SELECT count(*) AS n FROM outbox WHERE channel = 'sip'`).get()).toEqual({ n: 0 });
    // A note is still a note.
    expect((await api.post(`/api/tickets/${r.ticketId}/messages`, { kind: 'note', text: 'Перезвонить после обеда' })).status).toBe(201);

    const sent: OutboundMessage[] = [];
    vic.registry.register({
      name: 'whatsapp',
      start: async () => {},
      stop: async () => {},
      health: () => ({ state: 'connected', since: 0 }),
      send: (m) => (sent.push(m), Promise.resolve({ externalId: 'wa-1' })),
    });
    expect(await detail()).toEqual(['call-back', 'whatsapp']);
    const res = await api.post(`/api/tickets/${r.ticketId}/messages`, {
      kind: 'reply',
      text: 'Ваше заседание 10 декабря',
      via: 'whatsapp',
    });
    expect(res.status).toBe(201);
    expect((res.body as { message: { channel: string; deliveryStatus: string } }).message).toMatchObject({
      channel: 'whatsapp',
      deliveryStatus: 'queued',
    });
    await vic.outbox.tick();
    expect(sent).toMatchObject([{ channel: 'whatsapp', to: '77012345678@c.us', text: 'Ваше заседание 10 декабря' }]);
    expect(vic.store.listMessages(r.ticketId).at(-1)).toMatchObject({ channel: 'whatsapp', deliveryStatus: 'sent' });
    // An e-mail or WhatsApp ticket is answered as before.
    const wa = vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77015550000@c.us' } }));
    expect((await api.get(`/api/tickets/${wa.ticketId}`)).body).toMatchObject({ replyVia: ['text', 'call-back'] });
  });
});
