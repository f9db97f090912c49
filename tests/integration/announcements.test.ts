// Admins replace what callers hear (issue #18), through the real HTTP server: an upload replaces one message in one
// language and the SIP side's lookup then finds it, the default comes back on reset; every file the phone side could
// not play is refused with its reason and changes nothing; names from the request never become paths; changes are
// audited; nobody but an admin gets in.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Announcements } from '../../channels/sip/media/announcements.ts';
import { CLIPS } from '../../channels/sip/media/messages.ts';
import { uploadedAnnouncement, type AnnouncementEntry as Entry } from '../../src/announcement-uploads.ts';
import { addUser, makeVic, serve } from '../helpers.ts';
import { wavFile } from '../support/wav.ts';

async function setup() {
  const { vic } = await makeVic();
  const server = await serve(vic);
  const admin = await server.login('admin', 'admin-secret-1');
  await addUser(vic, 'op', 'operator');
  const operator = await server.login('op', 'password-123');
  /** A raw request as the console's upload sends it. */
  const send = async (cookie: string, method: string, url: string, body?: Buffer, type = 'audio/wav') => {
    const res = await fetch(`${server.base}${url}`, {
      method,
      headers: { cookie, ...(method !== 'GET' ? { 'content-type': type } : {}) },
      // A copy as a plain Uint8Array: fetch's types take no Buffer.
      body: body && new Uint8Array(body),
    });
    const buf = Buffer.from(await res.arrayBuffer());
    const json = (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(buf.toString()) as Record<string, unknown>) : null;
    return { status: res.status, type: res.headers.get('content-type'), buf, json };
  };
  const put = (url: string, body: Buffer, type?: string) => send(admin.cookie, 'PUT', url, body, type);
  const list = async () => (await send(admin.cookie, 'GET', '/api/announcements')).json!.items as Entry[];
  const entry = async (lang: string, message: string) => (await list()).find((e) => e.lang === lang && e.message === message)!;
  const audit = (action: string) =>
    vic.store.db
      .prepare(`SELECT user_id AS userId, details, ip IS NOT NULL AS fromIp FROM audit_log WHERE action = ? ORDER BY id`)
      .all(action) as {
      userId: number;
      details: string;
      fromIp: number;
    }[];
  return { vic, admin, operator, send, put, list, entry, audit, dataDir: vic.config.DATA_DIR };
}

const shipped = new Announcements();
const errorCode = (r: { json: Record<string, unknown> | null }) => (r.json?.error as { code?: string } | undefined)?.code;

