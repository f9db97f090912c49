// In the call with rtpengine (docs/media.md "In the call"), at the wire: the drachtio double plays the network, a
// real rtpengine relays the media, and the caller, operator and specialist are real RTP endpoints, each talking in
// its own tone, so whom the caller hears is told by the frequency of the G.711 they receive. A transfer keeps the
// caller's media in rtpengine (no re-INVITE to the caller; they hear the specialist); a specialist who is busy
// leaves the caller with the operator; the operator's hold plays the music to the caller until they resume; the
// language chosen with 2 is spoken from then on and stored on the contact (the next call greets in it); a caller
// offering only PCMA talks with a phone that answers only PCMU (rtpengine transcodes).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIPS, LANGS } from '../../channels/sip/media/messages.ts';
import type { MediaSetup } from '../../channels/sip/media/config.ts';
import { DEFAULT_CALLER_QUEUE } from '../../routing/caller-queue.ts';
import { addUser } from '../helpers.ts';
import { type FakeDrachtio, type InboundCall, type OutboundInvite } from '../support/fake-drachtio.ts';
import { PT_PCMA, PT_PCMU, RtpEndpoint } from '../support/rtp-endpoint.ts';
import { rtpengineMissing } from '../support/rtpengine.ts';
import { citizenCall, mediaSuite } from '../support/media-suite.ts';
import { sipBridge, waitFor, type Bridge } from '../support/sip-bridge.ts';
import { wavFile } from '../support/wav.ts';

if (rtpengineMissing) console.warn(`sip-media-2 tests skipped: ${rtpengineMissing}`);

