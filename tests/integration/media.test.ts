// The caller's media through a real rtpengine (Debian's rtpengine-daemon, started by the test on loopback ports,
// userspace only): a call set up with offer/answer between two real RTP endpoints, the caller ("citizen") and the
// bridge side; an announcement played to the caller and checked by decoding the G.711 that arrives; DTMF pressed
// by the caller reported by rtpengine; the session gone from rtpengine's own list after delete; rtpengine down.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Announcements } from '../../channels/sip/media/announcements.ts';
import { CallerMedia } from '../../channels/sip/media/caller-media.ts';
import { openingClips } from '../../channels/sip/media/messages.ts';
import { DtmfReceiver, holdingAnswerSdp, RtpengineClient, RtpengineError, type DtmfEvent } from '../../channels/sip/media/rtpengine.ts';
import { CallerQueue, DEFAULT_CALLER_QUEUE } from '../../routing/caller-queue.ts';
import { alawToLinear, RtpEndpoint, ulawToLinear } from '../support/rtp-endpoint.ts';
import { freeUdpPort, Rtpengine, rtpengineMissing } from '../support/rtpengine.ts';

if (rtpengineMissing) console.warn(`media tests skipped: ${rtpengineMissing}`);

describe('G.711 decoding (the test endpoint)', () => {
  it('decodes µ-law and A-law silence to zero-ish and full scale to full scale', () => {
    expect(ulawToLinear(0xff)).toBe(0);
    expect(ulawToLinear(0x00)).toBe(-32124);
    expect(ulawToLinear(0x80)).toBe(32124);
    expect(Math.abs(alawToLinear(0xd5))).toBe(8);
    expect(alawToLinear(0xaa)).toBe(32256);
    expect(alawToLinear(0x2a)).toBe(-32256);
  });
});

