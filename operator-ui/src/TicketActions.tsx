// What staff can do with a ticket. Each action answers with the updated ticket, which the view merges;
// the socket brings the same change to everyone else looking at it.
import { useEffect, useState, type FormEvent } from 'react';
import { api, type CourtRow, type TicketRow, type UserRow } from './api.ts';
import { useI18n } from './i18n.tsx';
import { ClaimButton } from './presence.tsx';
import { useSession } from './session.tsx';
import { TicketHeaderMenu } from './TicketHeaderMenu.tsx';
import { ErrorLine } from './ui.tsx';
import { useAction } from './util.ts';

/** Channels that carry the appeal answer back to the citizen (a call does not). */
const REPLYABLE = new Set(['whatsapp', 'email', 'web']);

interface Props {
  ticket: TicketRow;
  courts: CourtRow[];
  onChanged: (t: TicketRow) => void;
  /** The ticket left what this user may see (handed to another court). */
  onGone: () => void;
}

export function TicketActions({ ticket, courts, onChanged, onGone }: Props) {
  const { t } = useI18n();
  const { user } = useSession();
  const action = useAction();
  const [overruling, setOverruling] = useState(false);
  // "This is an appeal": asked to confirm, since it answers the citizen.
  const [marking, setMarking] = useState(false);
  const [reason, setReason] = useState('');

  if (user.role === 'specialist') return null;

  const { busy, error } = action;
  const run = (fn: () => Promise<{ ticket: TicketRow }>) =>
    action.run(async () => {
      const r = await fn();
      const movedAway = user.role === 'operator' && user.courtId !== null && r.ticket.courtId !== user.courtId;
      if (movedAway) onGone();
      else onChanged(r.ticket);
    });
  const base = `/api/tickets/${ticket.id}`;
  const isMine = ticket.assigneeId === user.id;

  const decideScope = async (e: FormEvent, verdict: 'in_scope' | 'appeal') => {
    e.preventDefault();
    if (await run(() => api.post(`${base}/scope`, { verdict, reason: reason.trim() }))) {
      setOverruling(false);
      setMarking(false);
      setReason('');
    }
  };
  const canMark = (ticket.status === 'open' || ticket.status === 'waiting') && ticket.specialistId === null;

  return (
    <div className="actions" role="group" aria-label={t('ticket.actions')}>
      <div className="action-row">
        {user.role === 'operator' && !isMine && ticket.status !== 'out_of_scope' && (
          <ClaimButton ticket={ticket} busy={busy} onClaim={() => run(() => api.post(`${base}/claim`))} />
        )}
        {user.role === 'operator' && isMine && (
          <button type="button" disabled={busy} onClick={() => void run(() => api.post(`${base}/assign`, { userId: null }))}>
            {t('action.release')}
          </button>
        )}
        {user.role === 'admin' && <AssignControl ticket={ticket} busy={busy} run={run} />}
        {ticket.status === 'resolved' ? (
          <button type="button" disabled={busy} onClick={() => void run(() => api.post(`${base}/reopen`))}>
            {t('action.reopen')}
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => void run(() => api.post(`${base}/resolve`))}>
            {t('action.resolve')}
          </button>
        )}
        {ticket.status === 'out_of_scope' && !overruling && (
          <button type="button" disabled={busy} onClick={() => setOverruling(true)}>
            {t('action.overrule')}
          </button>
        )}
        {canMark && !marking && (
          <button type="button" disabled={busy} onClick={() => setMarking(true)}>
            {t('action.markAppeal')}
          </button>
        )}
        {/* Moving to another court and the case number: folded into the "⋯" menu. */}
        <TicketHeaderMenu ticket={ticket} courts={courts} busy={busy} run={run} />
      </div>
      {overruling && (
        <form className="overrule" onSubmit={(e) => void decideScope(e, 'in_scope')} aria-label={t('action.overruleTitle')}>
          <label>
            {t('action.reason')}
            <input value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={1000} autoFocus />
          </label>
          <button type="submit" className="primary" disabled={busy || !reason.trim()}>
            {t('action.overrule')}
          </button>
          <button type="button" onClick={() => setOverruling(false)}>
            {t('action.cancel')}
          </button>
        </form>
      )}
      {marking && canMark && (
        <form className="overrule" onSubmit={(e) => void decideScope(e, 'appeal')} aria-label={t('action.markAppealTitle')}>
          <p className="flag">{t(REPLYABLE.has(ticket.channel) ? 'action.markAppealReply' : 'action.markAppealNoReply')}</p>
          <label>
            {t('action.reason')}
            <input value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={1000} autoFocus />
          </label>
          <button type="submit" className="primary" disabled={busy || !reason.trim()}>
            {t('action.markAppealConfirm')}
          </button>
          <button type="button" onClick={() => setMarking(false)}>
            {t('action.cancel')}
          </button>
        </form>
      )}
      <ErrorLine error={error} />
    </div>
  );
}

/** Admins hand a ticket to an active operator who serves its court (operators just claim). */
function AssignControl({
  ticket,
  busy,
  run,
}: {
  ticket: TicketRow;
  busy: boolean;
  run: (fn: () => Promise<{ ticket: TicketRow }>) => Promise<boolean>;
}) {
  const { t } = useI18n();
  const [operators, setOperators] = useState<UserRow[]>([]);
  const [userId, setUserId] = useState(ticket.assigneeId ? String(ticket.assigneeId) : '');
  useEffect(() => {
    setUserId(ticket.assigneeId ? String(ticket.assigneeId) : '');
  }, [ticket.assigneeId]);
  useEffect(() => {
    api.get<{ items: UserRow[] }>('/api/users').then(
      (r) => setOperators(r.items.filter((u) => u.role === 'operator' && u.active && (u.courtId === null || u.courtId === ticket.courtId))),
      () => setOperators([]),
    );
  }, [ticket.courtId]);
  return (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault();
        void run(() => api.post(`/api/tickets/${ticket.id}/assign`, { userId: userId ? Number(userId) : null }));
      }}
    >
      <label>
        {t('action.assignTo')}
        <select value={userId} onChange={(e) => setUserId(e.target.value)}>
          <option value="">{t('action.nobody')}</option>
          {operators.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={busy || userId === (ticket.assigneeId ? String(ticket.assigneeId) : '')}>
        {t('action.assign')}
      </button>
    </form>
  );
}
