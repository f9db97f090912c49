// The place for escalation to a specialist (the escalation issue): its dialog and the ticket's escalation
// history go here. Until then the button is shown disabled, saying why, so nobody thinks it was sent.
import type { TicketRow } from './api.ts';
import { useI18n } from './i18n.tsx';
import { useSession } from './session.tsx';

export function EscalationSlot({ ticket }: { ticket: TicketRow }) {
  const { t } = useI18n();
  const { user } = useSession();
  if (user.role === 'specialist' || ticket.status === 'resolved') return null;
  return (
    <div className="escalation-slot">
      <button type="button" disabled aria-describedby="escalation-soon">
        {t('action.escalate')}
      </button>
      <span id="escalation-soon" className="muted">
        {t('action.escalateSoon')}
      </span>
    </div>
  );
}
