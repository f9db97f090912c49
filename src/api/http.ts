// Shared HTTP plumbing: authentication, role checks, input validation and the JSON error body.
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { parseIsoDate } from '../../routing/calendar/days.ts';
import { sessionUserFromCookie } from '../auth.ts';
import type { Clock } from '../clock.ts';
import { VicError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Role, Store, UserRow } from '../store/index.ts';

declare module 'express-serve-static-core' {
  interface Request {
    user?: UserRow;
    sessionToken?: string;
  }
}

export function authenticate(store: Store, clock: Clock) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const s = sessionUserFromCookie(store, req.headers.cookie, clock.now());
    if (!s) throw new VicError('VIC_UNAUTHENTICATED');
    req.user = s.user;
    req.sessionToken = s.token;
    next();
  };
}

/** Audits what the signed-in user did or read through a request: who, when and from where filled in once. */
export function requestAudit(store: Store, clock: Clock) {
  return (req: Request, entry: { action: string; entity?: string; entityId?: number; details?: unknown }) =>
    store.audit({ at: clock.now(), userId: userOf(req).id, ip: req.ip ?? null, ...entry });
}

export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.user || !roles.includes(req.user.role)) throw new VicError('VIC_FORBIDDEN');
    next();
  };
}

/** The signed-in user (routes behind authenticate only). */
export const userOf = (req: Request): UserRow => req.user!;

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const details = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new VicError('VIC_VALIDATION', `Invalid ${details[0].path || 'input'}: ${details[0].message}`, details);
  }
  return r.data;
}

export const idParam = z.coerce.number().int().positive();

export function errorHandler(log: Logger) {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express tells an error handler by its four parameters
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let e: VicError;
    if (err instanceof VicError) e = err;
    else if ((err as { type?: string }).type === 'entity.parse.failed') e = new VicError('VIC_VALIDATION', 'The body is not valid JSON');
    else if ((err as { type?: string }).type === 'entity.too.large') e = new VicError('VIC_PAYLOAD_TOO_LARGE');
    else {
      (req.log ?? log).error({ err }, 'request failed');
      e = new VicError('VIC_INTERNAL');
    }
    res.status(e.status).json(e.toJSON());
  };
}

/** A calendar day in a query, YYYY-MM-DD, that exists. */
export const isoDay = z.string().refine((d) => {
  try {
    parseIsoDate(d);
    return true;
  } catch {
    return false;
  }
}, 'is not a date (YYYY-MM-DD)');
