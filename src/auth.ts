// Passwords (argon2id) and sessions (random token in an httpOnly cookie; only its hash is stored).
import argon2 from 'argon2';
import crypto from 'node:crypto';
import { parse as parseCookie } from 'cookie';
import type { Store, UserRow } from './store/index.ts';

export const SESSION_COOKIE = 'vic_session';

export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

// Verifying against a fixed hash when the login is unknown keeps the response time the same.
let dummyHash: Promise<string> | null = null;

export async function checkPassword(store: Store, login: string, password: string): Promise<UserRow | null> {
  const user = store.getUserByLogin(login);
  const hash = user?.active ? store.getPasswordHash(user.id) : undefined;
  if (!hash) {
    dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
    await argon2.verify(await dummyHash, password).catch(() => false);
    return null;
  }
  return (await argon2.verify(hash, password).catch(() => false)) ? user! : null;
}

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export function openSession(store: Store, userId: number, now: number, ttlMs: number): string {
  const token = crypto.randomBytes(32).toString('base64url');
  store.createSession(hashToken(token), userId, now, now + ttlMs);
  return token;
}

export function sessionUserFromCookie(
  store: Store,
  cookieHeader: string | undefined,
  now: number,
): { user: UserRow; token: string } | null {
  const token = cookieHeader ? parseCookie(cookieHeader)[SESSION_COOKIE] : undefined;
  if (!token) return null;
  const user = store.sessionUser(hashToken(token), now);
  return user ? { user, token } : null;
}

export function closeSession(store: Store, token: string) {
  store.deleteSession(hashToken(token));
}

/** Ends the user's sessions, all but `keepToken` (an admin who resets their own password stays signed in). */
export function closeSessionsOf(store: Store, userId: number, keepToken: string | null) {
  store.deleteSessionsOf(userId, keepToken === null ? null : hashToken(keepToken));
}

export function randomPassword(): string {
  return crypto.randomBytes(12).toString('base64url');
}
