// Console sessions: only the hash of the cookie's token is stored.
import type { Raw, StoreBase } from './core.ts';
import { USER_SELECT, toUser } from './rows.ts';
import type { UserRow } from './users.ts';

export function SessionQueries<B extends StoreBase>(Base: B) {
  abstract class Sessions extends Base {
    createSession(tokenHash: string, userId: number, now: number, expiresAt: number) {
      this.q(`INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`).run(
        tokenHash,
        userId,
        now,
        expiresAt,
      );
    }
    sessionUser(tokenHash: string, now: number): UserRow | undefined {
      return toUser(
        this.q(`${USER_SELECT} WHERE active = 1 AND id = (SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?)`).get(
          tokenHash,
          now,
        ) as Raw,
      );
    }
    deleteSession(tokenHash: string) {
      this.q(`DELETE FROM sessions WHERE token_hash = ?`).run(tokenHash);
    }
    /** Ends every session of the user but `keepTokenHash` (the caller's own, when they change their own password). */
    deleteSessionsOf(userId: number, keepTokenHash: string | null) {
      this.q(`DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?`).run(userId, keepTokenHash);
    }
    purgeSessions(now: number) {
      this.q(`DELETE FROM sessions WHERE expires_at <= ?`).run(now);
    }
  }
  return Sessions;
}
