// Staff accounts: list, create, edit (name, role, court, phone extension, languages, load, password reset),
// deactivate / activate again (users are never deleted). One form serves creating and editing.
import { useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, type CourtRow, type Role, type UserRow } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { courtLabel, languageLabel } from '../labels.ts';
import { useSession } from '../session.tsx';
import { ActionTableHead, CourtOptions, ErrorLine } from '../ui.tsx';
import { useAction, useFocusAfterRender } from '../util.ts';

const ROLES: Role[] = ['operator', 'specialist', 'supervisor', 'admin'];
const COLUMNS = [
  'users.login',
  'users.name',
  'users.role',
  'users.court',
  'users.sip',
  'users.languages',
  'users.max',
  'users.state',
] as const;

export function AdminUsers({ courts }: { courts: CourtRow[] }) {
  const { t, lang } = useI18n();
  const { user: me } = useSession();
  const [users, setUsers] = useState<UserRow[] | null>(null);
  const { error, run } = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const focusLater = useFocusAfterRender();

  const load = async () => setUsers((await api.get<{ items: UserRow[] }>('/api/users')).items);
  useEffect(() => {
    void run(load);
  }, []);

  const courtOf = (id: number | null) => (id === null ? t('users.allCourts') : courtLabel(lang, courts, id));

  const setActive = (u: UserRow, active: boolean) => {
    setNotice(null);
    return run(async () => {
      if (active) await api.patch(`/api/users/${u.id}`, { active: true });
      else await api.del(`/api/users/${u.id}`);
      await load();
    });
  };
  const startEdit = (id: number) => {
    setNotice(null);
    setEditing(id);
  };
  // Back on the row's own button, so a keyboard user continues where they were.
  const stopEdit = (id: number) => {
    setEditing(null);
    focusLater(`user-${id}-edit`);
  };
  const saved = async (text: string) => {
    setNotice(text);
    await run(load);
  };

  return (
    <main className="admin" aria-labelledby="users-title">
      <h1 id="users-title">{t('admin.users')}</h1>
      <ErrorLine error={error} />
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {users === null ? (
        <p className="muted">{t('loading')}</p>
      ) : (
        <table>
          <ActionTableHead columns={COLUMNS.map((k) => t(k))} />
          <tbody>
            {users.map((u) =>
              editing === u.id ? (
                <tr key={u.id} data-user={u.login} className="editing">
                  <td colSpan={COLUMNS.length + 1}>
                    <UserForm
                      user={u}
                      courts={courts}
                      self={u.id === me.id}
                      onSubmit={() => setNotice(null)}
                      onSaved={async (s) => {
                        await saved(t('users.saved', { login: s.login }));
                        stopEdit(u.id);
                      }}
                      onCancel={() => stopEdit(u.id)}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={u.id} data-user={u.login} className={u.active ? undefined : 'inactive'}>
                  <td>{u.login}</td>
                  <td>
                    {u.name}
                    {u.title && <span className="muted"> · {u.title}</span>}
                  </td>
                  <td>{t(`role.${u.role}`)}</td>
                  <td>{courtOf(u.courtId)}</td>
                  <td>{u.sipExtension ?? ''}</td>
                  <td>{u.languages.map((l) => languageLabel(t, l)).join(', ')}</td>
                  <td>{u.maxConcurrent}</td>
                  <td>{u.active ? t('users.active') : t('users.inactive')}</td>
                  <td>
                    <div className="row-actions">
                      <button
                        type="button"
                        id={`user-${u.id}-edit`}
                        onClick={() => startEdit(u.id)}
                        aria-label={`${t('users.edit')}: ${u.login}`}
                      >
                        {t('users.edit')}
                      </button>
                      {/* Nobody can lock themselves out: the server refuses it too. */}
                      {u.id !== me.id && (
                        <button
                          type="button"
                          onClick={() => void setActive(u, !u.active)}
                          aria-label={`${u.active ? t('users.deactivate') : t('users.activate')}: ${u.login}`}
                        >
                          {u.active ? t('users.deactivate') : t('users.activate')}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}

      <div className="card">
        <UserForm courts={courts} onSubmit={() => setNotice(null)} onSaved={(u) => saved(t('users.created', { login: u.login }))} />
      </div>
    </main>
  );
}

interface FormProps {
  /** The user being edited; a new user when absent. */
  user?: UserRow;
  courts: CourtRow[];
  /** The signed-in admin editing themselves: their role stays admin. */
  self?: boolean;
  /** A save starts: an earlier success message no longer applies. */
  onSubmit: () => void;
  onSaved: (user: UserRow) => Promise<void>;
  onCancel?: () => void;
}

function UserForm({ user, courts, self = false, onSubmit, onSaved, onCancel }: FormProps) {
  const { t } = useI18n();
  const initial = () => ({
    login: user?.login ?? '',
    name: user?.name ?? '',
    role: user?.role ?? 'operator',
    courtId: user?.courtId == null ? '' : String(user.courtId),
    sipExtension: user?.sipExtension ?? '',
    kk: user ? user.languages.includes('kk') : true,
    ru: user ? user.languages.includes('ru') : true,
    maxConcurrent: String(user?.maxConcurrent ?? 5),
    title: user?.title ?? '',
    password: '',
  });
  const [form, setForm] = useState(initial);
  const { busy, error, run } = useAction();
  const titleId = user ? `user-${user.id}-form-title` : 'new-user-title';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    onSubmit();
    const sent = form;
    const fields = {
      name: form.name.trim(),
      role: form.role,
      courtId: form.courtId ? Number(form.courtId) : null,
      sipExtension: form.sipExtension.trim() || null,
      languages: [...(form.kk ? ['kk'] : []), ...(form.ru ? ['ru'] : [])],
      maxConcurrent: Number(form.maxConcurrent),
      title: form.title.trim() || null,
    };
    return run(async () => {
      const r = user
        ? await api.patch<{ user: UserRow }>(`/api/users/${user.id}`, { ...fields, ...(form.password ? { password: form.password } : {}) })
        : await api.post<{ user: UserRow }>('/api/users', { ...fields, login: form.login.trim(), password: form.password });
      // Emptied only if nothing was typed meanwhile: the next user, started while this one was saving, stays.
      if (!user) setForm((now) => (now === sent ? initial() : now));
      await onSaved(r.user);
    });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && onCancel) {
      e.preventDefault();
      onCancel();
    }
  };

  const field = (name: 'login' | 'name' | 'courtId' | 'sipExtension' | 'maxConcurrent' | 'title' | 'password') => ({
    value: form[name],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }),
  });

  return (
    <form className="form-grid" onSubmit={(e) => void submit(e)} onKeyDown={onKeyDown} aria-labelledby={titleId}>
      <h2 id={titleId}>{user ? t('users.editTitle', { login: user.login }) : t('users.new')}</h2>
      {!user && (
        <label>
          {t('users.login')}
          <input {...field('login')} required pattern="[A-Za-z0-9._\-]{2,50}" autoComplete="off" />
        </label>
      )}
      <label>
        {t('users.name')}
        <input {...field('name')} required maxLength={200} autoFocus={user !== undefined} />
      </label>
      <label>
        {t('users.role')}
        <select
          value={form.role}
          onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
          disabled={self}
          aria-describedby={self ? `${titleId}-self` : undefined}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('users.court')}
        {/* A supervisor sees the reports of one court: the server refuses one without a court too. */}
        <select
          {...field('courtId')}
          required={form.role === 'supervisor'}
          aria-describedby={form.role === 'supervisor' ? `${titleId}-court` : undefined}
        >
          <CourtOptions courts={courts} empty={t('users.allCourts')} />
        </select>
      </label>
      {form.role === 'supervisor' && (
        <p className="muted wide" id={`${titleId}-court`}>
          {t('topics.supervisorCourt')}
        </p>
      )}
      <label>
        {t('users.position')}
        <input {...field('title')} maxLength={200} />
      </label>
      <label>
        {t('users.sip')}
        <input {...field('sipExtension')} pattern="[0-9A-Za-z*#+]{1,32}" />
      </label>
      <label>
        {t('users.max')}
        <input {...field('maxConcurrent')} type="number" min={1} max={100} required />
      </label>
      <fieldset>
        <legend>{t('users.languages')}</legend>
        <label className="check">
          <input type="checkbox" checked={form.kk} onChange={(e) => setForm({ ...form, kk: e.target.checked })} /> Қазақша
        </label>
        <label className="check">
          <input type="checkbox" checked={form.ru} onChange={(e) => setForm({ ...form, ru: e.target.checked })} /> Русский
        </label>
      </fieldset>
      <label>
        {user ? t('users.newPassword') : t('users.password')}
        <input {...field('password')} type="password" minLength={8} required={!user} autoComplete="new-password" />
      </label>
      <div className="row-actions">
        <button type="submit" className="primary" disabled={busy || (!form.kk && !form.ru)}>
          {user ? t('action.save') : t('users.create')}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('action.cancel')}
          </button>
        )}
      </div>
      {self && (
        <p className="muted wide" id={`${titleId}-self`}>
          {t('users.self')}
        </p>
      )}
      <ErrorLine error={error} />
    </form>
  );
}
