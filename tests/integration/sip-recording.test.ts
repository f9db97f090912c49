// Call recording (SIP_RECORDING, docs/media.md "Recording") at the wire: the drachtio double, a real rtpengine
// recording to pcap (userspace), a caller and an operator's phone as real RTP endpoints talking (tones). The caller
// hears the recording notice before being connected; when the call ends the ticket has one WAV of the connected
// length, not silent, which the court's operator downloads (audited) and an operator of another court cannot;
// rtpengine's session is gone and its files are removed. Off: no notice, nothing recorded. A recording VIC cannot
// read leaves a line on the ticket. The recording retention removes an old recording and keeps a new one.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIPS, LANGS } from '../../channels/sip/media/messages.ts';
import type { MediaSetup } from '../../channels/sip/media/config.ts';
import { DEFAULT_CALLER_QUEUE } from '../../routing/caller-queue.ts';
import { DAY } from '../../routing/calendar/days.ts';
import { CallRecordings } from '../../src/recordings.ts';
import { addUser, serve } from '../helpers.ts';
import { type FakeDrachtio, type InboundCall } from '../support/fake-drachtio.ts';
import { alawToLinear, PT_PCMU, RtpEndpoint, ulawToLinear } from '../support/rtp-endpoint.ts';
import { rtpengineMissing } from '../support/rtpengine.ts';
import { citizenCall, mediaSuite } from '../support/media-suite.ts';
import { sipBridge, waitFor, type Bridge } from '../support/sip-bridge.ts';
import { wavFile } from '../support/wav.ts';

if (rtpengineMissing) console.warn(`sip-recording tests skipped: ${rtpengineMissing}`);

const GREETING_MS = 800;
const NOTICE_MS = 600;
const CLIP_MS = 300;
const GAP_MS = 150;
const NOTICE_HZ = 1000; // the notice is told apart from the other clips (440 Hz) by its pitch
const sine = (hz: number) => (i: number) => Math.round(12000 * Math.sin((2 * Math.PI * hz * i) / 8000));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long the caller heard a tone of about `hz` since `since` (loud 20 ms packets whose zero crossings match). */
function heardHz(ep: RtpEndpoint, hz: number, since: number): number {
  let ms = 0;
  for (const p of ep.received) {
    if (p.at < since || (p.pt !== 0 && p.pt !== 8)) continue;
    const pcm = Int16Array.from(p.payload, p.pt === PT_PCMU ? ulawToLinear : alawToLinear);
    let sum = 0;
    let crossings = 0;
    for (let i = 0; i < pcm.length; i++) {
      sum += pcm[i] * pcm[i];
      if (i && pcm[i - 1] < 0 !== pcm[i] < 0) crossings++;
    }
    if (Math.sqrt(sum / pcm.length) < 1000) continue;
    const f = (crossings / 2) * (8000 / pcm.length);
    if (Math.abs(f - hz) < hz * 0.15) ms += pcm.length / 8;
  }
  return ms;
}

/** A WAV's format and samples (the recording as a player reads it). */
function readWav(b: Buffer) {
  expect(b.toString('ascii', 0, 4)).toBe('RIFF');
  expect(b.toString('ascii', 8, 16)).toBe('WAVEfmt ');
  const samples = new Int16Array(b.buffer.slice(b.byteOffset + 44, b.byteOffset + 44 + b.readUInt32LE(40)));
  let sum = 0;
  for (const s of samples) sum += s * s;
  return {
    rate: b.readUInt32LE(24),
    channels: b.readUInt16LE(22),
    bits: b.readUInt16LE(34),
    durationMs: (samples.length / 8000) * 1000,
    rms: Math.sqrt(sum / Math.max(1, samples.length)),
  };
}

