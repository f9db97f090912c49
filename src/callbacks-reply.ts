// How a ticket's citizen can be answered. A caller has no text channel back: a phone ticket is answered by a
// call-back, or on WhatsApp to the same number when a WhatsApp channel is registered (their WhatsApp messages
// then join the same contact, which links WhatsApp ids by phone number). Never a reply that can only fail.
import type { ReplyVia } from './callbacks-types.ts';
import type { ChannelRegistry } from './channels.ts';
import { VicError } from './errors.ts';
import type { Store, TicketRow } from './store/index.ts';

export function replyVia(store: Store, registry: ChannelRegistry, t: Pick<TicketRow, 'channel' | 'contactId'>): ReplyVia[] {
  const phone = store.contactAddress(t.contactId, 'phone');
  const via: ReplyVia[] = t.channel === 'sip' ? [] : ['text'];
  if (phone && registry.get('sip')?.callBack) via.push('call-back');
  if (phone && t.channel === 'sip' && registry.get('whatsapp')) via.push('whatsapp');
  return via;
}

/** Where a WhatsApp reply on a phone ticket goes: the WhatsApp chat of the ticket's phone number. */
export function whatsappRoute(store: Store, registry: ChannelRegistry, t: Pick<TicketRow, 'channel' | 'contactId'>) {
  if (t.channel !== 'sip') throw new VicError('VIC_VALIDATION', 'Only a phone ticket is answered on WhatsApp instead');
  if (!registry.get('whatsapp')) throw new VicError('VIC_NO_WHATSAPP');
  const phone = store.contactAddress(t.contactId, 'phone');
  if (!phone) throw new VicError('VIC_NO_PHONE_NUMBER');
  return { channel: 'whatsapp' as const, to: `${phone.replace(/\D/g, '')}@c.us` };
}