describe.skipIf(rtpengineMissing)('caller media through a real rtpengine', () => {
  let rtpe: Rtpengine;
  let client: RtpengineClient;
  const dtmf = new DtmfReceiver();
  // Composed sentences go to a folder of this test's own (rtpengine reads them there), removed afterwards.
  const composed = fs.mkdtempSync(path.join(os.tmpdir(), 'vic-media-composed-'));
  const announcements = new Announcements(undefined, composed);
  const started = performance.now();

  beforeAll(async () => {
    const at = await dtmf.listen('127.0.0.1', 0, '127.0.0.1');
    rtpe = await Rtpengine.start({ dtmfLogDest: `127.0.0.1:${at.port}` });
    client = new RtpengineClient({ host: rtpe.host, port: rtpe.ngPort, timeoutMs: 1000 });
  });

  afterAll(async () => {
    client?.close();
    dtmf.close();
    fs.rmSync(composed, { recursive: true, force: true });
    const pid = rtpe?.pid;
    await rtpe?.stop();
    // No rtpengine left behind: its process is gone (signal 0 only asks whether it exists).
    if (pid) expect(() => process.kill(pid, 0)).toThrow();
    console.info(`media.test: ${Math.round(performance.now() - started)} ms with rtpengine`);
  });

  /** A call as the bridge would set it up: the caller's offer through rtpengine to the bridge side, and back. */
  async function call(callId: string) {
    const caller = await RtpEndpoint.open();
    const bridge = await RtpEndpoint.open();
    bridge.setRemote(await client.offer({ callId, fromTag: 'caller-tag', sdp: caller.sdp() }));
    caller.setRemote(await client.answer({ callId, fromTag: 'caller-tag', toTag: 'bridge-tag', sdp: bridge.sdp() }));
    return { caller, bridge };
  }

  it('answers a ping, and offer/answer give each side rtpengine’s own address', async () => {
    expect(await client.health()).toMatchObject({ up: true });
    const callId = 'media-sdp';
    const caller = await RtpEndpoint.open();
    const toBridge = await client.offer({ callId, fromTag: 'caller-tag', sdp: caller.sdp() });
    expect(toBridge).toMatch(/^m=audio \d+ RTP\/AVP 0 8 101/m);
    expect(toBridge).toContain('telephone-event/8000');
    expect(Number(/^m=audio (\d+)/m.exec(toBridge)![1])).toBeGreaterThanOrEqual(rtpe.portMin);
    await client.delete(callId);
    caller.close();
  });

  it('plays the greeting to the caller only, as audible G.711 of the file’s length', async () => {
    const callId = 'media-greeting';
    const { caller, bridge } = await call(callId);
    caller.startSilence(); // a phone keeps sending; rtpengine learns where the caller is
    bridge.startSilence();
    try {
      const greeting = announcements.compose([{ lang: 'ru', clip: 'greeting' }]);
      const since = performance.now();
      const played = await client.playMedia(callId, 'caller-tag', greeting.file);
      expect(played.durationMs).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, greeting.durationMs));
      // The last packets, then a quiet spell (the bridge's silence still flows: so wait on audibility, not packets).
      await new Promise((r) => setTimeout(r, 600));
      const heard = caller.audio(since);
      console.info(`greeting ${greeting.durationMs} ms; caller heard ${heard.spanMs} ms span, ${heard.audibleMs} ms audible`);
      expect(heard.spanMs).toBeGreaterThan(greeting.durationMs * 0.8);
      expect(heard.spanMs).toBeLessThan(greeting.durationMs * 1.2);
      expect(heard.audibleMs).toBeGreaterThan(greeting.durationMs * 0.4);
      // The bridge side (the operator's leg) hears none of it.
      expect(bridge.audio(since).audibleMs).toBe(0);
    } finally {
      caller.close();
      bridge.close();
      await client.delete(callId);
    }
  });

  it('stops a playing announcement on stop media', async () => {
    const callId = 'media-stop';
    const { caller, bridge } = await call(callId);
    caller.startSilence();
    try {
      await client.playMedia(callId, 'caller-tag', announcements.musicFile(), 10);
      await new Promise((r) => setTimeout(r, 500));
      expect(caller.audio().audibleMs).toBeGreaterThan(0);
      await client.stopMedia(callId, 'caller-tag');
      await new Promise((r) => setTimeout(r, 200)); // packets already on their way
      const after = performance.now();
      await new Promise((r) => setTimeout(r, 500));
      expect(caller.audio(after).audibleMs).toBe(0);
    } finally {
      caller.close();
      bridge.close();
      await client.delete(callId);
    }
  });

  it('reports DTMF 1 pressed by the caller (RFC 4733) with the call and the caller’s tag', async () => {
    const callId = 'media-dtmf';
    const { caller, bridge } = await call(callId);
    caller.startSilence();
    try {
      await new Promise((r) => setTimeout(r, 100));
      const pressed = new Promise<DtmfEvent>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no DTMF reported; rtpengine log:\n${rtpe.log}`)), 3000);
        dtmf.on('dtmf', (e) => {
          if (e.callId !== callId) return;
          clearTimeout(timer);
          resolve(e);
        });
      });
      await caller.sendDtmf('1', 160);
      expect(await pressed).toMatchObject({ callId, tag: 'caller-tag', digit: '1' });
    } finally {
      caller.close();
      bridge.close();
      await client.delete(callId);
    }
  });

  it('off hours, run by CallerMedia: greeting, closed until tomorrow 09:00, 1 pressed → call-back confirmed, hang-up', async () => {
    const callId = 'media-off-hours';
    // Nobody on the other side: VIC answers for it with the holding SDP (discard port), as the bridge will off hours.
    const caller = await RtpEndpoint.open();
    const toNobody = await client.offer({ callId, fromTag: 'caller-tag', sdp: caller.sdp() });
    const toCaller = await client.answer({ callId, fromTag: 'caller-tag', toTag: 'vic-tag', sdp: holdingAnswerSdp(toNobody) });
    expect(toCaller).toMatch(/^a=sendrecv/m);
    caller.setRemote(toCaller);
    caller.startSilence();
    const done: string[] = [];
    let task: { waitedMs: number; lang: string; reason: string } | null = null;
    const hungUp = new Promise<void>((resolve) => {
      const media = new CallerMedia({
        rtpengine: client,
        announcements,
        dtmf,
        queue: new CallerQueue(DEFAULT_CALLER_QUEUE),
        callId,
        callerTag: 'caller-tag',
        hooks: {
          enqueue: () => done.push('enqueue'),
          leaveQueue: () => done.push('leave-queue'),
          callback: (t) => (task = t),
          setLanguage: () => done.push('set-language'),
          hangup: () => resolve(),
          record: (r) => done.push(`record ${r.outcome}`),
          mediaError: (err) => done.push(`error ${err.message}`),
        },
      });
      media.start({ working: false, lang: 'ru', position: 0, opening: openingClips('2026-12-03', { date: '2026-12-04', time: '09:00' }) });
    });
    try {
      const t0 = performance.now();
      const greetingMs = announcements.compose([{ lang: 'ru', clip: 'greeting' }]).durationMs;
      // Into the off-hours sentence (composed from six clips), then the caller presses 1.
      await new Promise((r) => setTimeout(r, greetingMs + 1500));
      const closedFrom = performance.now();
      expect(caller.audio(t0, -45).audibleMs).toBeGreaterThan(greetingMs * 0.4);
      await caller.sendDtmf('1');
      const pressed = performance.now();
      expect(caller.audio(closedFrom).audibleMs).toBeGreaterThan(0); // the off-hours sentence was playing
      await hungUp;
      const confirmedMs = announcements.compose([{ lang: 'ru', clip: 'callback-confirmed' }]).durationMs;
      const heard = caller.audio(pressed + 200); // after what was in flight of the off-hours sentence
      console.info(`off hours: call-back confirmation ${confirmedMs} ms; caller heard ${heard.spanMs} ms span`);
      expect(heard.spanMs).toBeGreaterThan(confirmedMs * 0.8);
      expect(heard.spanMs).toBeLessThan(confirmedMs * 1.2);
      expect(task).toMatchObject({ lang: 'ru', reason: 'off-hours' });
      expect(task!.waitedMs).toBeGreaterThan(greetingMs);
      expect(task!.waitedMs).toBeLessThan(pressed - t0 + 1000);
      expect(done).toEqual(['record callback']); // no queue off hours, no errors
    } finally {
      caller.close();
      await client.delete(callId);
    }
  });

  it('deletes the session: rtpengine’s own list and query no longer have it', async () => {
    const callId = 'media-delete';
    const { caller, bridge } = await call(callId);
    expect(await client.list()).toContain(callId);
    expect((await client.query(callId))?.tags.sort()).toEqual(['bridge-tag', 'caller-tag']);
    await client.delete(callId);
    expect(await client.list()).not.toContain(callId);
    expect(await client.query(callId)).toBeNull();
    await client.delete(callId); // a second delete (BYE after a timeout there) is harmless
    caller.close();
    bridge.close();
  });

  it('refuses a malformed SDP with a typed error (SIP 488) and the reason', async () => {
    const err = await client.offer({ callId: 'media-bad-sdp', fromTag: 'x', sdp: 'this is not SDP' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RtpengineError);
    expect(err).toMatchObject({ kind: 'refused', sipStatus: 488, command: 'offer' });
    console.info(`malformed SDP: ${(err as RtpengineError).reason}`);
  });

  it('rtpengine down: a typed error (SIP 503) within the timeout, never a hang', async () => {
    const down = new RtpengineClient({ host: '127.0.0.1', port: await freeUdpPort(), timeoutMs: 300 });
    const t0 = performance.now();
    const err = await down.offer({ callId: 'media-down', fromTag: 'x', sdp: 'v=0' }).catch((e: unknown) => e);
    const ms = performance.now() - t0;
    expect(err).toBeInstanceOf(RtpengineError);
    expect(err).toMatchObject({ kind: 'unavailable', sipStatus: 503, command: 'offer' });
    expect(ms).toBeLessThan(3000);
    expect(await down.health()).toMatchObject({ up: false });
    down.close();
  });
});
