// What a reply on a ticket can reach the citizen by (the ticket's `replyVia`): a phone ticket has no plain text
// reply, only a call-back, and a WhatsApp message to the same number when that channel is configured.
import type { TicketDetail } from '../api.ts';
import type { ReplyVia } from './types.ts';

export interface Reach {
  /** A reply of the composer's own kind, through the ticket's channel. */
  text: boolean;
  /** A reply posted with `via: 'whatsapp'`, to the caller's number (a phone ticket only). */
  whatsapp: boolean;
  /** A call-back can be placed (a phone number, a phone channel that calls back). */
  callBack: boolean;
  /** No text reply reaches the citizen: the composer says so and offers the call-back. */
  phoneOnly: boolean;
}

export function replyReach(tk: Pick<TicketDetail, 'replyVia' | 'channel' | 'contact'>): Reach {
  // A server without `replyVia` still cannot send on the phone channel.
  const via: ReplyVia[] = tk.replyVia ?? (tk.channel === 'sip' ? ['call-back'] : phoneOf(tk) ? ['text', 'call-back'] : ['text']);
  const text = via.includes('text');
  return { text, whatsapp: !text && via.includes('whatsapp'), callBack: via.includes('call-back'), phoneOnly: !text };
}

/** The ticket's phone number, when its contact has one (what a call-back dials). */
export function phoneOf(tk: Pick<TicketDetail, 'contact'>): string | null {
  return tk.contact.identities.find((i) => i.kind === 'phone')?.address ?? null;
}
