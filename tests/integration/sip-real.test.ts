// The SIP bridge against a real drachtio-server, with Debian's sipp as the citizen and as the phones
// (tests/sip/*.xml); set-up in tests/support/sip-real.ts, the #17 cases (fair hunting, RONA, trust, degraded,
// the callbacks queue) in sip-real-17.test.ts.
//   DRACHTIO_TEST_HOST=127.0.0.1 DRACHTIO_TEST_PORT=9022 DRACHTIO_TEST_SECRET=cymru npx vitest run tests/integration/sip-real.test.ts
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { envelope } from '../helpers.ts';
import {
  CITIZEN_PHONE,
  OP_A,
  OP_B,
  PBX,
  SIP_TARGET,
  SPECIALIST,
  callLine,
  citizen,
  cleanUp,
  history,
  lastCall,
  passed,
  phone,
  removeLogs,
  setup,
  skip,
  sockets,
  until,
} from '../support/sip-real.ts';
import { json } from './json.ts';

const SUNDAY_NOON = Date.parse('2026-11-29T07:00:00Z');
const MONDAY_OPENING = Date.parse('2026-11-30T04:00:00Z');

afterEach(cleanUp);
afterAll(removeLogs);

describe.skipIf(skip)(`SIP bridge with a real drachtio-server and sipp${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('answered by the first operator, ended by the caller', async () => {
    const { vic, ops } = await setup();
    const a = await phone('uas-answer.xml', OP_A);
    passed(await Promise.all([a.done, citizen('uac-answered.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(lastCall(vic)).toMatchObject({ operatorId: ops[0].id, from: '+77012345678' });
    expect(history(vic)).toEqual(['call.ringing', 'call.answered', 'call.ended']);
  });

  it('first operator rings out, the second answers', async () => {
    const { vic, ops } = await setup({ ringTimeoutMs: 1_500 });
    const a = await phone('uas-noanswer.xml', OP_A);
    const b = await phone('uas-answer.xml', OP_B);
    passed(await Promise.all([a.done, b.done, citizen('uac-answered.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(lastCall(vic)!.operatorId).toBe(ops[1].id);
    expect(history(vic)).toEqual(['call.ringing', 'call.ringing', 'call.answered', 'call.ended']);
  });

  it('nobody answers (busy, then ring out) → 486 and a missed call with a callback task', async () => {
    const { vic } = await setup({ ringTimeoutMs: 1_500 });
    const a = await phone('uas-busy.xml', OP_A);
    const b = await phone('uas-noanswer.xml', OP_B);
    passed(await Promise.all([a.done, b.done, citizen('uac-expect-486.xml')]));
    await until(() => lastCall(vic)?.outcome === 'missed');
    expect(lastCall(vic)!.callbackDueAt).toBeGreaterThanOrEqual(vic.clock.now()); // due in working time (src/calls.ts)
    expect(history(vic)).toEqual(['call.ringing', 'call.missed']); // the busy phone never rang
  });

  it('Sunday → 480 and a callback due Monday at opening', async () => {
    const { vic } = await setup({ at: SUNDAY_NOON });
    passed([await citizen('uac-expect-480.xml')]);
    await until(() => lastCall(vic)?.outcome === 'rejected_off_hours');
    expect(lastCall(vic)!.callbackDueAt).toBeGreaterThanOrEqual(MONDAY_OPENING);
    expect(history(vic)).toEqual(['call.rejected_off_hours']);
  });

  it('the caller hangs up while it rings → the phone gets CANCEL, the call is abandoned', async () => {
    const { vic } = await setup();
    const a = await phone('uas-noanswer.xml', OP_A);
    passed(await Promise.all([a.done, citizen('uac-cancel.xml')]));
    await until(() => lastCall(vic)?.outcome === 'abandoned');
    expect(history(vic)).toEqual(['call.ringing', 'call.abandoned']);
  });

  it('a retransmitted INVITE → one ticket, one call', async () => {
    const { vic } = await setup();
    const a = await phone('uas-answer.xml', OP_A);
    passed(await Promise.all([a.done, citizen('uac-retransmit.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(vic.store.db.prepare('SELECT COUNT(*) AS n FROM calls').get()).toEqual({ n: 1 });
    expect(vic.store.db.prepare("SELECT COUNT(*) AS n FROM tickets WHERE channel = 'sip'").get()).toEqual({ n: 1 });
  });

  it('WhatsApp and a call from the same number land on one ticket', async () => {
    const { vic } = await setup();
    const wa = vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77012345678@c.us' } }));
    // the WhatsApp ticket went to op-a, so op-b is the least loaded and rung first
    const b = await phone('uas-answer.xml', OP_B);
    passed(await Promise.all([b.done, citizen('uac-answered.xml')]));
    expect(lastCall(vic)!.ticketId).toBe(wa.ticketId);
  });

  it('hold: the operator’s re-INVITE goes to the citizen, and the citizen’s answer back', async () => {
    const { vic } = await setup();
    const a = await phone('uas-hold.xml', OP_A);
    passed(await Promise.all([a.done, citizen('uac-reinvited.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
  });

  it('the screen-pop reaches only the console of the operator whose phone rings', async () => {
    const { vic, server } = await setup({ serve: true });
    const pops: Record<string, { callId: string; from: string }[]> = { 'op-a': [], 'op-b': [] };
    for (const login of Object.keys(pops)) {
      const s = await server!.socket((await server!.login(login, 'password-123')).cookie);
      s.on('call.ringing', (p: { call: { callId: string; from: string } }) => pops[login].push(p.call));
      sockets.push(s);
    }
    const a = await phone('uas-answer.xml', OP_A);
    passed(await Promise.all([a.done, citizen('uac-answered.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(pops['op-a']).toEqual([expect.objectContaining({ callId: lastCall(vic)!.callId, from: '+77012345678' })]);
    expect(pops['op-b']).toEqual([]);
  });

  it('transfer from the console: the specialist answers, the citizen is re-INVITEd to them, the operator is released', async () => {
    const { vic, specialist, server } = await setup({ serve: true });
    const api = (await server!.login('op-a', 'password-123')).api;
    const operator = await phone('uas-answer.xml', OP_A);
    const spec = await phone('uas-late-offer.xml', SPECIALIST);
    const caller = citizen('uac-reinvited.xml');
    await until(() => lastCall(vic)?.outcome === 'answered');
    expect(
      (await api.post(`/api/calls/${encodeURIComponent(lastCall(vic)!.callId)}/transfer`, { specialistId: specialist.id })).status,
    ).toBe(202);
    passed(await Promise.all([operator.done, spec.done, caller]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(lastCall(vic)!.operatorId).toBe(specialist.id);
    expect(history(vic)).toEqual(['call.ringing', 'call.answered', 'call.transfer', 'call.transferred', 'call.ended']);
  });

  // The operator hangs up a while after answering: well after the transfer failed.
  it.each([
    {
      why: 'the specialist does not answer',
      ringTimeoutMs: 1_500,
      hangUpMs: '5000',
      specialistPhone: 'uas-noanswer.xml',
      citizenPhone: 'uac-hung-up-on.xml',
    },
    // Released only once the citizen refused the specialist's media: the operator keeps the call.
    {
      why: 'the citizen refuses the specialist’s media (the specialist is released)',
      ringTimeoutMs: 5_000,
      hangUpMs: '3000',
      specialistPhone: 'uas-late-offer-released.xml',
      citizenPhone: 'uac-refuses-reinvite.xml',
    },
  ])(
    'transfer from the console: $why, the citizen stays with the operator',
    async ({ ringTimeoutMs, hangUpMs, specialistPhone, citizenPhone }) => {
      const { vic, ops, specialist, server } = await setup({ serve: true, ringTimeoutMs });
      const api = (await server!.login('op-a', 'password-123')).api;
      const operator = await phone('uas-answer-hangup.xml', OP_A, '-d', hangUpMs);
      const spec = await phone(specialistPhone, SPECIALIST);
      const caller = citizen(citizenPhone);
      await until(() => lastCall(vic)?.outcome === 'answered');
      expect(
        (await api.post(`/api/calls/${encodeURIComponent(lastCall(vic)!.callId)}/transfer`, { specialistId: specialist.id })).status,
      ).toBe(202);
      passed([await spec.done]);
      expect(lastCall(vic)).toMatchObject({ outcome: 'answered', operatorId: ops[0].id });
      passed(await Promise.all([operator.done, caller]));
      await until(() => lastCall(vic)?.outcome === 'ended');
      expect(lastCall(vic)!.operatorId).toBe(ops[0].id);
      expect(history(vic)).toEqual(['call.ringing', 'call.answered', 'call.transfer', 'call.ended']);
    },
  );

  it('transfer from the operator’s phone (REFER): NOTIFY 100 then 200, the specialist takes over', async () => {
    const { vic } = await setup();
    const operator = await phone('uas-refer.xml', OP_A, '-key', 'specialist', String(SPECIALIST));
    const spec = await phone('uas-late-offer.xml', SPECIALIST);
    passed(await Promise.all([operator.done, spec.done, citizen('uac-reinvited.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(history(vic)).toEqual(['call.ringing', 'call.answered', 'call.transferred', 'call.ended']);
  });

  it('transfer from the operator’s phone (REFER), the specialist does not answer: NOTIFY 487, the operator keeps the citizen', async () => {
    const { vic, ops } = await setup({ ringTimeoutMs: 1_500 });
    const operator = await phone('uas-refer-unanswered.xml', OP_A, '-key', 'specialist', String(SPECIALIST));
    const spec = await phone('uas-noanswer.xml', SPECIALIST);
    passed(await Promise.all([operator.done, spec.done, citizen('uac-hung-up-on.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(lastCall(vic)!.operatorId).toBe(ops[0].id);
    expect(history(vic)).toEqual(['call.ringing', 'call.answered', 'call.ended']);
  });

  it('call back from the console: the operator’s phone first (no SDP), then the citizen with the operator’s offer', async () => {
    const { vic, ops, server } = await setup({ serve: true });
    const missed = vic.ingest(envelope({ channel: 'sip', sender: { kind: 'phone', address: '+77012345678' }, text: '' }));
    const operator = await phone('uas-callback-operator.xml', OP_A, '-d', '1000');
    const citizenPhone = await phone('uas-callback-citizen.xml', CITIZEN_PHONE);
    const res = await (await server!.login('op-a', 'password-123')).api.post(`/api/tickets/${missed.ticketId}/call-back`);
    expect(res.status).toBe(202);
    const { callId } = json<{ callId: string }>(res);
    passed(await Promise.all([operator.done, citizenPhone.done]));
    await until(() => vic.store.getCall(callId)?.outcome === 'ended');
    expect(vic.store.getCall(callId)).toMatchObject({ operatorId: ops[0].id, to: '+77012345678', ticketId: missed.ticketId });
    // The result is written once the call-back is over: recorded after its end, and read on the ticket.
    await until(() => vic.store.getCall(callId)?.callbackResult === 'answered');
    expect(history(vic)).toEqual(['call.call_back', 'call.answered', 'call.ended', 'call.call_back_result']);
    expect(callLine(vic, callId)).toBe('Обратный звонок (op-a): гражданин ответил');
  });

  it('keep-alive: OPTIONS reach the PBX through drachtio-server; a PBX that stops answering shows as degraded', async () => {
    const pbx = await phone('uas-options.xml', PBX);
    const { sip } = await setup({ operatorUriTemplate: `sip:{extension}@127.0.0.1:${PBX}`, keepAliveMs: 300 });
    passed([await pbx.done]);
    expect(sip.health().state).toBe('connected');
    // the next OPTIONS finds the port closed
    await until(() => sip.health().state === 'degraded');
    expect(sip.health().reason).toMatch(new RegExp(`^PBX 127\\.0\\.0\\.1:${PBX} does not answer OPTIONS \\(\\d{3}\\)$`));
  });

  it('keep-alive: drachtio-server refusing the PBX address (its own) is degraded, not a lost link', async () => {
    const { sip } = await setup({ operatorUriTemplate: `sip:{extension}@${SIP_TARGET}`, keepAliveMs: 300 });
    const states: string[] = [];
    const watch = setInterval(() => states.push(sip.health().state), 20);
    await until(() => sip.health().state === 'degraded');
    await new Promise((r) => setTimeout(r, 1_000)); // a few more keep-alives
    clearInterval(watch);
    expect(sip.health()).toMatchObject({
      state: 'degraded',
      reason: expect.stringContaining(`drachtio-server cannot send OPTIONS to the PBX ${SIP_TARGET}: `) as string,
    });
    expect(states).not.toContain('connecting');
  });
});
