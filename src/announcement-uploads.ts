// Admins' replacements for the caller announcements: one WAV per message and language at
// <DATA_DIR>/announcements/<lang>/<message>.wav, and the language-less hold music at <DATA_DIR>/announcements/music.wav,
// each beside a small JSON of who uploaded it and when. Kept under DATA_DIR
// (backed up, writable), never in the shipped audio/ (the repository's, maybe read-only). The message and language
// are checked against the fixed catalogue, so a path is always built from our own names, never from a request.
// The SIP side prefers an upload when there is one (`uploadedAnnouncement`); removing it brings the default back.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { checkWav, MAX_CLIP_MS, MAX_MUSIC_MS, type Announcements } from '../channels/sip/media/announcements.ts';
import { CLIPS, LANGS, MUSIC, type Clip, type Lang } from '../channels/sip/media/messages.ts';
import { VicError, type ErrorCode } from './errors.ts';

/** 60 s of 8 kHz 16-bit mono is 960,000 bytes; the rest is room for a header's extra chunks (LIST, fact). */
export const MAX_UPLOAD_BYTES = 1024 * 1024;
/**
 * 10 minutes of 8 kHz 16-bit mono is 9,600,000 bytes; 10 MiB leaves the same kind of room. The body is held in
 * memory once while it is checked (one linear pass), so the cap is also what one admin's upload may cost.
 */
export const MAX_MUSIC_UPLOAD_BYTES = 10 * 1024 * 1024;

/** One replaceable sound: a message in one language, or the hold music (no language: it has no words). */
export type Target = { lang: Lang; message: Clip } | { lang: null; message: typeof MUSIC };
export const MUSIC_TARGET: Target = { lang: null, message: MUSIC };

/** How big and how long an upload may be: an announcement's limits, or the (looped) music's longer ones. */
export const limitsOf = (t: Target) =>
  t.lang === null ? { maxBytes: MAX_MUSIC_UPLOAD_BYTES, maxMs: MAX_MUSIC_MS } : { maxBytes: MAX_UPLOAD_BYTES, maxMs: MAX_CLIP_MS };

export interface Uploader {
  id: number;
  name: string;
}

/** What the console lists for one message in one language, or for the music (lang null). */
export interface AnnouncementEntry {
  lang: Lang | null;
  message: Clip | typeof MUSIC;
  source: 'default' | 'upload';
  /** The playing file's length; null when the file is missing or unplayable (`problem` says why). */
  durationMs: number | null;
  problem: string | null;
  uploadedAt: number | null;
  uploadedBy: Uploader | null;
}

interface UploadMeta {
  at: number;
  by: Uploader;
  bytes: number;
  durationMs: number;
}

export const isLang = (v: string): v is Lang => (LANGS as readonly string[]).includes(v);
export const isMessage = (v: string): v is Clip => (CLIPS as readonly string[]).includes(v);

/** The target named by a language (null: the music) and a message, when the catalogue has it. */
export function targetOf(lang: string | null, message: string): Target | null {
  if (lang === null) return message === MUSIC ? MUSIC_TARGET : null;
  return isLang(lang) && isMessage(message) ? { lang, message } : null;
}

const uploadsDir = (dataDir: string) => path.resolve(dataDir, 'announcements');
// Only ever called with a checked Target: plain names from the catalogue.
const stem = (dataDir: string, t: Target) =>
  t.lang === null ? path.join(uploadsDir(dataDir), t.message) : path.join(uploadsDir(dataDir), t.lang, t.message);
const wavPath = (dataDir: string, t: Target) => `${stem(dataDir, t)}.wav`;
const metaPath = (dataDir: string, t: Target) => `${stem(dataDir, t)}.json`;
const defaultFile = (defaults: Announcements, t: Target) => (t.lang === null ? defaults.musicFile() : defaults.file(t.lang, t.message));

/** The admin's file for this message and language (lang null: the music), or null: the caller then hears the default. */
export function uploadedAnnouncement(dataDir: string, lang: string | null, message: string): string | null {
  const t = targetOf(lang, message);
  if (!t) return null;
  const file = wavPath(dataDir, t);
  return fs.existsSync(file) ? file : null;
}

/** The file that plays now: the upload, or the default under SIP_ANNOUNCEMENTS_DIR (the shipped audio/). */
export function playingFile(dataDir: string, defaults: Announcements, t: Target): string {
  return uploadedAnnouncement(dataDir, t.lang, t.message) ?? defaultFile(defaults, t);
}

