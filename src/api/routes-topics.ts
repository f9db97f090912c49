// Topics: admins keep the list (Russian and Kazakh names, on/off, order); staff who may see a ticket tag it with
// topics. Topics are switched off, never deleted: tags and reports keep pointing at them.
import { Router } from 'express';
import { z } from 'zod';
import { VicError } from '../errors.ts';
import { idParam, parse, requestAudit, requireRole, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

const name = z.string().trim().min(1).max(200);
const createTopic = z.object({ nameRu: name, nameKk: name, active: z.boolean().optional() }).strict();
const patchTopic = z
  .object({ nameRu: name, nameKk: name, active: z.boolean() })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
const orderTopics = z.object({ ids: z.array(z.number().int().positive()).min(1).max(500) }).strict();
const tagTicket = z.object({ topicIds: z.array(z.number().int().positive()).max(50) }).strict();

export function topicRoutes({ store, clock, tickets, events }: ApiDeps) {
  const r = Router();
  const admin = requireRole('admin');
  const topicOf = (raw: unknown) => {
    const id = parse(idParam, raw);
    if (!store.getTopic(id)) throw new VicError('VIC_NOT_FOUND', 'No such topic');
    return id;
  };
  const audited = requestAudit(store, clock);
  const audit = (req: Parameters<typeof userOf>[0], action: string, entity: string, entityId: number, details?: unknown) =>
    audited(req, { action, entity, entityId, details });

  // Everyone signed in reads the list: staff tag by it, admins keep it, supervisors' reports name the topics.
  r.get('/topics', (_req, res) => res.json({ items: store.listTopics() }));
  r.post('/topics', admin, (req, res) => {
    const b = parse(createTopic, req.body);
    const id = store.tx(() => {
      const id = store.createTopic(b, clock.now());
      audit(req, 'topic.created', 'topic', id, b);
      return id;
    });
    res.status(201).json({ topic: store.getTopic(id), items: store.listTopics() });
  });
  r.patch('/topics/:id', admin, (req, res) => {
    const id = topicOf(req.params.id);
    const b = parse(patchTopic, req.body);
    store.tx(() => {
      audit(req, 'topic.updated', 'topic', id, { from: store.getTopic(id), to: b });
      store.updateTopic(id, b, clock.now());
    });
    res.json({ topic: store.getTopic(id), items: store.listTopics() });
  });
  r.put('/topics/order', admin, (req, res) => {
    const { ids } = parse(orderTopics, req.body);
    if (new Set(ids).size !== ids.length) throw new VicError('VIC_VALIDATION', 'Invalid ids: a topic is named twice');
    for (const id of ids) topicOf(id);
    store.tx(() => {
      store.orderTopics(ids, clock.now());
      audit(req, 'topic.ordered', 'topic', 0, { ids });
    });
    res.json({ items: store.listTopics() });
  });

  // A ticket's topics: read and set by whoever may see the ticket (a supervisor never may). Not audited on read:
  // topic names only; opening the ticket is the audited read.
  r.get('/tickets/:id/topics', (req, res) => {
    const id = tickets.visible(userOf(req), parse(idParam, req.params.id)).id;
    res.json({ topics: store.ticketTopics(id) });
  });
  // The whole set at once (the picker sends what it shows). A switched-off topic cannot be added, only kept.
  r.put('/tickets/:id/topics', (req, res) => {
    const id = tickets.visible(userOf(req), parse(idParam, req.params.id)).id;
    const { topicIds } = parse(tagTicket, req.body);
    const had = new Set(store.ticketTopics(id).map((t) => t.id));
    for (const topicId of topicIds) {
      const topic = store.getTopic(topicId);
      if (!topic)
        throw new VicError('VIC_VALIDATION', `Invalid topicIds: no topic ${topicId}`, [{ path: 'topicIds', message: 'no such topic' }]);
      if (!topic.active && !had.has(topicId)) throw new VicError('VIC_CONFLICT', `The topic ${topicId} is switched off`);
    }
    const changed = store.tx(() => {
      const change = store.setTicketTopics(id, topicIds, userOf(req).id, clock.now());
      const any = change.added.length > 0 || change.removed.length > 0;
      if (any) audit(req, 'ticket.topics_set', 'ticket', id, change);
      return any;
    });
    const topics = store.ticketTopics(id);
    // Other open consoles show the new set at once (emitted after the commit).
    if (changed) events.emit({ type: 'topics.changed', ticket: store.getTicket(id)!, topics });
    res.json({ topics });
  });
  return r;
}
