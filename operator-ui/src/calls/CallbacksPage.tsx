// The callbacks queue: missed calls to be called back, due first, each with who called, when, how long they
// waited, whose phones rang, the due time counted down in the court's working time, the attempts so far, and the
// actions: call back, done, "no answer, try again at…". Read again when a task changes (`callback.updated`).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, qs } from '../api.ts';
import { DueCountdown } from '../DueCountdown.tsx';
import { courtTime } from '../format.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useLive, useServerEvent } from '../realtime.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { ErrorLine } from '../ui.tsx';
import { useAction, useDebounced } from '../util.ts';
import { CallBackButton } from './CallBackButton.tsx';
import { CALLBACKS_PATH, useCallbackCounts } from './CallbacksNav.tsx';
import { fromCourtInput, toCourtInput } from './court-input.ts';
import type { CallbackTask } from './types.ts';
import { durationText, resultText } from './words.ts';
import '../calls.css';

const PAGE = 50;
type Tab = 'open' | 'done';

export function CallbacksPage() {
  const { t } = useI18n();
  const { epoch } = useLive();
  const { params } = useLocation();
  const tab: Tab = params.get('state') === 'done' ? 'done' : 'open';
  const counts = useCallbackCounts();
  const [items, setItems] = useState<CallbackTask[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Only the latest request's answer is shown (a tab switched while one was on its way).
  const seq = useRef(0);
  const load = async (cursor?: string) => {
    const mine = ++seq.current;
    try {
      const r = await api.get<{ items: CallbackTask[]; next: string | null }>(`/api/callbacks${qs({ state: tab, limit: PAGE, cursor })}`);
      if (mine !== seq.current) return;
      setItems((l) => (cursor && l ? [...l, ...r.items] : r.items));
      setNext(r.next);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(errorText(t, e));
    }
  };
  useEffect(() => {
    void load();
  }, [tab, epoch]);
  const reload = useDebounced(() => load(), 300);
  useServerEvent('callback.updated', reload);

  return (
    <main className="admin callbacks" aria-labelledby="callbacks-title">
      <h1 id="callbacks-title">{t('calls.queue.title')}</h1>
      {counts && (
        <p className="muted" data-callbacks-summary="">
          {t('calls.queue.summary', { open: counts.open, overdue: counts.overdue, today: counts.dueToday })}
        </p>
      )}
      <div className="callbacks-tabs" role="group" aria-label={t('calls.queue.tabs')}>
        {(['open', 'done'] as const).map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={tab === s}
            onClick={() => navigate(`${CALLBACKS_PATH}${qs({ state: s === 'done' ? s : null })}`, true)}
          >
            {t(`calls.queue.${s}`)}
          </button>
        ))}
      </div>
      <ErrorLine error={error} />
      {!items ? (
        !error && <p className="muted">{t('loading')}</p>
      ) : items.length === 0 ? (
        <p className="placeholder">{t('calls.queue.empty')}</p>
      ) : (
        <ul className="callback-tasks" aria-label={t('calls.queue.list')}>
          {items.map((task) => (
            <TaskItem key={task.callId} task={task} onChanged={reload} />
          ))}
        </ul>
      )}
      {next && (
        <button type="button" className="more" onClick={() => void load(next)}>
          {t('calls.queue.more')}
        </button>
      )}
    </main>
  );
}

function TaskItem({ task, onChanged }: { task: CallbackTask; onChanged: () => void }) {
  const { t } = useI18n();
  const { params } = useLocation();
  const { busy, error, run } = useAction();
  const [retrying, setRetrying] = useState(false);
  const id = encodeURIComponent(task.callId);
  const titleId = `cb-${task.callId}-title`;
  const done = () => run(() => api.post(`/api/callbacks/${id}/done`)).then((ok) => ok && onChanged());
  const open = task.doneAt === null;
  return (
    <li className={`callback-task${task.overdue && open ? ' overdue' : ''}`} aria-labelledby={titleId} data-callback={task.callId}>
      <div className="callback-head">
        <h2 id={titleId}>{task.contactName ? `${task.contactName} · ${task.number}` : task.number}</h2>
        {task.overdue && open && <span className="badge late">{t('calls.queue.overdue')}</span>}
        <Link href={`/tickets/${task.ticketId}${qs({ queue: params.get('queue') })}`}>
          {t('calls.queue.ticket', { ref: task.ticketRef })}
        </Link>
      </div>
      <dl className="callback-facts">
        <dt>{t('calls.queue.missedAt')}</dt>
        <dd>{courtTime(task.missedAt)}</dd>
        {task.waitedMs !== null && (
          <>
            <dt>{t('calls.queue.waited')}</dt>
            <dd>{durationText(t, task.waitedMs)}</dd>
          </>
        )}
        <dt>{t('calls.queue.rung')}</dt>
        <dd>{task.rung.length ? task.rung.map((r) => r.name).join(', ') : t('calls.queue.nobody')}</dd>
        {open ? (
          <>
            <dt>{t('calls.queue.due')}</dt>
            <dd>
              {courtTime(task.dueAt)} <DueCountdown courtId={task.courtId} start={task.missedAt} due={task.dueAt} />
            </dd>
          </>
        ) : (
          <>
            <dt>{t('calls.queue.doneAt')}</dt>
            <dd>{courtTime(task.doneAt)}</dd>
          </>
        )}
        <dt>{t('calls.queue.attempts')}</dt>
        <dd>
          {task.attempts.length === 0 ? (
            t('calls.queue.noAttempts')
          ) : (
            <ol className="callback-attempts">
              {task.attempts.map((a, i) => (
                <li key={i}>
                  {courtTime(a.at)} — {resultText(t, a.result)}
                </li>
              ))}
            </ol>
          )}
        </dd>
      </dl>
      {open && (
        <div className="action-row">
          <CallBackButton ticketId={task.ticketId} />
          <button type="button" className="primary" disabled={busy} onClick={() => void done()}>
            {t('calls.queue.markDone')}
          </button>
          <button type="button" aria-expanded={retrying} disabled={busy} onClick={() => setRetrying(!retrying)}>
            {t('calls.queue.retry')}
          </button>
        </div>
      )}
      {open && retrying && (
        <RetryForm
          callId={task.callId}
          onDone={() => {
            setRetrying(false);
            onChanged();
          }}
        />
      )}
      <ErrorLine error={error} />
    </li>
  );
}

/** "No answer, try again at…": records the attempt and moves the due time. */
function RetryForm({ callId, onDone }: { callId: string; onDone: () => void }) {
  const { t } = useI18n();
  const { busy, error, setError, run } = useAction();
  // An hour from now by default, in court time as every time shown.
  const [value, setValue] = useState(() => toCourtInput(Date.now() + 3_600_000));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const at = fromCourtInput(value);
    if (at === null) return setError(errorText(t, { code: 'VIC_VALIDATION' }));
    if (await run(() => api.post(`/api/callbacks/${encodeURIComponent(callId)}/retry`, { at }))) onDone();
  };
  return (
    <form className="inline callback-retry" onSubmit={(e) => void submit(e)} aria-label={t('calls.queue.retry')}>
      <label>
        {t('calls.queue.retryAt')}
        <input type="datetime-local" value={value} onChange={(e) => setValue(e.target.value)} required autoFocus />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {t('calls.queue.retrySave')}
      </button>
      <ErrorLine error={error} />
    </form>
  );
}
