// Escalation to the specialist handling the matter (the escalation issue):
// - EscalateButton + dialog: suggested specialists (the one handling a case number of the ticket first, marked),
//   the question, "notify the citizen" → POST /api/tickets/:id/escalate;
// - EscalationQuestion: the open question on top of the ticket for the specialist holding it;
// - EscalationControls: hand back (specialist, operator, admin) and pass to another specialist (specialist, admin);
// - EscalationTimeline: every escalation of the ticket, newest first, with its times and status.
import { useEffect, useState, type FormEvent } from 'react';
import { api, type EscalationRow, type SpecialistSuggestion, type Suggestions, type TicketDetail, type TicketRow } from './api.ts';
import { courtTime } from './format.ts';
import { errorText, useI18n } from './i18n.tsx';
import { useSession } from './session.tsx';
import { ErrorLine, useModalDialog } from './ui.tsx';
import { useAction } from './util.ts';

/** The escalation still with a specialist, if any. */
export const openEscalation = (tk: TicketDetail): EscalationRow | undefined => tk.escalations.find((e) => e.status === 'open');

interface ControlProps {
  ticket: TicketDetail;
  onChanged: (t: TicketRow) => void;
  /** The ticket left what this user may see (a specialist handed it back or passed it on). */
  onGone: () => void;
}

/** The buttons of the ticket header: escalate (staff), take back (staff), hand back (the specialist holding it), pass (that specialist, admin). */
export function EscalationControls({ ticket, onChanged, onGone }: ControlProps) {
  const { t } = useI18n();
  const { user } = useSession();
  const { busy, error, run: act } = useAction();
  const [mode, setMode] = useState<'none' | 'hand-back' | 'pass'>('none');
  const open = openEscalation(ticket);
  const holder = user.role === 'specialist' && open?.toUserId === user.id;
  // An admin passes it on for a specialist who is away; the operator who asked keeps the question.
  const canPass = holder || (user.role === 'admin' && open !== undefined);

  const run = (fn: () => Promise<{ ticket: TicketRow }>) =>
    act(async () => {
      const r = await fn();
      setMode('none');
      if (user.role === 'specialist') onGone();
      else onChanged(r.ticket);
    });

  if (user.role === 'specialist' && !holder) return null;
  const canEscalate = user.role !== 'specialist' && !open && (ticket.status === 'open' || ticket.status === 'waiting');

  return (
    <div className="escalation" role="group" aria-label={t('esc.group')}>
      <div className="action-row">
        {canEscalate && <EscalateDialog ticket={ticket} onChanged={onChanged} />}
        {open && mode === 'none' && (
          <button type="button" disabled={busy} onClick={() => setMode('hand-back')}>
            {t(holder ? 'esc.handBack' : 'esc.takeBack')}
          </button>
        )}
        {canPass && mode === 'none' && (
          <button type="button" disabled={busy} onClick={() => setMode('pass')}>
            {t('esc.pass')}
          </button>
        )}
      </div>
      {mode === 'hand-back' && (
        <NoteForm
          label={t(holder ? 'esc.handBack' : 'esc.takeBack')}
          busy={busy}
          onCancel={() => setMode('none')}
          onSubmit={(note) => void run(() => api.post(`/api/tickets/${ticket.id}/hand-back`, { note }))}
        />
      )}
      {mode === 'pass' && open && (
        <PassForm
          ticket={ticket}
          current={open.toUserId}
          busy={busy}
          onCancel={() => setMode('none')}
          onSubmit={(specialistId, note) => void run(() => api.post(`/api/tickets/${ticket.id}/pass`, { specialistId, note }))}
        />
      )}
      <ErrorLine error={error} />
    </div>
  );
}

