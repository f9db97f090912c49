// Requests that change something must come from the console itself (CSRF), and so must realtime connections.
// SameSite=Strict alone is not enough: a page on another port of the same host is the same *site*, so the
// browser sends the session cookie with its form posts. What such a page cannot forge is Origin (and
// Sec-Fetch-Site), and it cannot send a JSON body without a CORS preflight, which this server never grants.
import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { VicError } from '../errors.ts';

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The console's own origins: PUBLIC_ORIGIN when set; otherwise the address the browser asked for (Host, over
 * http or https, as behind a TLS proxy that passes Host on), which refuses every other host and port.
 */
function ownOrigins(headers: IncomingHttpHeaders, publicOrigins: readonly string[] | undefined): readonly string[] {
  if (publicOrigins?.length) return publicOrigins;
  const host = headers.host?.toLowerCase();
  return host ? [`http://${host}`, `https://${host}`] : [];
}

/**
 * Whether a request may act with its cookie. With an Origin it must be one of ours ("null", sent by sandboxed
 * frames and some redirects, never is). Browsers send Origin with every POST/PUT/PATCH/DELETE and WebSocket
 * handshake, so a request without one is a same-origin GET (socket.io's long-polling) or a client that is not a
 * browser (curl, scripts, the tests), which has no victim's cookie to abuse; where a browser sends
 * Sec-Fetch-Site (HTTPS, localhost) it must still say same-origin, or none (typed in the address bar).
 */
export function fromOwnOrigin(headers: IncomingHttpHeaders, publicOrigins: readonly string[] | undefined): boolean {
  const origin = headers.origin;
  if (origin !== undefined) return ownOrigins(headers, publicOrigins).includes(origin.toLowerCase());
  const site = headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

/** Refuses a change (POST/PUT/PATCH/DELETE) sent from another origin, before its body is read. */
export function refuseCrossOrigin(publicOrigins: readonly string[] | undefined) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (CHANGES.has(req.method) && !fromOwnOrigin(req.headers, publicOrigins)) throw new VicError('VIC_CROSS_ORIGIN');
    next();
  };
}

/**
 * Every change declares application/json (bodiless ones too), or the route's documented type. The types a plain
 * HTML form can send (urlencoded, multipart, text/plain) are refused, so a form can change nothing even in a
 * browser that sends no Origin, and any other type makes a cross-origin fetch ask for a preflight that fails.
 */
export function requireMediaType(documented: readonly { path: RegExp; type: string; method?: string }[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!CHANGES.has(req.method)) return next();
    const expected = documented.find((d) => (d.method ?? req.method) === req.method && d.path.test(req.path))?.type ?? 'application/json';
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== expected) throw new VicError('VIC_UNSUPPORTED_MEDIA_TYPE', `Send the request as Content-Type: ${expected}`);
    next();
  };
}