describe.skipIf(rtpengineMissing)('call recording with rtpengine (pcap)', () => {
  const s = mediaSuite('sip-recording', {
    recording: true,
    writeAudio(dir) {
      for (const lang of LANGS) {
        fs.mkdirSync(path.join(dir, lang));
        for (const clip of CLIPS) {
          const ms = clip === 'greeting' ? GREETING_MS : clip === 'recording-notice' ? NOTICE_MS : CLIP_MS;
          fs.writeFileSync(
            path.join(dir, lang, `${clip}.wav`),
            wavFile({ ms, ...(clip === 'recording-notice' ? { sample: sine(NOTICE_HZ) } : { amplitude: 12000 }) }),
          );
        }
      }
      fs.writeFileSync(path.join(dir, 'music.wav'), wavFile({ ms: 1000, sample: (i) => (i % 800 === 0 ? 2000 : 0) }));
    },
  });
  const { endpoint, noSessions, spoolDir: spool } = s;

  function media(recording: 'on' | 'off' | 'unreadable'): MediaSetup {
    return {
      rtpengine: { host: s.rtpe.host, port: s.rtpe.ngPort, timeoutMs: 1000 },
      dtmfListen: { host: '127.0.0.1', port: 0 },
      announcementsDir: s.audioDir,
      queue: { ...DEFAULT_CALLER_QUEUE, announceEveryMs: 10_000, recordingNotice: recording === 'on' },
      ...(recording === 'on' ? { recording: { dir: spool } } : {}),
      // VIC looks where rtpengine does not write: the recording cannot be read.
      ...(recording === 'unreadable' ? { recording: { dir: path.join(s.dir, 'elsewhere') } } : {}),
    };
  }

  const call = (fake: FakeDrachtio, n: number, sdp: string): InboundCall =>
    citizenCall(fake, { callId: `rec-${n}-${Date.now()}@pbx.court.local`, from: `8701555100${n}`, tag: `caller${n}`, sdp });

  /**
   * A citizen calls; VIC answers; the operator's phone (a real endpoint) rings and answers after `answerAfterMs`
   * (the greeting heard); both talk for `talkMs`; the citizen hangs up. Returns what the caller heard and when.
   */
  async function conversation(b: Bridge, n: number, answerAfterMs: number, talkMs: number) {
    const c = await endpoint();
    const op = await endpoint();
    const inbound = call(b.fake, n, c.sdp());
    const ok = await inbound.waitFinal();
    expect(ok.status).toBe(200);
    c.setRemote(ok.body);
    await inbound.ack();
    const t0 = performance.now();
    c.startTone(400); // the citizen speaks all along
    const ring = await b.fake.nextInvite(answerAfterMs + 3000);
    const rungAfterMs = performance.now() - t0;
    ring.respond(180);
    await sleep(answerAfterMs - (performance.now() - t0));
    ring.respond(200, op.sdp());
    op.setRemote(ring.msg.body);
    op.startTone(700);
    await waitFor(() => b.vic.store.getCall(inbound.callId)?.outcome === 'answered');
    const connectedAt = performance.now();
    await sleep(talkMs);
    const hungUpAt = performance.now();
    await inbound.dialog!.bye();
    await ring.dialog!.waitFor('BYE');
    return { c, inbound, t0, rungAfterMs, connectedMs: hungUpAt - connectedAt };
  }

  it('on: the notice, then the conversation recorded; one WAV of the connected length on the ticket, its access rules and audit', async () => {
    const b = s.use(await sipBridge({ operators: ['op-a'], cfg: { media: media('on') } }));
    const greeting = 2 * GREETING_MS + 2 * NOTICE_MS + 3 * GAP_MS;
    const { c, inbound, t0, rungAfterMs, connectedMs } = await conversation(b, 1, greeting + 300, 3000);
    // Nobody is rung (so nobody can answer and be recorded talking) before the caller has heard the notice.
    expect(rungAfterMs).toBeGreaterThan(greeting * 0.9);
    const notice = heardHz(c, NOTICE_HZ, t0);
    console.info(`caller heard the notice ${notice} ms; connected ${Math.round(connectedMs)} ms`);
    expect(notice).toBeGreaterThan(2 * NOTICE_MS * 0.8); // in both languages (the contact's is unknown)
    expect(notice).toBeLessThan(2 * NOTICE_MS * 1.2 + 100);

    const ticketId = b.vic.store.getCall(inbound.callId)!.ticketId;
    await waitFor(() => b.vic.store.listAttachments(ticketId).length > 0, 5000);
    await noSessions(); // rtpengine's session is deleted as always
    const [a, ...more] = b.vic.store.listAttachments(ticketId);
    expect(more).toEqual([]);
    expect(a).toMatchObject({ contentType: 'audio/wav', messageId: b.vic.store.getCall(inbound.callId)!.messageId, droppedReason: null });
    expect(a.filename).toMatch(/^call-.*\.wav$/);
    // rtpengine's pcap and metadata are gone: the ticket's copy is the only one.
    expect(fs.readdirSync(path.join(spool, 'pcaps'))).toEqual([]);
    expect(fs.readdirSync(path.join(spool, 'metadata'))).toEqual([]);
    expect(b.logs.some((l) => l.msg === 'sip: call recorded')).toBe(true);

    // The court's operator downloads it (audited); an operator of another court may not.
    const api = await serve(b.vic);
    const me = await api.login('op-a', 'password-123');
    const res = await fetch(`${api.base}/api/attachments/${a.id}`, { headers: { cookie: me.cookie } });
    expect(res.status).toBe(200);
    const wav = readWav(Buffer.from(await res.arrayBuffer()));
    console.info(`recording: ${JSON.stringify(wav)}`);
    expect(wav).toMatchObject({ rate: 8000, channels: 1, bits: 16 });
    expect(Math.abs(wav.durationMs - connectedMs)).toBeLessThan(500);
    expect(wav.rms).toBeGreaterThan(1000); // both tones, not silence
    const reads = b.vic.store.auditOf('ticket', ticketId).filter((e) => e.action === 'attachment.read');
    expect(reads.map((e) => [e.userId, e.details])).toEqual([[b.ops[0].id, JSON.stringify({ attachmentId: a.id })]]);
    await addUser(b.vic, 'op-far', 'operator', 'petropavl-city-2');
    const other = await api.login('op-far', 'password-123');
    expect((await other.api.get(`/api/attachments/${a.id}`)).status).toBe(403);
    expect(b.vic.store.auditOf('ticket', ticketId).filter((e) => e.action === 'attachment.read')).toHaveLength(1);

    // Retention by the recording's own age (SIP_RECORDING_RETENTION_DAYS, 90): 91 days on, a new recording is made
    // (another call), and the run removes the old one only — the tickets are still open (the ticket rule: no).
    b.clock.advance(91 * DAY);
    const now = b.clock.now();
    const fresh = b.vic.ingest({
      channel: 'sip',
      account: 'test',
      externalId: 'rec-fresh@pbx',
      text: '',
      receivedAt: now,
      sender: { kind: 'phone', address: '+77015550099' },
      call: { callId: 'rec-fresh@pbx', from: '+77015550099', to: '1401', outcome: 'answered', startedAt: now, operatorUserId: b.ops[0].id },
    });
    new CallRecordings({ store: b.vic.store, events: b.vic.events, clock: b.clock, log: b.vic.log }).recorded('rec-fresh@pbx', {
      ok: true,
      wav: wavFile({ ms: 500 }),
      durationMs: 500,
      startedAt: now,
    });
    const [kept] = b.vic.store.listAttachments(fresh.ticketId);
    const oldFile = b.vic.attachments.pathOf(a.sha256!)!;
    expect((await b.vic.retention.preview()).recordings).toBe(1);
    const counts = await b.vic.retention.run();
    expect(counts).toMatchObject({ recordings: 1, files: 1 });
    expect(b.vic.store.listAttachments(ticketId)[0]).toMatchObject({
      sha256: null,
      droppedReason: expect.stringContaining('retention') as string,
    });
    expect(fs.existsSync(oldFile)).toBe(false);
    expect(b.vic.store.listAttachments(fresh.ticketId)).toEqual([kept]);
    expect(fs.existsSync(b.vic.attachments.pathOf(kept.sha256!)!)).toBe(true);
  });

  it('off (SIP_RECORDING unset): no notice, nothing recorded', async () => {
    const b = s.use(await sipBridge({ operators: ['op-a'], cfg: { media: media('off') } }));
    const { c, inbound, t0, rungAfterMs } = await conversation(b, 2, 2 * GREETING_MS + GAP_MS + 300, 1000);
    expect(rungAfterMs).toBeLessThan(GREETING_MS); // unrecorded calls ring at once, during the greeting
    expect(heardHz(c, NOTICE_HZ, t0)).toBe(0);
    await noSessions();
    await sleep(300);
    expect(b.vic.store.listAttachments(b.vic.store.getCall(inbound.callId)!.ticketId)).toEqual([]);
    expect(fs.readdirSync(path.join(spool, 'pcaps'))).toEqual([]);
    expect(s.rtpe.log).not.toContain(`[${inbound.callId}]: [core] Turning on call recording`);
  });

  it('a recording VIC cannot read: logged, a line on the ticket, the call ends as usual', async () => {
    const b = s.use(await sipBridge({ operators: ['op-a'], cfg: { media: media('unreadable') } }));
    const { inbound } = await conversation(b, 3, 2 * GREETING_MS + GAP_MS + 300, 800);
    const ticketId = b.vic.store.getCall(inbound.callId)!.ticketId;
    await waitFor(() => b.vic.store.listMessages(ticketId).some((m) => m.auto === 'recording'), 5000);
    const line = b.vic.store.listMessages(ticketId).find((m) => m.auto === 'recording')!;
    expect(line).toMatchObject({
      direction: 'note',
      text: expect.stringMatching(/Запись разговора не сохранена|Әңгіме жазбасы сақталмады/) as string,
    });
    expect(b.vic.store.listAttachments(ticketId)).toEqual([]);
    expect(b.logs.some((l) => l.msg === 'sip: call recording failed' && String(l.reason).includes('no recording file'))).toBe(true);
    expect(b.vic.store.getCall(inbound.callId)!.endedAt).not.toBeNull();
    await noSessions();
    // rtpengine did write it, where VIC was not told to look: cleaned up here.
    for (const sub of ['pcaps', 'metadata']) for (const f of fs.readdirSync(path.join(spool, sub))) fs.rmSync(path.join(spool, sub, f));
  });
});