function NoteForm({
  label,
  busy,
  onSubmit,
  onCancel,
}: {
  label: string;
  busy: boolean;
  onSubmit: (note: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  return (
    <form
      className="inline"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(note.trim());
      }}
    >
      <label>
        {t('esc.note')}
        <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={5000} size={40} autoFocus />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {label}
      </button>
      <button type="button" onClick={onCancel}>
        {t('action.cancel')}
      </button>
    </form>
  );
}

function useSuggestions(ticketId: number) {
  const [data, setData] = useState<Suggestions | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    api.get<Suggestions>(`/api/tickets/${ticketId}/specialists`).then(
      (r) => live && setData(r),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [ticketId]);
  return { data, error };
}

function PassForm({
  ticket,
  current,
  busy,
  onSubmit,
  onCancel,
}: {
  ticket: TicketDetail;
  current: number;
  busy: boolean;
  onSubmit: (id: number, note: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const { data, error } = useSuggestions(ticket.id);
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const others = data?.items.filter((s) => s.userId !== current) ?? [];
  return (
    <form
      className="inline"
      aria-label={t('esc.pass')}
      onSubmit={(e) => {
        e.preventDefault();
        if (to) onSubmit(Number(to), note.trim());
      }}
    >
      <label>
        {t('esc.passTo')}
        <select value={to} onChange={(e) => setTo(e.target.value)} required disabled={!data}>
          <option value="">{data ? t('esc.choose') : error ? t('esc.listUnavailable') : t('loading')}</option>
          {others.map((s) => (
            <option key={s.userId} value={s.userId}>
              {specialistLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('esc.note')}
        <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={5000} size={30} />
      </label>
      <button type="submit" className="primary" disabled={busy || !to}>
        {t('esc.pass')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('action.cancel')}
      </button>
    </form>
  );
}

const specialistLabel = (s: SpecialistSuggestion) => (s.title ? `${s.name} — ${s.title}` : s.name);

/** The button and its modal dialog (native <dialog>: focus stays inside, Escape closes). */
function EscalateDialog({ ticket, onChanged }: { ticket: TicketDetail; onChanged: (t: TicketRow) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const ref = useModalDialog(open);
  return (
    <>
      <button type="button" data-shortcut="escalate" onClick={() => setOpen(true)}>
        {t('action.escalate')}
      </button>
      <dialog ref={ref} className="esc-dialog" aria-labelledby="esc-dialog-title" onClose={() => setOpen(false)}>
        {open && (
          <EscalateForm
            ticket={ticket}
            onCancel={() => setOpen(false)}
            onDone={(tk) => {
              setOpen(false);
              onChanged(tk);
            }}
          />
        )}
      </dialog>
    </>
  );
}

function EscalateForm({ ticket, onDone, onCancel }: { ticket: TicketDetail; onDone: (t: TicketRow) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const { data, error: loadError } = useSuggestions(ticket.id);
  const [picked, setPicked] = useState<number | null>(null);
  const [question, setQuestion] = useState('');
  const [notifyCitizen, setNotifyCitizen] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The first suggestion (the case's specialist when there is one) is preselected.
  useEffect(() => {
    if (data && picked === null && data.items[0]) setPicked(data.items[0].userId);
  }, [data, picked]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (picked === null || !question.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<{ ticket: TicketRow }>(`/api/tickets/${ticket.id}/escalate`, {
        specialistId: picked,
        question: question.trim(),
        notifyCitizen,
      });
      onDone(r.ticket);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} className="esc-form">
      <h2 id="esc-dialog-title">{t('esc.dialogTitle', { ref: ticket.ref })}</h2>
      {data && data.caseNumbers.length > 0 && <p className="muted">{t('esc.caseNumbers', { list: data.caseNumbers.join(', ') })}</p>}
      <fieldset className="esc-specialists">
        <legend>{t('esc.specialist')}</legend>
        {!data && !loadError && <p className="muted">{t('loading')}</p>}
        {loadError !== null && <ErrorLine error={errorText(t, loadError)} />}
        {data && data.items.length === 0 && <p className="muted">{t('esc.noSpecialists')}</p>}
        {data && data.items.length > 0 && (
          <ul aria-label={t('esc.suggestions')}>
            {data.items.map((s) => (
              <li key={s.userId} className={s.reason === 'case' ? 'by-case' : undefined} data-reason={s.reason}>
                <label className="check">
                  <input
                    type="radio"
                    name="specialist"
                    value={s.userId}
                    checked={picked === s.userId}
                    onChange={() => setPicked(s.userId)}
                  />
                  <span>
                    <span className="esc-name">{s.name}</span>
                    {s.title && <span className="muted"> — {s.title}</span>}{' '}
                    {s.reason === 'case' ? (
                      <span className="badge by-case">{t('esc.byCase', { case: s.caseNumber ?? '' })}</span>
                    ) : (
                      <span className="badge">{t('esc.byCourt')}</span>
                    )}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <label>
        {t('esc.question')}
        <textarea value={question} onChange={(e) => setQuestion(e.target.value)} rows={4} maxLength={5000} required autoFocus />
      </label>
      <label className="check">
        <input type="checkbox" checked={notifyCitizen} onChange={(e) => setNotifyCitizen(e.target.checked)} /> {t('esc.notify')}
      </label>
      <ErrorLine error={error} />
      <div className="action-row">
        <button type="submit" className="primary" disabled={busy || picked === null || !question.trim()}>
          {t('esc.send')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('action.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The open question, on top of the ticket for the specialist who holds it. */
export function EscalationQuestion({ ticket }: { ticket: TicketDetail }) {
  const { t } = useI18n();
  const { user } = useSession();
  const e = openEscalation(ticket);
  if (!e || user.role !== 'specialist' || e.toUserId !== user.id) return null;
  return (
    <section className="esc-question" aria-labelledby="esc-question-title">
      <h3 id="esc-question-title">{t('esc.questionFrom', { name: e.fromName })}</h3>
      <p className="text">{e.question}</p>
      <p className="muted">
        {courtTime(e.createdAt)}
        {e.answerDueAt !== null && ` · ${t('esc.answerDue')} ${courtTime(e.answerDueAt)}`}
      </p>
    </section>
  );
}

/** One time of an escalation's timeline; nothing when it has none. */
function Time({ label, at }: { label: string; at: number | null }) {
  if (at === null) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{courtTime(at)}</dd>
    </>
  );
}

/** Every escalation of the ticket, newest first. */
export function EscalationTimeline({ ticket }: { ticket: TicketDetail }) {
  const { t } = useI18n();
  if (ticket.escalations.length === 0) return null;
  const list = [...ticket.escalations].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  return (
    <>
      <h4 id="esc-timeline-title">{t('esc.timeline')}</h4>
      <ol className="esc-timeline" aria-labelledby="esc-timeline-title">
        {list.map((e) => (
          <li key={e.id} className={`esc esc-${e.status}`} data-escalation-status={e.status}>
            <p className="esc-q">{e.question}</p>
            <p className="muted">
              {e.fromName} → {e.toName}
              {e.toTitle && ` (${e.toTitle})`}
            </p>
            <span className={`badge esc-status-${e.status}`}>{t(`esc.status.${e.status}`)}</span>
            <dl className="esc-times">
              <Time label={t('esc.created')} at={e.createdAt} />
              {e.pickedUpAt !== null ? (
                <Time label={t('esc.pickedUp')} at={e.pickedUpAt} />
              ) : (
                e.status === 'open' && <Time label={t('esc.pickupDue')} at={e.pickupDueAt} />
              )}
              {e.answeredAt !== null ? (
                <Time label={t('esc.answeredAt')} at={e.answeredAt} />
              ) : (
                e.status === 'open' && <Time label={t('esc.answerDue')} at={e.answerDueAt} />
              )}
              <Time label={t('esc.closed')} at={e.closedAt} />
            </dl>
          </li>
        ))}
      </ol>
    </>
  );
}
