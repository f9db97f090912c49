// The live call panel, at the foot of the left column (beside the ticket, never over its composer): for each
// of this user's live legs the caller's number and contact, a link to the ticket, the state with a running timer,
// and the actions the call allows: move it to a specialist (the suggestions the escalation dialog offers) and hang
// up. Also the notice that unanswered rings set this user away.
import { useEffect, useRef, useState } from 'react';
import { api, qs, type Presence, type Suggestions } from '../api.ts';
import { useNow } from '../countdown.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { Link, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { ChannelIcon, ErrorLine } from '../ui.tsx';
import { useAction } from '../util.ts';
import { CallsFeed, dismissRona, useCalls } from './live.tsx';
import type { LiveCall } from './types.ts';
import '../calls.css';

/** Mounted once in the console: it also runs the feed of this user's calls (live.tsx). */
export function CallPanel() {
  const { t } = useI18n();
  const { calls, rona } = useCalls();
  return (
    <>
      <CallsFeed />
      {(calls.length > 0 || rona) && (
        <section className="call-dock" aria-label={t('calls.panel.label')}>
          {rona && <RonaNotice />}
          {calls.map((c) => (
            <CallCard key={c.callId} call={c} />
          ))}
        </section>
      )}
    </>
  );
}

/** "1:05", "1:02:05": how long the leg has been in its state. */
function clockText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor((s % 3600) / 60));
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

function CallCard({ call }: { call: LiveCall }) {
  const { t } = useI18n();
  const { user } = useSession();
  const { info } = useCalls();
  const { params } = useLocation();
  const now = useNow(1000);
  const { busy, error, run } = useAction();
  const tk = info[call.ticketId];
  const titleId = `call-${call.callId}-title`;
  const title = t(
    call.role === 'callback' ? 'calls.panel.callback' : call.role === 'specialist' ? 'calls.panel.transferred' : 'calls.panel.incoming',
  );
  const live = call.state !== 'ringing';
  // The API moves calls for operators and admins; a specialist's leg is already the end of a transfer.
  const canTransfer = live && call.role !== 'specialist' && (user.role === 'operator' || user.role === 'admin');
  const hangup = () => run(() => api.post(`/api/calls/${encodeURIComponent(call.callId)}/hangup`));
  return (
    <article className={`call-card call-${call.state}`} aria-labelledby={titleId} data-call-state={call.state}>
      <h2 id={titleId}>
        <ChannelIcon channel="sip" /> {title}
      </h2>
      <dl className="call-facts">
        <dt>{t('calls.panel.number')}</dt>
        <dd className="call-number">{call.number}</dd>
        {tk?.contactName && (
          <>
            <dt>{t('calls.panel.contact')}</dt>
            <dd className="call-name">{tk.contactName}</dd>
          </>
        )}
      </dl>
      <p className="call-status">
        {/* Announced when it changes (answered, held); the timer, ticking, is not. */}
        <span className="badge call-state" aria-live="polite">
          {t(`calls.state.${call.state}`)}
        </span>{' '}
        <span role="timer" aria-label={t('calls.panel.timer')} className="call-timer">
          {clockText(now - call.since)}
        </span>
      </p>
      <Link href={`/tickets/${call.ticketId}${qs({ queue: params.get('queue') })}`}>
        {tk ? t('calls.panel.open', { ref: tk.ref }) : t('calls.panel.openTicket')}
      </Link>
      {tk && tk.others > 0 && <p className="muted">{t('calls.panel.others', { n: tk.others })}</p>}
      {canTransfer && <TransferPicker call={call} />}
      {live && (
        <button
          type="button"
          className="call-hangup"
          disabled={busy}
          onClick={() => void hangup()}
          aria-label={t('calls.panel.hangupOf', { number: call.number })}
        >
          {t('calls.panel.hangup')}
        </button>
      )}
      <ErrorLine error={error} />
    </article>
  );
}

/** The suggested specialists (GET /api/tickets/:id/specialists: the case's one first), one button each. */
function TransferPicker({ call }: { call: LiveCall }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [list, setList] = useState<Suggestions | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [sent, setSent] = useState<{ name: string; warning?: string } | null>(null);
  const { busy, error, run } = useAction();
  const toggle = useRef<HTMLButtonElement>(null);
  const listId = `call-${call.callId}-specialists`;
  useEffect(() => {
    if (!open || list) return;
    let current = true;
    api.get<Suggestions>(`/api/tickets/${call.ticketId}/specialists`).then(
      (r) => current && setList(r),
      (e) => current && setLoadError(errorText(t, e)),
    );
    return () => {
      current = false;
    };
  }, [open, call.ticketId]);
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const transfer = (specialistId: number, name: string) =>
    run(async () => {
      const r = await api.post<{ ok: boolean; warning?: string }>(`/api/calls/${encodeURIComponent(call.callId)}/transfer`, {
        specialistId,
      });
      setSent({ name, warning: r.warning });
      setOpen(false);
    });
  return (
    <div className="call-transfer" onKeyDown={(e) => e.key === 'Escape' && open && close()}>
      <button ref={toggle} type="button" aria-expanded={open} aria-controls={listId} onClick={() => setOpen(!open)} disabled={busy}>
        {t('calls.panel.transfer')}
      </button>
      {open && (
        <div id={listId}>
          {!list && !loadError && <p className="muted">{t('loading')}</p>}
          <ErrorLine error={loadError} />
          {list && list.items.length === 0 && <p className="muted">{t('calls.panel.noSpecialists')}</p>}
          {list && list.items.length > 0 && (
            <ul aria-label={t('calls.panel.transferTo')}>
              {list.items.map((s, i) => (
                <li key={s.userId}>
                  <button type="button" disabled={busy} autoFocus={i === 0} onClick={() => void transfer(s.userId, s.name)}>
                    <span className="esc-name">{s.name}</span>
                    {s.title && <span className="muted"> — {s.title}</span>}
                    {s.reason === 'case' && <span className="badge by-case">{t('calls.panel.byCase', { case: s.caseNumber ?? '' })}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {sent && (
        <p role="status" className="call-transferring">
          {t('calls.panel.transferring', { name: sent.name })}
        </p>
      )}
      {sent?.warning && (
        <p role="alert" className="call-warning">
          {t('calls.degraded')}
        </p>
      )}
      <ErrorLine error={error} />
    </div>
  );
}

/** Unanswered rings set this user away: said plainly, with the way back. */
function RonaNotice() {
  const { t } = useI18n();
  const { rona } = useCalls();
  const { setPresence } = useSession();
  const { busy, error, run } = useAction();
  if (!rona) return null;
  const back = () =>
    run(async () => {
      setPresence((await api.put<{ presence: Presence }>('/api/me/presence', { status: 'available' })).presence);
      dismissRona();
    });
  return (
    <div className="call-rona" role="alert" data-rona="">
      <p>{rona.missed ? t('calls.rona.text', { n: rona.missed }) : t('calls.rona.textSome')}</p>
      <div className="action-row">
        <button type="button" className="primary" disabled={busy} onClick={() => void back()}>
          {t('calls.rona.back')}
        </button>
        <button type="button" onClick={dismissRona} aria-label={t('calls.rona.dismiss')}>
          ×
        </button>
      </div>
      <ErrorLine error={error} />
    </div>
  );
}
