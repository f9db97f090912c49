import { useState, type FormEvent } from 'react';
import { unlockAudio } from './alerts.ts';
import { api } from './api.ts';
import { errorText, LangSwitch, useI18n } from './i18n.tsx';

export function Login({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const { t } = useI18n();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // The sign-in click is the user gesture that lets the console beep later.
    unlockAudio();
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/auth/login', { login: login.trim(), password });
      await onSignedIn();
    } catch (err) {
      setError(errorText(t, err));
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login-box" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <p className="brand">VIC</p>
        <p className="muted">{t('app.name')}</p>
        <h1 id="login-title">{t('login.title')}</h1>
        <label>
          {t('login.login')}
          <input name="login" autoComplete="username" value={login} onChange={(e) => setLogin(e.target.value)} required autoFocus />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('login.submit')}
        </button>
        <LangSwitch />
      </form>
    </main>
  );
}
