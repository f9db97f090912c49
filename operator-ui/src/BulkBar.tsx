// Bulk actions on tickets picked in the list (the out-of-scope queue above all: resolve or overrule many at
// once). The selection is a small store shared by the rows' checkboxes and the bar, so the list only mounts
// them. A row that leaves the list (resolved, moved away) leaves the selection with it. The server checks and
// audits each ticket as its own route does (POST /api/tickets/bulk) and answers per ticket: the bar tells how
// many succeeded and which failed, and why.
import { useEffect, useState, useSyncExternalStore, type FormEvent, type MouseEvent } from 'react';
import { api, ApiError, type CourtRow, type TicketRow, type UserRow } from './api.ts';
import { errorText, useI18n, type Key } from './i18n.tsx';
import { useSession } from './session.tsx';
import { CourtOptions, ErrorLine } from './ui.tsx';
import { useAction } from './util.ts';

// ----- the selection -----
let selected: ReadonlySet<number> = new Set();
/** Changes with the selection and with the rows shown (for "all on this page"). */
let version = 0;
const refs = new Map<number, string>();
const listeners = new Set<() => void>();
/** The last row clicked without Shift: a Shift+click selects (or clears) everything between it and the row. */
let anchor: number | null = null;

function changed() {
  version++;
  for (const l of listeners) l();
}
function setSelected(next: ReadonlySet<number>) {
  selected = next;
  changed();
}
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
function useSelected(): ReadonlySet<number> {
  useSyncExternalStore(subscribe, () => version);
  return selected;
}
/** The rows' checkboxes in list order, as shown now. */
const shownIds = () => [...document.querySelectorAll<HTMLInputElement>('input[data-bulk-id]')].map((el) => Number(el.dataset.bulkId));

function toggle(id: number, on: boolean, range: boolean) {
  const next = new Set(selected);
  const ids = shownIds();
  const from = anchor === null ? -1 : ids.indexOf(anchor);
  const to = ids.indexOf(id);
  const span = range && from >= 0 && to >= 0 ? ids.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
  for (const x of span) {
    if (on) next.add(x);
    else next.delete(x);
  }
  if (!range) anchor = id;
  setSelected(next);
}

/** A row's checkbox (beside its link: a control inside a link would open the ticket). */
export function BulkCheck({ id, ticketRef }: { id: number; ticketRef: string }) {
  const { t } = useI18n();
  const sel = useSelected();
  useEffect(() => {
    refs.set(id, ticketRef);
    changed();
    return () => {
      refs.delete(id);
      const next = new Set(selected);
      next.delete(id);
      setSelected(next);
    };
  }, [id, ticketRef]);
  return (
    <input
      type="checkbox"
      className="bulk-check"
      data-bulk-id={id}
      checked={sel.has(id)}
      aria-label={t('keyboard.selectOne', { ref: ticketRef })}
      // onClick (not onChange) sees Shift; the checked state is the store's, so the browser's own toggle is undone.
      onClick={(e: MouseEvent<HTMLInputElement>) => toggle(id, e.currentTarget.checked, e.shiftKey)}
      onChange={() => {}}
    />
  );
}

// ----- the bar -----
type Action = 'resolve' | 'assign' | 'court' | 'appeal' | 'overrule';
const ACTIONS: Action[] = ['resolve', 'overrule', 'appeal', 'assign', 'court'];
const LABEL: Record<Action, Key> = {
  resolve: 'keyboard.bulkResolve',
  overrule: 'keyboard.bulkOverrule',
  appeal: 'keyboard.bulkAppeal',
  assign: 'keyboard.bulkAssign',
  court: 'keyboard.bulkCourt',
};

type Result = { id: number; ok: true; ticket: TicketRow } | { id: number; ok: false; error: { code: string; message: string } };
interface Answer {
  succeeded: number;
  failed: number;
  results: Result[];
}
interface Outcome {
  total: number;
  succeeded: number;
  failures: { ref: string; text: string }[];
}

