// The citizen's rating on a ticket, for whoever may see the ticket. The comment is the citizen's own text: each
// read is audited (csat.read). Figures per court and operator are src/csat/store.ts csatFor, for the reports.
import { Router } from 'express';
import { ticketCsat } from '../csat/store.ts';
import { idParam, parse, requestAudit, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

export function csatRoutes({ store, tickets, clock }: ApiDeps) {
  const r = Router();
  const audit = requestAudit(store, clock);
  r.get('/tickets/:id/csat', (req, res) => {
    const user = userOf(req);
    const id = parse(idParam, req.params.id);
    tickets.visible(user, id);
    const csat = ticketCsat(store, id) ?? null;
    if (csat) audit(req, { action: 'csat.read', entity: 'ticket', entityId: id });
    res.json({ csat });
  });
  return r;
}
