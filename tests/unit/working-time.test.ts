// The console's working-time countdown (#16) against the server's own calendar: the intervals GET /api/working-hours
// sends, summed by the console, give exactly what routing/calendar's workingMsBetween gives for the same court —
// across lunch, the evening, a weekend, a holiday, a decreed transfer and a court's own week and days — and the
// countdown stands still while the court is closed, turns amber under a quarter left and red when late.
import { describe, expect, it } from 'vitest';
import { readDue, workingBetween, type WorkingHours } from '../../operator-ui/src/working-time.ts';
import { addWorkingMs, defaultCalendar, workingMsBetween, type CourtCalendar } from '../../routing/calendar/index.ts';
import { workingIntervals, workingWindow } from '../../src/api/routes-working-hours.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Court time (Asia/Almaty, UTC+5) as an instant. */
const at = (local: string) => Date.parse(`${local}+05:00`);

const standard = defaultCalendar();
/** A court with its own week (Saturday mornings, no lunch on Friday) and its own day off and working day. */
const own: CourtCalendar = {
  ...defaultCalendar([
    { date: '2026-12-03', kind: 'off' },
    { date: '2026-12-06', kind: 'working' },
  ]),
  week: {
    1: [
      { start: '09:00', end: '13:00' },
      { start: '14:00', end: '18:00' },
    ],
    2: [
      { start: '09:00', end: '13:00' },
      { start: '14:00', end: '18:00' },
    ],
    3: [
      { start: '09:00', end: '13:00' },
      { start: '14:00', end: '18:00' },
    ],
    4: [
      { start: '09:00', end: '13:00' },
      { start: '14:00', end: '18:00' },
    ],
    5: [{ start: '08:00', end: '16:00' }],
    6: [{ start: '10:00', end: '12:00' }],
    7: [],
  },
};

/** What the console receives for a court at `now`. */
function hoursFor(cal: CourtCalendar, now: number, sla = 120): WorkingHours {
  const { from, to } = workingWindow(cal, { slaFirstResponseMin: sla }, now);
  return { generatedAt: now, from, to, courts: [{ courtId: 1, intervals: workingIntervals(cal, from, to) }] };
}

describe('working intervals from the court calendar', () => {
  it('are the day’s periods with the lunch break, none on a weekend or a holiday', () => {
    const now = at('2026-12-10T10:00');
    const { intervals } = hoursFor(standard, now).courts[0];
    const on = (day: string) => intervals.filter(([s]) => s >= at(`${day}T00:00`) && s < at(`${day}T24:00`));
    // Tuesday: 09:00–13:00 and 14:30–18:30.
    expect(on('2026-12-01')).toEqual([
      [at('2026-12-01T09:00'), at('2026-12-01T13:00')],
      [at('2026-12-01T14:30'), at('2026-12-01T18:30')],
    ]);
    expect(on('2026-12-05')).toEqual([]); // Saturday
    expect(on('2026-12-16')).toEqual([]); // Independence Day, a Wednesday
    // From the start of the court day two weeks back to two weeks on.
    expect(intervals[0][0]).toBe(at('2026-11-26T09:00'));
    expect(intervals.at(-1)![1]).toBe(at('2026-12-23T18:30'));
  });

  it('reach past two weeks when the court’s time to answer does', () => {
    const now = at('2026-12-01T10:00');
    const sla = 200 * 60; // 200 working hours: 25 working days
    const h = hoursFor(standard, now, sla);
    expect(h.to).toBeGreaterThan(addWorkingMs(standard, new Date(now), sla * MIN).getTime());
  });

  const cases: [string, CourtCalendar, string, string, string][] = [
    ['within the morning', standard, '2026-12-01T09:30', '2026-12-01T12:15', '2026-12-01'],
    ['across lunch', standard, '2026-12-01T12:50', '2026-12-01T16:20', '2026-12-01'],
    ['starting in lunch', standard, '2026-12-01T13:40', '2026-12-01T15:00', '2026-12-01'],
    ['across the evening', standard, '2026-12-01T18:20', '2026-12-02T10:50', '2026-12-01'],
    ['across a weekend', standard, '2026-12-04T17:00', '2026-12-07T10:00', '2026-12-04'],
    ['across Independence Day', standard, '2026-12-15T17:30', '2026-12-17T09:45', '2026-12-15'],
    ['across New Year', standard, '2026-12-31T17:00', '2027-01-05T11:00', '2026-12-31'],
    ['across a transfer (Fri off, Sun working)', standard, '2025-01-02T18:00', '2025-01-06T09:30', '2025-01-02'],
    ['across a court’s own day off and Saturday', own, '2026-12-02T17:00', '2026-12-07T09:30', '2026-12-02'],
    ['across a court’s own Friday without lunch', own, '2026-12-04T12:00', '2026-12-04T15:00', '2026-12-04'],
  ];
  it.each(cases)('sum to the server’s workingMsBetween %s', (_name, cal, from, to, today) => {
    const h = hoursFor(cal, at(`${today}T08:00`));
    const { intervals } = h.courts[0];
    const a = at(from);
    const b = at(to);
    const server = workingMsBetween(cal, new Date(a), new Date(b));
    expect(server).toBeGreaterThan(0);
    expect(workingBetween(intervals, a, b)).toBe(server);
    // And at every quarter hour in between.
    for (let t = a; t <= b; t += 15 * MIN) expect(workingBetween(intervals, t, b)).toBe(workingMsBetween(cal, new Date(t), new Date(b)));
  });

  it('give back the reply-by time the server set: two working hours from any moment', () => {
    for (const cal of [standard, own]) {
      const h = hoursFor(cal, at('2026-12-01T08:00'));
      const { intervals } = h.courts[0];
      for (let t = at('2026-12-01T08:00'); t < at('2026-12-08T00:00'); t += 37 * MIN) {
        const due = addWorkingMs(cal, new Date(t), 2 * HOUR).getTime();
        expect(workingBetween(intervals, t, due)).toBe(2 * HOUR);
      }
    }
  });
});

