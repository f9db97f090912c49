// The announcement files: one WAV per clip and language under a directory (SIP_ANNOUNCEMENTS_DIR, default the
// shipped audio/), checked for the one format the phone side plays without surprises (8 kHz mono 16-bit PCM) and a
// sane length, the same check an admin's uploaded replacement will get. A sentence made of several clips is joined
// into one file (rtpengine plays one file per `play media`), cached by its clips so it is written once.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIPS, LANGS, MUSIC, type Clip, type ClipRef, type Lang } from './messages.ts';

export const SAMPLE_RATE = 8000;
const BYTES_PER_SECOND = SAMPLE_RATE * 2;
/** A clip shorter than this is broken (one spoken digit is ~150 ms). */
export const MIN_CLIP_MS = 100;
/** Longer than this is not an announcement (and would hold the caller too long). */
export const MAX_CLIP_MS = 60_000;
/** The hold music loops, so any length plays; 10 minutes is a whole piece, beyond that it is a mistake. */
export const MAX_MUSIC_MS = 10 * 60_000;

export interface WavInfo {
  durationMs: number;
  /** The samples' bytes inside the file (little-endian 16-bit). */
  dataOffset: number;
  dataBytes: number;
}

export type WavCheck = ({ ok: true } & WavInfo) | { ok: false; problem: string };

/** Reads a RIFF/WAVE header and says whether it is 8 kHz mono 16-bit PCM of a sane, audible length. */
export function checkWav(buf: Buffer, limits: { minMs?: number; maxMs?: number } = {}): WavCheck {
  const { minMs = MIN_CLIP_MS, maxMs = MAX_CLIP_MS } = limits;
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    return { ok: false, problem: 'not a WAV file' };
  }
  let fmt: { format: number; channels: number; rate: number; bits: number } | null = null;
  let data: { offset: number; bytes: number } | null = null;
  for (let at = 12; at + 8 <= buf.length;) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ' && size >= 16 && body + 16 <= buf.length) {
      fmt = {
        format: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        rate: buf.readUInt32LE(body + 4),
        bits: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      data = { offset: body, bytes: Math.min(size, buf.length - body) };
      break;
    }
    at = body + size + (size % 2); // chunks are padded to an even length
  }
  if (!fmt) return { ok: false, problem: 'no format chunk' };
  // 0xFFFE (WAVE_FORMAT_EXTENSIBLE) is refused too: its sub-format would need checking, and sox/espeak never write it.
  if (fmt.format !== 1) return { ok: false, problem: 'not plain PCM (compressed or extensible WAV)' };
  if (fmt.channels !== 1) return { ok: false, problem: `${fmt.channels} channels, must be mono` };
  if (fmt.rate !== SAMPLE_RATE) return { ok: false, problem: `${fmt.rate} Hz, must be ${SAMPLE_RATE} Hz` };
  if (fmt.bits !== 16) return { ok: false, problem: `${fmt.bits}-bit samples, must be 16-bit` };
  if (!data) return { ok: false, problem: 'no audio data' };
  const durationMs = Math.round((data.bytes / BYTES_PER_SECOND) * 1000);
  if (durationMs < minMs) return { ok: false, problem: `${durationMs} ms long, shorter than ${minMs} ms` };
  if (durationMs > maxMs) return { ok: false, problem: `${durationMs} ms long, longer than ${maxMs} ms` };
  let peak = 0;
  for (let i = data.offset; i + 1 < data.offset + data.bytes; i += 2) peak = Math.max(peak, Math.abs(buf.readInt16LE(i)));
  if (peak < 328) return { ok: false, problem: 'silent (peak below -40 dBFS)' };
  return { ok: true, durationMs, dataOffset: data.offset, dataBytes: data.bytes };
}

