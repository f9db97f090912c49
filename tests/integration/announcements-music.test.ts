// The hold music, replaced by an admin (issue #18): listed as its own row without a language, uploaded through the
// real HTTP server with the music's own limits (longer than an announcement may be, up to 10 minutes / 10 MB), reset
// to the shipped music, audited; and a call then plays it: the media bridge, built as the SIP channel builds it,
// accepts the long upload at start and hands it to a real rtpengine, which plays it to the caller.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Announcements } from '../../channels/sip/media/announcements.ts';
import { MediaBridge } from '../../channels/sip/media/bridge.ts';
import { DEFAULT_CALLER_QUEUE } from '../../routing/caller-queue.ts';
import { MAX_MUSIC_UPLOAD_BYTES, uploadedAnnouncement, type AnnouncementEntry as Entry } from '../../src/announcement-uploads.ts';
import { makeVic, serve } from '../helpers.ts';
import { RtpEndpoint } from '../support/rtp-endpoint.ts';
import { Rtpengine, rtpengineMissing } from '../support/rtpengine.ts';
import { wavFile } from '../support/wav.ts';

if (rtpengineMissing) console.warn(`hold music through rtpengine skipped: ${rtpengineMissing}`);

const shipped = new Announcements();

async function setup() {
  const { vic } = await makeVic();
  const server = await serve(vic);
  const admin = await server.login('admin', 'admin-secret-1');
  const send = async (method: string, url: string, body?: Buffer) => {
    const res = await fetch(`${server.base}${url}`, {
      method,
      headers: { cookie: admin.cookie, ...(method !== 'GET' ? { 'content-type': body ? 'audio/wav' : 'application/json' } : {}) },
      body: body && new Uint8Array(body),
    });
    const buf = Buffer.from(await res.arrayBuffer());
    const json = (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(buf.toString()) as Record<string, unknown>) : null;
    return { status: res.status, buf, json, code: (json?.error as { code?: string } | undefined)?.code };
  };
  const music = async () => ((await send('GET', '/api/announcements')).json!.items as Entry[]).filter((e) => e.lang === null);
  const audit = (action: string) =>
    (vic.store.db.prepare(`SELECT details FROM audit_log WHERE action = ? ORDER BY id`).all(action) as { details: string }[]).map(
      (r) => JSON.parse(r.details) as unknown,
    );
  return { vic, send, music, audit, dataDir: vic.config.DATA_DIR };
}

/** The media bridge as the SIP channel builds it (channels/sip/config.ts gives it DATA_DIR). */
function bridgeFor(dataDir: string, rtpe: Rtpengine) {
  return new MediaBridge(
    {
      rtpengine: { host: rtpe.host, port: rtpe.ngPort, timeoutMs: 1000 },
      dtmfListen: { host: '127.0.0.1', port: 0 },
      dataDir,
      queue: DEFAULT_CALLER_QUEUE,
    },
    { log: () => null, healthChanged: () => undefined },
  );
}

