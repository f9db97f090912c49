// What callers hear, as admins manage it: every announcement message in Kazakh and Russian, and the hold music, with
// its length and whether the shipped default or an admin's upload plays; the sound itself for the console's player; an upload
// (a raw audio/wav body, checked as the phone side needs it) and the way back to the default. Admins only; changes
// are audited. Announcements are the centre's own recordings, not citizen data: listening is not audited.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import fs from 'node:fs';
import { z } from 'zod';
import { Announcements } from '../../channels/sip/media/announcements.ts';
import {
  announcementEntry,
  listAnnouncements,
  MAX_MUSIC_UPLOAD_BYTES,
  MAX_UPLOAD_BYTES,
  MUSIC_TARGET,
  playingFile,
  removeUpload,
  saveUpload,
  targetOf,
  type Target,
} from '../announcement-uploads.ts';
import { VicError, type ErrorCode } from '../errors.ts';
import { parse, requestAudit, requireRole, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

/** The message and language of the path, from the catalogue only: a path is never built from what was sent. */
function target(params: Request['params']): Target {
  const { lang, message } = params;
  const t = typeof lang === 'string' && typeof message === 'string' ? targetOf(lang, message) : null;
  if (!t) throw new VicError('VIC_ANNOUNCEMENT_NOT_FOUND');
  return t;
}
/** The music's routes have no parameters: their target is fixed. */
const music = () => MUSIC_TARGET;

// The body limit refuses an oversized file from its Content-Length, before reading it, with the upload's own code;
// the music has its own (larger) cap.
function wavBody(limit: number, code: ErrorCode) {
  const rawWav = express.raw({ type: 'audio/wav', limit });
  return (req: Request, res: Response, next: NextFunction) =>
    rawWav(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') next(new VicError(code, undefined, { max: limit }));
      else next(err);
    });
}
const clipBody = wavBody(MAX_UPLOAD_BYTES, 'VIC_ANNOUNCEMENT_TOO_LARGE');
const musicBody = wavBody(MAX_MUSIC_UPLOAD_BYTES, 'VIC_ANNOUNCEMENT_MUSIC_TOO_LARGE');

export function announcementRoutes({ store, clock, config }: ApiDeps) {
  const r = Router();
  const admin = requireRole('admin');
  const dataDir = config.DATA_DIR;
  // Made per request: a missing shipped audio/ then fails this page only, never the server's start.
  const defaults = () => new Announcements(config.SIP_ANNOUNCEMENTS_DIR);
  const audited = requestAudit(store, clock);
  const audit = (req: Request, action: string, details: unknown) => audited(req, { action, entity: 'announcement', details });

  r.get('/announcements', admin, (req, res) => {
    parse(z.object({}).strict(), req.query);
    res.json({ items: listAnnouncements(dataDir, defaults()), maxBytes: MAX_UPLOAD_BYTES, musicMaxBytes: MAX_MUSIC_UPLOAD_BYTES });
  });

  // `v` only makes the player's address change after an upload, past the browser's cache.
  const play = (targetOfReq: (params: Request['params']) => Target) => (req: Request, res: Response, next: NextFunction) => {
    parse(z.object({ v: z.string().max(40).optional() }).strict(), req.query);
    const file = playingFile(dataDir, defaults(), targetOfReq(req.params));
    if (!fs.existsSync(file)) throw new VicError('VIC_ANNOUNCEMENT_NOT_FOUND', 'The file of this announcement is missing');
    // DATA_DIR or SIP_ANNOUNCEMENTS_DIR may lie under a dot-folder (~/.local/…): the path is ours, so allow it.
    const options = {
      dotfiles: 'allow',
      cacheControl: false,
      headers: { 'Content-Type': 'audio/wav', 'Cache-Control': 'no-cache' },
    } as const;
    res.sendFile(file, options, (err) => {
      if (err && !res.headersSent) next(err);
    });
  };

  // The name is checked before the body is read: a wrong address costs no upload.
  const known = (req: Request, _res: Response, next: NextFunction) => {
    target(req.params);
    next();
  };
  const upload = (targetOfReq: (params: Request['params']) => Target) => (req: Request, res: Response) => {
    const t = targetOfReq(req.params);
    const wav = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const user = userOf(req);
    const saved = saveUpload(dataDir, t, wav, { id: user.id, name: user.name }, clock.now());
    audit(req, 'announcement.uploaded', { lang: t.lang, message: t.message, durationMs: saved.durationMs, bytes: saved.bytes });
    res.json({ item: announcementEntry(dataDir, defaults(), t) });
  };
  const reset = (targetOfReq: (params: Request['params']) => Target) => (req: Request, res: Response) => {
    const t = targetOfReq(req.params);
    if (removeUpload(dataDir, t)) audit(req, 'announcement.reset', { lang: t.lang, message: t.message });
    res.json({ item: announcementEntry(dataDir, defaults(), t) });
  };

  // The hold music first: `music` is not a language, so the two-part routes below never see it.
  r.get('/announcements/music.wav', admin, play(music));
  r.put('/announcements/music', admin, musicBody, upload(music));
  r.delete('/announcements/music', admin, reset(music));
  r.get('/announcements/:lang/:message.wav', admin, play(target));
  r.put('/announcements/:lang/:message', admin, known, clipBody, upload(target));
  r.delete('/announcements/:lang/:message', admin, reset(target));
  return r;
}