/** A 44-byte canonical header for `dataBytes` of 8 kHz mono 16-bit PCM. */
function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(SAMPLE_RATE, 24);
  h.writeUInt32LE(BYTES_PER_SECOND, 28);
  h.writeUInt16LE(2, 32); // block align
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** The defaults shipped in the repository, looked for upwards so a compiled tree (dist/…) finds them too. */
export function shippedAnnouncementsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'audio');
    if (fs.existsSync(path.join(candidate, 'ru', 'greeting.wav'))) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('announcements: the shipped audio/ directory was not found');
    dir = up;
  }
}

export class AnnouncementError extends Error {}

export class Announcements {
  readonly dir: string;

  /**
   * @param dir SIP_ANNOUNCEMENTS_DIR, or the shipped defaults.
   * @param composedDir where joined sentences are written (never into the announcements directory, which may be the
   *   repository's); rtpengine must be able to read it: same host, or the same path on its host.
   * @param preferred an admin's replacement of a clip, or of the music (asked with lang null), when there is one
   *   (src/announcement-uploads.ts).
   */
  constructor(
    dir?: string,
    private readonly composedDir: string = path.join(os.tmpdir(), 'vic-announcements'),
    private readonly preferred?: (lang: Lang | null, clip: Clip | typeof MUSIC) => string | null,
  ) {
    this.dir = path.resolve(dir ?? shippedAnnouncementsDir());
  }

  /** The file of one clip in one language (absolute, as rtpengine needs it). */
  file(lang: Lang, clip: Clip): string {
    return this.preferred?.(lang, clip) ?? path.join(this.dir, lang, `${clip}.wav`);
  }

  /** Asked each time the music starts, so an upload plays from the next caller's music on. */
  musicFile(): string {
    return this.preferred?.(null, MUSIC) ?? path.join(this.dir, `${MUSIC}.wav`);
  }

  /** Every clip of every language plus the music, checked; an empty list when all are playable. */
  problems(): string[] {
    const found: string[] = [];
    const check = (file: string, maxMs = MAX_CLIP_MS) => {
      const r = fs.existsSync(file) ? checkWav(fs.readFileSync(file), { maxMs }) : { ok: false as const, problem: 'missing' };
      if (!r.ok) found.push(`${path.relative(this.dir, file)}: ${r.problem}`);
    };
    for (const lang of LANGS) for (const clip of CLIPS) check(this.file(lang, clip));
    check(this.musicFile(), MAX_MUSIC_MS);
    return found;
  }

  /** One playable file for a sentence: the clip's own file, or the clips joined (cached). */
  compose(clips: ClipRef[]): { file: string; durationMs: number } {
    if (clips.length === 0) throw new AnnouncementError('announcements: nothing to say');
    const parts = clips.map(({ lang, clip }) => {
      const file = this.file(lang, clip);
      let buf: Buffer;
      try {
        buf = fs.readFileSync(file);
      } catch {
        throw new AnnouncementError(`announcements: ${lang}/${clip}.wav is missing in ${this.dir}`);
      }
      const r = checkWav(buf);
      if (!r.ok) throw new AnnouncementError(`announcements: ${lang}/${clip}.wav: ${r.problem}`);
      return { file, samples: buf.subarray(r.dataOffset, r.dataOffset + r.dataBytes), durationMs: r.durationMs };
    });
    if (parts.length === 1) return { file: parts[0].file, durationMs: parts[0].durationMs };
    // A short pause between clips, as a speaker breathes between phrases.
    const gap = Buffer.alloc((BYTES_PER_SECOND * 150) / 1000);
    const body = Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p.samples] : [gap, p.samples])));
    // Keyed by content, so a replaced clip (an admin's upload) gives a new file rather than a stale one.
    const key = createHash('sha256').update(body).digest('hex').slice(0, 24);
    const file = path.join(this.composedDir, `${key}.wav`);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(this.composedDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, Buffer.concat([wavHeader(body.length), body]));
      fs.renameSync(tmp, file);
    }
    return { file, durationMs: Math.round((body.length / BYTES_PER_SECOND) * 1000) };
  }
}
