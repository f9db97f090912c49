// Fair hunting and the live call, at the wire (the drachtio double): an operator on a call or ringing for another
// is not rung; one whose phone keeps ringing out is set away and told; a missed call names nobody and lists who
// was rung; each VIC user's leg is reported live (call.state, liveCalls) and the console can hang up.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextEvent, serve } from '../helpers.ts';
import { sdpOffer } from '../support/fake-drachtio.ts';
import { CALLER, answer, sipBridge, waitFor, type Bridge } from '../support/sip-bridge.ts';
import type { LiveCall } from '../../src/live-call.ts';

let bridge: Bridge | null = null;
afterEach(async () => {
  await bridge?.close();
  bridge = null;
});
const caller = (n: number) => ({ from: `<sip:8701555000${n}@pbx.court.local>`, pai: `<sip:+7701555000${n}@pbx.court.local>` });

describe('fair hunting', () => {
  it('an operator on a live call, or ringing for another call, is not rung', async () => {
    const b = (bridge = await sipBridge());
    const { fake } = b;
    const first = fake.call(caller(1));
    const toFirst = await fake.nextInvite();
    await answer(b, first, toFirst); // one operator talks
    const second = fake.call(caller(2));
    const toSecond = await fake.nextInvite();
    expect(toSecond.msg.uri).not.toBe(toFirst.msg.uri); // the other one rings
    toSecond.respond(180);

    // Both busy: a third caller hears "busy" at once, no phone rings.
    const third = fake.call(caller(3));
    expect((await third.waitFinal()).status).toBe(486);
    expect(fake.outbound).toHaveLength(2);
    expect(b.vic.store.getCall(third.callId)).toMatchObject({ outcome: 'missed', operatorId: null });

    // The ringing operator declines: the one on a call is passed over, the second caller hears "busy".
    toSecond.respond(486);
    expect((await second.waitFinal()).status).toBe(486);
    expect(fake.outbound).toHaveLength(2);
  });

  it('after SIP_RONA_LIMIT unanswered rings in a row the operator is set away and told; the missed call names nobody', async () => {
    const b = (bridge = await sipBridge({ operators: ['op-a'], cfg: { ringTimeoutMs: 100 } }));
    const { vic, fake, ops } = b;
    const server = await serve(vic);
    const socket = await server.socket((await server.login('op-a', 'password-123')).cookie);
    const progress = vi.spyOn(vic.calls, 'progress');
    const ringOut = async (n: number) => {
      const call = fake.call(caller(n));
      const inv = await fake.nextInvite();
      inv.respond(180);
      await inv.waitCancel();
      expect((await call.waitFinal()).status).toBe(486);
      return call;
    };

    const first = await ringOut(1);
    expect(vic.store.getCall(first.callId)).toMatchObject({ outcome: 'missed', operatorId: null });
    expect(progress).toHaveBeenLastCalledWith(first.callId, expect.objectContaining({ outcome: 'missed', rung: [ops[0].id] }));
    expect(progress.mock.lastCall![1]).not.toHaveProperty('operatorUserId');
    expect(vic.store.getPresence(ops[0].id)!.status).toBe('available'); // one ring-out is not a run

    const told = nextEvent<{ at: number }>(socket, 'call.rona');
    await ringOut(2);
    expect(await told).toEqual({ at: b.clock.now() });
    expect(vic.store.getPresence(ops[0].id)!.status).toBe('away');
    const audit = vic.store.db.prepare(`SELECT details FROM audit_log WHERE action = 'presence.changed' AND entity_id = ?`).all(ops[0].id);
    expect(audit).toEqual([{ details: expect.stringContaining('ring-no-answer') as string }]);
    expect(b.logs.some((l) => l.msg === 'sip: operator set away, their phone rang out' && l.userId === ops[0].id)).toBe(true);

    // Away: the next caller rings nobody.
    const third = fake.call(caller(3));
    expect((await third.waitFinal()).status).toBe(486);
    expect(fake.outbound).toHaveLength(2);
  });

  it('an answer resets the run: ring-out, answer, ring-out leaves the operator available', async () => {
    const b = (bridge = await sipBridge({ operators: ['op-a'] }));
    const { vic, fake, ops } = b;
    /** The phone rings, then gives up by itself (480): unanswered, as a ring timeout is. */
    const ringOut = async (n: number) => {
      const call = fake.call(caller(n));
      const inv = await fake.nextInvite();
      inv.respond(180);
      inv.respond(480);
      await call.waitFinal();
    };
    await ringOut(1);
    const c2 = fake.call(caller(2));
    await answer(b, c2, await fake.nextInvite());
    await c2.dialog!.bye();
    await ringOut(3);
    expect(vic.store.getPresence(ops[0].id)!.status).toBe('available');
    await ringOut(4);
    expect(vic.store.getPresence(ops[0].id)!.status).toBe('away');
  });
});

