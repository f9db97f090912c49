// Bulk actions on tickets picked in the console's list (the out-of-scope queue above all: resolve or overrule
// many at once). Each ticket goes through TicketService exactly as its single-ticket route does: the same
// visibility and state checks, its own transaction and its own audit row. One ticket refused does not stop
// the others; the answer says, per ticket, what happened.
import { Router } from 'express';
import { z } from 'zod';
import { VicError } from '../errors.ts';
import type { TicketRow } from '../store/index.ts';
import { parse, requireRole, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

const ids = z.array(z.number().int().positive()).min(1).max(200);
const reason = z.string().trim().min(1).max(1000);
const bulkSchema = z.discriminatedUnion('action', [
  z.object({ ids, action: z.literal('assign'), userId: z.number().int().positive().nullable() }).strict(),
  z.object({ ids, action: z.literal('court'), courtId: z.number().int().positive() }).strict(),
  z.object({ ids, action: z.literal('resolve') }).strict(),
  z.object({ ids, action: z.literal('appeal'), reason }).strict(),
  z.object({ ids, action: z.literal('overrule'), reason }).strict(),
]);
export type BulkRequest = z.infer<typeof bulkSchema>;

export type BulkResult = { id: number; ok: true; ticket: TicketRow } | { id: number; ok: false; error: { code: string; message: string } };

export function bulkRoutes({ tickets, log }: ApiDeps) {
  const r = Router();
  r.post('/tickets/bulk', requireRole('admin', 'operator'), (req, res) => {
    const b = parse(bulkSchema, req.body);
    const user = userOf(req);
    const one = (id: number): TicketRow => {
      switch (b.action) {
        case 'assign':
          return tickets.assign(user, id, b.userId);
        case 'court':
          return tickets.update(user, id, { courtId: b.courtId });
        case 'resolve':
          return tickets.resolve(user, id);
        case 'appeal':
          return tickets.markAppeal(user, id, b.reason);
        case 'overrule':
          return tickets.overruleScope(user, id, b.reason);
      }
    };
    const results: BulkResult[] = [...new Set(b.ids)].map((id) => {
      try {
        return { id, ok: true, ticket: one(id) };
      } catch (err) {
        if (err instanceof VicError) return { id, ok: false, error: { code: err.code, message: err.message } };
        // A fault is one ticket's; the rest of the batch still runs and the log has the cause.
        (req.log ?? log).error({ err, ticketId: id, action: b.action }, 'bulk action failed');
        return { id, ok: false, error: { code: 'VIC_INTERNAL', message: 'Internal error' } };
      }
    });
    res.json({ action: b.action, succeeded: results.filter((x) => x.ok).length, failed: results.filter((x) => !x.ok).length, results });
  });
  return r;
}