// Everyone's voice is a tone of its own (multiples of 50 Hz): the caller 400, the operator 1000, the specialist
// 1500, the hold music 250; the announcements 600 in Kazakh and 1200 in Russian.
const HZ = { caller: 400, operator: 1000, specialist: 1500, music: 250, kk: 600, ru: 1200 };
const tone = (hz: number, ms: number) => wavFile({ ms, sample: (i) => Math.round(12000 * Math.sin((2 * Math.PI * hz * i) / 8000)) });
/** Within 10 %: zero crossings of 20 ms packets read a tone a little low. */
const near = (hz: number) => ({ asymmetricMatch: (v: number) => Math.abs(v - hz) <= hz * 0.1, toString: () => `≈${hz} Hz` });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(rtpengineMissing)('in the call with rtpengine: transfer, hold, language, codecs', () => {
  const s = mediaSuite('sip-media-2', {
    writeAudio(dir) {
      for (const lang of LANGS) {
        fs.mkdirSync(path.join(dir, lang));
        for (const clip of CLIPS) fs.writeFileSync(path.join(dir, lang, `${clip}.wav`), tone(HZ[lang], clip === 'greeting' ? 800 : 400));
      }
      fs.writeFileSync(path.join(dir, 'music.wav'), tone(HZ.music, 1000));
    },
  });
  const { endpoint, noSessions } = s;

  function media(over: Partial<MediaSetup['queue']> = {}): MediaSetup {
    return {
      rtpengine: { host: s.rtpe.host, port: s.rtpe.ngPort, timeoutMs: 500 },
      dtmfListen: { host: '127.0.0.1', port: s.dtmfPort },
      announcementsDir: s.audioDir,
      queue: { ...DEFAULT_CALLER_QUEUE, announceEveryMs: 1500, ...over },
    };
  }

  const call = (fake: FakeDrachtio, n: number, sdp: string): InboundCall =>
    citizenCall(fake, {
      callId: `media2-${n}-${Date.now()}@pbx.court.local`,
      from: `8701555000${n}`,
      tag: `caller${n}`,
      assertedIdentity: `+7701555000${n}`,
      sdp,
    });

  /** VIC answers with rtpengine's SDP; the caller acknowledges and talks (their tone). */
  async function answered(c: InboundCall, ep: RtpEndpoint, pt: typeof PT_PCMU | typeof PT_PCMA = PT_PCMU) {
    const ok = await c.waitFinal();
    expect(ok.status).toBe(200);
    ep.setRemote(ok.body);
    await c.ack();
    ep.startTone(HZ.caller, pt);
    return performance.now();
  }

  /** A phone answers rtpengine's offer and talks in its tone; it stops talking when VIC hangs it up. */
  function pickUp(inv: OutboundInvite, ep: RtpEndpoint, hz: number, sdp = ep.sdp()) {
    expect(inv.msg.body).toMatch(/^c=IN IP4 127\.0\.0\.1/m); // rtpengine's offer
    ep.setRemote(inv.msg.body);
    inv.respond(180);
    inv.respond(200, sdp);
    ep.startTone(hz);
    void inv.dialog!.waitFor('BYE', 30_000).then(
      () => ep.stopSilence(),
      () => undefined,
    );
  }

  /** The frequency heard during the next `ms` (after what was in flight settled). */
  async function hears(ep: RtpEndpoint, ms = 500) {
    await sleep(250);
    const since = performance.now();
    await sleep(ms);
    return ep.toneHz(since);
  }

  async function specialist(b: Bridge) {
    const s = await addUser(b.vic, 'spec', 'specialist');
    b.vic.store.updateUser(s.id, { sipExtension: '301' });
    return s;
  }

  it('transfer: the specialist answers rtpengine’s offer, the caller is not re-INVITEd and hears them; busy: stays with the operator', async () => {
    const b = s.use(await sipBridge({ operators: ['op-a'], cfg: { media: media() } }));
    const spec = await specialist(b);
    const [c, op, sp] = [await endpoint(), await endpoint(), await endpoint()];
    const inbound = call(b.fake, 1, c.sdp());
    await answered(inbound, c);
    const toOp = await b.fake.nextInvite();
    pickUp(toOp, op, HZ.operator);
    await waitFor(() => b.vic.store.getCall(inbound.callId)?.outcome === 'answered');
    expect(await hears(c)).toEqual(near(HZ.operator));
    expect(await hears(op, 200)).toEqual(near(HZ.caller));

    // The operator's phone REFERs to a busy specialist: NOTIFY 486, and the two still talk.
    await toOp.dialog!.refer('sip:301@pbx.court.local');
    const busy = await b.fake.nextInvite();
    expect(busy.msg.body).toMatch(/^c=IN IP4 127\.0\.0\.1/m); // invited with rtpengine's offer, not late
    busy.respond(486);
    await waitFor(() => toOp.dialog!.received.some((m) => m.method === 'NOTIFY' && m.body.includes('486')));
    expect(await hears(c, 300)).toEqual(near(HZ.operator));
    expect(toOp.dialog!.ended || toOp.dialog!.received.some((m) => m.method === 'BYE')).toBe(false);

    // From the console: the specialist answers, the operator is hung up, the caller hears the specialist.
    expect(b.sip.transfer(inbound.callId, { userId: spec.id, extension: '301' })).toBe(true);
    const toSpec = await b.fake.nextInvite();
    expect(toSpec.msg.get('P-Asserted-Identity')).toBe('<tel:+77015550001>');
    pickUp(toSpec, sp, HZ.specialist);
    await toOp.dialog!.waitFor('BYE');
    await waitFor(() => b.vic.store.getCall(inbound.callId)?.outcome === 'transferred');
    expect(await hears(c)).toEqual(near(HZ.specialist));
    expect(await hears(sp, 200)).toEqual(near(HZ.caller));
    expect(inbound.dialog!.received.filter((m) => m.method === 'INVITE')).toEqual([]); // the caller's leg untouched
    expect(await s.client.list()).toEqual([inbound.callId]); // still the one rtpengine call
    expect(b.sip.liveCalls().map((l) => [l.userId, l.role, l.state])).toEqual([[spec.id, 'specialist', 'talking']]);

    await inbound.dialog!.bye();
    await toSpec.dialog!.waitFor('BYE');
    await noSessions();
  });

  it('hold: the operator’s sendonly re-INVITE plays the music to the caller, "held" on the panel; sendrecv: they talk again', async () => {
    const b = s.use(await sipBridge({ operators: ['op-a'], cfg: { media: media() } }));
    const [c, op] = [await endpoint(), await endpoint()];
    const inbound = call(b.fake, 2, c.sdp());
    await answered(inbound, c);
    const toOp = await b.fake.nextInvite();
    pickUp(toOp, op, HZ.operator);
    await waitFor(() => b.vic.store.getCall(inbound.callId)?.outcome === 'answered');
    expect(await hears(c)).toEqual(near(HZ.operator));

    const hold = await toOp.dialog!.request('INVITE', {}, op.sdp().replace('a=sendrecv', 'a=sendonly'));
    expect(hold.status).toBe(200);
    expect(hold.body).toMatch(/^a=recvonly/m);
    expect(b.sip.liveCalls()).toMatchObject([{ userId: b.ops[0].id, state: 'held' }]);
    expect(await hears(c, 600)).toEqual(near(HZ.music)); // the music, not the operator's phone

    const resume = await toOp.dialog!.request('INVITE', {}, op.sdp());
    expect(resume.body).toMatch(/^a=sendrecv/m);
    expect(b.sip.liveCalls()).toMatchObject([{ userId: b.ops[0].id, state: 'talking' }]);
    expect(await hears(c)).toEqual(near(HZ.operator));
    expect(await hears(op, 200)).toEqual(near(HZ.caller));
    expect(inbound.dialog!.received.filter((m) => m.method === 'INVITE')).toEqual([]);
    await toOp.dialog!.bye();
    await inbound.dialog!.waitFor('BYE');
    await noSessions();
  });

  it('REFER while the caller is on hold: the specialist answers, the music stops, the caller hears them; NOTIFY 200, BYE', async () => {
    const b = s.use(await sipBridge({ operators: ['op-a'], cfg: { media: media() } }));
    const spec = await specialist(b);
    const [c, op, sp] = [await endpoint(), await endpoint(), await endpoint()];
    const inbound = call(b.fake, 4, c.sdp());
    await answered(inbound, c);
    const toOp = await b.fake.nextInvite();
    pickUp(toOp, op, HZ.operator);
    await waitFor(() => b.vic.store.getCall(inbound.callId)?.outcome === 'answered');
    expect(await hears(c)).toEqual(near(HZ.operator));
    expect((await toOp.dialog!.request('INVITE', {}, op.sdp().replace('a=sendrecv', 'a=sendonly'))).status).toBe(200);
    expect(await hears(c, 600)).toEqual(near(HZ.music));

    await toOp.dialog!.refer('sip:301@pbx.court.local');
    const toSpec = await b.fake.nextInvite();
    pickUp(toSpec, sp, HZ.specialist);
    await toOp.dialog!.waitFor('BYE');
    expect(toOp.dialog!.received.some((m) => m.method === 'NOTIFY' && m.body.includes('200'))).toBe(true);
    await waitFor(() => b.vic.store.getCall(inbound.callId)?.outcome === 'transferred');
    expect(await hears(c)).toEqual(near(HZ.specialist)); // no music left over from the hold
    expect(await hears(sp, 200)).toEqual(near(HZ.caller));
    // The extension REFERred to is a VIC user's: their console shows the call.
    expect(b.sip.liveCalls()).toMatchObject([{ userId: spec.id, role: 'specialist', state: 'talking' }]);
    expect(inbound.dialog!.received.filter((m) => m.method === 'INVITE')).toEqual([]);
    await inbound.dialog!.bye();
    await toSpec.dialog!.waitFor('BYE');
    await noSessions();
  });

  it('language menu: 2 (RFC 4733) → Russian from then on and on the contact; the next call greets in Russian only', async () => {
    // Nobody is online: the caller waits in the queue.
    const b = s.use(
      await sipBridge({
        operators: ['op-a'],
        connected: false,
        cfg: { media: media({ languageMenu: true, menuTimeoutMs: 500 }) },
      }),
    );
    const c = await endpoint();
    const first = call(b.fake, 3, c.sdp());
    const t0 = await answered(first, c);
    await sleep(300);
    expect(c.toneHz(t0)).toEqual(near(HZ.kk)); // the language unknown: the greeting begins in Kazakh
    await c.sendDtmf('2');
    expect(await hears(c, 800)).toEqual(near(HZ.ru)); // "please wait, you are next, press 1": Russian only
    const rec = b.vic.store.getCall(first.callId)!;
    const ticket = b.vic.store.getTicket(rec.ticketId)!;
    expect(b.vic.store.getContact(ticket.contactId)!.language).toBe('ru');
    expect(ticket.language).toBe('ru');
    expect(b.logs.some((l) => l.msg === 'sip: caller chose a language' && l.lang === 'ru')).toBe(true);
    await first.dialog!.bye();

    const again = await endpoint();
    const second = call(b.fake, 3, again.sdp());
    const t1 = await answered(second, again);
    await sleep(700);
    expect(again.toneHz(t1)).toEqual(near(HZ.ru)); // the greeting in Russian alone (the menu may follow it)
    const next = b.vic.store.getTicket(b.vic.store.getCall(second.callId)!.ticketId)!;
    expect(next).toMatchObject({ contactId: ticket.contactId, language: 'ru' }); // its call lines in Russian too
    await second.dialog!.bye();
    await noSessions();
  });

  it('codecs: a caller offering only PCMA and a phone answering only PCMU hear each other (rtpengine transcodes)', async () => {
    const b = s.use(await sipBridge({ operators: ['op-a'], cfg: { media: media() } }));
    const [c, op] = [await endpoint(), await endpoint()];
    const pcmaOnly = c
      .sdp()
      .replace('RTP/AVP 0 8 101', 'RTP/AVP 8 101')
      .replace(/^a=rtpmap:0 .*\r\n/m, '');
    const inbound = call(b.fake, 4, pcmaOnly);
    await answered(inbound, c, PT_PCMA);
    expect(inbound.final!.body).toMatch(/^m=audio \d+ RTP\/AVP 8( 101)?\r?$/m); // the caller is answered in PCMA
    const toOp = await b.fake.nextInvite();
    expect(toOp.msg.body).toMatch(/^m=audio \d+ RTP\/AVP 8 0/m); // the phone is offered both
    const pcmuOnly = op
      .sdp()
      .replace('RTP/AVP 0 8 101', 'RTP/AVP 0 101')
      .replace(/^a=rtpmap:8 .*\r\n/m, '');
    pickUp(toOp, op, HZ.operator, pcmuOnly);
    await waitFor(() => b.vic.store.getCall(inbound.callId)?.outcome === 'answered');
    const since = performance.now();
    expect(await hears(c)).toEqual(near(HZ.operator));
    expect(c.received.filter((p) => p.at > since && p.pt === PT_PCMU)).toEqual([]); // A-law only to the caller
    expect(await hears(op, 300)).toEqual(near(HZ.caller));
    await inbound.dialog!.bye();
    await toOp.dialog!.waitFor('BYE');
    await noSessions();
  });
});
