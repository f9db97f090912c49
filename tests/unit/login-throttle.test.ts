// The sign-in throttle's arithmetic with the default limits (the API's behaviour: tests/integration/login-throttle.test.ts).
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config.ts';
import { LoginThrottle } from '../../src/login-throttle.ts';

describe('login throttle', () => {
  it('one address hammering one login never slows that login for other addresses, however long it goes on', () => {
    const throttle = new LoginThrottle(testConfig());
    const start = Date.parse('2026-12-01T05:00:00Z');
    const checked: number[] = [];
    // Two hours of one attempt a second: each one whose wait is over is a wrong password.
    for (let t = start; t < start + 2 * 3_600_000; t += 1000) {
      if (throttle.begin('aigerim', '203.0.113.7', t).waitMs === 0) checked.push(t);
      // The owner, signing in from the office every second, never waits.
      const owner = throttle.begin('aigerim', '10.20.0.1', t);
      expect(owner.waitMs, `at +${(t - start) / 1000} s`).toBe(0);
      owner.succeeded();
    }
    // 5 free, then 1 s, 2 s, 4 s … up to 15 minutes between guesses: at most 14 in any 15 minutes, under the
    // 30 that would slow the login for everyone.
    const inWindow = checked.map((t) => checked.filter((u) => u >= t && u < t + 900_000).length);
    expect(Math.max(...inWindow)).toBe(14);
    expect(checked.length).toBeLessThan(25);
  });

  it('keeps its memory bounded under a flood of distinct logins and addresses', () => {
    const throttle = new LoginThrottle(testConfig());
    const now = Date.parse('2026-12-01T05:00:00Z');
    for (let i = 0; i < 30_000; i++) throttle.begin(`user${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, now + i);
    const { pairs, logins, addresses } = throttle.size;
    expect(Math.max(pairs, logins, addresses)).toBeLessThanOrEqual(10_000);
    // The latest are kept: their streak still counts.
    for (let k = 0; k < 5; k++) throttle.begin('user29999', '10.0.117.47', now + 30_000);
    expect(throttle.begin('user29999', '10.0.117.47', now + 30_000).waitMs).toBeGreaterThan(0);
  });
});
