// The report facts (src/reports/facts.ts) give the same figures as the tickets computed directly, whatever has
// happened to the tickets since the job last ran, and are worked out again when a court's calendar changes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadReportData, type ReportQuery } from '../../src/reports/data.ts';
import { factsCourts, factsCursor, runFactsBatch } from '../../src/reports/facts.ts';
import { ticketsFromFacts } from '../../src/reports/facts-read.ts';
import { drillIds, summarize } from '../../src/reports/index.ts';
import { resolvePeriod } from '../../src/reports/period.ts';
import { Store } from '../../src/store/index.ts';

const TZ = 'Asia/Almaty';
const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+05:00`);
const AS_OF = at('2027-01-10 12:00');
const MIN = 60_000;
const CHANNELS = ['whatsapp', 'email', 'sip'];
const STATUSES = ['open', 'waiting', 'out_of_scope', 'resolved'] as const;

let store: Store;
/** Deterministic random numbers (a fixed seed: a failure can be replayed). */
let seed = 1;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
/** The writers' clock: every change is later than the one before. */
let clock = at('2026-10-01 08:00');
const tick = () => (clock += Math.floor(random() * 600) * MIN);

function addTicket(id: number, created: number) {
  const status = pick(STATUSES);
  const answered = random() < 0.7 ? created + Math.floor(random() * 4000) * MIN : null;
  const resolved = status === 'resolved' ? Math.max(answered ?? created, created) + Math.floor(random() * 6000) * MIN : null;
  store.db
    .prepare(
      `INSERT INTO tickets (id, ref, court_id, contact_id, channel, status, assignee_id, language, scope_verdict, scope_model_verdict,
         created_at, updated_at, first_response_at, first_response_due_at, resolved_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      `VIC-${id}`,
      pick([1, 2]),
      pick(CHANNELS),
      status,
      pick([10, 11, null]),
      pick(['ru', 'kk', 'mixed', null]),
      status === 'out_of_scope' ? 'appeal' : 'in_scope',
      pick(['in_scope', 'appeal']),
      created,
      Math.max(created, answered ?? 0, resolved ?? 0),
      answered,
      status === 'out_of_scope' ? null : created + 120 * MIN,
      resolved,
    );
}

/** A random change of a ticket, as the services make them: each sets updated_at to "now". */
function change(id: number) {
  const now = tick();
  const set = (sql: string, ...args: unknown[]) =>
    store.db.prepare(`UPDATE tickets SET ${sql}, updated_at = ? WHERE id = ?`).run(...args, now, id);
  switch (Math.floor(random() * 6)) {
    case 0:
      return set(`status = 'resolved', resolved_at = ?`, now);
    case 1:
      return set(`status = 'open'`);
    case 2:
      return set(`first_response_at = coalesce(first_response_at, ?)`, now);
    case 3:
      return set(`court_id = ?`, pick([1, 2]));
    case 4:
      return set(`status = 'out_of_scope', scope_verdict = 'appeal'`);
    default:
      return set(`assignee_id = ?`, pick([10, 11]));
  }
}

function query(over: Partial<ReportQuery> = {}, from = '2026-12-01', kind: 'month' | 'quarter' = 'month'): ReportQuery {
  return { courts: [1], period: resolvePeriod(kind, TZ, AS_OF, from), asOf: AS_OF, ...over };
}

/**
 * A report's summary and some drill-downs, read as reports read them (from the facts, where they serve: the summary
 * summed in SQL, the drill-down's tickets read one by one, and the summary from those tickets too).
 */
function figures(q: ReportQuery) {
  const data = loadReportData(store, q, TZ);
  const summary = summarize(loadReportData(store, q, TZ, true));
  expect(summary).toEqual(summarize(data));
  return {
    summary,
    drill: (['received', 'withinLimit', 'overLimit', 'slaBreached', 'offHours', 'resolved', 'outOfScope'] as const).map((f) =>
      drillIds(data, f, {}),
    ),
    backlog: q.period.days.map((d) => drillIds(data, 'backlog', { date: d.date }).length),
  };
}