describe('hold music upload', () => {
  it('lists the music as one language-less row, takes a 90 s upload with the music’s limits, and resets it', async () => {
    const { vic, send, music, audit, dataDir } = await setup();
    expect(await music()).toEqual([
      { lang: null, message: 'music', source: 'default', durationMs: 16_000, problem: null, uploadedAt: null, uploadedBy: null },
    ]);
    expect((await send('GET', '/api/announcements')).json!.musicMaxBytes).toBe(MAX_MUSIC_UPLOAD_BYTES);

    // Longer and bigger than any announcement may be (60 s, 1 MB): fine for music.
    const tune = wavFile({ ms: 90_000, sample: (i) => Math.round(6000 * Math.sin((2 * Math.PI * 330 * i) / 8000)) });
    expect(tune.length).toBeGreaterThan(1024 * 1024);
    const up = await send('PUT', '/api/announcements/music', tune);
    expect(up.status).toBe(200);
    expect(up.json!.item).toMatchObject({
      lang: null,
      message: 'music',
      source: 'upload',
      durationMs: 90_000,
      uploadedAt: vic.clock.now(),
    });
    expect((await music())[0]).toMatchObject({ source: 'upload', durationMs: 90_000, uploadedBy: { name: 'Administrator' } });
    const stored = uploadedAnnouncement(dataDir, null, 'music');
    expect(stored).toBe(path.resolve(dataDir, 'announcements', 'music.wav'));
    expect(fs.readFileSync(stored!).equals(tune)).toBe(true);
    // The console's player gets the upload.
    expect((await send('GET', '/api/announcements/music.wav')).buf.equals(tune)).toBe(true);
    // A 90 s clip is still refused for an announcement: the longer limit is the music's only.
    expect((await send('PUT', '/api/announcements/ru/goodbye', tune)).code).toBe('VIC_ANNOUNCEMENT_TOO_LARGE');

    // Refused, and the upload stays: past 10 minutes (under the size cap), past 10 MB, not 8 kHz, silent.
    const cases: [string, Buffer, number, string][] = [
      ['10.5 min', wavFile({ ms: 630_000 }), 400, 'VIC_ANNOUNCEMENT_MUSIC_TOO_LONG'],
      ['11 MB', Buffer.concat([wavFile(), Buffer.alloc(11_000_000)]), 413, 'VIC_ANNOUNCEMENT_MUSIC_TOO_LARGE'],
      ['44.1 kHz', wavFile({ rate: 44_100 }), 400, 'VIC_ANNOUNCEMENT_SAMPLE_RATE'],
      ['silent', wavFile({ amplitude: 0 }), 400, 'VIC_ANNOUNCEMENT_SILENT'],
    ];
    for (const [what, body, status, code] of cases) {
      const r = await send('PUT', '/api/announcements/music', body);
      expect({ what, status: r.status, code: r.code }).toEqual({ what, status, code });
    }
    expect(fs.readFileSync(uploadedAnnouncement(dataDir, null, 'music')!).equals(tune)).toBe(true);
    expect(audit('announcement.uploaded')).toEqual([{ lang: null, message: 'music', durationMs: 90_000, bytes: tune.length }]);

    const reset = await send('DELETE', '/api/announcements/music');
    expect(reset.json!.item).toMatchObject({ source: 'default', durationMs: 16_000, uploadedBy: null });
    expect(uploadedAnnouncement(dataDir, null, 'music')).toBeNull();
    expect((await send('GET', '/api/announcements/music.wav')).buf.equals(fs.readFileSync(shipped.musicFile()))).toBe(true);
    expect(audit('announcement.reset')).toEqual([{ lang: null, message: 'music' }]);
    // Nothing but the catalogue's names: no file was written elsewhere.
    expect(fs.readdirSync(path.join(dataDir, 'announcements'))).toEqual([]);
  });

  it.skipIf(rtpengineMissing)('plays the uploaded music to a caller through rtpengine, and the shipped one after a reset', async () => {
    const { send, dataDir } = await setup();
    const tune = wavFile({ ms: 75_000 });
    expect((await send('PUT', '/api/announcements/music', tune)).status).toBe(200);
    const rtpe = await Rtpengine.start();
    // Built after the upload: its start-up check accepts music longer than an announcement may be.
    const bridge = bridgeFor(dataDir, rtpe);
    const caller = await RtpEndpoint.open();
    const callId = 'music-upload';
    try {
      expect(bridge.announcements.musicFile()).toBe(uploadedAnnouncement(dataDir, null, 'music'));
      const leg = await bridge.answerCaller(callId, 'caller-tag', caller.sdp());
      caller.setRemote(leg.answerSdp);
      caller.startSilence();
      // What the caller's queue plays (caller-media.ts): rtpengine reads the admin's file, 75 s long, not the 16 s default.
      expect(await bridge.rtpengine.playMedia(callId, 'caller-tag', bridge.announcements.musicFile(), 1)).toEqual({ durationMs: 75_000 });
      await expect.poll(() => caller.audio().audibleMs, { timeout: 3000 }).toBeGreaterThan(200);

      expect((await send('DELETE', '/api/announcements/music')).status).toBe(200);
      expect(bridge.announcements.musicFile()).toBe(shipped.musicFile());
      expect(await bridge.rtpengine.playMedia(callId, 'caller-tag', bridge.announcements.musicFile(), 1)).toEqual({ durationMs: 16_000 });
    } finally {
      caller.close();
      await bridge.release(callId);
      bridge.stop();
      await rtpe.stop();
    }
  });
});
