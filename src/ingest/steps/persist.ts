// Persist: the only step that writes. It runs inside the pipeline's single transaction.
import { localYearOf } from '../../../routing/calendar/index.ts';
import { outboundFor } from '../../outbound.ts';
import { unauthoredMessageRow, type NewMessage, type TicketRow } from '../../store/index.ts';
import type { Step } from '../context.ts';

export const persist: Step = (ctx, { store, calendarFor }) => {
  const { env, now } = ctx;
  let contactId = ctx.contact.id;
  let named = false;
  if (contactId === null) contactId = store.createContact(ctx.contact.name, ctx.language === 'unknown' ? null : ctx.language, now);
  else if (ctx.contact.name) named = store.setContactNameIfEmpty(contactId, ctx.contact.name);
  for (const i of ctx.contact.identities) store.addIdentity(contactId, i.kind, i.address, now);

  let ticketId: number;
  // The ticket as stored, when it is known without reading it back.
  let stored: TicketRow | undefined;
  const existing = ctx.ticket;
  // The citizen is told once per off-hours period: the ticket remembers which opening it announced.
  const told = ctx.autoReplies.some((r) => r.kind === 'off-hours') ? { offhoursReplyFor: ctx.nextOpening } : {};
  if (existing) {
    ticketId = existing.id;
    const change = {
      lastInboundAt: now,
      // Writing an unchanged status would still rewrite the three indexes that hold it.
      ...(ctx.status !== existing.status ? { status: ctx.status } : {}),
      ...(ctx.reopen ? { resolvedAt: null, assigneeId: ctx.assigneeId } : {}),
      ...(!ctx.reopen && existing.assigneeId === null && ctx.assigneeId !== null ? { assigneeId: ctx.assigneeId } : {}),
      ...(ctx.messageScopeFlag ? { scopeFlagged: true } : {}),
      ...(existing.language === null && ctx.language !== 'unknown' ? { language: ctx.language } : {}),
      ...told,
    };
    store.updateTicket(ticketId, change, now);
    // The ticket threading read, with the fields just written: reading it back costs as much as the rest of
    // this step. A new assignee or a contact named just now changes joined names, so that ticket is read back.
    if (!('assigneeId' in change) && !named) stored = { ...existing, ...change, updatedAt: now };
    if (ctx.reopen)
      store.audit({
        at: now,
        userId: null,
        action: 'ticket.reopened',
        entity: 'ticket',
        entityId: ticketId,
        details: { by: 'inbound', channel: env.channel },
      });
  } else {
    // The year the citizen lives in: a message on 1 January before 05:00 local is still 31 December in UTC.
    const ref = store.nextTicketRef(localYearOf(calendarFor(ctx.court.id), new Date(now)));
    stored = store.createTicket({
      ref,
      courtId: ctx.court.id,
      contactId,
      channel: env.channel,
      account: env.account,
      subject: env.thread?.subject ?? null,
      status: ctx.status,
      assigneeId: ctx.assigneeId,
      language: ctx.language,
      scopeVerdict: ctx.scope?.verdict ?? null,
      scopeScore: ctx.scope?.score ?? null,
      scopeFlagged: ctx.scope?.flagged ?? false,
      scope: ctx.scope,
      firstResponseDueAt: ctx.firstResponseDueAt,
      ...told,
      now,
    });
    ticketId = stored.id;
  }
  if (ctx.assigneeId !== null && ctx.assigneeId !== (existing?.assigneeId ?? null)) {
    store.markAssigned(ctx.assigneeId, now);
    store.audit({
      at: now,
      userId: null,
      action: 'ticket.assigned',
      entity: 'ticket',
      entityId: ticketId,
      details: { to: ctx.assigneeId, by: 'routing' },
    });
  }

  const emailRefs = env.thread ? [...(env.thread.references ?? []), ...(env.thread.inReplyTo ? [env.thread.inReplyTo] : [])] : null;
  const inbound: Omit<NewMessage, 'authorId'> = {
    ticketId,
    direction: 'in',
    channel: env.channel,
    externalId: env.externalId,
    contactId,
    text: env.text,
    html: env.html ?? null,
    subject: env.thread?.subject ?? null,
    emailRefs: emailRefs ? [...new Set(emailRefs)] : null,
    scopeFlag: ctx.messageScopeFlag,
    now: env.receivedAt || now,
  };
  const messageId = store.insertMessage(inbound);
  const messages = [unauthoredMessageRow(messageId, inbound)];
  for (const a of ctx.attachments) store.insertAttachment({ messageId, ...a });
  if (env.call) {
    const c = env.call;
    store.upsertCall({
      ticketId,
      messageId,
      callId: c.callId,
      from: c.from,
      to: c.to,
      outcome: c.outcome,
      operatorId: c.operatorUserId ?? null,
      startedAt: c.startedAt,
      answeredAt: c.answeredAt ?? null,
      endedAt: c.endedAt ?? null,
      callbackDueAt: null,
    });
  }

  // The ticket as committed, read inside the transaction: a read of its own after commit would take and
  // release the WAL locks again. Auto-replies below add messages only, not ticket changes.
  const ticket = stored ?? store.getTicket(ticketId)!;
  for (const r of ctx.autoReplies) {
    const reply: Omit<NewMessage, 'authorId'> = {
      ticketId,
      direction: 'out',
      channel: env.channel,
      auto: r.kind,
      text: r.text.replaceAll('{ref}', ticket.ref),
      deliveryStatus: 'queued',
      now,
    };
    const id = store.insertMessage(reply);
    store.enqueueOutbox(id, env.channel, outboundFor(store, ticket, id, reply.text, r.kind), now);
    messages.push(unauthoredMessageRow(id, reply));
  }
  ctx.result = { ticket, ticketCreated: !existing, messages };
};
