// What callers hear, as admins manage it: every announcement message in Kazakh and Russian with its length and
// whether the shipped default or an admin's upload plays; the sound itself for the console's player; an upload
// (a raw audio/wav body, checked as the phone side needs it) and the way back to the default. Admins only; changes
// are audited. Announcements are the centre's own recordings, not citizen data: listening is not audited.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import fs from 'node:fs';
import { z } from 'zod';
import { Announcements } from '../../channels/sip/media/announcements.ts';
import {
  announcementEntry,
  isLang,
  isMessage,
  listAnnouncements,
  MAX_UPLOAD_BYTES,
  playingFile,
  removeUpload,
  saveUpload,
} from '../announcement-uploads.ts';
import { VicError } from '../errors.ts';
import { parse, requireRole, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

/** The message and language of the path, from the catalogue only: a path is never built from what was sent. */
function target(params: Request['params']) {
  const { lang, message } = params;
  if (typeof lang !== 'string' || typeof message !== 'string' || !isLang(lang) || !isMessage(message))
    throw new VicError('VIC_ANNOUNCEMENT_NOT_FOUND');
  return { lang, message };
}

// The body limit refuses an oversized file from its Content-Length, before reading it, with the upload's own code.
const rawWav = express.raw({ type: 'audio/wav', limit: MAX_UPLOAD_BYTES });
function wavBody(req: Request, res: Response, next: NextFunction) {
  rawWav(req, res, (err?: unknown) => {
    if ((err as { type?: string } | undefined)?.type === 'entity.too.large')
      next(new VicError('VIC_ANNOUNCEMENT_TOO_LARGE', undefined, { max: MAX_UPLOAD_BYTES }));
    else next(err);
  });
}

export function announcementRoutes({ store, clock, config }: ApiDeps) {
  const r = Router();
  const admin = requireRole('admin');
  const dataDir = config.DATA_DIR;
  // Made per request: a missing shipped audio/ then fails this page only, never the server's start.
  const defaults = () => new Announcements(config.SIP_ANNOUNCEMENTS_DIR);
  const audit = (req: Request, action: string, details: unknown) =>
    store.audit({ at: clock.now(), userId: userOf(req).id, action, entity: 'announcement', details, ip: req.ip ?? null });

  r.get('/announcements', admin, (req, res) => {
    parse(z.object({}).strict(), req.query);
    res.json({ items: listAnnouncements(dataDir, defaults()), maxBytes: MAX_UPLOAD_BYTES });
  });

  // `v` only makes the player's address change after an upload, past the browser's cache.
  r.get('/announcements/:lang/:message.wav', admin, (req, res, next) => {
    parse(z.object({ v: z.string().max(40).optional() }).strict(), req.query);
    const { lang, message } = target(req.params);
    const file = playingFile(dataDir, defaults(), lang, message);
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
  });

  // The name is checked before the body is read: a wrong address costs no upload.
  const known = (req: Request, _res: Response, next: NextFunction) => {
    target(req.params);
    next();
  };
  r.put('/announcements/:lang/:message', admin, known, wavBody, (req, res) => {
    const { lang, message } = target(req.params);
    const wav = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const user = userOf(req);
    const saved = saveUpload(dataDir, lang, message, wav, { id: user.id, name: user.name }, clock.now());
    audit(req, 'announcement.uploaded', { lang, message, durationMs: saved.durationMs, bytes: saved.bytes });
    res.json({ item: announcementEntry(dataDir, defaults(), lang, message) });
  });

  r.delete('/announcements/:lang/:message', admin, (req, res) => {
    const { lang, message } = target(req.params);
    if (removeUpload(dataDir, lang, message)) audit(req, 'announcement.reset', { lang, message });
    res.json({ item: announcementEntry(dataDir, defaults(), lang, message) });
  });
  return r;
}