/** Above the list: "select all on this page" and, once something is selected, the action and its details. */
export function BulkBar({ courts, listKey }: { courts: CourtRow[]; listKey: string }) {
  const { t } = useI18n();
  const { user } = useSession();
  const sel = useSelected();
  const { busy, error, run } = useAction();
  const [action, setAction] = useState<Action>('resolve');
  const [reason, setReason] = useState('');
  const [courtId, setCourtId] = useState('');
  const [assignee, setAssignee] = useState(user.role === 'operator' ? String(user.id) : '');
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  // Another queue, filter or search: another list, nothing of it picked yet.
  useEffect(() => {
    setSelected(new Set());
    setOutcome(null);
    anchor = null;
  }, [listKey]);
  const shown = shownIds();
  const all = shown.length > 0 && shown.every((id) => sel.has(id));
  const needsReason = action === 'appeal' || action === 'overrule';

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const ids = shown.filter((id) => sel.has(id));
    if (ids.length === 0) return;
    const extra =
      action === 'assign'
        ? { userId: assignee ? Number(assignee) : null }
        : action === 'court'
          ? { courtId: Number(courtId) }
          : needsReason
            ? { reason: reason.trim() }
            : {};
    const labels = new Map(ids.map((id) => [id, refs.get(id) ?? `#${id}`]));
    void run(async () => {
      const r = await api.post<Answer>('/api/tickets/bulk', { ids, action, ...extra });
      const failures = r.results.flatMap((x) =>
        x.ok ? [] : [{ ref: labels.get(x.id) ?? `#${x.id}`, text: errorText(t, new ApiError(0, x.error.code, x.error.message)) }],
      );
      setOutcome({ total: r.results.length, succeeded: r.succeeded, failures });
      const done = new Set(r.results.filter((x) => x.ok).map((x) => x.id));
      setSelected(new Set([...selected].filter((id) => !done.has(id))));
      if (needsReason) setReason('');
    });
  };

  return (
    <form className="bulk-bar" aria-label={t('keyboard.bulk')} onSubmit={apply}>
      <label className="bulk-all">
        <input
          type="checkbox"
          checked={all}
          disabled={shown.length === 0}
          onChange={() => {
            anchor = null;
            setSelected(all ? new Set([...selected].filter((id) => !shown.includes(id))) : new Set([...selected, ...shown]));
          }}
        />
        {t('keyboard.selectAll')}
      </label>
      {sel.size > 0 && (
        <>
          <span className="bulk-count" role="status">
            {t('keyboard.selected', { n: sel.size })}
          </span>
          <label>
            <span className="sr-only">{t('keyboard.action')}</span>
            <select value={action} onChange={(e) => setAction(e.target.value as Action)} aria-label={t('keyboard.action')}>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {t(LABEL[a])}
                </option>
              ))}
            </select>
          </label>
          {needsReason && (
            <label>
              <span className="sr-only">{t('action.reason')}</span>
              <input
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                placeholder={t('action.reason')}
                aria-label={t('action.reason')}
                maxLength={1000}
                required
              />
            </label>
          )}
          {action === 'court' && (
            <select value={courtId} onChange={(e) => setCourtId(e.target.value)} aria-label={t('action.changeCourt')} required>
              <CourtOptions courts={courts} empty="" />
            </select>
          )}
          {action === 'assign' && <AssigneeSelect value={assignee} onChange={setAssignee} />}
          <button type="submit" className="primary" disabled={busy || (needsReason && !reason.trim()) || (action === 'court' && !courtId)}>
            {t('keyboard.apply')}
          </button>
          <button type="button" onClick={() => setSelected(new Set())}>
            {t('keyboard.clear')}
          </button>
        </>
      )}
      <ErrorLine error={error} />
      {outcome && (
        <div className={`bulk-outcome${outcome.failures.length ? ' error' : ''}`} role="status" data-bulk-outcome>
          <span>{t('keyboard.done', { ok: outcome.succeeded, n: outcome.total })}</span>
          {outcome.failures.length > 0 && (
            <ul>
              {outcome.failures.map((f) => (
                <li key={f.ref}>
                  {f.ref}: {f.text}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}

/** Operators hand tickets to themselves or to nobody (they cannot list users); admins to any active operator. */
function AssigneeSelect({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [operators, setOperators] = useState<UserRow[]>([]);
  useEffect(() => {
    if (user.role !== 'admin') return;
    api.get<{ items: UserRow[] }>('/api/users').then(
      (r) => setOperators(r.items.filter((u) => u.role === 'operator' && u.active)),
      () => setOperators([]),
    );
  }, [user.role]);
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={t('action.assignTo')}>
      <option value="">{t('action.nobody')}</option>
      {user.role === 'operator' && <option value={user.id}>{t('keyboard.toMe')}</option>}
      {operators.map((u) => (
        <option key={u.id} value={u.id}>
          {u.name}
        </option>
      ))}
    </select>
  );
}
