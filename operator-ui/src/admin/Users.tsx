// Staff accounts: list, create, deactivate / activate again (users are never deleted).
import { useEffect, useState, type FormEvent } from 'react';
import { api, type CourtRow, type Role, type UserRow } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { ErrorLine } from '../ui.tsx';

const ROLES: Role[] = ['operator', 'specialist', 'admin'];
const empty = { login: '', name: '', role: 'operator' as Role, courtId: '', sipExtension: '', kk: true, ru: true, maxConcurrent: '5', title: '', password: '' };

export function AdminUsers({ courts }: { courts: CourtRow[] }) {
  const { t } = useI18n();
  const [users, setUsers] = useState<UserRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [form, setForm] = useState(empty);
  const [busy, setBusy] = useState(false);

  const load = () =>
    api.get<{ items: UserRow[] }>('/api/users').then(
      (r) => setUsers(r.items),
      (e) => setError(errorText(t, e)),
    );
  useEffect(() => {
    void load();
  }, []);

  const courtCode = (id: number | null) => (id === null ? t('users.allCourts') : (courts.find((c) => c.id === id)?.code ?? String(id)));

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const languages = [...(form.kk ? ['kk'] : []), ...(form.ru ? ['ru'] : [])];
      const r = await api.post<{ user: UserRow }>('/api/users', {
        login: form.login.trim(),
        name: form.name.trim(),
        role: form.role,
        courtId: form.courtId ? Number(form.courtId) : null,
        sipExtension: form.sipExtension.trim() || null,
        languages,
        maxConcurrent: Number(form.maxConcurrent),
        title: form.title.trim() || null,
        password: form.password,
      });
      setNotice(t('users.created', { login: r.user.login }));
      setForm(empty);
      await load();
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  const setActive = async (u: UserRow, active: boolean) => {
    setError(null);
    try {
      if (active) await api.patch(`/api/users/${u.id}`, { active: true });
      else await api.del(`/api/users/${u.id}`);
      await load();
    } catch (err) {
      setError(errorText(t, err));
    }
  };

  const field = (name: keyof typeof empty) => ({
    value: form[name] as string,
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }),
  });

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
          <thead>
            <tr>
              <th>{t('users.login')}</th>
              <th>{t('users.name')}</th>
              <th>{t('users.role')}</th>
              <th>{t('users.court')}</th>
              <th>{t('users.sip')}</th>
              <th>{t('users.languages')}</th>
              <th>{t('users.max')}</th>
              <th>{t('users.state')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className={u.active ? undefined : 'inactive'}>
                <td>{u.login}</td>
                <td>
                  {u.name}
                  {u.title && <span className="muted"> · {u.title}</span>}
                </td>
                <td>{t(`role.${u.role}`)}</td>
                <td>{courtCode(u.courtId)}</td>
                <td>{u.sipExtension ?? ''}</td>
                <td>{u.languages.join(', ')}</td>
                <td>{u.maxConcurrent}</td>
                <td>{u.active ? t('users.active') : t('users.inactive')}</td>
                <td>
                  <button type="button" onClick={() => void setActive(u, !u.active)} aria-label={`${u.active ? t('users.deactivate') : t('users.activate')}: ${u.login}`}>
                    {u.active ? t('users.deactivate') : t('users.activate')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <form className="card form-grid" onSubmit={create} aria-labelledby="new-user-title">
        <h2 id="new-user-title">{t('users.new')}</h2>
        <label>
          {t('users.login')}
          <input {...field('login')} required pattern="[A-Za-z0-9._\-]{2,50}" autoComplete="off" />
        </label>
        <label>
          {t('users.name')}
          <input {...field('name')} required maxLength={200} />
        </label>
        <label>
          {t('users.role')}
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('users.court')}
          <select {...field('courtId')}>
            <option value="">{t('users.allCourts')}</option>
            {courts.map((c) => (
              <option key={c.id} value={c.id}>
                {c.code}
              </option>
            ))}
          </select>
        </label>
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
          {t('users.password')}
          <input {...field('password')} type="password" minLength={8} required autoComplete="new-password" />
        </label>
        <button type="submit" className="primary" disabled={busy || (!form.kk && !form.ru)}>
          {t('users.create')}
        </button>
      </form>
    </main>
  );
}
