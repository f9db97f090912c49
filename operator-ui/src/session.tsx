// The signed-in user, shared by every screen.
import { createContext, useContext } from 'react';
import type { Presence, UserRow } from './api.ts';

export interface Session {
  user: UserRow;
  presence: Presence | null;
  setPresence: (p: Presence) => void;
  /** Loads the user again (an admin changed their role, court or name). */
  reload: () => void;
  logout: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}
