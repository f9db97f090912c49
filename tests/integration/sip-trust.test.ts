// Which INVITEs the bridge takes, at the wire (the drachtio double): only from SIP_ALLOWED_SOURCES and for
// SIP_DIALLED_NUMBERS, only well formed; anything else gets a SIP error, a log line, and changes nothing (no
// ticket, no call, no phone rung). P-Asserted-Identity is believed only from a configured PBX address.
import { afterEach, describe, expect, it } from 'vitest';
import { HOSTPORT, Sip, sdpOffer } from '../support/fake-drachtio.ts';
import { CALLER, counts, sipBridge, type Bridge } from '../support/sip-bridge.ts';

let bridge: Bridge | null = null;
afterEach(async () => {
  await bridge?.close();
  bridge = null;
});

/** An INVITE as the network sends it, with `over` replacing (or, as null, removing) ordinary headers. */
function invite(n: number, over: Record<string, string | null> = {}, uri = `sip:1401@${HOSTPORT}`, body = sdpOffer('citizen', 40000)) {
  const h: Record<string, string | null> = {
    Via: `SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKt${n};rport`,
    'Max-Forwards': '69',
    From: `<sip:8701234567${n}@pbx>;tag=f${n}`,
    To: `<${uri}>`,
    'Call-ID': `trust-${n}@pbx`,
    CSeq: '1 INVITE',
    Contact: '<sip:trunk@10.0.0.9:5060>',
    'Content-Type': 'application/sdp',
    ...over,
  };
  const headers = Object.entries(h).filter((e): e is [string, string] => e[1] !== null);
  return new Sip(`INVITE ${uri} SIP/2.0`, headers, body);
}

const refusals = (b: Bridge) => b.logs.filter((l) => l.msg === 'sip: INVITE refused');

describe('trust', () => {
  it('an INVITE from an address outside SIP_ALLOWED_SOURCES gets 403, a log line, and changes nothing', async () => {
    const b = (bridge = await sipBridge());
    const before = counts(b.vic);
    const stranger = b.fake.call({ ...CALLER, source: '192.0.2.66' });
    expect((await stranger.waitFinal()).status).toBe(403);
    // Even a huge header: refused as a stranger before it is read, not kept as a missed call.
    const huge = b.fake.deliver(invite(2, { 'P-Asserted-Identity': `<sip:+77015556677@pbx>${' '.repeat(100_000)}` }), '192.0.2.66');
    expect((await huge.waitFinal()).status).toBe(403);
    expect(counts(b.vic)).toEqual(before);
    expect(b.fake.outbound).toHaveLength(0);
    expect(refusals(b)).toHaveLength(2);
    expect(refusals(b)[0]).toMatchObject({
      status: 403,
      source: '192.0.2.66',
      reason: expect.stringContaining('SIP_ALLOWED_SOURCES') as string,
    });

    // The PBX itself is taken.
    b.fake.call(CALLER);
    expect((await b.fake.nextInvite()).msg.uri).toBe('sip:201@pbx.court.local');
  });

  it('SIP_DIALLED_NUMBERS: a call for another number gets 403; the centre’s number rings', async () => {
    const b = (bridge = await sipBridge({ cfg: { dialledNumbers: ['+7 7152 1401', '1402'] } }));
    const before = counts(b.vic);
    const other = b.fake.call({ ...CALLER, to: `sip:1499@${HOSTPORT}` });
    expect((await other.waitFinal()).status).toBe(403);
    expect(counts(b.vic)).toEqual(before);
    expect(refusals(b)[0]).toMatchObject({ status: 403, reason: expect.stringContaining('SIP_DIALLED_NUMBERS') as string });
    b.fake.call({ ...CALLER, to: `sip:+771521401@${HOSTPORT}` });
    await b.fake.nextInvite();
    b.fake.call({ ...CALLER, to: `sip:1402@${HOSTPORT}` });
    await b.fake.nextInvite();
  });

  it('from a configured PBX address P-Asserted-Identity wins and is passed on to the phone', async () => {
    const b = (bridge = await sipBridge());
    const call = b.fake.call({ from: '"Асель" <sip:87015556677@pbx.court.local>', pai: '<sip:+77012345678@pbx.court.local>' });
    const inv = await b.fake.nextInvite();
    expect(b.vic.store.getCall(call.callId)!.from).toBe('+77012345678');
    expect(inv.msg.get('P-Asserted-Identity')).toBe('<sip:+77012345678@pbx.court.local>');
  });
});

describe('bad input', () => {
  it('a malformed INVITE gets a SIP error and a log line, and records nothing and rings nobody', async () => {
    const b = (bridge = await sipBridge());
    const before = counts(b.vic);
    const cases: [string, Sip, number][] = [
      ['a CSeq without a number', invite(1, { CSeq: 'INVITE' }), 400],
      ['a From without a tag', invite(2, { From: '<sip:87012345678@pbx>' }), 400],
      ['no Call-ID', invite(3, { 'Call-ID': null }), 400],
      ['no To', invite(4, { To: null }), 400],
      ['a Request-URI that is not SIP', invite(5, {}, 'http://1401.example/'), 416],
      ['a body that is not SDP', invite(6, { 'Content-Type': 'text/plain' }, undefined, 'hello'), 415],
    ];
    for (const [what, msg, status] of cases) expect([what, (await b.fake.deliver(msg).waitFinal()).status]).toEqual([what, status]);
    expect(counts(b.vic)).toEqual(before);
    expect(b.fake.outbound).toHaveLength(0);
    expect(refusals(b).map((l) => l.status)).toEqual(cases.map((c) => c[2]));
    // and the bridge still takes a proper call
    b.fake.call(CALLER);
    await b.fake.nextInvite();
  });
});
