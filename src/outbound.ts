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
  for (let prev = ''; prev !== s;) {
    prev = s;
    s = s
      .replace(PREFIX, '')
      .replace(/\[VIC-\d{4}-\d+\]/gi, ' ')
      .trim();
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

/** At most this many Message-IDs in References (RFC 5322 §3.6.4 allows trimming; the root stays). */
const MAX_REFERENCES = 20;

const idsOf = (emailRefs: string | null): string[] => (emailRefs ? (JSON.parse(emailRefs) as string[]) : []);

/**
 * The References of a reply (RFC 5322 §3.6.4): the parent's References and the parent, led by the chain that
 * ends in the ticket's first message, so the thread keeps its root even when the citizen's program dropped it.
 * Trimmed to the root, the ticket's first message and the newest ones.
 */
export function replyReferences(
  first: { id: string; refs: string[] },
  parent: { id: string; refs: string[] },
  max = MAX_REFERENCES,
): string[] {
  const chain = [...new Set([...first.refs, first.id, ...parent.refs].filter((id) => id !== parent.id)), parent.id];
  if (chain.length <= max) return chain;
  const keep = new Set([chain[0], first.id]);
  for (let i = chain.length - 1; keep.size < max; i--) keep.add(chain[i]);
  return chain.filter((id) => keep.has(id));
}

export function outboundFor(
  store: Store,
  ticket: TicketRow,
  messageId: number,
  text: string,
  auto?: OutboundMessage['auto'],
): OutboundMessage {
  const channel = ticket.channel as ChannelName;
  const to = store.contactAddress(ticket.contactId, IDENTITY_OF[channel] ?? channel) ?? '';
  const msg: OutboundMessage = {
    messageId,
    ticketRef: ticket.ref,
    channel,
    account: ticket.account,
    to,
    text,
    idempotencyKey: `vic-out-${messageId}`,
    ...(auto ? { auto } : {}),
  };
  if (channel === 'email') {
    // A reply answers the citizen's latest message, never our own auto-reply or an earlier reply of ours: a mail
    // program that filed those away (or never showed them) would otherwise lose the thread.
    const thread = store.emailThreadOfTicket(ticket.id);
    msg.subject = replySubject(ticket.ref, thread?.latest.subject ?? ticket.subject);
    if (thread) {
      const parent = { id: emailMessageId(thread.latest.externalId), refs: idsOf(thread.latest.emailRefs) };
      msg.inReplyTo = parent.id;
      msg.references = replyReferences({ id: emailMessageId(thread.first.externalId), refs: idsOf(thread.first.emailRefs) }, parent);
    }
  }
  return msg;
}
