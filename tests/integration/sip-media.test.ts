// The SIP bridge with rtpengine (SIP_RTPENGINE), at the wire: the drachtio double plays the network, a real
// rtpengine (Debian's rtpengine-daemon, loopback ports) relays the media, and the callers are real RTP endpoints
// whose G.711 is decoded. VIC answers at once with rtpengine's SDP; the caller hears the greeting, then the queue
// (announcement, music, the announcement again) while the only operator is busy; DTMF 1 makes the call-back task
// with the time waited and VIC hangs up; an operator who frees up gets the queued caller; off hours the caller
// hears when the centre opens; a bad SDP or codec gets 488; rtpengine down: calls go on as without it. Every
// rtpengine session is gone (its own list) when the calls end.
// The announcements are short test tones (loud), and the music sparse clicks (quiet: below the audible measure),
// so what the caller hears is told apart by its length.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIPS, LANGS } from '../../channels/sip/media/messages.ts';
import type { MediaSetup } from '../../channels/sip/media/config.ts';
import { DEFAULT_CALLER_QUEUE } from '../../routing/caller-queue.ts';
import { sdpOffer, type FakeDrachtio, type InboundCall } from '../support/fake-drachtio.ts';
import { RtpEndpoint } from '../support/rtp-endpoint.ts';
import { Rtpengine, rtpengineMissing } from '../support/rtpengine.ts';
import { citizenCall, mediaSuite } from '../support/media-suite.ts';
import { sipBridge, waitFor } from '../support/sip-bridge.ts';
import { wavFile } from '../support/wav.ts';

if (rtpengineMissing) console.warn(`sip-media tests skipped: ${rtpengineMissing}`);

const GREETING_MS = 800;
const CLIP_MS = 400;
const GAP_MS = 150; // between clips of one sentence (announcements.ts)

/** A loud tone of `ms`, or (music) a click every 100 ms — not silent, yet below -45 dBFS RMS. */
const wav = (ms: number, music = false) =>
  wavFile({ ms, amplitude: 12000, ...(music ? { sample: (i: number) => (i % 800 === 0 ? 2000 : 0) } : {}) });

