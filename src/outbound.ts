// Builds what an outbound message on a ticket needs: the citizen's address on the ticket's channel and,
// for e-mail, the headers that keep the reply in the citizen's thread.
import type { ChannelName } from './envelope.ts';
import type { OutboundMessage } from './channels.ts';
import type { Store, TicketRow } from './store/index.ts';

const IDENTITY_OF: Record<string, 'email' | 'whatsapp' | 'phone'> = { email: 'email', whatsapp: 'whatsapp', sip: 'phone', web: 'email' };

/** Reply and forward prefixes of the mail programs our citizens use (Russian, Kazakh, English, German, Nordic). */
const PREFIX = /^\s*((re|fwd?|aw|wg|sv|antw|ответ|отв|пересл|жауап)(\[\d+\])?\s*:\s*)+/i;

/** `[VIC-2026-00042] Re: <the subject without our tag and without any Re:/Fwd: chain>`. */
export function replySubject(ref: string, subject: string | null | undefined): string {
  let s = (subject ?? '').replace(/\[VIC-\d{4}-\d+\]/gi, ' ');
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(PREFIX, '').replace(/\[VIC-\d{4}-\d+\]/gi, ' ').trim();
  }
  return `[${ref}] Re: ${s.replace(/\s+/g, ' ').trim() || 'VIC'}`;
}

/**
 * The Message-ID behind an e-mail message's external id: the e-mail channel stores a second, different message
 * that reuses a Message-ID as `<id>#<fingerprint>` (see channels/email/channel.ts); headers carry only `<id>`.
 */
export function emailMessageId(externalId: string): string {
  return externalId.replace(/#[0-9a-f]+$/, '');
}

export function outboundFor(store: Store, ticket: TicketRow, messageId: number, text: string, auto?: OutboundMessage['auto']): OutboundMessage {
  const channel = ticket.channel as ChannelName;
  const to = store.contactAddress(ticket.contactId, IDENTITY_OF[channel] ?? channel) ?? '';
  const msg: OutboundMessage = { messageId, ticketRef: ticket.ref, channel, account: ticket.account, to, text, idempotencyKey: `vic-out-${messageId}`, ...(auto ? { auto } : {}) };
  if (channel === 'email') {
    const last = store.lastEmailOfTicket(ticket.id);
    msg.subject = replySubject(ticket.ref, last?.subject ?? ticket.subject);
    if (last) {
      const id = emailMessageId(last.externalId);
      const refs = last.emailRefs ? (JSON.parse(last.emailRefs) as string[]) : [];
      msg.inReplyTo = id;
      msg.references = [...refs.filter((r) => r !== id), id].slice(-20);
    }
  }
  return msg;
}
