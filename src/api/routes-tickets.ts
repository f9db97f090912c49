import { Router } from 'express';
import fs from 'node:fs';
import { z } from 'zod';
import { sniffImage } from '../attachments.ts';
import { callDetails } from '../callbacks.ts';
import { replyVia, whatsappRoute } from '../callbacks-reply.ts';
import { VicError } from '../errors.ts';
import { decodeCursor, SORTS, type Viewer } from '../store/index.ts';
import { canSee } from '../tickets.ts';
import { idParam, parse, requestAudit, requireRole, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

const listSchema = z
  .object({
    queue: z.enum(['mine', 'court', 'unassigned', 'off-hours', 'escalated', 'out-of-scope', 'resolved', 'all']).default('all'),
    court: z.coerce.number().int().positive().optional(),
    channel: z.enum(['whatsapp', 'email', 'sip', 'web']).optional(),
    status: z.enum(['open', 'waiting', 'out_of_scope', 'resolved']).optional(),
    q: z.string().trim().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    // The last ticket of the page before, as the previous answer's nextCursor gave it.
    cursor: z
      .string()
      .max(100)
      .transform((s, ctx) => {
        const c = decodeCursor(s);
        if (!c) ctx.addIssue({ code: 'custom', message: 'not a cursor of this list' });
        return c ?? z.NEVER;
      })
      .optional(),
    // newest: by last change; oldest: the same read backwards; due: live tickets by reply-by time (searches are ranked).
    sort: z.enum(SORTS).default('newest'),
  })
  .refine((v) => !v.cursor || v.cursor.sort === v.sort, { message: 'the cursor is of another sort', path: ['cursor'] });
const messageSchema = z.object({
  kind: z.enum(['reply', 'note']),
  text: z.string().trim().min(1).max(10_000),
  // Reply to a ticket another operator holds: take it over first (otherwise 409 VIC_NOT_ASSIGNEE).
  takeOver: z.boolean().optional(),
  // A phone ticket's reply goes on WhatsApp to the same number (src/callbacks-reply.ts); it has no text channel.
  via: z.literal('whatsapp').optional(),
});
const assignSchema = z.object({ userId: z.number().int().positive().nullable() });
const patchSchema = z
  .object({
    courtId: z.number().int().positive().optional(),
    caseNumber: z.string().trim().max(60).nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
// in_scope: overrule the filter on an out-of-scope ticket; appeal: mark an open or waiting ticket as an appeal.
const scopeReason = z.string().trim().min(1).max(1000);
const scopeSchema = z.discriminatedUnion('verdict', [
  z.object({ verdict: z.literal('in_scope'), reason: scopeReason }),
  z.object({ verdict: z.literal('appeal'), reason: scopeReason }),
]);

export function ticketRoutes({ store, reads, tickets, outbox, attachments, clock, registry }: ApiDeps) {
  const r = Router();
  const audit = requestAudit(store, clock);
  const staff = requireRole('admin', 'operator');

  // A search over every court (an admin's, a court-less operator's) may scan: a read worker runs it.
  const searchTickets = async ({ id, role, courtId }: Viewer, f: Parameters<typeof store.searchTickets>[1]) =>
    role === 'admin' || (role === 'operator' && courtId === null)
      ? reads.run('searchTickets', { id, role, courtId }, f)
      : store.searchTickets({ id, role, courtId }, f);

  // A list shows citizens' names and subjects, and a search may be by a phone number or an e-mail address: the
  // filters (the search text included) are recorded, so that who looked for whom can be traced. One row per
  // request, whatever the number of tickets shown.
  r.get('/tickets', async (req, res) => {
    const p = parse(listSchema, req.query);
    const { court, q, cursor, ...f } = p;
    const list = q
      ? await searchTickets(userOf(req), { ...f, q, courtId: court }).then((l) => ({
          ...l,
          items: store.withLastMessage(l.items),
          nextCursor: null,
        }))
      : store.listTickets(userOf(req), { ...f, courtId: court, cursor });
    audit(req, {
      action: 'ticket.list',
      entity: 'ticket',
      details: { ...p, shown: list.items.length, total: list.total },
    });
    // unread: per viewer, so never in the broadcast rows (src/store/reads.ts).
    res.json({ ...list, items: store.withUnread(userOf(req).id, list.items) });
  });
  // Not audited: one number per queue, counted over what the user may see anyway, and it takes no filter or
  // search text, so it tells nothing about any citizen. byCourt: each court the user serves (a specialist: none).
  r.get('/tickets/counts', (req, res) => {
    const user = userOf(req);
    const courts =
      user.role === 'specialist'
        ? []
        : user.role === 'operator' && user.courtId !== null
          ? [user.courtId]
          : store.listCourts().map((c) => c.id);
    res.json({
      ...store.queueCounts(user),
      unreadMine: store.unreadMine(user.id).length,
      byCourt: Object.fromEntries(courts.map((id) => [String(id), store.courtQueueCounts(id)])),
    });
  });
  r.get('/tickets/:id', (req, res) => {
    const t = tickets.read(userOf(req), parse(idParam, req.params.id), req.ip ?? null);
    res.json({ ...t, calls: callDetails(store, t.calls), replyVia: replyVia(store, registry, t) });
  });
  r.post('/tickets/:id/messages', (req, res) => {
    const b = parse(messageSchema, req.body);
    const id = parse(idParam, req.params.id);
    const via = b.via && b.kind === 'reply' ? whatsappRoute(store, registry, tickets.visible(userOf(req), id)) : undefined;
    const { messageId } = tickets.post(userOf(req), id, b.kind, b.text, { takeOver: b.takeOver, via });
    // Sent: the draft it was typed in is done, on every device.
    store.deleteDraft(userOf(req).id, parse(idParam, req.params.id));
    res.status(201).json({ message: store.getMessage(messageId) });
  });
  r.post('/tickets/:id/claim', (req, res) => {
    res.json({ ticket: tickets.claim(userOf(req), parse(idParam, req.params.id)) });
  });
  r.post('/tickets/:id/assign', staff, (req, res) => {
    res.json({ ticket: tickets.assign(userOf(req), parse(idParam, req.params.id), parse(assignSchema, req.body).userId) });
  });
  r.post('/tickets/:id/resolve', staff, (req, res) => {
    res.json({ ticket: tickets.resolve(userOf(req), parse(idParam, req.params.id)) });
  });
  r.post('/tickets/:id/reopen', staff, (req, res) => {
    res.json({ ticket: tickets.reopen(userOf(req), parse(idParam, req.params.id)) });
  });
  r.patch('/tickets/:id', staff, (req, res) => {
    res.json({ ticket: tickets.update(userOf(req), parse(idParam, req.params.id), parse(patchSchema, req.body)) });
  });
  r.post('/tickets/:id/scope', staff, (req, res) => {
    const b = parse(scopeSchema, req.body);
    const id = parse(idParam, req.params.id);
    res.json({
      ticket: b.verdict === 'in_scope' ? tickets.overruleScope(userOf(req), id, b.reason) : tickets.markAppeal(userOf(req), id, b.reason),
    });
  });
  r.post('/messages/:id/retry', staff, (req, res) => {
    const m = store.getMessage(parse(idParam, req.params.id));
    if (!m) throw new VicError('VIC_MESSAGE_NOT_FOUND');
    tickets.visible(userOf(req), m.ticketId);
    if (!outbox.retry(m.id)) throw new VicError('VIC_MESSAGE_NOT_WAITING');
    res.json({ message: store.getMessage(m.id) });
  });

  // Attachments are downloads. Only a raster image (PNG, JPEG, GIF, WebP by its own bytes, whatever the sender
  // declared) may be shown inline, for the console's thumbnails; anything else asked inline is refused.
  // Either way nosniff and a sandboxing CSP keep a file from ever running as a page of the console's origin.
  r.get('/attachments/:id', (req, res) => {
    const a = store.getAttachment(parse(idParam, req.params.id));
    if (!a) throw new VicError('VIC_NOT_FOUND');
    const { inline } = parse(z.object({ inline: z.literal('1').optional() }), req.query);
    const t = store.getTicket(a.ticketId)!;
    if (!canSee(userOf(req), t)) throw new VicError('VIC_FORBIDDEN_COURT');
    const file = a.sha256 ? attachments.pathOf(a.sha256) : null;
    if (!file || !fs.existsSync(file))
      throw new VicError('VIC_NOT_FOUND', a.droppedReason ? `The attachment was not kept: ${a.droppedReason}` : 'The file is missing');
    const image = sniffImage(file);
    if (inline && !image) throw new VicError('VIC_NOT_AN_IMAGE');
    audit(req, {
      action: 'attachment.read',
      entity: 'ticket',
      entityId: t.id,
      details: { attachmentId: a.id, ...(inline ? { inline: true } : {}) },
    });
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    // Thumbnails are drawn again on every ticket update: the browser keeps them a while, shared caches never.
    res.setHeader('Cache-Control', 'private, max-age=600');
    res.attachment(a.filename);
    // express builds the filename parameter (RFC 6266, non-ASCII names included) only for "attachment".
    if (inline) res.setHeader('Content-Disposition', String(res.getHeader('Content-Disposition')).replace(/^attachment/, 'inline'));
    res.type(image ?? 'application/octet-stream');
    fs.createReadStream(file).pipe(res);
  });
  return r;
}
