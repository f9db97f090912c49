// The shipped announcements and the format check an admin's upload will get; composing sentences from clips.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AnnouncementError, Announcements, checkWav, shippedAnnouncementsDir } from '../../channels/sip/media/announcements.ts';
import { CLIPS, DAYS, LANGS, NUMBERS, TIMES, openingClips, positionClips } from '../../channels/sip/media/messages.ts';

/** A WAV file of `ms` of a 440 Hz tone (or silence) in the given format. */
function wav(ms: number, o: { rate?: number; channels?: number; bits?: number; format?: number; amplitude?: number } = {}): Buffer {
  const { rate = 8000, channels = 1, bits = 16, format = 1, amplitude = 8000 } = o;
  const frames = Math.round((rate * ms) / 1000);
  const bytes = frames * channels * (bits / 8);
  const b = Buffer.alloc(44 + bytes);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + bytes, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(format, 20);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * channels * (bits / 8), 28);
  b.writeUInt16LE(channels * (bits / 8), 32);
  b.writeUInt16LE(bits, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(bytes, 40);
  if (bits === 16) {
    for (let i = 0; i < frames * channels; i++)
      b.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + 2 * i);
  }
  return b;
}

const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vic-ann-'));
  tmp.push(d);
  return d;
}

describe('shipped announcements (audio/)', () => {
  const shipped = new Announcements();

  it('has every clip in Kazakh and Russian, and the music, as playable 8 kHz mono 16-bit PCM', () => {
    expect(shipped.dir).toBe(shippedAnnouncementsDir());
    expect(shipped.problems()).toEqual([]);
  });

  it('has sane lengths: sentences of a few seconds, single words short', () => {
    const ms = (lang: 'kk' | 'ru', clip: (typeof CLIPS)[number]) => {
      const r = checkWav(fs.readFileSync(shipped.file(lang, clip)));
      if (!r.ok) throw new Error(r.problem);
      return r.durationMs;
    };
    for (const lang of LANGS) {
      expect(ms(lang, 'greeting')).toBeGreaterThan(3000);
      expect(ms(lang, 'greeting')).toBeLessThan(15_000);
      for (const clip of ['please-wait', 'callback-offer', 'callback-confirmed', 'off-hours', 'off-hours-callback'] as const) {
        expect(ms(lang, clip)).toBeGreaterThan(1000);
        expect(ms(lang, clip)).toBeLessThan(15_000);
      }
      for (const clip of [...NUMBERS, ...DAYS, ...TIMES]) expect(ms(lang, clip)).toBeLessThan(3000);
    }
  });
});

describe('checkWav (the upload check)', () => {
  it('accepts 8 kHz mono 16-bit PCM and measures it', () => {
    expect(checkWav(wav(1500))).toMatchObject({ ok: true, durationMs: 1500 });
  });

  it.each([
    ['not a WAV', Buffer.from('ID3 an mp3 file, really'), 'not a WAV file'],
    ['16 kHz', wav(1000, { rate: 16000 }), '16000 Hz, must be 8000 Hz'],
    ['stereo', wav(1000, { channels: 2 }), '2 channels, must be mono'],
    ['8-bit', wav(1000, { bits: 8 }), '8-bit samples, must be 16-bit'],
    ['compressed (A-law WAV)', wav(1000, { format: 6, bits: 8 }), 'not plain PCM (compressed or extensible WAV)'],
    ['too short', wav(40), '40 ms long, shorter than 100 ms'],
    ['too long', wav(61_000), '61000 ms long, longer than 60000 ms'],
    ['silent', wav(1000, { amplitude: 0 }), 'silent (peak below -40 dBFS)'],
  ])('refuses %s with the reason', (_name, buf, problem) => {
    expect(checkWav(buf)).toEqual({ ok: false, problem });
  });
});

describe('Announcements in a configured directory (SIP_ANNOUNCEMENTS_DIR)', () => {
  it('names each missing or unplayable file', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'ru'));
    fs.writeFileSync(path.join(dir, 'ru', 'greeting.wav'), wav(1000, { rate: 44100 }));
    const problems = new Announcements(dir).problems();
    expect(problems).toContain('ru/greeting.wav: 44100 Hz, must be 8000 Hz');
    expect(problems).toContain('kk/greeting.wav: missing');
    expect(problems).toContain('music.wav: missing');
  });

  it('joins clips into one cached file of their length plus short pauses', () => {
    const dir = tempDir();
    for (const lang of LANGS) {
      fs.mkdirSync(path.join(dir, lang));
      fs.writeFileSync(path.join(dir, lang, 'position.wav'), wav(1000));
      fs.writeFileSync(path.join(dir, lang, 'number-3.wav'), wav(400));
    }
    const a = new Announcements(dir, path.join(dir, 'composed'));
    const single = a.compose([{ lang: 'kk', clip: 'position' }]);
    expect(single).toEqual({ file: a.file('kk', 'position'), durationMs: 1000 });
    const joined = a.compose([
      { lang: 'ru', clip: 'position' },
      { lang: 'ru', clip: 'number-3' },
    ]);
    expect(joined.file.startsWith(path.join(dir, 'composed'))).toBe(true);
    expect(checkWav(fs.readFileSync(joined.file))).toMatchObject({ ok: true, durationMs: 1550 });
    expect(joined.durationMs).toBe(1550);
    expect(
      a.compose([
        { lang: 'ru', clip: 'position' },
        { lang: 'ru', clip: 'number-3' },
      ]).file,
    ).toBe(joined.file);
    expect(() => a.compose([{ lang: 'ru', clip: 'greeting' }])).toThrow(AnnouncementError);
  });
});

describe('composed sentences', () => {
  it('says the queue position up to nine, "you are next" at one, nothing further back', () => {
    expect(positionClips(1)).toEqual(['you-are-next']);
    expect(positionClips(4)).toEqual(['position', 'number-4']);
    expect(positionClips(12)).toEqual([]);
  });

  it('says when the centre opens: today, tomorrow, a weekday, with the hour when it is on the hour', () => {
    // 2026-12-03 is a Thursday.
    expect(openingClips('2026-12-03', { date: '2026-12-03', time: '14:00' })).toEqual(['opens', 'day-today', 'time-14', 'opens-end']);
    expect(openingClips('2026-12-03', { date: '2026-12-04', time: '09:00' })).toEqual(['opens', 'day-tomorrow', 'time-09', 'opens-end']);
    expect(openingClips('2026-12-04', { date: '2026-12-07', time: '09:00' })).toEqual(['opens', 'day-monday', 'time-09', 'opens-end']);
    expect(openingClips('2026-12-03', { date: '2026-12-04', time: '09:30' })).toEqual(['opens', 'day-tomorrow', 'opens-end']);
    expect(openingClips('2026-12-31', { date: '2027-01-09', time: '09:00' })).toEqual([]);
  });
});
