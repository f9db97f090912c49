import { Router } from 'express';
import { z } from 'zod';
import { SESSION_COOKIE, checkPassword, closeSession, openSession, sessionUserFromCookie } from '../auth.ts';
import { VicError } from '../errors.ts';
import { LoginThrottle } from '../login-throttle.ts';
import { parse } from './http.ts';
import type { ApiDeps } from './server.ts';

const loginSchema = z.object({ login: z.string().min(1).max(100), password: z.string().min(1).max(200) });

export function authRoutes({ store, clock, config, events }: ApiDeps) {
  const r = Router();
  const throttle = new LoginThrottle(config);

  r.post('/login', async (req, res) => {
    const { login, password } = parse(loginSchema, req.body);
    const ip = req.ip ?? '';
    const attempt = throttle.begin(login, ip, clock.now());
    if (attempt.waitMs > 0) {
      const seconds = Math.ceil(attempt.waitMs / 1000);
      res.setHeader('Retry-After', String(seconds));
      throw new VicError('VIC_TOO_MANY_LOGINS', `Too many sign-in attempts, try again in ${seconds} s`, { retryAfter: seconds });
    }
    const user = await checkPassword(store, login, password);
    const now = clock.now();
    if (!user) {
      store.audit({ at: now, userId: null, action: 'auth.login_failed', details: { login }, ip: req.ip ?? null });
      throw new VicError('VIC_BAD_CREDENTIALS');
    }
    attempt.succeeded();
    const ttl = config.SESSION_TTL_HOURS * 3_600_000;
    const token = openSession(store, user.id, now, ttl);
    store.audit({ at: now, userId: user.id, action: 'auth.login', entity: 'user', entityId: user.id, ip: req.ip ?? null });
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: config.COOKIE_SECURE, maxAge: ttl, path: '/' });
    res.json({ user });
  });

  r.post('/logout', (req, res) => {
    const session = sessionUserFromCookie(store, req.headers.cookie, clock.now());
    if (session) {
      closeSession(store, session.token);
      // Its realtime connections end now, not at their next event.
      events.emit({ type: 'session.ended', userId: session.user.id });
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({ ok: true });
  });
  return r;
}
