import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { SESSION_COOKIE, checkPassword, closeSession, openSession } from '../auth.ts';
import { VicError } from '../errors.ts';
import { parse } from './http.ts';
import type { ApiDeps } from './server.ts';

const loginSchema = z.object({ login: z.string().min(1).max(100), password: z.string().min(1).max(200) });

export function authRoutes({ store, clock, config }: ApiDeps) {
  const r = Router();
  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: config.LOGIN_RATE_LIMIT,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      const e = new VicError('VIC_TOO_MANY_LOGINS');
      res.status(e.status).json(e.toJSON());
    },
  });

  r.post('/login', limiter, async (req, res) => {
    const { login, password } = parse(loginSchema, req.body);
    const user = await checkPassword(store, login, password);
    const now = clock.now();
    if (!user) {
      store.audit({ at: now, userId: null, action: 'auth.login_failed', details: { login }, ip: req.ip ?? null });
      throw new VicError('VIC_BAD_CREDENTIALS');
    }
    const ttl = config.SESSION_TTL_HOURS * 3_600_000;
    const token = openSession(store, user.id, now, ttl);
    store.audit({ at: now, userId: user.id, action: 'auth.login', entity: 'user', entityId: user.id, ip: req.ip ?? null });
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: config.COOKIE_SECURE, maxAge: ttl, path: '/' });
    res.json({ user });
  });

  r.post('/logout', (req, res) => {
    const token = req.headers.cookie?.match(new RegExp(`${SESSION_COOKIE}=([^;]+)`))?.[1];
    if (token) closeSession(store, decodeURIComponent(token));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({ ok: true });
  });
  return r;
}
