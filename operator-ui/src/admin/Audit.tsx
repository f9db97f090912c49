// The audit log: who read or changed what, when and from where, newest first, filtered by user, action, ticket
// and date (whole days in court time), in pages. Filters apply on submit only: every reading of the log is itself
// audited. Citizen text (search texts, logins typed at sign-in) is shown as text, as React renders any string.
import { useEffect, useState, type FormEvent } from 'react';
import { api, qs, type AuditEntry, type AuditPage, type UserRow } from '../api.ts';
import { courtTime } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';
import { ErrorLine } from '../ui.tsx';
import { useAction } from '../util.ts';

const PAGE = 50;
const COLUMNS = ['audit.time', 'audit.user', 'audit.action', 'audit.ticket', 'audit.details', 'audit.ip'] as const;

interface Filters {
  user: string;
  action: string;
  ticket: string;
  from: string;
  to: string;
}
const none: Filters = { user: '', action: '', ticket: '', from: '', to: '' };

/** `key: value` pairs; values that are not text as JSON. */
function detailsText(details: unknown): string {
  if (details === null || details === undefined) return '';
  // Parsed JSON: a bare value is text, a number or a boolean, written as String() would.
  if (typeof details !== 'object') return typeof details === 'string' ? details : JSON.stringify(details);
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}

export function AdminAudit() {
  const { t } = useI18n();
  const [users, setUsers] = useState<UserRow[]>([]);
  const [draft, setDraft] = useState<Filters>(none);
  // The filters shown, the page's offset, and `until` from the first page so later pages do not shift.
  const [query, setQuery] = useState<{ filters: Filters; offset: number; until?: number }>({ filters: none, offset: 0 });
  // The rows shown with the offset they were read at: the range and the buttons follow the rows on screen, not a
  // page still loading.
  const [page, setPage] = useState<(AuditPage & { offset: number }) | null>(null);
  const [actions, setActions] = useState<string[]>([]);
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    api.get<{ items: UserRow[] }>('/api/users').then(
      (r) => setUsers([...r.items].sort((a, b) => a.name.localeCompare(b.name))),
      () => {},
    );
  }, []);
  useEffect(() => {
    void run(async () => {
      const r = await api.get<AuditPage>(`/api/audit${qs({ ...query.filters, limit: PAGE, offset: query.offset, until: query.until })}`);
      setPage({ ...r, offset: query.offset });
      setActions(r.actions);
    });
  }, [query]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.from && draft.to && draft.from > draft.to) {
      setError(t('audit.badRange'));
      return;
    }
    setQuery({ filters: { ...draft, ticket: draft.ticket.trim() }, offset: 0 });
  };
  const goTo = (offset: number) => setQuery({ ...query, offset, until: page?.until });
  const field = (k: keyof Filters) => ({
    value: draft[k],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value }),
  });

  return (
    <main className="admin" aria-labelledby="audit-title">
      <h1 id="audit-title">{t('admin.audit')}</h1>
      <form className="form-grid" onSubmit={apply} aria-label={t('audit.filters')}>
        <label>
          {t('audit.user')}
          <select {...field('user')}>
            <option value="">{t('audit.anyUser')}</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name} ({u.login})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.action')}
          <select {...field('action')}>
            <option value="">{t('audit.anyAction')}</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.ticket')}
          <input
            {...field('ticket')}
            placeholder="VIC-2026-00042"
            pattern="\s*([Vv][Ii][Cc]-\d{4}-\d+|\d+)\s*"
            title={t('audit.ticketHint')}
            maxLength={30}
          />
        </label>
        <label>
          {t('audit.from')}
          <input type="date" {...field('from')} />
        </label>
        <label>
          {t('audit.to')}
          <input type="date" {...field('to')} />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {t('audit.show')}
        </button>
      </form>
      <p className="muted">{t('audit.hint')}</p>
      <ErrorLine error={error} />
      {page && page.items.length === 0 && <p className="muted">{t('audit.none')}</p>}
      {page && page.items.length > 0 && (
        <>
          <table aria-labelledby="audit-title">
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th key={c}>{t(c)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {page.items.map((a) => (
                <AuditLine key={a.id} a={a} />
              ))}
            </tbody>
          </table>
          <div className="action-row" role="group" aria-label={t('audit.pages')}>
            <button type="button" disabled={busy || page.offset === 0} onClick={() => goTo(Math.max(0, page.offset - PAGE))}>
              {t('audit.prev')}
            </button>
            <span className="muted" role="status">
              {t('audit.range', { from: page.offset + 1, to: page.offset + page.items.length })}
            </span>
            <button type="button" disabled={busy || !page.more} onClick={() => goTo(page.offset + PAGE)}>
              {t('audit.next')}
            </button>
          </div>
        </>
      )}
    </main>
  );
}

function AuditLine({ a }: { a: AuditEntry }) {
  const { t } = useI18n();
  return (
    <tr data-audit={a.id}>
      <td>{courtTime(a.at)}</td>
      <td>{a.userId === null ? <span className="muted">{t('audit.system')}</span> : `${a.userName ?? ''} (${a.userLogin ?? a.userId})`}</td>
      <td>{a.action}</td>
      <td>
        {a.entity === 'ticket' && a.entityId !== null ? (
          <Link href={`/tickets/${a.entityId}`}>{a.ticketRef ?? `#${a.entityId}`}</Link>
        ) : null}
      </td>
      <td className="pre">{detailsText(a.details)}</td>
      <td>{a.ip}</td>
    </tr>
  );
}
