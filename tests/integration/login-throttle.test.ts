// Sign-in throttling through the API: by (login, address) with growing delays, per login across addresses,
// and per address across logins; nobody is locked out by someone else's typos. Addresses come from
// X-Forwarded-For, trusted from the loopback proxy as in production behind nginx; time is the test's clock.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { makeVic, serve, testHash } from '../helpers.ts';
import { responseJson, type ApiError } from './json.ts';

async function setup(over: Partial<Config> = {}) {
  const { vic, clock } = await makeVic(over);
  // Cheap argon2 parameters, so that dozens of sign-ins stay fast.
  const hash = await testHash('password-123');
  const courtId = vic.store.getCourtByCode('sko-regional')!.id;
  for (const login of ['aigerim', 'bolat', ...Array.from({ length: 8 }, (_, i) => `user${i}`)]) {
    vic.store.createUser({ login, name: login, role: 'operator', passwordHash: hash, courtId }, clock.now());
  }
  const server = await serve(vic);
  const signIn = async (login: string, password: string, ip: string) => {
    const res = await fetch(`${server.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ login, password }),
    });
    const body = await responseJson<{ error?: ApiError }>(res);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error?.code };
  };
  const failedLogins = () =>
    (vic.store.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login_failed'`).get() as { n: number }).n;
  return { vic, clock, signIn, failedLogins };
}

const OFFICE = '10.20.0.1';

describe('sign-in throttling', () => {
  it('one colleague’s typos do not lock out the others behind the same address', async () => {
    const { signIn } = await setup();
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await signIn('aigerim', 'wrong-password', OFFICE)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
    expect((await signIn('bolat', 'password-123', OFFICE)).status).toBe(200);
    expect((await signIn('user0', 'password-123', OFFICE)).status).toBe(200);
  });

  it('delays one login at one address more with every failure; the right password from elsewhere still works', async () => {
    const { clock, signIn, failedLogins } = await setup();
    const attacker = '203.0.113.7';
    for (let i = 0; i < 5; i++) expect((await signIn('aigerim', 'guess', attacker)).status).toBe(401);
    const waits: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const blocked = await signIn('aigerim', 'guess', attacker);
      expect(blocked).toMatchObject({ status: 429, code: 'VIC_TOO_MANY_LOGINS' });
      waits.push(blocked.retryAfter);
      // Hammering while it waits changes nothing and checks no password.
      for (let j = 0; j < 10; j++) expect((await signIn('aigerim', 'password-123', attacker)).status).toBe(429);
      clock.advance(Number(blocked.retryAfter) * 1000);
      expect((await signIn('aigerim', 'guess', attacker)).status).toBe(401);
    }
    expect(waits).toEqual(['1', '2', '4', '8']);
    // Only the attempts whose password was checked are failures, each in the audit log.
    expect(failedLogins()).toBe(9);

    // Meanwhile the owner, at the office, signs in at once.
    expect((await signIn('aigerim', 'password-123', OFFICE)).status).toBe(200);
    // At the attacker's address the right password too must wait (16 s now); after the wait it works, and the
    // streak is over.
    expect((await signIn('aigerim', 'password-123', attacker)).retryAfter).toBe('16');
    clock.advance(16_000);
    expect((await signIn('aigerim', 'password-123', attacker)).status).toBe(200);
    expect((await signIn('aigerim', 'guess', attacker)).status).toBe(401);
  });

  it('counts guesses sent in parallel: only the free ones are checked', async () => {
    const { signIn, failedLogins } = await setup();
    const all = await Promise.all(Array.from({ length: 20 }, () => signIn('bolat', 'guess', '198.51.100.4')));
    expect(all.filter((r) => r.status === 401)).toHaveLength(5);
    expect(all.filter((r) => r.status === 429)).toHaveLength(15);
    expect(failedLogins()).toBe(5);
  });

  it('caps password spraying from one address across logins, and no one else is affected', async () => {
    const { clock, signIn } = await setup({ LOGIN_IP_FAILURES: 8 });
    const sprayer = '192.0.2.66';
    // Eight different logins, one guess each (an office's typos spread over a morning would look the same).
    for (let i = 0; i < 8; i++) expect((await signIn(`user${i}`, 'Qwerty123', sprayer)).status, `login ${i}`).toBe(401);
    const capped = await signIn('aigerim', 'password-123', sprayer);
    expect(capped).toMatchObject({ status: 429, code: 'VIC_TOO_MANY_LOGINS', retryAfter: '900' });
    expect((await signIn('aigerim', 'password-123', OFFICE)).status).toBe(200);
    clock.advance(900_000);
    expect((await signIn('aigerim', 'password-123', sprayer)).status).toBe(200);
  });

  it('slows a guess spread over many addresses for everyone, briefly', async () => {
    const { clock, signIn } = await setup({ LOGIN_ACCOUNT_FAILURES: 6, LOGIN_ACCOUNT_DELAY_MAX_MS: 4000 });
    for (let i = 0; i < 6; i++) expect((await signIn('aigerim', 'guess', `198.18.0.${i}`)).status).toBe(401);
    expect((await signIn('aigerim', 'password-123', OFFICE)).retryAfter).toBe('1');
    clock.advance(1000);
    expect((await signIn('aigerim', 'guess', '198.18.1.1')).status).toBe(401);
    expect((await signIn('aigerim', 'guess', '198.18.1.2')).retryAfter).toBe('2');
    clock.advance(2000);
    expect((await signIn('aigerim', 'guess', '198.18.1.3')).status).toBe(401);
    clock.advance(4000);
    expect((await signIn('aigerim', 'guess', '198.18.1.4')).status).toBe(401);
    // Capped at LOGIN_ACCOUNT_DELAY_MAX_MS: the owner waits at most that long.
    expect((await signIn('aigerim', 'password-123', OFFICE)).retryAfter).toBe('4');
    clock.advance(4000);
    expect((await signIn('aigerim', 'password-123', OFFICE)).status).toBe(200);
    // Other logins never waited.
    expect((await signIn('bolat', 'password-123', '198.18.1.2')).status).toBe(200);
  });
});
