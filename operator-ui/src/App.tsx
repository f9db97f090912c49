// Session gate: the sign-in form until GET /api/me answers with a user, then the console.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, setUnauthenticatedHandler, type Presence, type UserRow } from './api.ts';
import { Console } from './Console.tsx';
import { setCourtTimeZone } from './format.ts';
import { useI18n } from './i18n.tsx';
import { Login } from './Login.tsx';
import { PresenceProvider } from './presence.tsx';
import { RealtimeProvider } from './realtime.tsx';
import { SessionContext, type Session } from './session.tsx';

type State = { kind: 'loading' } | { kind: 'signed-out' } | { kind: 'signed-in'; user: UserRow; presence: Presence | null };
type Me = { user: UserRow; presence: Presence | null; timeZone?: string };

export function App() {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ kind: 'loading' });

  const loadMe = useCallback(async () => {
    try {
      const me = await api.get<Me>('/api/me');
      // Before the console renders its first time.
      setCourtTimeZone(me.timeZone);
      setState({ kind: 'signed-in', user: me.user, presence: me.presence });
    } catch {
      setState({ kind: 'signed-out' });
    }
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => setState({ kind: 'signed-out' }));
    void loadMe();
  }, [loadMe]);

  const session = useMemo<Session | null>(() => {
    if (state.kind !== 'signed-in') return null;
    return {
      user: state.user,
      presence: state.presence,
      setPresence: (presence) => setState({ ...state, presence }),
      reload: () => void loadMe(),
      logout: () => {
        void api.post('/api/auth/logout').finally(() => setState({ kind: 'signed-out' }));
      },
    };
  }, [state, loadMe]);

  if (state.kind === 'loading') return <p className="splash">{t('loading')}</p>;
  if (!session) return <Login onSignedIn={loadMe} />;
  return (
    <SessionContext.Provider value={session}>
      {/* Keyed by who the user is: signing in as someone else, or being given another role or court, starts a
          fresh socket, and every view loads again for what the user may see now. */}
      <RealtimeProvider key={`${session.user.id}:${session.user.role}:${session.user.courtId}`}>
        <PresenceProvider>
          <Console />
        </PresenceProvider>
      </RealtimeProvider>
    </SessionContext.Provider>
  );
}
