// The SIP bridge end to end against a double of drachtio-server's wire protocol: real SIP texts in, and
// assertions on the SIP the bridge sends back (status codes, Call-ID, To-tags, CANCEL, Refer-To/NOTIFY).
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Vic } from '../../src/app.ts';
import { createSipChannel } from '../../channels/sip/index.ts';
import type { SipConfig } from '../../channels/sip/config.ts';
import { doubleConfig, FakeDrachtio, sdpOffer, type InboundCall } from '../support/fake-drachtio.ts';
import { addUser, envelope, makeVic, nextEvent, serve } from '../helpers.ts';
import type { CallRow, TicketRow } from './json.ts';

/** The screen-pop: only for the operator whose phone is ringing. */
interface CallRinging {
  call: CallRow;
  ticket: TicketRow;
  contact: unknown;
  otherTickets: unknown[];
}

const SUNDAY_NOON = Date.parse('2026-11-29T07:00:00Z');
const MONDAY_OPENING = Date.parse('2026-11-30T04:00:00Z');
const CALLER = { from: '"Ержан Серікұлы" <sip:87012345678@pbx.court.local>', pai: '<sip:+77012345678@pbx.court.local>' };

let fake: FakeDrachtio | null = null;
let current: Vic | null = null;
const sockets: Socket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.close());
  await current?.close();
  await fake?.close();
  current = fake = null;
});

async function setup(o: { at?: number; operators?: string[]; cfg?: Partial<SipConfig>; serve?: boolean } = {}) {
  fake = new FakeDrachtio('cymru');
  const port = await fake.listen();
  const { vic, clock } = await makeVic({}, o.at);
  current = vic;
  const ops = [];
  for (const [i, login] of (o.operators ?? ['op-a', 'op-b']).entries()) {
    const u = await addUser(vic, login, 'operator');
    vic.store.updateUser(u.id, { sipExtension: String(201 + i) });
    vic.store.changeConnections(u.id, 1, clock.now());
    ops.push(u);
  }
  const server = o.serve ? await serve(vic) : null;
  const sip = createSipChannel(doubleConfig(port, o.cfg));
  await vic.addChannel(sip);
  await fake.ready();
  await until(() => sip.health().state === 'connected');
  return { vic, clock, ops, sip: sip, fake, server };
}

const callRow = (vic: Vic, callId: string) => vic.store.getCall(callId)!;

/** The caller is connected to the phone that answers `invite` with 200. */
async function answer(vic: Vic, call: InboundCall, invite: Awaited<ReturnType<FakeDrachtio['nextInvite']>>) {
  invite.respond(180);
  invite.respond(200, sdpOffer('operator', 50000));
  const ok = await call.waitFinal();
  expect(ok.start).toBe('SIP/2.0 200 OK');
  await call.ack();
  await invite.dialog!.waitFor('ACK');
  await until(() => callRow(vic, call.callId).outcome === 'answered');
  return ok;
}

