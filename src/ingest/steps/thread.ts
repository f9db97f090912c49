// Threading: which ticket does this message continue?
// E-mail: In-Reply-To / References against stored Message-IDs, then a ticket reference in the subject.
// Chat and calls: the contact's open ticket, or one resolved within the reopen window.
import type { Step } from '../context.ts';

const REF_IN_SUBJECT = /\bVIC-\d{4}-\d{5,}\b/i;

export const thread: Step = (ctx, { store, config }) => {
  const { env } = ctx;
  const windowStart = ctx.now - config.REOPEN_WINDOW_HOURS * 3_600_000;
  let ticket = undefined;
  if (env.channel === 'email') {
    const ids = [...(env.thread?.references ?? []), ...(env.thread?.inReplyTo ? [env.thread.inReplyTo] : [])];
    const byHeader = ids.length ? store.ticketByEmailMessageIds(ids) : undefined;
    ticket = byHeader ? store.getTicket(byHeader) : undefined;
    const ref = !ticket && env.thread?.subject ? REF_IN_SUBJECT.exec(env.thread.subject)?.[0] : undefined;
    if (ref) ticket = store.getTicketByRef(ref);
    // A reply to a ticket resolved long ago is a new matter.
    if (ticket?.status === 'resolved' && (ticket.resolvedAt ?? 0) < windowStart) ticket = undefined;
  } else if (ctx.contact.id) {
    ticket = store.openTicketOfContact(ctx.contact.id) ?? store.resolvedTicketOfContactSince(ctx.contact.id, windowStart);
  }
  if (ticket) {
    ctx.ticket = ticket;
    ctx.reopen = ticket.status === 'resolved';
    ctx.court = store.getCourt(ticket.courtId)!;
  }
};
