// Read marks, notifications and drafts: each person's own, for any signed-in role, on tickets they may see.
// Audit: none of these answers carries citizen data. Notifications name a ticket by its reference and the staff
// member who acted; the unread list is references and message ids. A draft is the user's own text, readable only
// by its author and only while they may see the ticket; opening the ticket (GET /api/tickets/:id) is what is
// audited as a read of citizen data. Drafts of anonymised tickets are deleted with the ticket's content
// (src/store/retention.ts).
import { Router } from 'express';
import { z } from 'zod';
import { idParam, parse, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

/** A draft's longest text: twice the longest message (10,000), room for an operator's working notes. */
export const DRAFT_MAX = 20_000;
const NOTIFICATIONS_SHOWN = 50;

const readSchema = z.object({ messageId: z.number().int().positive().nullable().default(null) }).strict();
const draftSchema = z.object({ kind: z.enum(['reply', 'note']), text: z.string().max(DRAFT_MAX) }).strict();
const notificationsReadSchema = z.union([
  z.object({ ids: z.array(z.number().int().positive()).min(1).max(200) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

export function readRoutes({ store, tickets, clock, events }: ApiDeps) {
  const r = Router();

  r.post('/tickets/:id/read', (req, res) => {
    const user = userOf(req);
    const id = parse(idParam, req.params.id);
    const { messageId } = parse(readSchema, req.body ?? {});
    tickets.visible(user, id);
    store.markTicketRead(user.id, id, messageId, clock.now());
    events.emit({ type: 'read.changed', userId: user.id, ticketId: id });
    res.json({ ok: true });
  });

  r.get('/notifications', (req, res) => {
    const user = userOf(req);
    res.json({ ...store.listNotifications(user.id, NOTIFICATIONS_SHOWN), unreadMine: store.unreadMine(user.id) });
  });
  r.post('/notifications/read', (req, res) => {
    const b = parse(notificationsReadSchema, req.body);
    res.json({ changed: store.markNotificationsRead(userOf(req).id, 'all' in b ? 'all' : b.ids, clock.now()) });
  });

  r.get('/tickets/:id/draft', (req, res) => {
    const user = userOf(req);
    const id = parse(idParam, req.params.id);
    tickets.visible(user, id);
    res.json({ draft: store.getDraft(user.id, id) ?? null });
  });
  // An empty text is no draft: the composer was cleared.
  r.put('/tickets/:id/draft', (req, res) => {
    const user = userOf(req);
    const id = parse(idParam, req.params.id);
    const b = parse(draftSchema, req.body);
    tickets.visible(user, id);
    if (b.text.trim() === '') store.deleteDraft(user.id, id);
    else store.saveDraft(user.id, id, b.kind, b.text, clock.now());
    res.json({ ok: true });
  });
  r.delete('/tickets/:id/draft', (req, res) => {
    const user = userOf(req);
    const id = parse(idParam, req.params.id);
    tickets.visible(user, id);
    store.deleteDraft(user.id, id);
    res.json({ ok: true });
  });
  return r;
}
