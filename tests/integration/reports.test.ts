// Every report figure on a hand-built December 2026 in one court (Asia/Almaty, UTC+5; the default calendar:
// Mon–Fri 09:00–13:00 and 14:30–18:30, 480 working minutes a day; Wednesday 16 December is Independence Day).
// Each expected number is worked out by hand in the comments, in working minutes, from the data in
// tests/support/reports-december.ts (shared with the XLSX exports' test).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadReportData, type ReportQuery } from '../../src/reports/data.ts';
import { drillIds, summarize } from '../../src/reports/index.ts';
import { MAX_CUSTOM_DAYS, resolvePeriod, type PeriodKind } from '../../src/reports/period.ts';
import { Store } from '../../src/store/index.ts';
import { reportTables, toCsv } from '../../src/reports/tables.ts';
import { AS_OF, at, DECEMBER_STAFF, insertDecember } from '../support/reports-december.ts';

const TZ = 'Asia/Almaty';
const COURT = 1;
const OTHER_COURT = 2;
const OP1 = 10;
const OP2 = 11;
const SPECIALIST = 12;

let store: Store;

function build() {
  const db = store.db;
  const courts = db.prepare(
    `INSERT INTO courts (id, code, name_ru, name_kk, sla_first_response_min, created_at) VALUES (?, ?, ?, ?, 120, 0)`,
  );
  courts.run(COURT, 'court-a', 'Суд А', 'А соты');
  courts.run(OTHER_COURT, 'court-b', 'Суд Б', 'Б соты');
  const user = db.prepare(`INSERT INTO users (id, login, name, role, password_hash, court_id, created_at) VALUES (?, ?, ?, ?, 'x', 1, 0)`);
  user.run(OP1, 'op1', DECEMBER_STAFF.op1, 'operator');
  user.run(OP2, 'op2', DECEMBER_STAFF.op2, 'operator');
  user.run(SPECIALIST, 'sp', DECEMBER_STAFF.specialist, 'specialist');
  insertDecember(db, { courtA: COURT, courtB: OTHER_COURT, op1: OP1, op2: OP2, specialist: SPECIALIST });
}

beforeEach(() => {
  store = new Store(':memory:');
  build();
});
afterEach(() => store.close());

function report(over: Partial<ReportQuery> = {}, kind: PeriodKind = 'month', from = '2026-12-01') {
  const query: ReportQuery = { courts: [COURT], period: resolvePeriod(kind, TZ, AS_OF, from), asOf: AS_OF, ...over };
  const data = loadReportData(store, query, TZ);
  return { data, summary: summarize(data) };
}

