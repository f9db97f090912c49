// The set-up the SIP tests with a real rtpengine share (sip-media, sip-media-2, sip-recording): one rtpengine per
// file (reporting DTMF to a free port, recording to a spool folder when asked), the announcements the file writes
// into a temporary folder, the bridge and the RTP endpoints closed after each test, a citizen's INVITE as the PBX
// sends it, and rtpengine's own session list checked empty.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { RtpengineClient } from '../../channels/sip/media/rtpengine.ts';
import { HOSTPORT, Sip, type FakeDrachtio, type InboundCall } from './fake-drachtio.ts';
import { RtpEndpoint } from './rtp-endpoint.ts';
import { freeUdpPort, Rtpengine } from './rtpengine.ts';
import type { Bridge } from './sip-bridge.ts';

export interface MediaSuite {
  readonly rtpe: Rtpengine;
  readonly client: RtpengineClient;
  /** Where rtpengine reports keys (what VIC's SIP_RTPENGINE_DTMF_LISTEN must be). */
  readonly dtmfPort: number;
  /** The announcements (`<lang>/<clip>.wav`, `music.wav`), as the file wrote them. */
  readonly audioDir: string;
  /** rtpengine's recording-dir (with `recording: true`). */
  readonly spoolDir: string;
  /** A temporary folder of the file's own. */
  readonly dir: string;
  /** The bridge of this test: closed after it. */
  use: (b: Bridge) => Bridge;
  endpoint: () => Promise<RtpEndpoint>;
  /** Waits until rtpengine holds no call (its own list), at most 3 s. */
  noSessions: () => Promise<void>;
}

export function mediaSuite(name: string, o: { writeAudio: (dir: string) => void; recording?: boolean }): MediaSuite {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vic-${name}-`));
  const audioDir = path.join(dir, 'audio');
  const spoolDir = path.join(dir, 'spool');
  const endpoints: RtpEndpoint[] = [];
  let bridge: Bridge | null = null;
  let rtpe: Rtpengine | undefined;
  let client: RtpengineClient | undefined;
  let dtmfPort = 0;
  const started = performance.now();

  beforeAll(async () => {
    fs.mkdirSync(audioDir);
    o.writeAudio(audioDir);
    if (o.recording) fs.mkdirSync(spoolDir);
    dtmfPort = await freeUdpPort();
    rtpe = await Rtpengine.start({ dtmfLogDest: `127.0.0.1:${dtmfPort}`, ...(o.recording ? { recordingDir: spoolDir } : {}) });
    client = new RtpengineClient({ host: rtpe.host, port: rtpe.ngPort, timeoutMs: 1000 });
  });

  afterEach(async () => {
    await bridge?.close();
    bridge = null;
    for (const e of endpoints.splice(0)) e.close();
  });

  afterAll(async () => {
    client?.close();
    await rtpe?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    console.info(`${name}.test: ${Math.round(performance.now() - started)} ms`);
  });

  return {
    get rtpe() {
      return rtpe!;
    },
    get client() {
      return client!;
    },
    get dtmfPort() {
      return dtmfPort;
    },
    audioDir,
    spoolDir,
    dir,
    use: (b: Bridge) => (bridge = b),
    endpoint: async () => {
      const e = await RtpEndpoint.open();
      endpoints.push(e);
      return e;
    },
    noSessions: async () => {
      const end = Date.now() + 3000;
      for (;;) {
        const left = await client!.list();
        if (left.length === 0) return;
        if (Date.now() > end) throw new Error(`rtpengine still holds ${left.join(', ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** A citizen's INVITE from the court's PBX to the centre's number 1401, with the SDP given. */
export function citizenCall(
  fake: FakeDrachtio,
  o: { callId: string; from: string; tag: string; assertedIdentity?: string; sdp: string },
): InboundCall {
  const h: [string, string][] = [
    ['Via', `SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK${o.tag}${Date.now()};rport`],
    ['Max-Forwards', '69'],
    ['From', `<sip:${o.from}@pbx.court.local>;tag=${o.tag}`],
    ['To', `<sip:1401@${HOSTPORT}>`],
    ['Call-ID', o.callId],
    ['CSeq', '1 INVITE'],
    ['Contact', '<sip:trunk@10.0.0.9:5060>'],
    ...(o.assertedIdentity ? ([['P-Asserted-Identity', `<sip:${o.assertedIdentity}@pbx.court.local>`]] as [string, string][]) : []),
    ['Content-Type', 'application/sdp'],
  ];
  return fake.deliver(new Sip(`INVITE sip:1401@${HOSTPORT} SIP/2.0`, h, o.sdp));
}
