// HTTP side of the metrics: request timing labelled by route pattern, and the /metrics endpoint with its own access
// rule (a bearer token, or loopback only), apart from the console's sessions and Origin checks.
import crypto from 'node:crypto';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { VicError } from '../errors.ts';
import type { VicMetrics } from './index.ts';

type Layer = { route?: { path: unknown }; handle?: { stack?: Layer[] }; rawPath?: unknown };

/**
 * Each route object of the app → its full pattern ("/api/tickets/:id"), read once from the router's stack after all
 * routes are registered. `req.route` still names the route after an error has unwound the mount path, so a 403
 * from inside a router is labelled like its 200.
 */
function routePatterns(app: Express): Map<unknown, string> {
  const patterns = new Map<unknown, string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route && typeof layer.route.path === 'string') patterns.set(layer.route, prefix + layer.route.path);
      else if (layer.handle?.stack)
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return patterns;
}

/**
 * Times every request. The route label is the pattern of the route that answered, never the URL (which would make a
 * series per ticket id); `unmatched` is an /api request answered before any route (no session, another origin, no
 * such route), `console` the console's files.
 */
export function timeRequests(metrics: VicMetrics, app: Express): RequestHandler {
  let patterns: Map<unknown, string> | undefined;
  return (req, res, next) => {
    const end = metrics.http.startTimer();
    res.once('finish', () => {
      patterns ??= routePatterns(app);
      const path = req.originalUrl;
      const route =
        patterns.get(req.route) ?? (path === '/api' || path.startsWith('/api/') || path.startsWith('/api?') ? 'unmatched' : 'console');
      end({ method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` });
    });
    next();
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Compares digests, so neither the token's length nor its content shows in the time taken. */
function sameToken(given: string, token: string): boolean {
  const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
  return crypto.timingSafeEqual(digest(given), digest(token));
}

/**
 * GET /metrics. With METRICS_TOKEN: `Authorization: Bearer <token>` from anywhere, nothing without it. Without: only
 * from this machine, and not through a proxy (a reverse proxy on the same host connects from loopback, and says so
 * in X-Forwarded-For or Forwarded), so nothing is exposed to the network by default.
 */
export function metricsEndpoint(metrics: VicMetrics, token: string | undefined): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (token !== undefined) {
      const m = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '');
      if (!m || !sameToken(m[1], token)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        return next(new VicError('VIC_UNAUTHENTICATED', 'Send the metrics token: Authorization: Bearer METRICS_TOKEN'));
      }
    } else if (
      !LOOPBACK.has(req.socket.remoteAddress ?? '') ||
      req.headers['x-forwarded-for'] !== undefined ||
      req.headers.forwarded !== undefined
    ) {
      return next(new VicError('VIC_FORBIDDEN', 'Metrics are served only to this machine unless METRICS_TOKEN is set'));
    }
    try {
      const text = await metrics.text();
      res.setHeader('Cache-Control', 'no-store');
      res.type(metrics.contentType).send(text);
    } catch (err) {
      next(err);
    }
  };
}
