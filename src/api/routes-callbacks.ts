// The callbacks queue (src/callbacks.ts): missed calls to return, per court the user serves. Operators and admins
// only: a specialist handles escalated tickets, a supervisor none.
import { Router } from 'express';
import { z } from 'zod';
import { CallbackService, decodeCallbackCursor } from '../callbacks.ts';
import { parse, requestAudit, requireRole, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

const listSchema = z.object({
  state: z.enum(['open', 'done']).default('open'),
  courtId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(40)
    .transform((s, ctx) => {
      const c = decodeCallbackCursor(s);
      if (!c) ctx.addIssue({ code: 'custom', message: 'not a cursor of this list' });
      return c ?? z.NEVER;
    })
    .optional(),
});
const retrySchema = z.object({ at: z.number().int().positive() });
const callIdParam = z.string().min(1).max(300);

export function callbackRoutes({ store, clock, events, calendars }: ApiDeps) {
  const r = Router();
  const audit = requestAudit(store, clock);
  const callbacks = new CallbackService({ store, clock, events, calendarFor: (id) => calendars.for(id) });
  const handlers = requireRole('operator', 'admin');

  // Citizens' numbers and names: every page read is audited, with its filters.
  r.get('/callbacks', handlers, (req, res) => {
    const f = parse(listSchema, req.query);
    const page = callbacks.list(userOf(req), f);
    audit(req, {
      action: 'callback.list',
      entity: 'ticket',
      details: { state: f.state, courtId: f.courtId ?? null, shown: page.items.length },
    });
    res.json(page);
  });
  // Numbers only, no citizen data: not audited (as the tickets' counters).
  r.get('/callbacks/counts', handlers, (req, res) => {
    res.json(callbacks.counts(userOf(req)));
  });
  r.post('/callbacks/:callId/done', handlers, (req, res) => {
    res.json({ task: callbacks.done(userOf(req), parse(callIdParam, req.params.callId), req.ip ?? null) });
  });
  r.post('/callbacks/:callId/retry', handlers, (req, res) => {
    const { at } = parse(retrySchema, req.body);
    res.json({ task: callbacks.retry(userOf(req), parse(callIdParam, req.params.callId), at, req.ip ?? null) });
  });
  return r;
}