describe('report figures, December 2026, one court', () => {
  it('counts tickets received by channel, with the month taken in court time', () => {
    const { summary } = report();
    // T1 T2 T3 T4 T5 T7 T8 T9 T12 (not T6: January local; not T10: another court; not T11: November).
    expect(summary.tickets.received).toBe(9);
    expect(summary.tickets.byChannel).toEqual({ email: 3, sip: 2, whatsapp: 4 });
    // T5 at 23:30 on the 31st is that day's; T6, at 19:30 UTC on the same UTC date, is not.
    expect(summary.days.find((d) => d.date === '2026-12-31')!.received).toBe(1);
    expect(summary.days).toHaveLength(31);
  });

  it('measures first response in working time: median, p90 and the share within the limit', () => {
    const { summary } = report();
    // Answered: T3 45, T7 60, T9 60, T1 120, T2 360. Nearest rank: median the 3rd of 5 = 60, p90 the 5th = 360.
    // Within 120: T1 T3 T7 T9 = 4; over: T2 (360), T4 and T8 (unanswered, past the limit) = 3; T5 T12 turned away.
    expect(summary.tickets.firstResponse).toEqual({
      count: 5,
      medianMin: 60,
      p90Min: 360,
      withinLimit: 4,
      overLimit: 3,
      withinLimitShare: 0.5714,
    });
  });

  it('measures resolution in working time', () => {
    // Resolved: T7 90, T9 90, T3 120, T1 360: median the 2nd of 4 = 90, p90 the 4th = 360.
    expect(report().summary.tickets.resolution).toEqual({ count: 4, medianMin: 90, p90Min: 360 });
  });

  it('counts reply-by breaches among the tickets that had a reply-by time', () => {
    // With a due time: T1 T2 T3 T4 T7 T8 (6); breached T2 (answered late), T4 and T8 (never answered) = 3.
    expect(report().summary.tickets.slaBreaches).toEqual({ count: 3, share: 0.5 });
  });

  it('counts arrivals off hours (weekend, holiday, night) but not in the evening working period', () => {
    // T4 Saturday, T5 23:30, T7 the holiday = 3 of 9; T8 Monday 17:00 is working time.
    expect(report().summary.tickets.offHours).toEqual({ count: 3, share: 0.3333 });
  });

  it('counts languages, none detected as unknown', () => {
    expect(report().summary.tickets.languages).toEqual({ kk: 3, ru: 4, unknown: 2 });
  });

  it("keeps the backlog at each day's end", () => {
    const { summary } = report();
    const backlog = Object.fromEntries(summary.days.map((d) => [d.date, d.backlog]));
    // 1st: T11 (resolved on the 2nd; T3 came and went the same day). 2nd–3rd: none. 4th: T1. 5th–6th: T1, T4.
    // 7th: T1 resolved at 15:00 → T4. 14th: T9 came and went → T4. 15th: + T2. 16th: + T7. 17th: T7 resolved.
    // 28th: + T8. Turned-away T5 and T12 never count.
    expect(backlog).toMatchObject({
      '2026-12-01': 1,
      '2026-12-02': 0,
      '2026-12-03': 0,
      '2026-12-04': 1,
      '2026-12-05': 2,
      '2026-12-06': 2,
      '2026-12-07': 1,
      '2026-12-14': 1,
      '2026-12-15': 2,
      '2026-12-16': 3,
      '2026-12-17': 2,
      '2026-12-27': 2,
      '2026-12-28': 3,
      '2026-12-31': 3,
    });
    const data = report().data;
    expect(drillIds(data, 'backlog', { date: '2026-12-16' })).toEqual([7, 4, 2]);
  });

  it('measures escalations per specialist: pick-up and answer in working time', () => {
    const e = report().summary.escalations;
    // Pick-up: E2 25, E1 180 → median the 1st of 2 = 25, p90 the 2nd = 180. Answer: E1 270 only (E2 returned).
    expect(e).toMatchObject({
      count: 2,
      byStatus: { open: 0, answered: 1, returned: 1, passed: 0 },
      pickup: { count: 2, medianMin: 25, p90Min: 180 },
      answer: { count: 1, medianMin: 270, p90Min: 270 },
    });
    expect(e.bySpecialist).toEqual([expect.objectContaining({ specialistId: SPECIALIST, name: 'Секретарь', count: 2 })]);
  });

  it('shows the out-of-scope share with the filter and the operators’ corrections', () => {
    // Out of scope now: T5, T12 = 2 of 9. Filtered on arrival: T5, T9 = 2; overruled: T9 (1 of 2); marked: T12.
    expect(report().summary.scope).toEqual({
      received: 9,
      outOfScope: 2,
      outOfScopeShare: 0.2222,
      filtered: 2,
      overruled: 1,
      overruledShare: 0.5,
      markedAppeal: 1,
    });
  });

  it('counts missed calls and the calls back done in time or overdue', () => {
    // c1 called back in time (10:00 ≤ 11:00); c3 overdue since Tue 09:30. The answered call back is no missed call.
    expect(report().summary.calls).toEqual({ missed: 2, calledBack: 1, calledBackInTime: 1, overdue: 1, pending: 0, calledBackShare: 0.5 });
    expect(drillIds(report().data, 'callbackOverdue', {})).toEqual([8]);
  });

  it('reads the citizens’ ratings of the period', () => {
    expect(report().summary.ratings).toEqual({ counts: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 1 }, rated: 2, mean: 4, sent: 3 });
  });

  it('narrows every figure to one operator', () => {
    const { summary, data } = report({ operatorId: OP1 });
    // Held by OP1: T1, T3, T7. First response 45, 60, 120: median the 2nd = 60, p90 the 3rd = 120.
    expect(summary.tickets.received).toBe(3);
    expect(summary.tickets.firstResponse).toMatchObject({ count: 3, medianMin: 60, p90Min: 120, withinLimit: 3, overLimit: 0 });
    // Escalations OP1 asked: E2. Decisions OP1 took: the mark on T12. Missed calls on OP1's tickets: c1.
    expect(summary.escalations.count).toBe(1);
    expect(summary.scope).toMatchObject({ overruled: 0, markedAppeal: 1 });
    expect(summary.calls).toMatchObject({ missed: 1, calledBack: 1 });
    expect(summary.ratings).toMatchObject({ sent: 1, rated: 1, mean: 5 });
    expect(drillIds(data, 'received', {})).toEqual([7, 3, 1]);
  });

  it('narrows to a channel and breaks the figures down by channel, court and operator', () => {
    const phone = report({ channel: 'sip' }).summary;
    expect(phone.tickets.received).toBe(2);
    expect(phone.calls.missed).toBe(2);
    expect(report({ channel: 'email' }).summary.calls.missed).toBe(0);
    const { summary } = report({ courts: 'all' });
    // T10 of the other court joins.
    expect(summary.tickets.received).toBe(10);
    expect(summary.byCourt.map((c) => [c.code, c.received])).toEqual([
      ['court-a', 9],
      ['court-b', 1],
    ]);
    expect(summary.byChannel.map((c) => [c.channel, c.received])).toEqual([
      ['email', 3],
      ['sip', 2],
      ['whatsapp', 5],
    ]);
    // OP1: T1 T3 T7; OP2: T2 T9; nobody: T4 T5 T8 T10 T12.
    expect(summary.byOperator.map((o) => [o.operatorId, o.received])).toEqual([
      [OP1, 3],
      [OP2, 2],
      [null, 5],
    ]);
  });

  it('lists the tickets behind each number (the drill-down agrees with the count)', () => {
    const { data } = report();
    expect(drillIds(data, 'slaBreached', {})).toEqual([8, 4, 2]);
    expect(drillIds(data, 'offHours', {})).toEqual([7, 5, 4]);
    expect(drillIds(data, 'overLimit', {})).toEqual([8, 4, 2]);
    expect(drillIds(data, 'language', { language: 'unknown' })).toEqual([8, 7]);
    expect(drillIds(data, 'outOfScope', {})).toEqual([12, 5]);
    expect(drillIds(data, 'overruled', {})).toEqual([9]);
    expect(drillIds(data, 'escalated', {})).toEqual([3, 2]);
  });

  it('puts 00:30 on 1 January local (still 31 December in UTC) in January', () => {
    const jan = report({}, 'month', '2027-01-01').summary;
    expect(jan.tickets.received).toBe(1);
    expect(jan.period).toMatchObject({ from: '2027-01-01', to: '2027-01-31' });
  });
});