describe('announcement uploads', () => {
  it('lists every message in both languages, replaces one with an upload the lookup then prefers, and resets it', async () => {
    const { vic, put, send, admin, list, entry, audit, dataDir } = await setup();
    const all = await list();
    // Every message in both languages, and the hold music (no language; tests/integration/announcements-music.test.ts).
    expect(all).toHaveLength(2 * CLIPS.length + 1);
    expect(new Set(all.map((e) => e.lang))).toEqual(new Set(['kk', 'ru', null]));
    expect(all.every((e) => e.source === 'default' && e.durationMs! > 0 && e.problem === null)).toBe(true);
    expect(all.find((e) => e.lang === 'ru' && e.message === 'greeting')).toBeTruthy();
    expect(uploadedAnnouncement(dataDir, 'kk', 'greeting')).toBeNull();

    const tone = wavFile({ ms: 1500 });
    const r = await put('/api/announcements/kk/greeting', tone);
    expect(r.status).toBe(200);
    const adminRow = vic.store.getUserByLogin('admin')!;
    expect(r.json!.item).toMatchObject({
      lang: 'kk',
      message: 'greeting',
      source: 'upload',
      durationMs: 1500,
      uploadedAt: vic.clock.now(),
      uploadedBy: { id: adminRow.id, name: adminRow.name },
    });
    expect(await entry('kk', 'greeting')).toMatchObject({ source: 'upload', durationMs: 1500 });
    // The other language keeps its default.
    expect(await entry('ru', 'greeting')).toMatchObject({ source: 'default', uploadedBy: null });

    // The SIP side's lookup finds the admin's file, under DATA_DIR, with exactly the bytes sent.
    const found = uploadedAnnouncement(dataDir, 'kk', 'greeting');
    expect(found).toBe(path.resolve(dataDir, 'announcements', 'kk', 'greeting.wav'));
    expect(fs.readFileSync(found!).equals(tone)).toBe(true);
    expect(uploadedAnnouncement(dataDir, 'ru', 'greeting')).toBeNull();
    // The calls' own lookup, given this helper, plays it; the Russian greeting stays the shipped one.
    const calls = new Announcements(undefined, undefined, (lang, clip) => uploadedAnnouncement(dataDir, lang, clip));
    expect(calls.file('kk', 'greeting')).toBe(found);
    expect(calls.file('ru', 'greeting')).toBe(shipped.file('ru', 'greeting'));
    // No temporary file is left beside it.
    expect(fs.readdirSync(path.dirname(found!)).sort()).toEqual(['greeting.json', 'greeting.wav']);

    // The player gets the upload, then (after the reset) the shipped file.
    const played = await send(admin.cookie, 'GET', '/api/announcements/kk/greeting.wav');
    expect(played.status).toBe(200);
    expect(played.type).toBe('audio/wav');
    expect(played.buf.equals(tone)).toBe(true);

    expect(audit('announcement.uploaded')).toEqual([
      {
        userId: adminRow.id,
        details: JSON.stringify({ lang: 'kk', message: 'greeting', durationMs: 1500, bytes: tone.length }),
        fromIp: 1,
      },
    ]);

    const reset = await send(admin.cookie, 'DELETE', '/api/announcements/kk/greeting', undefined, 'application/json');
    expect(reset.status).toBe(200);
    expect(reset.json!.item).toMatchObject({ source: 'default', uploadedBy: null, uploadedAt: null });
    expect(uploadedAnnouncement(dataDir, 'kk', 'greeting')).toBeNull();
    expect(calls.file('kk', 'greeting')).toBe(shipped.file('kk', 'greeting'));
    const again = await send(admin.cookie, 'GET', '/api/announcements/kk/greeting.wav');
    expect(again.buf.equals(fs.readFileSync(shipped.file('kk', 'greeting')))).toBe(true);
    expect(audit('announcement.reset')).toEqual([
      { userId: adminRow.id, details: JSON.stringify({ lang: 'kk', message: 'greeting' }), fromIp: 1 },
    ]);
    // Resetting a default changes nothing and is not audited again.
    expect((await send(admin.cookie, 'DELETE', '/api/announcements/kk/greeting', undefined, 'application/json')).status).toBe(200);
    expect(audit('announcement.reset')).toHaveLength(1);
  });

  it('refuses every file the phone side could not play, with its reason, and keeps what played before', async () => {
    const { put, entry, audit, dataDir } = await setup();
    const good = wavFile({ ms: 800 });
    expect((await put('/api/announcements/ru/goodbye', good)).status).toBe(200);

    const cases: [string, Buffer, number, string][] = [
      ['44.1 kHz', wavFile({ rate: 44_100 }), 400, 'VIC_ANNOUNCEMENT_SAMPLE_RATE'],
      ['stereo', wavFile({ channels: 2 }), 400, 'VIC_ANNOUNCEMENT_NOT_MONO'],
      ['8-bit', wavFile({ bits: 8 }), 400, 'VIC_ANNOUNCEMENT_SAMPLE_BITS'],
      [
        'not RIFF (an MP3)',
        Buffer.concat([Buffer.from('ID3\x04\x00\x00', 'latin1'), wavFile().subarray(6)]),
        400,
        'VIC_ANNOUNCEMENT_NOT_WAV',
      ],
      ['empty', Buffer.alloc(0), 400, 'VIC_ANNOUNCEMENT_NOT_WAV'],
      ['61 s', wavFile({ ms: 61_000 }), 400, 'VIC_ANNOUNCEMENT_TOO_LONG'],
      ['50 ms', wavFile({ ms: 50 }), 400, 'VIC_ANNOUNCEMENT_TOO_SHORT'],
      ['silent', wavFile({ amplitude: 0 }), 400, 'VIC_ANNOUNCEMENT_SILENT'],
      ['1.5 MB', Buffer.concat([wavFile(), Buffer.alloc(1_500_000)]), 413, 'VIC_ANNOUNCEMENT_TOO_LARGE'],
    ];
    for (const [what, body, status, code] of cases) {
      const r = await put('/api/announcements/ru/goodbye', body);
      expect({ what, status: r.status, code: errorCode(r) }).toEqual({ what, status, code });
    }
    // The 61 s file is under the size limit: its length, not its size, refused it.
    expect(wavFile({ ms: 61_000 }).length).toBeLessThan(1024 * 1024);
    // A reason scripts can read too.
    expect(((await put('/api/announcements/ru/goodbye', wavFile({ rate: 16_000 }))).json!.error as { message: string }).message).toMatch(
      /16000 Hz, must be 8000 Hz/,
    );
    // Only as audio/wav.
    expect((await put('/api/announcements/ru/goodbye', good, 'application/octet-stream')).status).toBe(415);

    expect(fs.readFileSync(uploadedAnnouncement(dataDir, 'ru', 'goodbye')!).equals(good)).toBe(true);
    expect(await entry('ru', 'goodbye')).toMatchObject({ source: 'upload', durationMs: 800 });
    expect(audit('announcement.uploaded')).toHaveLength(1);
  });

  it('takes the message and language from the catalogue only: a path-like name is refused and writes nothing', async () => {
    const { put, send, admin, dataDir } = await setup();
    for (const url of [
      '/api/announcements/ru/..%2F..%2F..%2Fvic',
      '/api/announcements/ru/..%2Fkk%2Fgreeting',
      '/api/announcements/..%2Fru/greeting',
      '/api/announcements/en/greeting',
      '/api/announcements/ru/music',
      '/api/announcements/ru/greeting.wav',
    ]) {
      const r = await put(url, wavFile());
      expect({ url, status: r.status, code: errorCode(r) }).toEqual({ url, status: 404, code: 'VIC_ANNOUNCEMENT_NOT_FOUND' });
    }
    const read = await send(admin.cookie, 'GET', '/api/announcements/ru/..%2F..%2F..%2F..%2Fetc%2Fpasswd.wav');
    expect(read.status).toBe(404);
    const reset = await send(admin.cookie, 'DELETE', '/api/announcements/ru/..%2F..%2Fvic.sqlite', undefined, 'application/json');
    expect(reset.status).toBe(404);
    expect(fs.existsSync(path.join(dataDir, 'announcements'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'vic.wav'))).toBe(false);
  });

  it('is for admins only', async () => {
    const { operator, send, dataDir, audit } = await setup();
    expect((await send(operator.cookie, 'GET', '/api/announcements')).status).toBe(403);
    expect((await send(operator.cookie, 'GET', '/api/announcements/ru/greeting.wav')).status).toBe(403);
    expect((await send(operator.cookie, 'PUT', '/api/announcements/ru/greeting', wavFile())).status).toBe(403);
    expect((await send(operator.cookie, 'DELETE', '/api/announcements/ru/greeting', undefined, 'application/json')).status).toBe(403);
    expect((await send('', 'PUT', '/api/announcements/ru/greeting', wavFile())).status).toBe(401);
    expect(uploadedAnnouncement(dataDir, 'ru', 'greeting')).toBeNull();
    expect(audit('announcement.uploaded')).toEqual([]);
  });
});
