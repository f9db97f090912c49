// Builds what an outbound message on a ticket needs: the citizen's address on the ticket's channel and,
// for e-mail, the headers that keep the reply in the citizen's thread.
import type { ChannelName } from './envelope.ts';
import type { OutboundMessage } from './channels.ts';
import type { Store, TicketRow } from './store/index.ts';

const IDENTITY_OF: Record<string, 'email' | 'whatsapp' | 'phone'> = { email: 'email', whatsapp: 'whatsapp', sip: 'phone', web: 'email' };

export function outboundFor(store: Store, ticket: TicketRow, messageId: number, text: string, auto?: OutboundMessage['auto']): OutboundMessage {
  const channel = ticket.channel as ChannelName;
  const to = store.contactAddress(ticket.contactId, IDENTITY_OF[channel] ?? channel) ?? '';
  const msg: OutboundMessage = { messageId, ticketRef: ticket.ref, channel, account: ticket.account, to, text, idempotencyKey: `vic-out-${messageId}`, ...(auto ? { auto } : {}) };
  if (channel === 'email') {
    const last = store.lastEmailOfTicket(ticket.id);
    const base = (last?.subject ?? ticket.subject ?? '').replace(/^((re|fwd?|aw|ответ)\s*:\s*)+/i, '').trim();
    const clean = base.replace(/\[VIC-\d{4}-\d+\]\s*/gi, '').trim();
    msg.subject = `[${ticket.ref}] Re: ${clean || 'VIC'}`;
    if (last) {
      msg.inReplyTo = last.externalId;
      msg.references = [...(last.emailRefs ? (JSON.parse(last.emailRefs) as string[]) : []), last.externalId].slice(-20);
    }
  }
  return msg;
}
