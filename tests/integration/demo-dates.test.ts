// Demo data (VIC_DEMO=1) is dated in the past: loaded at 18:28 local, no ticket, message or call may carry a later
// time (the console showed demo tickets dated 20:14 the same evening and 01:43 the next day).
import { describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/demo.ts';
import { makeVic } from '../helpers.ts';

/** Tuesday 2026-12-01 18:28 in Petropavl (UTC+5). */
const EVENING = Date.parse('2026-12-01T13:28:00Z');

describe('demo data', () => {
  it('is dated no later than the moment it was loaded', async () => {
    const { vic } = await makeVic({ VIC_DEMO: true }, EVENING);
    expect(await loadDemo(vic)).not.toBeNull();
    const latest = (sql: string) => (vic.store.db.prepare(sql).get() as { at: number | null }).at;
    const times = {
      ticketCreated: latest('SELECT max(created_at) AS at FROM tickets'),
      ticketUpdated: latest('SELECT max(updated_at) AS at FROM tickets'),
      lastInbound: latest('SELECT max(last_inbound_at) AS at FROM tickets'),
      resolved: latest('SELECT max(resolved_at) AS at FROM tickets'),
      message: latest('SELECT max(created_at) AS at FROM messages'),
      callStarted: latest('SELECT max(started_at) AS at FROM calls'),
    };
    for (const [what, at] of Object.entries(times)) expect(at ?? 0, what).toBeLessThanOrEqual(EVENING);
    // Spread over the days before, the newest close to now: a newcomer sees today's tickets at the top.
    expect(times.ticketCreated!).toBeGreaterThan(EVENING - 3_600_000);
    await vic.close();
  });
});