describe('the live call', () => {
  it('each leg is reported to its user (call.state) and listed by liveCalls: ringing, talking, held, ended', async () => {
    const b = (bridge = await sipBridge({ operators: ['op-a'] }));
    const { vic, fake, sip, ops } = b;
    const server = await serve(vic);
    const socket = await server.socket((await server.login('op-a', 'password-123')).cookie);
    const states: { call: LiveCall | null; callId: string; userId: number }[] = [];
    socket.on('call.state', (p: (typeof states)[number]) => states.push(p));

    const call = fake.call(CALLER);
    const inv = await fake.nextInvite();
    const ticketId = vic.store.getCall(call.callId)!.ticketId;
    const ringing = { callId: call.callId, ticketId, userId: ops[0].id, role: 'operator', number: '+77012345678' };
    expect(sip.liveCalls()).toEqual([{ ...ringing, state: 'ringing', since: b.clock.now() }]);
    await waitFor(() => states.length === 1);
    expect(states[0]).toEqual({ callId: call.callId, userId: ops[0].id, call: { ...ringing, state: 'ringing', since: b.clock.now() } });

    b.clock.advance(4000);
    await answer(b, call, inv);
    expect(sip.liveCalls()).toMatchObject([{ state: 'talking', since: b.clock.now() }]);

    // The citizen's phone puts the call on hold, then resumes it.
    const hold = sdpOffer('citizen', 40000).replace('a=sendrecv', 'a=sendonly');
    expect((await call.dialog!.request('INVITE', {}, hold)).status).toBe(200);
    await waitFor(() => sip.liveCalls()[0]?.state === 'held');
    expect((await call.dialog!.request('INVITE', {}, sdpOffer('citizen', 40000))).status).toBe(200);
    await waitFor(() => sip.liveCalls()[0]?.state === 'talking');

    await call.dialog!.bye();
    await inv.dialog!.waitFor('BYE');
    expect(sip.liveCalls()).toEqual([]);
    await waitFor(() => states.length === 5);
    expect(states.map((s) => s.call?.state ?? null)).toEqual(['ringing', 'talking', 'held', 'talking', null]);
  });

  it('hang-up from the console: a talking call ends for both sides; a ringing one rings nobody else', async () => {
    const b = (bridge = await sipBridge());
    const { vic, fake, sip } = b;
    const call = fake.call(CALLER);
    const inv = await fake.nextInvite();
    await answer(b, call, inv);
    expect(sip.hangup(call.callId)).toBe(true);
    await call.dialog!.waitFor('BYE');
    await inv.dialog!.waitFor('BYE');
    expect(vic.store.getCall(call.callId)!.outcome).toBe('ended');
    expect(sip.hangup(call.callId)).toBe(false);

    const other = fake.call(caller(7));
    const ringing = await fake.nextInvite();
    ringing.respond(180);
    expect(sip.hangup(other.callId)).toBe(true);
    await ringing.waitCancel();
    expect((await other.waitFinal()).status).toBe(486);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.outbound).toHaveLength(2); // the second operator was not rung
    expect(vic.store.getCall(other.callId)).toMatchObject({ outcome: 'missed', operatorId: null });
    expect(sip.liveCalls()).toEqual([]);
  });
});