describe('the countdown', () => {
  const h = hoursFor(standard, at('2026-12-01T08:00'));
  // Received at 12:50, ten minutes before lunch: due two working hours later, at 16:20.
  const start = at('2026-12-01T12:50');
  const due = addWorkingMs(standard, new Date(start), 2 * HOUR).getTime();
  const read = (now: string) => readDue(h, 1, start, due, at(now));

  it('counts working time, not wall time', () => {
    expect(due).toBe(at('2026-12-01T16:20'));
    expect(read('2026-12-01T12:50')).toEqual({ left: 2 * HOUR, level: 'ok', running: true, resumesAt: null, working: true });
    expect(read('2026-12-01T12:55').left).toBe(115 * MIN);
  });

  it('stands still over lunch and says when it goes on', () => {
    for (const now of ['2026-12-01T13:00', '2026-12-01T13:45', '2026-12-01T14:29'])
      expect(read(now)).toEqual({ left: 110 * MIN, level: 'ok', running: false, resumesAt: at('2026-12-01T14:30'), working: true });
    expect(read('2026-12-01T14:31')).toMatchObject({ left: 109 * MIN, running: true });
  });

  it('turns amber under a quarter of the working time to answer, red when late, late counted in working time', () => {
    expect(read('2026-12-01T15:49').level).toBe('ok'); // 31 min of 120 left
    expect(read('2026-12-01T15:51')).toMatchObject({ left: 29 * MIN, level: 'soon' });
    expect(read('2026-12-01T16:20').level).toBe('over');
    expect(read('2026-12-01T16:25')).toMatchObject({ left: -5 * MIN, level: 'over', running: true });
    // After the day's end the delay stands still until the morning: 16:20–18:30.
    expect(read('2026-12-01T22:00')).toMatchObject({ left: -130 * MIN, level: 'over', running: false, resumesAt: at('2026-12-02T09:00') });
    expect(read('2026-12-02T09:10').left).toBe(-140 * MIN);
  });

  it('is amber early when the time to answer spans a weekend: the share is of working time', () => {
    // Received Friday 18:00, due Monday 10:30 (30 working min on Friday, 90 on Monday).
    const fri = at('2026-12-04T18:00');
    const mon = addWorkingMs(standard, new Date(fri), 2 * HOUR).getTime();
    const w = hoursFor(standard, fri);
    expect(mon).toBe(at('2026-12-07T10:30'));
    // Saturday: 1 h 30 of 2 h left, on hold until Monday 09:00; in wall time 46 ½ of 64 ½ hours.
    expect(readDue(w, 1, fri, mon, at('2026-12-05T12:00'))).toEqual({
      left: 90 * MIN,
      level: 'ok',
      running: false,
      resumesAt: at('2026-12-07T09:00'),
      working: true,
    });
    expect(readDue(w, 1, fri, mon, at('2026-12-07T10:05'))).toMatchObject({ left: 25 * MIN, level: 'soon' });
  });

  it('falls back to wall time without the court’s intervals', () => {
    const wall = { left: 3 * HOUR + 30 * MIN, level: 'ok', running: true, resumesAt: null, working: false };
    expect(readDue(null, 1, start, due, start)).toEqual(wall);
    expect(readDue(h, 2, start, due, start)).toEqual(wall); // a court the answer did not include
    // A browser clock outside the known days.
    expect(readDue(h, 1, start, due, h.to + HOUR)).toMatchObject({ working: false, level: 'over' });
  });
});