/** The same, computed from the tickets alone (the facts' cursor put back to "nothing yet", then restored). */
function direct(q: ReportQuery) {
  const cursor = factsCursor(store);
  store.db.prepare(`UPDATE report_facts_cursor SET updated_at = -1, ticket_id = 0`).run();
  try {
    return figures(q);
  } finally {
    store.db.prepare(`UPDATE report_facts_cursor SET updated_at = ?, ticket_id = ?`).run(cursor.updatedAt, cursor.ticketId);
  }
}

const QUERIES = () => [
  query(),
  query({ courts: 'all' }),
  query({ courts: [2], channel: 'email' }),
  query({ operatorId: 10 }),
  query({ courts: 'all' }, '2026-11-15', 'quarter'),
];

/** Asserts the facts serve the report (not a fallback) and agree with the direct computation. */
function expectSame(q: ReportQuery) {
  const data = loadReportData(store, q, TZ);
  const split = ticketsFromFacts(store, q, data.courts);
  expect(split).not.toBeNull();
  expect(split!.otherCourts).toEqual([]);
  expect(figures(q)).toEqual(direct(q));
}

function runJob(limit: number) {
  while (runFactsBatch(store, TZ, clock, limit) >= limit);
}

beforeEach(() => {
  seed = 7;
  clock = at('2026-10-01 08:00');
  store = new Store(':memory:');
  const court = store.db.prepare(
    `INSERT INTO courts (id, code, name_ru, name_kk, sla_first_response_min, created_at) VALUES (?, ?, ?, ?, 120, 0)`,
  );
  court.run(1, 'a', 'Суд А', 'А соты');
  court.run(2, 'b', 'Суд Б', 'Б соты');
  const user = store.db.prepare(
    `INSERT INTO users (id, login, name, role, password_hash, court_id, created_at) VALUES (?, ?, ?, 'operator', 'x', 1, 0)`,
  );
  user.run(10, 'op1', 'Оператор 1');
  user.run(11, 'op2', 'Оператор 2');
  store.db.prepare(`INSERT INTO contacts (id, name, created_at) VALUES (1, 'Айгуль', 0)`).run();
  // October to December 2026: the backlog of December carries tickets from before it.
  for (let id = 1; id <= 300; id++) addTicket(id, at('2026-10-01 00:00') + Math.floor(random() * 90 * 24 * 60) * MIN);
  clock = at('2027-01-01 00:00');
});
afterEach(() => store.close());

describe('report facts', () => {
  it('give the figures the tickets give, through random changes, with the job behind or caught up', () => {
    runJob(40);
    expect(factsCursor(store).updatedAt).toBeGreaterThan(0);
    for (const q of QUERIES()) expectSame(q);
    let next = 301;
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 15; i++)
        if (random() < 0.2) addTicket(next++, tick());
        else change(1 + Math.floor(random() * (next - 1)));
      // Sometimes only part of the way: the tickets changed since the cursor are read directly.
      if (round % 2) runJob(25);
      else runFactsBatch(store, TZ, clock, 10);
      for (const q of QUERIES()) expectSame(q);
    }
  });

  it("works a court's facts out again when its calendar changes, and computes that court directly meanwhile", () => {
    runJob(50);
    const worked = () =>
      (
        store.db.prepare(`SELECT sum(first_response_ms) + sum(resolution_ms) AS ms FROM report_facts WHERE court_id = 1`).get() as {
          ms: number;
        }
      ).ms;
    const workedBefore = worked();
    const before = figures(query());
    // Every day of December 2026 a day off for court 1: its working times shrink.
    for (let d = 1; d <= 31; d++) store.setCalendarOverride(1, `2026-12-${String(d).padStart(2, '0')}`, 'off', null, 10, 0);
    // Not redone yet: court 1 is computed from its tickets, with the new calendar.
    const q = query({ courts: 'all' });
    const split = ticketsFromFacts(store, q, loadReportData(store, q, TZ).courts);
    expect(split!.otherCourts).toEqual([1]);
    const changed = figures(query());
    expect(changed).toEqual(direct(query()));
    expect(changed.summary.tickets.offHours.count).toBeGreaterThan(before.summary.tickets.offHours.count);
    expect(worked()).toBe(workedBefore);
    runJob(50);
    expect([...factsCourts(store).values()].every((c) => c.redoCalendar === null)).toBe(true);
    expect(worked()).toBeLessThan(workedBefore);
    for (const q of QUERIES()) expectSame(q);
    expect(figures(query())).toEqual(changed);
  });
});
