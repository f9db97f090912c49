// Admins' replacements for the caller announcements: one WAV per message and language at
// <DATA_DIR>/announcements/<lang>/<message>.wav, beside a small JSON of who uploaded it and when. Kept under DATA_DIR
// (backed up, writable), never in the shipped audio/ (the repository's, maybe read-only). The message and language
// are checked against the fixed catalogue, so a path is always built from our own names, never from a request.
// The SIP side prefers an upload when there is one (`uploadedAnnouncement`); removing it brings the default back.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { checkWav, type Announcements } from '../channels/sip/media/announcements.ts';
import { CLIPS, LANGS, type Clip, type Lang } from '../channels/sip/media/messages.ts';
import { VicError, type ErrorCode } from './errors.ts';

/** 60 s of 8 kHz 16-bit mono is 960,000 bytes; the rest is room for a header's extra chunks (LIST, fact). */
export const MAX_UPLOAD_BYTES = 1024 * 1024;

export interface Uploader {
  id: number;
  name: string;
}

/** What the console lists for one message in one language. */
export interface AnnouncementEntry {
  lang: Lang;
  message: Clip;
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

const uploadsDir = (dataDir: string) => path.resolve(dataDir, 'announcements');
// Only ever called with a checked Lang and Clip: both are plain names from the catalogue.
const wavPath = (dataDir: string, lang: Lang, message: Clip) => path.join(uploadsDir(dataDir), lang, `${message}.wav`);
const metaPath = (dataDir: string, lang: Lang, message: Clip) => path.join(uploadsDir(dataDir), lang, `${message}.json`);

/** The admin's file for this message and language, or null: the caller then hears the default. */
export function uploadedAnnouncement(dataDir: string, lang: string, message: string): string | null {
  if (!isLang(lang) || !isMessage(message)) return null;
  const file = wavPath(dataDir, lang, message);
  return fs.existsSync(file) ? file : null;
}

/** The file that plays now: the upload, or the default under SIP_ANNOUNCEMENTS_DIR (the shipped audio/). */
export function playingFile(dataDir: string, defaults: Announcements, lang: Lang, message: Clip): string {
  return uploadedAnnouncement(dataDir, lang, message) ?? defaults.file(lang, message);
}

/** checkWav's reason (English, wiring's wording) as the code the console words in Russian or Kazakh. */
function refusal(problem: string): ErrorCode {
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

/**
 * Checks an uploaded WAV (size first, then the format the phone side plays: 8 kHz mono 16-bit PCM, 100 ms–60 s,
 * not silent) and puts it in place of the message's file in one rename, so a call never reads half a file.
 * Refusals are VicErrors whose message is checkWav's reason.
 */
export function saveUpload(dataDir: string, lang: Lang, message: Clip, wav: Buffer, by: Uploader, at: number): UploadMeta {
  if (wav.length > MAX_UPLOAD_BYTES)
    throw new VicError('VIC_ANNOUNCEMENT_TOO_LARGE', undefined, { bytes: wav.length, max: MAX_UPLOAD_BYTES });
  const r = checkWav(wav);
  if (!r.ok) throw new VicError(refusal(r.problem), `The file was refused: ${r.problem}`, { problem: r.problem });
  const meta: UploadMeta = { at, by, bytes: wav.length, durationMs: r.durationMs };
  writeAtomically(wavPath(dataDir, lang, message), wav);
  writeAtomically(metaPath(dataDir, lang, message), JSON.stringify(meta));
  return meta;
}

/** Back to the default; answers whether there was an upload to remove. */
export function removeUpload(dataDir: string, lang: Lang, message: Clip): boolean {
  const file = wavPath(dataDir, lang, message);
  const had = fs.existsSync(file);
  // The sound first: a lookup between the two removals already finds the default.
  fs.rmSync(file, { force: true });
  fs.rmSync(metaPath(dataDir, lang, message), { force: true });
  return had;
}

function readMeta(dataDir: string, lang: Lang, message: Clip): UploadMeta | null {
  try {
    return JSON.parse(fs.readFileSync(metaPath(dataDir, lang, message), 'utf8')) as UploadMeta;
  } catch {
    return null;
  }
}

/** One message in one language: which file plays, its length, and who uploaded it. */
export function announcementEntry(dataDir: string, defaults: Announcements, lang: Lang, message: Clip): AnnouncementEntry {
  const uploaded = uploadedAnnouncement(dataDir, lang, message);
  const file = uploaded ?? defaults.file(lang, message);
  let check: ReturnType<typeof checkWav>;
  try {
    check = checkWav(fs.readFileSync(file));
  } catch {
    check = { ok: false, problem: 'missing' };
  }
  const meta = uploaded ? readMeta(dataDir, lang, message) : null;
  return {
    lang,
    message,
    source: uploaded ? 'upload' : 'default',
    durationMs: check.ok ? check.durationMs : null,
    problem: check.ok ? null : check.problem,
    uploadedAt: meta?.at ?? null,
    uploadedBy: meta?.by ?? null,
  };
}

/** Every message of the catalogue in every language, in the catalogue's order. */
export function listAnnouncements(dataDir: string, defaults: Announcements): AnnouncementEntry[] {
  return CLIPS.flatMap((message) => LANGS.map((lang) => announcementEntry(dataDir, defaults, lang, message)));
}