/** Loud stretches the caller heard since `since`: packets closer than 200 ms join (the gaps between clips). */
function bursts(ep: RtpEndpoint, since: number): number[] {
  const loud = ep.received.filter((p) => {
    if (p.at < since || (p.pt !== 0 && p.pt !== 8)) return false;
    let sum = 0;
    for (const b of p.payload) {
      const v = (p.pt === 0 ? ulaw(b) : 0) / 32768;
      sum += v * v;
    }
    return 20 * Math.log10(Math.sqrt(sum / Math.max(1, p.payload.length))) > -30;
  });
  const out: number[] = [];
  let start = -1;
  let last = -1;
  for (const p of loud) {
    if (start < 0 || p.at - last > 200) {
      if (start >= 0) out.push(Math.round(last - start + 20));
      start = p.at;
    }
    last = p.at;
  }
  if (start >= 0) out.push(Math.round(last - start + 20));
  return out;
}
function ulaw(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(rtpengineMissing)('what the caller hears: the SIP bridge with rtpengine', () => {
  const s = mediaSuite('sip-media', {
    writeAudio(dir) {
      for (const lang of LANGS) {
        fs.mkdirSync(path.join(dir, lang));
        for (const clip of CLIPS) fs.writeFileSync(path.join(dir, lang, `${clip}.wav`), wav(clip === 'greeting' ? GREETING_MS : CLIP_MS));
      }
      fs.writeFileSync(path.join(dir, 'music.wav'), wav(1000, true));
    },
  });
  const { endpoint, noSessions } = s;

  function media(over: Partial<MediaSetup['queue']> = {}, ngPort = s.rtpe.ngPort): MediaSetup {
    return {
      rtpengine: { host: s.rtpe.host, port: ngPort, timeoutMs: 500 },
      dtmfListen: { host: '127.0.0.1', port: s.dtmfPort },
      announcementsDir: s.audioDir,
      queue: { ...DEFAULT_CALLER_QUEUE, announceEveryMs: 1500, offerTimeoutMs: 1000, ...over },
    };
  }

  /** A citizen calls from a real RTP endpoint (or with the SDP given). */
  const call = (fake: FakeDrachtio, n: number, sdp: string): InboundCall =>
    citizenCall(fake, {
      callId: `media-${n}-${Date.now()}@pbx.court.local`,
      from: `8701555000${n}`,
      tag: `caller${n}`,
      assertedIdentity: `+7701555000${n}`,
      sdp,
    });

  /** VIC answers at once with rtpengine's SDP; the caller acknowledges and starts sending. */
  async function answered(c: InboundCall, ep: RtpEndpoint) {
    const ok = await c.waitFinal();
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/^c=IN IP4 127\.0\.0\.1/m); // rtpengine's address, not the caller's own
    ep.setRemote(ok.body);
    await c.ack();
    ep.startSilence();
    return performance.now();
  }

  it('busy operator: greeting, queue announcement, music, again; DTMF 1 → call-back task with the wait, BYE; sessions deleted', async () => {
    const b = s.use(await sipBridge({ operators: ['op-a'], cfg: { media: media(), queuePollMs: 200 } }));
    const { fake } = b;
    expect(b.sip.health()).toMatchObject({ state: 'connected', details: { rtpengine: expect.stringContaining('ms') as string } });
    // The only operator takes a first caller: their phone gets rtpengine's offer, not the caller's SDP.
    const a = await endpoint();
    const first = call(fake, 1, a.sdp());
    await answered(first, a);
    const toOp = await fake.nextInvite();
    expect(toOp.msg.body).toMatch(/^c=IN IP4 127\.0\.0\.1/m);
    expect(toOp.msg.body).not.toContain(`${a.port}`);
    toOp.respond(180);
    toOp.respond(200, sdpOffer('operator', 50000));
    await waitFor(() => b.vic.store.getCall(first.callId)?.outcome === 'answered');

    // A second caller: answered at once, the ticket is there, nobody rings (the only operator is busy).
    const c = await endpoint();
    const second = call(fake, 2, c.sdp());
    const t0 = await answered(second, c);
    expect(b.vic.store.getCall(second.callId)).toMatchObject({ outcome: 'ringing' });
    await sleep(2 * GREETING_MS + GAP_MS + 3 * CLIP_MS + 2 * GAP_MS + 1500 + 2 * CLIP_MS + GAP_MS + 800);
    const heard = bursts(c, t0);
    console.info(`queued caller heard ${JSON.stringify(heard)} ms`);
    // The greeting in both languages (the contact's is unknown: kk and ru), straight on "please wait, you are next,
    // press 1" (the two may run together), then music (quiet), then the position and the offer again.
    const greeting = 2 * GREETING_MS + GAP_MS;
    const queue = 3 * CLIP_MS + 2 * GAP_MS;
    const again = 2 * CLIP_MS + GAP_MS;
    expect(heard.length).toBeGreaterThanOrEqual(2);
    expect(heard[0]).toBeGreaterThan(greeting * 0.85);
    const total = heard.reduce((s, x) => s + x, 0);
    expect(total).toBeGreaterThan((greeting + queue + again) * 0.85);
    expect(total).toBeLessThan((greeting + queue + again) * 1.15 + 400);
    expect(heard.at(-1)!).toBeGreaterThan(again * 0.8);
    expect(heard.at(-1)!).toBeLessThan(again * 1.2 + 100);
    expect(fake.outbound).toHaveLength(1);

    // The caller presses 1 after a long wait (VIC's clock): "we will call you back", then VIC hangs up.
    b.clock.advance(42_000);
    const pressed = performance.now();
    await c.sendDtmf('1');
    await second.dialog!.waitFor('BYE', 5000);
    const confirmed = bursts(c, pressed + 100);
    console.info(`after DTMF 1 the caller heard ${JSON.stringify(confirmed)} ms`);
    expect(confirmed.at(-1)!).toBeGreaterThan(CLIP_MS * 0.7);
    const rec = b.vic.store.getCall(second.callId)!;
    expect(rec).toMatchObject({ outcome: 'missed', operatorId: null });
    expect(rec.callbackDueAt).not.toBeNull();
    expect(rec.endedAt! - rec.startedAt).toBe(42_000);
    expect(b.logs.some((l) => l.msg === 'sip: caller asked to be called back' && l.reason === 'dtmf')).toBe(true);

    // The first call ends: every session is gone from rtpengine.
    await toOp.dialog!.bye();
    await first.dialog!.waitFor('BYE');
    await noSessions();
  });

  it('the operator frees up: the queued caller is rung through, connected, the ticket is theirs, music stops', async () => {
    const b = s.use(await sipBridge({ operators: ['op-a'], cfg: { media: media(), queuePollMs: 200 } }));
    const { fake } = b;
    const a = await endpoint();
    const first = call(fake, 1, a.sdp());
    await answered(first, a);
    const toOp = await fake.nextInvite();
    toOp.respond(200, sdpOffer('operator', 50000));
    await waitFor(() => b.vic.store.getCall(first.callId)?.outcome === 'answered');
    const c = await endpoint();
    const second = call(fake, 2, c.sdp());
    await answered(second, c);
    await sleep(GREETING_MS);
    await toOp.dialog!.bye(); // the operator is free again
    const again = await fake.nextInvite(3000);
    expect(again.msg.uri).toBe(toOp.msg.uri);
    again.respond(180);
    again.respond(200, sdpOffer('operator', 50002));
    await waitFor(() => b.vic.store.getCall(second.callId)?.outcome === 'answered');
    const ticket = b.vic.store.getTicket(b.vic.store.getCall(second.callId)!.ticketId)!;
    expect(ticket.assigneeId).toBe(b.ops[0].id);
    await sleep(300); // what was in flight
    const after = performance.now();
    await sleep(1200);
    expect(bursts(c, after)).toEqual([]); // no announcement once connected
    await second.dialog!.bye();
    await again.dialog!.waitFor('BYE');
    await noSessions();
  });

  it('off hours: closed, opens tomorrow at nine, press 1 — no key: goodbye, BYE, no call-back task', async () => {
    const sunday = Date.parse('2026-12-06T05:00:00Z');
    const b = s.use(await sipBridge({ operators: ['op-a'], at: sunday, cfg: { media: media() } }));
    const c = await endpoint();
    const inbound = call(b.fake, 3, c.sdp());
    const t0 = await answered(inbound, c);
    await inbound.dialog!.waitFor('BYE', 10_000);
    const heard = bursts(c, t0);
    console.info(`off hours the caller heard ${JSON.stringify(heard)} ms`);
    // greeting, straight on off-hours + opens + day + time + opens-end + offer (six clips); a pause; goodbye
    const said = 2 * GREETING_MS + GAP_MS + 6 * CLIP_MS + 5 * GAP_MS;
    expect(heard.length).toBeGreaterThanOrEqual(2);
    const total = heard.reduce((s, x) => s + x, 0);
    expect(total - heard.at(-1)!).toBeGreaterThan(said * 0.85);
    expect(total - heard.at(-1)!).toBeLessThan(said * 1.15 + 400);
    expect(heard.at(-1)!).toBeGreaterThan(CLIP_MS * 0.7); // goodbye
    expect(heard.at(-1)!).toBeLessThan(CLIP_MS * 1.3 + 100);
    expect(b.fake.outbound).toHaveLength(0); // nobody rung off hours
    const rec = b.vic.store.getCall(inbound.callId)!;
    expect(rec).toMatchObject({ outcome: 'rejected_off_hours', callbackDueAt: null });
    await noSessions();
  });

  it('off hours, 1 by SIP INFO (the fallback): call-back confirmed, BYE, the task due after the opening', async () => {
    const sunday = Date.parse('2026-12-06T05:00:00Z');
    const b = s.use(await sipBridge({ operators: ['op-a'], at: sunday, cfg: { media: media() } }));
    const c = await endpoint();
    const inbound = call(b.fake, 7, c.sdp());
    await answered(inbound, c);
    await sleep(2 * GREETING_MS + GAP_MS + 300); // into "the centre is closed…"
    // (the double labels any body application/sdp; the bridge reads the key from the body, whatever its label)
    const info = await inbound.dialog!.request('INFO', {}, 'Signal=1\r\nDuration=160\r\n');
    expect(info.status).toBe(200);
    await inbound.dialog!.waitFor('BYE', 5000);
    const rec = b.vic.store.getCall(inbound.callId)!;
    expect(rec.outcome).toBe('rejected_off_hours');
    expect(rec.callbackDueAt).toBeGreaterThan(Date.parse('2026-12-07T04:00:00Z')); // Monday 09:00 Astana
    await noSessions();
  });

  it('malformed SDP and an unsupported codec: 488 with the reason logged; rtpengine down: as without it (busy), health degraded', async () => {
    const b = s.use(await sipBridge({ operators: ['op-a'], connected: false, cfg: { media: media() } }));
    const bad = call(b.fake, 4, 'v=0\r\nthis is not SDP\r\n');
    expect((await bad.waitFinal()).status).toBe(488);
    const g729 = call(
      b.fake,
      5,
      sdpOffer('citizen', 40000)
        .replace('RTP/AVP 8 0 101', 'RTP/AVP 18')
        .replace(/^a=rtpmap:(8|0|101) .*\r\n/gm, ''),
    );
    expect((await g729.waitFinal()).status).toBe(488);
    const refused = b.logs.filter((l) => l.msg === 'sip: INVITE refused' && l.status === 488).map((l) => String(l.reason));
    expect(refused).toEqual([expect.stringContaining('malformed SDP'), expect.stringContaining('unsupported codec')]);
    await b.close();

    // A second rtpengine that stops after VIC connected: the first call finds it gone.
    const other = await Rtpengine.start();
    const down = s.use(await sipBridge({ operators: ['op-a'], connected: false, cfg: { media: media({}, other.ngPort) } }));
    await other.stop();
    const plain = down.fake.call({ from: '<sip:87015550006@pbx.court.local>' });
    expect((await plain.waitFinal(5000)).status).toBe(486); // nobody online: busy, as today, within the ng deadline
    expect(down.logs.some((l) => l.msg === 'sip: rtpengine did not take the call, it goes on without announcements')).toBe(true);
    await waitFor(() => down.sip.health().code === 'sipRtpengineDown');
    expect(down.sip.health()).toMatchObject({ state: 'degraded', reason: expect.stringContaining('rtpengine') as string });
    // Known down now: the next call does not wait for it.
    const next = down.fake.call({ from: '<sip:87015550007@pbx.court.local>' });
    expect((await next.waitFinal()).status).toBe(486);
    expect(down.logs.some((l) => l.msg === 'sip: rtpengine is down, the call goes on without announcements')).toBe(true);
  });
});
