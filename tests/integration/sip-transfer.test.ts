// Transfers and call-backs at the wire (the drachtio double): the specialist's phone shows the citizen and their
// console pops up the ticket; a PBX failing its keep-alive makes the channel degraded, logged, while transfers and
// call-backs still work; a call back's result goes to its ticket through CallService.callBackResult.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallService } from '../../src/calls.ts';
import { addUser, nextEvent, serve } from '../helpers.ts';
import { sdpOffer } from '../support/fake-drachtio.ts';
import { CALLER, answer, sipBridge, waitFor, type Bridge } from '../support/sip-bridge.ts';

let bridge: Bridge | null = null;
afterEach(async () => {
  await bridge?.close();
  bridge = null;
});

/**
 * Calls to CallService.callBackResult, recorded instead of run (the callbacks part writes the ticket line; here
 * only what the bridge reports): a stub, whether or not src/calls.ts has the method yet.
 */
function callBackResults(calls: CallService) {
  const fn = vi.fn();
  (calls as unknown as { callBackResult: unknown }).callBackResult = fn;
  return fn;
}

async function specialist(b: Bridge) {
  const s = await addUser(b.vic, 'spec', 'specialist');
  b.vic.store.updateUser(s.id, { sipExtension: '301' });
  return s;
}

describe('transfer to a specialist', () => {
  it('the specialist’s phone shows the citizen’s number and name, and their console pops up the ticket', async () => {
    const b = (bridge = await sipBridge({ operators: ['op-a'] }));
    const spec = await specialist(b);
    const server = await serve(b.vic);
    const socket = await server.socket((await server.login('spec', 'password-123')).cookie);
    b.vic.store.changeConnections(b.ops[0].id, 1, b.clock.now()); // the server's start counted every console closed
    const call = b.fake.call(CALLER);
    await answer(b, call, await b.fake.nextInvite());
    const ticketId = b.vic.store.getCall(call.callId)!.ticketId;

    const pop = nextEvent<{ call: { callId: string }; ticket: { id: number } }>(socket, 'call.ringing');
    const ringing = nextEvent<{ call: { role: string; state: string; ticketId: number } }>(socket, 'call.state');
    expect(b.sip.transfer(call.callId, { userId: spec.id, extension: '301' })).toBe(true);
    const inv = await b.fake.nextInvite();
    expect(inv.msg.get('From')).toMatch(/^"Ержан Серікұлы" <sip:\+77012345678@/);
    expect(inv.msg.get('From')).not.toContain('127.0.0.1');
    expect(inv.msg.get('P-Asserted-Identity')).toBe('<tel:+77012345678>');
    expect((await ringing).call).toMatchObject({ role: 'specialist', state: 'ringing', ticketId });
    inv.respond(180);
    expect(await pop).toMatchObject({ call: { callId: call.callId }, ticket: { id: ticketId } });
    expect(b.sip.liveCalls().map((l) => [l.userId, l.role, l.state])).toEqual([
      [b.ops[0].id, 'operator', 'talking'],
      [spec.id, 'specialist', 'ringing'],
    ]);
  });
});

describe('degraded is not down', () => {
  it('the PBX failing OPTIONS: degraded and logged; transfers and call-backs still work; recovery is logged too', async () => {
    const b = (bridge = await sipBridge({ operators: ['op-a'], deps: { keepAliveMs: 50, ackTimeoutMs: 500 } }));
    const spec = await specialist(b);
    const call = b.fake.call(CALLER);
    const op = await b.fake.nextInvite();
    await answer(b, call, op);

    b.fake.optionsStatus = 503;
    await waitFor(() => b.sip.health().state === 'degraded');
    expect(b.sip.health()).toMatchObject({ code: 'sipPbxUnreachable', reason: 'PBX pbx.court.local does not answer OPTIONS (503)' });
    const change = b.logs.find((l) => l.msg === 'sip: health changed' && l.toState === 'degraded');
    expect(change).toMatchObject({ fromState: 'connected', code: 'sipPbxUnreachable', reason: expect.stringContaining('503') as string });

    expect(b.sip.transfer(call.callId, { userId: spec.id, extension: '301' })).toBe(true);
    const toSpec = await b.fake.nextInvite();
    toSpec.respond(200, sdpOffer('specialist', 60000));
    await op.dialog!.waitFor('BYE'); // the specialist took over
    expect(b.vic.store.getCall(call.callId)!.outcome).toBe('transferred');

    const id = b.sip.callBack({ userId: b.ops[0].id, extension: '201', number: '+77015556677' });
    expect((await b.fake.nextInvite()).msg.uri).toBe('sip:201@pbx.court.local');
    expect(b.vic.store.getCall(id)!.outcome).toBe('ringing');

    b.fake.optionsStatus = 200;
    await waitFor(() => b.sip.health().state === 'connected');
    expect(b.logs.some((l) => l.msg === 'sip: health changed' && l.fromState === 'degraded' && l.toState === 'connected')).toBe(true);
  });
});

describe('call-back results', () => {
  it('answered, then hung up: "answered" on the ticket it was asked from', async () => {
    const b = (bridge = await sipBridge({ operators: ['op-a'] }));
    const results = callBackResults(b.vic.calls);
    const id = b.sip.callBack({ userId: b.ops[0].id, extension: '201', number: '+77012345678', ticketId: 4242 });
    const op = await b.fake.nextInvite();
    op.respond(200, sdpOffer('operator', 50000));
    const citizen = await b.fake.nextInvite();
    citizen.respond(200, sdpOffer('citizen', 40000));
    await op.dialog!.waitFor('ACK');
    expect(b.sip.liveCalls()).toMatchObject([{ callId: id, role: 'callback', state: 'talking', ticketId: 4242, number: '+77012345678' }]);
    expect(results).not.toHaveBeenCalled();
    await citizen.dialog!.bye();
    await op.dialog!.waitFor('BYE');
    expect(results).toHaveBeenCalledWith(id, { ticketId: 4242, userId: b.ops[0].id, result: 'answered', at: b.clock.now() });
  });

  it('the citizen is busy: "busy"; the operator does not pick up: "operator_no_answer"', async () => {
    const b = (bridge = await sipBridge({ operators: ['op-a'], cfg: { ringTimeoutMs: 150 } }));
    const results = callBackResults(b.vic.calls);
    const busy = b.sip.callBack({ userId: b.ops[0].id, extension: '201', number: '+77012345678', ticketId: 7 });
    const op = await b.fake.nextInvite();
    op.respond(200, sdpOffer('operator', 50000));
    (await b.fake.nextInvite()).respond(486);
    await op.dialog!.waitFor('BYE');
    expect(results).toHaveBeenLastCalledWith(busy, expect.objectContaining({ ticketId: 7, result: 'busy' }));

    const unanswered = b.sip.callBack({ userId: b.ops[0].id, extension: '201', number: '+77012345678', ticketId: 7 });
    await (await b.fake.nextInvite()).waitCancel();
    await waitFor(() => results.mock.calls.length === 2);
    expect(results).toHaveBeenLastCalledWith(unanswered, expect.objectContaining({ result: 'operator_no_answer' }));
    expect(b.fake.outbound).toHaveLength(3); // the citizen was never dialled the second time
  });
});