/** checkWav's reason (English, wiring's wording) as the code the console words in Russian or Kazakh. */
function refusal(problem: string, t: Target): ErrorCode {
  if (t.lang === null && /longer than/.test(problem)) return 'VIC_ANNOUNCEMENT_MUSIC_TOO_LONG';
  const known: [RegExp, ErrorCode][] = [
    [/^(not a WAV file|no format chunk|no audio data)/, 'VIC_ANNOUNCEMENT_NOT_WAV'],
    [/^not plain PCM/, 'VIC_ANNOUNCEMENT_NOT_PCM'],
    [/channels, must be mono$/, 'VIC_ANNOUNCEMENT_NOT_MONO'],
    [/Hz, must be \d+ Hz$/, 'VIC_ANNOUNCEMENT_SAMPLE_RATE'],
    [/-bit samples, must be/, 'VIC_ANNOUNCEMENT_SAMPLE_BITS'],
    [/shorter than/, 'VIC_ANNOUNCEMENT_TOO_SHORT'],
    [/longer than/, 'VIC_ANNOUNCEMENT_TOO_LONG'],
    [/^silent/, 'VIC_ANNOUNCEMENT_SILENT'],
  ];
  return known.find(([re]) => re.test(problem))?.[1] ?? 'VIC_ANNOUNCEMENT_INVALID';
}

function writeAtomically(file: string, data: Buffer | string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

const tooLarge = (t: Target): ErrorCode => (t.lang === null ? 'VIC_ANNOUNCEMENT_MUSIC_TOO_LARGE' : 'VIC_ANNOUNCEMENT_TOO_LARGE');

/**
 * Checks an uploaded WAV (size first, then the format the phone side plays: 8 kHz mono 16-bit PCM, 100 ms–60 s or
 * for the music up to 10 minutes, not silent) and puts it in place of the target's file in one rename, so a call
 * never reads half a file. Refusals are VicErrors whose message is checkWav's reason.
 */
export function saveUpload(dataDir: string, t: Target, wav: Buffer, by: Uploader, at: number): UploadMeta {
  const { maxBytes, maxMs } = limitsOf(t);
  if (wav.length > maxBytes) throw new VicError(tooLarge(t), undefined, { bytes: wav.length, max: maxBytes });
  const r = checkWav(wav, { maxMs });
  if (!r.ok) throw new VicError(refusal(r.problem, t), `The file was refused: ${r.problem}`, { problem: r.problem });
  const meta: UploadMeta = { at, by, bytes: wav.length, durationMs: r.durationMs };
  writeAtomically(wavPath(dataDir, t), wav);
  writeAtomically(metaPath(dataDir, t), JSON.stringify(meta));
  return meta;
}

/** Back to the default; answers whether there was an upload to remove. */
export function removeUpload(dataDir: string, t: Target): boolean {
  const file = wavPath(dataDir, t);
  const had = fs.existsSync(file);
  // The sound first: a lookup between the two removals already finds the default.
  fs.rmSync(file, { force: true });
  fs.rmSync(metaPath(dataDir, t), { force: true });
  return had;
}

function readMeta(dataDir: string, t: Target): UploadMeta | null {
  try {
    return JSON.parse(fs.readFileSync(metaPath(dataDir, t), 'utf8')) as UploadMeta;
  } catch {
    return null;
  }
}

/** One message in one language, or the music: which file plays, its length, and who uploaded it. */
export function announcementEntry(dataDir: string, defaults: Announcements, t: Target): AnnouncementEntry {
  const uploaded = uploadedAnnouncement(dataDir, t.lang, t.message);
  const file = uploaded ?? defaultFile(defaults, t);
  let check: ReturnType<typeof checkWav>;
  try {
    check = checkWav(fs.readFileSync(file), { maxMs: limitsOf(t).maxMs });
  } catch {
    check = { ok: false, problem: 'missing' };
  }
  const meta = uploaded ? readMeta(dataDir, t) : null;
  return {
    lang: t.lang,
    message: t.message,
    source: uploaded ? 'upload' : 'default',
    durationMs: check.ok ? check.durationMs : null,
    problem: check.ok ? null : check.problem,
    uploadedAt: meta?.at ?? null,
    uploadedBy: meta?.by ?? null,
  };
}

/** Every message of the catalogue in every language, in the catalogue's order, then the music. */
export function listAnnouncements(dataDir: string, defaults: Announcements): AnnouncementEntry[] {
  const clips = CLIPS.flatMap((message) => LANGS.map((lang) => announcementEntry(dataDir, defaults, { lang, message })));
  return [...clips, announcementEntry(dataDir, defaults, MUSIC_TARGET)];
}