describe('report periods in court time', () => {
  const now = at('2026-12-16 12:00');
  it('takes the day, ISO week, month and quarter around a date, and refuses an overlong custom period', () => {
    expect(resolvePeriod('day', TZ, now)).toMatchObject({
      from: '2026-12-16',
      to: '2026-12-16',
      start: Date.parse('2026-12-15T19:00:00Z'),
    });
    expect(resolvePeriod('week', TZ, now, '2026-12-16')).toMatchObject({ from: '2026-12-14', to: '2026-12-20' });
    expect(resolvePeriod('month', TZ, now, '2026-02-10')).toMatchObject({ from: '2026-02-01', to: '2026-02-28' });
    const q4 = resolvePeriod('quarter', TZ, now, '2026-11-05');
    expect(q4).toMatchObject({ from: '2026-10-01', to: '2026-12-31', end: Date.parse('2026-12-31T19:00:00Z') });
    expect(q4.days).toHaveLength(92);
    expect(resolvePeriod('custom', TZ, now, '2026-12-01', '2026-12-03').days.map((d) => d.date)).toEqual([
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
    ]);
    expect(() => resolvePeriod('custom', TZ, now, '2026-12-03', '2026-12-01')).toThrow(/after/);
    expect(() => resolvePeriod('custom', TZ, now, '2025-01-01', '2026-12-31')).toThrow(String(MAX_CUSTOM_DAYS));
  });
});

describe('report tables as CSV', () => {
  it('writes the figures with a decimal comma, quotes what needs it and keeps formula-like names as text', () => {
    store.db.prepare(`UPDATE users SET name = ? WHERE id = ?`).run('=HYPERLINK("x")', OP1);
    store.db.prepare(`UPDATE users SET name = ? WHERE id = ?`).run('Оператор; второй', OP2);
    const tables = reportTables(report().summary, 'ru');
    const overview = toCsv(
      tables.find((t) => t.key === 'overview')!,
      'ru',
    ).split('\r\n');
    expect(overview[0]).toBe('\uFEFFПоказатель;Значение');
    // The same numbers as the summary: 4 of 7 within the limit.
    expect(overview).toContain('Доля ответов в пределах норматива;0,5714');
    const operators = toCsv(
      tables.find((t) => t.key === 'operators')!,
      'ru',
    ).split('\r\n');
    expect(operators[1]).toMatch(/^"'=HYPERLINK\(""x""\)";3;/);
    expect(operators[2]).toMatch(/^"Оператор; второй";2;/);
    expect(operators[3]).toMatch(/^Не назначен;4;/);
  });
});
