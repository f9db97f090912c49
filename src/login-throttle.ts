// Sign-in throttling: guessing is slow, and nobody is locked out by someone else's typos.
// - One login from one address: the first LOGIN_FREE_FAILURES wrong passwords cost nothing; after that each
//   attempt there waits LOGIN_DELAY_BASE_MS, doubling with every further failure, at most LOGIN_DELAY_MAX_MS.
//   Other logins at that address (the rest of an office behind one NAT) and other addresses are not affected.
// - One login from all addresses: past LOGIN_ACCOUNT_FAILURES in 15 minutes every address waits, doubling up to
//   LOGIN_ACCOUNT_DELAY_MAX_MS, short so the owner is never shut out for long. A single address cannot get there
//   (with the defaults its own delays let through at most 14 failures in 15 minutes), so one hammering address
//   never stops the owner signing in from elsewhere; a guess spread over many addresses is slowed.
// - One address across all logins: at most LOGIN_IP_FAILURES failures in 15 minutes (password spraying); then that
//   address waits until the oldest of them is 15 minutes old.
// An attempt counts as failed from the moment its password starts being checked, so parallel guesses cannot slip
// through while argon2 runs; a right password takes its attempt back.
// State is in memory: one process serves the centre, and a restart forgetting delays of minutes costs little.
// Each table keeps at most MAX_KEYS entries, the least recently failed dropped first, so memory stays bounded.
import type { Config } from './config.ts';

const WINDOW_MS = 15 * 60_000;
const MAX_KEYS = 10_000;

type Limits = Pick<
  Config,
  | 'LOGIN_FREE_FAILURES'
  | 'LOGIN_DELAY_BASE_MS'
  | 'LOGIN_DELAY_MAX_MS'
  | 'LOGIN_ACCOUNT_FAILURES'
  | 'LOGIN_ACCOUNT_DELAY_MAX_MS'
  | 'LOGIN_IP_FAILURES'
>;

/** A map that keeps its most recently written keys only. */
class Table<V> {
  private readonly map = new Map<string, V>();
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > MAX_KEYS) this.map.delete(this.map.keys().next().value!);
  }
  delete(key: string) {
    this.map.delete(key);
  }
  get size() {
    return this.map.size;
  }
}

interface Streak {
  failures: number;
  last: number;
}

export interface LoginAttempt {
  /** Milliseconds to wait before this login may be tried from this address; 0: go ahead (counted as failed). */
  waitMs: number;
  /** The password was right: the attempt is not a failure, and this address's streak for the login ends. */
  succeeded(): void;
}

export class LoginThrottle {
  private readonly pairs = new Table<Streak>();
  private readonly logins = new Table<number[]>();
  private readonly addresses = new Table<number[]>();

  constructor(private readonly limits: Limits) {}

  begin(login: string, ip: string, now: number): LoginAttempt {
    const l = this.limits;
    const account = login.toLowerCase();
    const pairKey = `${ip} ${account}`;
    let streak = this.pairs.get(pairKey);
    const pairDelay = streak ? this.delay(streak.failures - l.LOGIN_FREE_FAILURES, l.LOGIN_DELAY_MAX_MS) : 0;
    if (streak && now >= streak.last + pairDelay + WINDOW_MS) {
      this.pairs.delete(pairKey);
      streak = undefined;
    }
    const loginTimes = this.recent(this.logins, account, now);
    const ipTimes = this.recent(this.addresses, ip, now);

    const waits = [
      streak ? streak.last + pairDelay - now : 0,
      loginTimes.length >= l.LOGIN_ACCOUNT_FAILURES
        ? loginTimes.at(-1)! + this.delay(loginTimes.length - l.LOGIN_ACCOUNT_FAILURES, l.LOGIN_ACCOUNT_DELAY_MAX_MS) - now
        : 0,
      ipTimes.length >= l.LOGIN_IP_FAILURES ? ipTimes[ipTimes.length - l.LOGIN_IP_FAILURES] + WINDOW_MS - now : 0,
    ];
    const waitMs = Math.max(0, ...waits);
    if (waitMs > 0) return { waitMs, succeeded: () => {} };

    this.pairs.set(pairKey, { failures: (streak?.failures ?? 0) + 1, last: now });
    // Past the threshold only the last few matter (the delay is capped), so the lists stay short.
    this.logins.set(account, [...loginTimes, now].slice(-(l.LOGIN_ACCOUNT_FAILURES + 32)));
    this.addresses.set(ip, [...ipTimes, now].slice(-l.LOGIN_IP_FAILURES));
    return {
      waitMs: 0,
      succeeded: () => {
        this.pairs.delete(pairKey);
        this.takeBack(this.logins, account, now);
        this.takeBack(this.addresses, ip, now);
      },
    };
  }

  /** Entries held, for the memory bound's test. */
  get size() {
    return { pairs: this.pairs.size, logins: this.logins.size, addresses: this.addresses.size };
  }

  /** BASE·2^beyond, capped; nothing before the threshold (beyond < 0). */
  private delay(beyond: number, max: number): number {
    return beyond < 0 ? 0 : Math.min(this.limits.LOGIN_DELAY_BASE_MS * 2 ** Math.min(beyond, 40), max);
  }

  private recent(table: Table<number[]>, key: string, now: number): number[] {
    const times = (table.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    if (times.length === 0) table.delete(key);
    return times;
  }

  private takeBack(table: Table<number[]>, key: string, at: number) {
    const times = table.get(key);
    const i = times?.lastIndexOf(at) ?? -1;
    if (i >= 0) times!.splice(i, 1);
  }
}
