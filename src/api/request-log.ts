// One log line per HTTP request, with a request id that also goes back in the X-Request-Id header, so a report
// from the console or a proxy's log can be matched with VIC's lines. Paths only: a query string can hold a
// search for a citizen's name, phone or IIN.
import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The application's logger with this request's id: lines written while handling it carry the id. */
    log?: Logger;
  }
}

/** An id a proxy in front (nginx's $request_id, say) gives is kept when it is short and plain. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

const POLLED = new Set(['/api/health', '/metrics']);

export function requestId(incoming: string | undefined): string {
  return incoming && SANE_ID.test(incoming) ? incoming : crypto.randomUUID();
}

export function requestLog(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const reqId = requestId(req.get('x-request-id'));
    const started = process.hrtime.bigint();
    req.log = log.child({ reqId });
    res.setHeader('X-Request-Id', reqId);
    res.once('close', () => {
      const line = {
        reqId,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.headersSent ? res.statusCode : 0,
        ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
        ...(req.user ? { userId: req.user.id } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      // Polled every few seconds (health checks, Prometheus): at debug, not to drown the requests people make.
      if (POLLED.has(line.path)) log.debug(line, 'request');
      else log.info(line, 'request');
    });
    next();
  };
}