describe('SIP bridge (fake drachtio-server)', () => {
  it('connects: authenticates with the secret and routes INVITEs; health says connected', async () => {
    const { sip, fake } = await setup();
    expect(fake.control.some((c) => c === 'authenticate|cymru|')).toBe(true);
    expect(fake.control).toContain('route|invite');
    expect(sip.health()).toMatchObject({
      state: 'connected',
      details: { drachtio: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as string, sip: '127.0.0.1:5060' },
    });
  });

  it('a call in working time, answered by the first operator: ticket, screen-pop, SDP passed through, ended with duration', async () => {
    const { vic, clock, ops, fake } = await setup();
    const call = fake.call(CALLER);
    const invite = await fake.nextInvite();
    expect(invite.msg.uri).toBe('sip:201@pbx.court.local');
    expect(invite.msg.body).toContain('m=audio 40000'); // the caller's offer goes to the phone unchanged
    expect(invite.msg.get('P-Asserted-Identity')).toBe('<sip:+77012345678@pbx.court.local>');
    expect(invite.msg.get('Call-ID')).not.toBe(call.callId); // B2BUA: a new dialog towards the phone

    const ringing = call.waitResponse(180);
    invite.respond(180);
    expect((await ringing).tag('To')).toBeTruthy();
    expect(callRow(vic, call.callId)).toMatchObject({ outcome: 'ringing', operatorId: ops[0].id, from: '+77012345678' });

    invite.respond(200, sdpOffer('operator', 50000));
    const ok = await call.waitFinal();
    expect(ok.status).toBe(200);
    expect(ok.get('Call-ID')).toBe(call.callId);
    expect(ok.body).toContain('m=audio 50000'); // the phone's answer reaches the caller unchanged
    await call.ack();
    await invite.dialog!.waitFor('ACK');
    await until(() => callRow(vic, call.callId).outcome === 'answered');
    const row = callRow(vic, call.callId);
    expect(row).toMatchObject({ outcome: 'answered', operatorId: ops[0].id, answeredAt: clock.now() });
    const ticket = vic.store.getTicket(row.ticketId)!;
    expect(ticket).toMatchObject({ channel: 'sip', assigneeId: ops[0].id });
    expect(vic.store.getContact(ticket.contactId)!.name).toBe('Ержан Серікұлы');

    clock.advance(95_000);
    expect((await call.dialog!.bye()).status).toBe(200);
    const bye = await invite.dialog!.waitFor('BYE'); // the bridge hangs up the operator's leg
    expect(bye.get('Call-ID')).toBe(invite.callId);
    expect(callRow(vic, call.callId)).toMatchObject({ outcome: 'ended', endedAt: row.answeredAt! + 95_000 });
  });

  it('first operator does not answer in time → CANCEL, the second operator answers', async () => {
    const { vic, ops, fake } = await setup({ cfg: { ringTimeoutMs: 150 } });
    const call = fake.call(CALLER);
    const first = await fake.nextInvite();
    first.respond(180);
    const cancel = await first.waitCancel();
    expect(cancel.start).toBe('CANCEL sip:201@pbx.court.local SIP/2.0');
    expect(cancel.get('Call-ID')).toBe(first.callId);
    expect(cancel.get('Via')).toBe(first.msg.get('Via')); // same transaction as the INVITE it cancels
    const second = await fake.nextInvite();
    expect(second.msg.uri).toBe('sip:202@pbx.court.local');
    await answer(vic, call, second);
    expect(callRow(vic, call.callId)).toMatchObject({ outcome: 'answered', operatorId: ops[1].id });
    expect(call.responses.filter((r) => r.status >= 200).map((r) => r.status)).toEqual([200]); // the 487 of leg 1 is not passed on
  });

  it('busy first operator → the second is rung at once', async () => {
    const { vic, ops, fake } = await setup();
    const call = fake.call(CALLER);
    (await fake.nextInvite()).respond(486);
    await answer(vic, call, await fake.nextInvite());
    expect(callRow(vic, call.callId)).toMatchObject({ outcome: 'answered', operatorId: ops[1].id });
  });

  it('nobody answers → 486 to the caller and a missed call naming nobody, with a callback task', async () => {
    const { vic, clock, fake } = await setup({ cfg: { ringTimeoutMs: 100 } });
    const call = fake.call(CALLER);
    (await fake.nextInvite()).respond(603);
    const second = await fake.nextInvite();
    second.respond(180);
    await second.waitCancel();
    const final = await call.waitFinal();
    expect(final.start).toBe('SIP/2.0 486 Busy Here');
    expect(final.tag('To')).toBeTruthy();
    // when the task is due is the ticket side's rule (src/calls.ts, tests/integration/callbacks*.test.ts)
    expect(callRow(vic, call.callId)).toMatchObject({ outcome: 'missed', operatorId: null });
    expect(callRow(vic, call.callId).callbackDueAt).toBeGreaterThanOrEqual(clock.now());
    expect(fake.outbound).toHaveLength(2);
  });

  it('nobody available at all, with SIP_NOBODY_STATUS 480', async () => {
    const { vic, fake } = await setup({ operators: [], cfg: { nobodyStatus: 480 } });
    const call = fake.call(CALLER);
    expect((await call.waitFinal()).status).toBe(480);
    expect(callRow(vic, call.callId).outcome).toBe('missed');
  });

  it('a call on Sunday → 480 and a callback due in Monday’s working time; no phone rings', async () => {
    const { vic, fake } = await setup({ at: SUNDAY_NOON });
    const call = fake.call(CALLER);
    const final = await call.waitFinal();
    expect(final.start).toBe('SIP/2.0 480 Temporarily Unavailable');
    const row = callRow(vic, call.callId);
    expect(row.outcome).toBe('rejected_off_hours');
    expect(row.callbackDueAt).toBeGreaterThanOrEqual(MONDAY_OPENING); // in working time, from Monday's opening
    expect(vic.store.getTicket(row.ticketId)!.status).toBe('waiting');
    expect(fake.outbound).toHaveLength(0);
  });

  it('the caller hangs up while it rings → the phone gets CANCEL, the call is abandoned', async () => {
    const { vic, fake } = await setup();
    const call = fake.call(CALLER);
    const invite = await fake.nextInvite();
    invite.respond(180);
    await call.waitResponse(180);
    call.cancel();
    const cancel = await invite.waitCancel();
    expect(cancel.get('Call-ID')).toBe(invite.callId);
    await new Promise((r) => setTimeout(r, 50));
    expect(callRow(vic, call.callId)).toMatchObject({ outcome: 'abandoned' });
    expect(fake.outbound).toHaveLength(1); // no second operator rung for a caller who is gone
  });

  it('the same INVITE offered again → one ticket, one call, one phone ringing; the repeat gets 482', async () => {
    const { vic, fake } = await setup();
    const call = fake.call(CALLER);
    const invite = await fake.nextInvite();
    const again = fake.deliver(call.invite);
    expect((await again.waitFinal()).status).toBe(482);
    await answer(vic, call, invite);
    const row = callRow(vic, call.callId);
    expect(vic.store.listCalls(row.ticketId)).toHaveLength(1);
    expect(vic.store.ticketsOfContact(vic.store.getTicket(row.ticketId)!.contactId, -1)).toHaveLength(1);
    expect(fake.outbound).toHaveLength(1);
    // after the call the same INVITE again: still no second ticket
    const late = fake.deliver(call.invite);
    expect((await late.waitFinal()).status).toBe(482);
    expect(vic.store.ticketsOfContact(vic.store.getTicket(row.ticketId)!.contactId, -1)).toHaveLength(1);
  });

  it('the caller’s WhatsApp and call land on one contact and one ticket', async () => {
    const { vic, fake } = await setup();
    const wa = vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77012345678@c.us' } }));
    const call = fake.call({ from: '<sip:87012345678@pbx.court.local>' }); // From only, national format
    await fake.nextInvite();
    const row = callRow(vic, call.callId);
    expect(row.ticketId).toBe(wa.ticketId);
    expect(row.from).toBe('+77012345678');
  });

  it('the screen-pop reaches only the operator whose phone rings', async () => {
    const { fake, server } = await setup({ serve: true, cfg: { ringTimeoutMs: 300 } });
    const sa = await server!.socket((await server!.login('op-a', 'password-123')).cookie);
    const sb = await server!.socket((await server!.login('op-b', 'password-123')).cookie);
    sockets.push(sa, sb);
    const seenByB: string[] = [];
    sb.on('call.ringing', (p: { call: { callId: string } }) => seenByB.push(p.call.callId));
    const popA = nextEvent<CallRinging>(sa, 'call.ringing');
    const call = fake.call(CALLER);
    const first = await fake.nextInvite();
    expect(first.msg.uri).toBe('sip:201@pbx.court.local');
    first.respond(180);
    const pop = await popA;
    expect(pop.call).toMatchObject({ callId: call.callId, from: '+77012345678' });
    expect(pop.contact).toBeTruthy();
    expect(seenByB).toEqual([]);
    // op-a lets it ring out: now op-b's phone rings and only op-b gets the pop
    const popB = nextEvent<CallRinging>(sb, 'call.ringing');
    (await fake.nextInvite()).respond(180);
    expect((await popB).call.callId).toBe(call.callId);
  });

  describe('transfer to a specialist from the operator’s phone (REFER)', () => {
    async function connected() {
      const s = await setup({ cfg: { ringTimeoutMs: 200 } });
      const call = s.fake.call(CALLER);
      const op = await s.fake.nextInvite();
      await answer(s.vic, call, op);
      return { ...s, call, op };
    }

    it('the specialist answers: the caller is re-bridged to them and the operator released', async () => {
      const { vic, fake, call, op } = await connected();
      const refer = op.dialog!.refer('sip:301@127.0.0.1:5060');
      expect((await refer).status).toBe(202);
      const spec = await fake.nextInvite();
      expect(spec.msg.uri).toBe('sip:301@pbx.court.local');
      expect(spec.msg.body).toBe(''); // late offer: the specialist's phone offers, the caller answers
      spec.respond(180);
      spec.respond(200, sdpOffer('specialist', 60000));
      const reinvite = await call.dialog!.waitFor('INVITE');
      expect(reinvite.body).toContain('m=audio 60000');
      expect(reinvite.get('Call-ID')).toBe(call.callId);
      const ack = await spec.dialog!.waitFor('ACK');
      expect(ack.body).toContain('m=audio 40000'); // the caller's answer
      const notifies = await waitNotifies(op.dialog!, 2);
      expect(notifies.map((n) => n.body.trim())).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 200 OK']);
      expect(notifies[1].get('Subscription-State')).toMatch(/^terminated/);
      expect(notifies[1].get('Event')).toBe('refer');
      await op.dialog!.waitFor('BYE');
      expect(callRow(vic, call.callId).outcome).toBe('transferred');
      // the caller and the specialist now end the call between them
      await spec.dialog!.bye();
      await call.dialog!.waitFor('BYE');
      expect(callRow(vic, call.callId).outcome).toBe('ended');
    });

    it('the caller refuses the specialist’s media: the specialist is released, the caller stays with the operator', async () => {
      const { vic, fake, call, op } = await connected();
      call.dialog!.answerReinvite = 488;
      await op.dialog!.refer('sip:301@127.0.0.1:5060');
      const spec = await fake.nextInvite();
      spec.respond(200, sdpOffer('specialist', 60000));
      await call.dialog!.waitFor('INVITE');
      await spec.dialog!.waitFor('BYE');
      const notifies = await waitNotifies(op.dialog!, 2);
      expect(notifies[1].body.trim()).toBe('SIP/2.0 488 Not Acceptable Here');
      // The operator was never told to go: no BYE to them, and the call is still theirs.
      expect(op.dialog!.received.some((m) => m.method === 'BYE')).toBe(false);
      expect(callRow(vic, call.callId).outcome).toBe('answered');
      await call.dialog!.bye();
      await op.dialog!.waitFor('BYE');
      expect(callRow(vic, call.callId).outcome).toBe('ended');
    });

    it('the specialist does not answer: CANCEL, a NOTIFY with the failure, the caller stays with the operator', async () => {
      const { vic, fake, call, op } = await connected();
      await op.dialog!.refer('sip:301@127.0.0.1:5060');
      const spec = await fake.nextInvite();
      spec.respond(180);
      await spec.waitCancel();
      const notifies = await waitNotifies(op.dialog!, 2);
      expect(notifies[1].body.trim()).toBe('SIP/2.0 487 Request Terminated');
      expect(call.dialog!.received.map((m) => m.method)).toEqual([]); // no re-INVITE, no BYE to the caller
      expect(op.dialog!.received.some((m) => m.method === 'BYE')).toBe(false);
      expect(callRow(vic, call.callId).outcome).toBe('answered');
      await call.dialog!.bye();
      await op.dialog!.waitFor('BYE');
    });

    it('a busy specialist, through the console action', async () => {
      const { vic, sip, fake, call, op } = await connected();
      const s = await addUser(vic, 'spec', 'specialist');
      expect(sip.transfer(call.callId, { userId: s.id, extension: '301' })).toBe(true);
      (await fake.nextInvite()).respond(486);
      await new Promise((r) => setTimeout(r, 50));
      expect(op.dialog!.received.map((m) => m.method)).toEqual(['ACK']); // still talking
      expect(sip.transfer('no-such-call', { userId: s.id, extension: '301' })).toBe(false);
    });
  });

  it('call back: rings the operator first, then the citizen, and bridges their SDP', async () => {
    const { vic, ops, sip, fake } = await setup();
    const missed = vic.ingest(envelope({ channel: 'sip', sender: { kind: 'phone', address: '+77012345678' }, text: '' }));
    const id = sip.callBack({ userId: ops[0].id, extension: '201', number: '+77012345678' });
    const op = await fake.nextInvite();
    expect(op.msg.uri).toBe('sip:201@pbx.court.local');
    expect(op.msg.body).toBe('');
    op.respond(200, sdpOffer('operator', 50000));
    const citizen = await fake.nextInvite();
    expect(citizen.msg.uri).toBe('sip:+77012345678@trunk.court.local');
    expect(citizen.msg.body).toContain('m=audio 50000'); // the operator's offer
    citizen.respond(200, sdpOffer('citizen', 40000));
    const ack = await op.dialog!.waitFor('ACK');
    expect(ack.body).toContain('m=audio 40000');
    const row = callRow(vic, id);
    expect(row).toMatchObject({ outcome: 'answered', operatorId: ops[0].id, ticketId: missed.ticketId });
    await citizen.dialog!.bye();
    await op.dialog!.waitFor('BYE');
    expect(callRow(vic, id).outcome).toBe('ended');
  });

  it('call back: the citizen does not answer → the operator is hung up, the call stays missed', async () => {
    const { vic, ops, sip, fake } = await setup({ cfg: { ringTimeoutMs: 150 } });
    const id = sip.callBack({ userId: ops[0].id, extension: '201', number: '+77012345678' });
    const op = await fake.nextInvite();
    op.respond(200, sdpOffer('operator', 50000));
    const citizen = await fake.nextInvite();
    citizen.respond(180);
    await citizen.waitCancel();
    await op.dialog!.waitFor('ACK');
    await op.dialog!.waitFor('BYE');
    expect(callRow(vic, id).outcome).toBe('missed');
  });

  it('reconnects with backoff after drachtio-server drops the connection', async () => {
    const { sip, fake } = await setup();
    fake.dropClients();
    await until(() => sip.health().state === 'connecting');
    expect(sip.health().reason).toMatch(/closed; retrying in 1 s$/);
    expect(sip.health().code).toBe('sipUnreachable');
    await until(() => sip.health().state === 'connected', 5000);
    expect(fake.control.filter((c) => c === 'route|invite')).toHaveLength(2);
  });

  /** A channel with a fast keep-alive, once its first OPTIONS went out. */
  async function keepingAlive() {
    const f = (fake = new FakeDrachtio('cymru'));
    const port = await f.listen();
    const { vic } = await makeVic();
    current = vic;
    const sip = createSipChannel(
      {
        host: '127.0.0.1',
        port,
        secret: 'cymru',
        operatorUriTemplate: 'sip:{extension}@pbx.court.local',
        ringTimeoutMs: 20_000,
        nobodyStatus: 486,
      },
      { keepAliveMs: 50, ackTimeoutMs: 200, backoffMs: 50 },
    );
    await vic.addChannel(sip);
    await f.ready();
    await until(() => f.sent.some((s) => s.msg.start === 'OPTIONS sip:pbx.court.local SIP/2.0'));
    return { sip, fake: f };
  }

  it('a silent link (no acknowledgement of the keep-alive) is detected and replaced', async () => {
    const { sip, fake } = await keepingAlive();
    fake.stalled = true;
    await until(() => sip.health().state === 'connecting', 2000);
    expect(sip.health().reason).toMatch(/did not acknowledge a keep-alive within 200 ms/);
    expect(sip.health().code).toBe('sipNoAck');
    fake.stalled = false;
    await until(() => sip.health().state === 'connected', 3000);
    fake.optionsStatus = 408;
    await until(() => sip.health().state === 'degraded', 2000);
    expect(sip.health().reason).toBe('PBX pbx.court.local does not answer OPTIONS (408)');
    expect(sip.health().code).toBe('sipPbxUnreachable');
  });

  it('drachtio-server refusing to send the keep-alive is a degraded PBX, not a lost link', async () => {
    const { sip, fake } = await keepingAlive();
    fake.optionsRefused = 'can not send request to myself';
    await until(() => sip.health().state === 'degraded', 2000);
    expect(sip.health().reason).toBe('drachtio-server cannot send OPTIONS to the PBX pbx.court.local: can not send request to myself');
    // Several refusals later the one connection is still in use: the link was never replaced.
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.control.filter((c) => c === 'route|invite')).toHaveLength(1);
    fake.optionsRefused = null;
    await until(() => sip.health().state === 'connected', 2000);
  });

  it('a wrong secret: health down with the reason, and restart is an admin command', async () => {
    fake = new FakeDrachtio('right-secret');
    const port = await fake.listen();
    const { vic } = await makeVic();
    current = vic;
    const sip = createSipChannel(
      { host: '127.0.0.1', port, secret: 'wrong', operatorUriTemplate: 'sip:{extension}@pbx', ringTimeoutMs: 20_000, nobodyStatus: 486 },
      { backoffMs: 10_000 },
    );
    await vic.addChannel(sip);
    await until(() => sip.health().state === 'down');
    expect(sip.health().reason).toMatch(/rejected SIP_DRACHTIO_SECRET; retrying in 10 s/);
    expect(sip.health().code).toBe('sipSecretRejected');
    expect(sip.commands).toEqual(['restart']);
    await sip.command!('restart');
    expect(sip.health().state).toBe('connecting');
  });
});

async function until(ok: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function waitNotifies(d: { received: { method: string }[] }, n: number) {
  await until(() => d.received.filter((m) => m.method === 'NOTIFY').length >= n);
  return d.received.filter((m) => m.method === 'NOTIFY') as import('../support/fake-drachtio.ts').Sip[];
}
