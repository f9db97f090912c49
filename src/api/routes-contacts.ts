// Contacts for operators and admins: read one with its tickets on every channel, correct its name and IIN, merge
// two contacts of one person (a WhatsApp and an e-mail one) and, for an admin within a day, undo a merge.
// Every read and change is audited; the IIN only ever masked, in answers and in the audit log.
import { Router } from 'express';
import { z } from 'zod';
import { VicError } from '../errors.ts';
import { iinProblem, maskIin } from '../iin.ts';
import type { ContactMerge, TicketRow, UserRow } from '../store/index.ts';
import { canSee } from '../tickets.ts';
import { idParam, parse, requireRole, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

/** An admin may undo a merge for this long. */
export const MERGE_UNDO_MS = 24 * 3600_000;

const patchSchema = z
  .object({
    name: z.string().trim().min(1).max(200).nullable().optional(),
    // As read out or pasted: spaces go; an empty field clears it.
    iin: z
      .string()
      .max(40)
      .transform((s) => s.replace(/\s/g, '') || null)
      .nullable()
      .optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
const mergeSchema = z.object({ mergedId: z.number().int().positive() }).strict();

export function contactRoutes({ store, clock, events }: ApiDeps) {
  const r = Router();
  const staff = requireRole('admin', 'operator');

  /**
   * The contact if this user may see it: an admin, an operator of every court, or of a court of one of its tickets
   * (of the kept contact's, for one merged away).
   */
  const visible = (user: UserRow, id: number) => {
    const c = store.getContact(id);
    if (!c) throw new VicError('VIC_CONTACT_NOT_FOUND');
    const courts = store.contactCourts(store.mergedInto(id) ?? id);
    if (user.role !== 'admin' && user.courtId !== null && !courts.includes(user.courtId))
      throw new VicError('VIC_FORBIDDEN_COURT', 'This contact has no ticket in a court you serve');
    return c;
  };
  const audit = (user: UserRow, action: string, entityId: number, details: unknown, ip: string | undefined) =>
    store.audit({ at: clock.now(), userId: user.id, action, entity: 'contact', entityId, details, ip: ip ?? null });
  // Lists and open tickets show the contact's name: they follow at once.
  const announce = (changed: { ticket: TicketRow; before: TicketRow }[]) => {
    for (const c of changed) events.emit({ type: 'ticket.updated', ...c });
  };
  const ticketsNow = (ids: number[], before?: Map<number, TicketRow>) =>
    store.ticketsByIds(ids).map((ticket) => ({ ticket, before: before?.get(ticket.id) ?? ticket }));
  const mergeView = (m: ContactMerge, now: number) => ({
    id: m.id,
    keptId: m.keptId,
    mergedId: m.mergedId,
    mergedName: m.mergedName,
    tickets: m.moved.tickets.length,
    identities: m.moved.identities.map((i) => i.kind),
    userId: m.userId,
    at: m.at,
    undoneAt: m.undoneAt,
    undoableUntil: m.undoneAt === null && now - m.at <= MERGE_UNDO_MS ? m.at + MERGE_UNDO_MS : null,
  });
  const contactView = (user: UserRow, id: number) => {
    const c = store.getContact(id)!;
    const now = clock.now();
    return {
      contact: { ...c, iin: maskIin(c.iin) },
      // The history across channels: the tickets of the contact this user may see, newest first.
      tickets: store.contactTickets(id).filter((t) => canSee(user, { courtId: t.courtId, specialistId: null })),
      merges: store.mergesInto(id, now - MERGE_UNDO_MS).map((m) => mergeView(m, now)),
      mergedInto: store.mergedInto(id) ?? null,
    };
  };

  r.get('/contacts/:id', staff, (req, res) => {
    const id = parse(idParam, req.params.id);
    visible(userOf(req), id);
    const view = contactView(userOf(req), id);
    audit(userOf(req), 'contact.read', id, { tickets: view.tickets.length }, req.ip);
    res.json(view);
  });

  r.patch('/contacts/:id', staff, (req, res) => {
    const id = parse(idParam, req.params.id);
    const f = parse(patchSchema, req.body);
    const user = userOf(req);
    visible(user, id);
    const problem = f.iin ? iinProblem(f.iin, clock.now()) : null;
    if (problem) throw new VicError('VIC_INVALID_IIN', undefined, { reason: problem });
    const tickets = store.contactTickets(id).map((t) => t.id);
    const before = new Map(store.ticketsByIds(tickets).map((t) => [t.id, t]));
    store.tx(() => {
      const old = store.updateContact(id, f)!;
      const to = { ...old, ...f };
      audit(
        user,
        'contact.updated',
        id,
        {
          from: { ...('name' in f ? { name: old.name } : {}), ...('iin' in f ? { iin: maskIin(old.iin) } : {}) },
          to: { ...('name' in f ? { name: to.name } : {}), ...('iin' in f ? { iin: maskIin(to.iin ?? null) } : {}) },
        },
        req.ip,
      );
    });
    if ('name' in f) announce(ticketsNow(tickets, before));
    res.json(contactView(user, id));
  });

  // The contact in the path is kept; `mergedId`'s identities, tickets and messages move to it.
  r.post('/contacts/:id/merge', staff, (req, res) => {
    const keptId = parse(idParam, req.params.id);
    const { mergedId } = parse(mergeSchema, req.body);
    const user = userOf(req);
    if (mergedId === keptId) throw new VicError('VIC_VALIDATION', 'A contact cannot be merged with itself');
    // A contact merged away has no tickets left, so no court: that, not the court, is why it is refused.
    if (store.mergedInto(keptId) !== undefined || store.mergedInto(mergedId) !== undefined)
      throw new VicError('VIC_CONFLICT', 'This contact was merged into another already');
    const kept = visible(user, keptId);
    const merged = visible(user, mergedId);
    if (kept.iin && merged.iin && kept.iin !== merged.iin) throw new VicError('VIC_IIN_MISMATCH');
    const tickets = store.contactTickets(mergedId, 1_000_000).map((t) => t.id);
    const before = new Map(store.ticketsByIds(tickets).map((t) => [t.id, t]));
    const mergeId = store.tx(() => {
      const id = store.mergeContacts(keptId, mergedId, user.id, clock.now());
      const m = store.getMerge(id)!;
      audit(
        user,
        'contact.merged',
        keptId,
        {
          mergeId: id,
          mergedId,
          tickets: m.moved.tickets,
          identities: m.moved.identities.map((i) => i.kind),
          messages: m.moved.messages.length,
          took: Object.keys(m.moved.took),
        },
        req.ip,
      );
      return id;
    });
    announce(ticketsNow(tickets, before));
    res.json({ merge: mergeView(store.getMerge(mergeId)!, clock.now()), ...contactView(user, keptId) });
  });

  r.post('/contacts/merges/:id/undo', requireRole('admin'), (req, res) => {
    const id = parse(idParam, req.params.id);
    const user = userOf(req);
    const m = store.getMerge(id);
    if (!m) throw new VicError('VIC_NOT_FOUND', 'No such merge');
    if (m.undoneAt !== null) throw new VicError('VIC_CONFLICT', 'This merge was undone already');
    if (clock.now() - m.at > MERGE_UNDO_MS) throw new VicError('VIC_MERGE_EXPIRED');
    const before = new Map(store.ticketsByIds(m.moved.tickets).map((t) => [t.id, t]));
    store.tx(() => {
      store.undoMerge(id, user.id, clock.now());
      audit(user, 'contact.merge_undone', m.keptId, { mergeId: id, mergedId: m.mergedId }, req.ip);
    });
    announce(ticketsNow(m.moved.tickets, before));
    res.json({ merge: mergeView(store.getMerge(id)!, clock.now()), ...contactView(user, m.keptId) });
  });
  return r;
}
