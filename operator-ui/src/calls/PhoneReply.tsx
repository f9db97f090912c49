// The call-back offers of a ticket: in the composer of a phone ticket (whose citizen no text reply reaches) and in
// the header of any other ticket whose contact has a phone number. One button per ticket.
import type { TicketDetail } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { CallBackButton } from './CallBackButton.tsx';
import { replyReach } from './reply-via.ts';
import '../calls.css';

/** In the composer of a phone ticket: why there is no text reply, and the call-back (when one can be placed). */
export function PhoneReply({ ticketId, callBack, whatsapp }: { ticketId: number; callBack: boolean; whatsapp: boolean }) {
  const { t } = useI18n();
  return (
    <div className="composer-phone" data-phone-reply="">
      <span>{t(whatsapp ? 'calls.composer.phoneOrWhatsapp' : 'calls.composer.phoneOnly')}</span>
      {callBack && <CallBackButton ticketId={ticketId} />}
    </div>
  );
}

/** In the ticket's header: "Перезвонить", unless the composer offers it (a phone ticket). */
export function TicketCallBack({ ticket }: { ticket: TicketDetail }) {
  const { user } = useSession();
  const reach = replyReach(ticket);
  if (user.role !== 'operator' || !reach.callBack || reach.phoneOnly) return null;
  return (
    <div className="action-row ticket-call-back">
      <CallBackButton ticketId={ticket.id} />
    </div>
  );
}
