// Missed calls in the reports, read by when they started from their own index (calls_missed_started: a call gets
// its entry when call progress sets a call back due, never at ingest): a call back of ours that failed (no call
// back due) is no missed call, and one marked done counts as called back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadReportData } from '../../src/reports/data.ts';
import { summarize } from '../../src/reports/index.ts';
import { resolvePeriod } from '../../src/reports/period.ts';
import { Store } from '../../src/store/index.ts';

const TZ = 'Asia/Almaty';
const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+05:00`);
const AS_OF = at('2027-01-10 12:00');
let store: Store;

beforeEach(() => {
  store = new Store(':memory:');
  const db = store.db;
  db.prepare(
    `INSERT INTO courts (id, code, name_ru, name_kk, sla_first_response_min, created_at) VALUES (1, 'a', 'Суд', 'Сот', 120, 0)`,
  ).run();
  db.prepare(`INSERT INTO contacts (id, name, created_at) VALUES (1, 'Айгуль', 0)`).run();
  db.prepare(
    `INSERT INTO tickets (id, ref, court_id, contact_id, channel, status, created_at, updated_at) VALUES (1, 'VIC-1', 1, 1, 'sip', 'open', ?, ?)`,
  ).run(at('2026-12-01 10:00'), at('2026-12-01 10:00'));
  const call = db.prepare(
    `INSERT INTO calls (ticket_id, call_id, from_number, to_number, outcome, started_at, callback_due_at, callback_done_at)
     VALUES (1, ?, '+77010000001', '+77152000000', ?, ?, ?, ?)`,
  );
  // The due time is the call back's deadline, as call progress stores it (120 working minutes after the miss).
  // Missed Tue 10:00, due 12:00, marked done at 10:30: called back in time.
  call.run('m1', 'missed', at('2026-12-01 10:00'), at('2026-12-01 12:00'), at('2026-12-01 10:30'));
  // Abandoned Wed 11:00, due 13:00, never called back: overdue by now.
  call.run('m2', 'abandoned', at('2026-12-02 11:00'), at('2026-12-02 13:00'), null);
  // Our call back that found nobody: no call back due, no missed call.
  call.run('callback-m2', 'missed', at('2026-12-02 12:00'), null, null);
  // Answered: nothing to call back.
  call.run('a1', 'answered', at('2026-12-03 09:00'), null, null);
});
afterEach(() => store.close());

describe('missed calls in the reports', () => {
  it('counts the calls that got a call back due, done or overdue, and not our own failed call back', () => {
    const query = { courts: [1], period: resolvePeriod('month', TZ, AS_OF, '2026-12-01'), asOf: AS_OF };
    expect(summarize(loadReportData(store, query, TZ, true)).calls).toEqual({
      missed: 2,
      calledBack: 1,
      calledBackInTime: 1,
      overdue: 1,
      pending: 0,
      calledBackShare: 0.5,
    });
  });
});
