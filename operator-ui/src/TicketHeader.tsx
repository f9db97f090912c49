// The ticket's header: title, status, who is viewing, the facts (court, assignee, reply-by time, verdict), the
// escalation question and the ticket's actions.
import type { ReactNode } from 'react';
import type { CourtRow, TicketDetail, TicketRow } from './api.ts';
import { EscalationControls, EscalationQuestion } from './escalation.tsx';
import { DueCountdown } from './DueCountdown.tsx';
import { CsatBadge } from './CsatBadge.tsx';
import { courtTime } from './format.ts';
import { useI18n } from './i18n.tsx';
import { PresenceBar } from './presence.tsx';
import { ScopeExplanation, showsScopeExplanation } from './ScopeExplanation.tsx';
import { ScopeVerdict } from './ScopeVerdict.tsx';
import { TicketActions } from './TicketActions.tsx';
import { TopicTags } from './TopicTags.tsx';
import { TicketCallBack } from './calls/PhoneReply.tsx';
import { ChannelIcon, courtName, StatusBadge } from './ui.tsx';

interface Props {
  ticket: TicketDetail;
  courts: CourtRow[];
  onClose: () => void;
  /** An action changed the ticket: the row it returned. */
  onChanged: (row: TicketRow) => void;
  onGone: () => void;
}

export function TicketHeader({ ticket: tk, courts, onClose, onChanged, onGone }: Props) {
  const { t, lang } = useI18n();
  const court = courts.find((c) => c.id === tk.courtId);
  const holderTitle = tk.escalations.find((e) => e.status === 'open' && e.toUserId === tk.specialistId)?.toTitle;
  return (
    <header className="ticket-head">
      <button type="button" className="back" onClick={onClose} aria-label={t('close')}>
        ←
      </button>
      <div className="title-row">
        <h2 id="ticket-title">
          <ChannelIcon channel={tk.channel} /> {tk.ref} · {tk.contactName ?? t('contact.noName')}
        </h2>
        <StatusBadge status={tk.status} />
      </div>
      <PresenceBar ticketId={tk.id} />
      <dl className="facts">
        <Fact label={t('ticket.court')}>{court ? courtName(court, lang) : tk.courtCode}</Fact>
        <Fact label={t('ticket.assignee')}>{tk.assigneeName ?? t('list.unassigned')}</Fact>
        {tk.specialistName && (
          <Fact label={t('ticket.specialist')}>
            {tk.specialistName}
            {holderTitle && ` (${holderTitle})`}
          </Fact>
        )}
        {tk.caseNumber && <Fact label={t('ticket.caseNumber')}>{tk.caseNumber}</Fact>}
        <Fact label={t('ticket.created')}>{courtTime(tk.createdAt)}</Fact>
        {tk.firstResponseAt === null && tk.firstResponseDueAt !== null && (
          <Fact label={t('ticket.due')} late={tk.slaBreachedAt !== null}>
            {courtTime(tk.firstResponseDueAt)}{' '}
            {tk.status !== 'resolved' && <DueCountdown courtId={tk.courtId} start={tk.createdAt} due={tk.firstResponseDueAt} />}
          </Fact>
        )}
        {tk.scopeVerdict && (
          <Fact label={t('ticket.scope')}>
            <ScopeVerdict ticket={tk} />
          </Fact>
        )}
        {/* In the facts' line, not a row of its own: the header stays low enough for the conversation. */}
        <Fact label={t('topics.fact')}>
          <TopicTags ticketId={tk.id} />
        </Fact>
      </dl>
      <CsatBadge ticketId={tk.id} version={tk.updatedAt} />
      <EscalationQuestion ticket={tk} />
      {tk.scopeFlagged && <p className="flag">{t('ticket.scopeFlagged')}</p>}
      {showsScopeExplanation(tk) && <ScopeExplanation explanation={tk.scopeExplanation} score={tk.scopeScore} />}
      {tk.subject && <p className="subject">{tk.subject}</p>}
      <TicketActions ticket={tk} courts={courts} onChanged={onChanged} onGone={onGone} />
      <TicketCallBack ticket={tk} />
      <EscalationControls ticket={tk} onChanged={onChanged} onGone={onGone} />
    </header>
  );
}

export function Fact({ label, late, children }: { label: string; late?: boolean; children: ReactNode }) {
  return (
    <div className={late ? 'late' : undefined}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
