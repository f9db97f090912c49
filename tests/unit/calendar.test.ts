import { describe, expect, it } from 'vitest';
import {
  addWorkingMs,
  currentPeriodEnd,
  daysOff,
  defaultCalendar,
  formatLocal,
  isWorkingDay,
  isWorkingTime,
  localDateOf,
  nextOpening,
  workingMsBetween,
  workingWeekends,
  yearDataStatus,
} from '../../routing/calendar/index.ts';

const cal = defaultCalendar();
const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;
const MIN = 60_000;

describe('national days off (official lists)', () => {
  it('2025', () => {
    expect(daysOff(2025)).toEqual([
      '2025-01-01',
      '2025-01-02',
      '2025-01-03',
      '2025-01-07',
      '2025-03-10',
      '2025-03-21',
      '2025-03-24',
      '2025-03-25',
      '2025-05-01',
      '2025-05-07',
      '2025-05-09',
      '2025-06-06',
      '2025-07-07',
      '2025-09-01',
      '2025-10-27',
      '2025-12-16',
    ]);
    expect(workingWeekends(2025)).toEqual(['2025-01-05']);
  });

  it('2026', () => {
    expect(daysOff(2026)).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-07',
      '2026-03-09',
      '2026-03-23',
      '2026-03-24',
      '2026-03-25',
      '2026-05-01',
      '2026-05-07',
      '2026-05-11',
      '2026-05-27',
      '2026-07-06',
      '2026-10-26',
      '2026-12-16',
    ]);
    expect(workingWeekends(2026)).toEqual([]);
  });

  it('moves each holiday lost to a weekend, in order, past days already off', () => {
    // 2026: Nauryz 21 Sat, 22 Sun, 23 Mon → 24 and 25 off as well.
    expect(['2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26'].map((d) => isWorkingDay(cal, d))).toEqual([false, false, false, true]);
    // 2027: 1 Jan Fri, 2 Jan Sat → Mon 4 Jan; Constitution Day moves to 15 March from 2027.
    expect(daysOff(2027)).toEqual(expect.arrayContaining(['2027-01-04', '2027-03-15']));
    expect(daysOff(2027)).not.toContain('2027-08-30');
    // 2026 has no Constitution Day at all (30 Aug is a Sunday anyway, 31 Aug stays working).
    expect(isWorkingDay(cal, '2026-08-31')).toBe(true);
  });

  it('does not move Orthodox Christmas or Kurban Ait when they fall on a weekend', () => {
    expect(isWorkingDay(cal, '2024-01-08')).toBe(true); // 7 Jan 2024 was a Sunday
    expect(isWorkingDay(cal, '2029-01-08')).toBe(true); // 7 Jan 2029 is a Sunday
    expect(isWorkingDay(cal, '2024-06-17')).toBe(true); // Kurban Ait 16 Jun 2024 was a Sunday
    expect(daysOff(2024)).toEqual([
      '2024-01-01',
      '2024-01-02',
      '2024-03-08',
      '2024-03-21',
      '2024-03-22',
      '2024-03-25',
      '2024-05-01',
      '2024-05-07',
      '2024-05-08',
      '2024-05-09',
      '2024-07-08',
      '2024-08-30',
      '2024-10-25',
      '2024-12-16',
    ]);
    expect(workingWeekends(2024)).toEqual(['2024-05-04']);
  });

  it('reports how reliable the per-year data is', () => {
    expect(yearDataStatus(2026)).toBe('official');
    expect(yearDataStatus(2028)).toBe('provisional');
    expect(yearDataStatus(2040)).toBe('missing');
  });
});

describe('working time', () => {
  it('counts opening as working and closing as not, with the lunch break off', () => {
    // Tuesday 2026-12-01, Asia/Almaty is UTC+5.
    expect(isWorkingTime(cal, at('2026-12-01T04:00:00Z'))).toBe(true); // 09:00
    expect(isWorkingTime(cal, at('2026-12-01T03:59:59.999Z'))).toBe(false);
    expect(isWorkingTime(cal, at('2026-12-01T07:59:00Z'))).toBe(true); // 12:59
    expect(isWorkingTime(cal, at('2026-12-01T08:00:00Z'))).toBe(false); // 13:00 lunch
    expect(isWorkingTime(cal, at('2026-12-01T09:30:00Z'))).toBe(true); // 14:30
    expect(isWorkingTime(cal, at('2026-12-01T13:30:00Z'))).toBe(false); // 18:30
    expect(isWorkingTime(cal, at('2026-11-28T06:00:00Z'))).toBe(false); // Saturday
    expect(isWorkingTime(cal, at('2026-12-16T06:00:00Z'))).toBe(false); // Independence Day
  });

  it('gives the end of the current period', () => {
    expect(currentPeriodEnd(cal, at('2026-12-01T05:00:00Z'))?.toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(currentPeriodEnd(cal, at('2026-12-01T10:00:00Z'))?.toISOString()).toBe('2026-12-01T13:30:00.000Z');
    expect(currentPeriodEnd(cal, at('2026-12-01T08:30:00Z'))).toBeNull();
  });

  it('finds the next opening across a long holiday', () => {
    // Friday 2026-03-20 18:30 local; the weekend and Nauryz (23–25 Mar) follow.
    expect(nextOpening(cal, at('2026-03-20T13:30:00Z')).toISOString()).toBe('2026-03-26T04:00:00.000Z');
    expect(nextOpening(cal, at('2026-12-01T08:15:00Z')).toISOString()).toBe('2026-12-01T09:30:00.000Z'); // after lunch
    expect(nextOpening(cal, at('2026-12-01T05:00:00Z')).toISOString()).toBe('2026-12-01T05:00:00.000Z'); // working now
    expect(nextOpening(cal, at('2026-11-30T23:00:00Z')).toISOString()).toBe('2026-12-01T04:00:00.000Z'); // 04:00 local
  });

  it('measures working time between two instants across a weekend', () => {
    // Friday 2026-11-27 17:00 → Monday 2026-11-30 10:00 local: 1.5 h + 1 h.
    expect(workingMsBetween(cal, at('2026-11-27T12:00:00Z'), at('2026-11-30T05:00:00Z'))).toBe(2.5 * HOUR);
    // A whole ordinary week is 5 × 8 h.
    expect(workingMsBetween(cal, at('2026-11-29T00:00:00Z'), at('2026-12-06T00:00:00Z'))).toBe(40 * HOUR);
    expect(workingMsBetween(cal, at('2026-12-01T05:00:00Z'), at('2026-12-01T04:00:00Z'))).toBe(0);
  });

  it('adds working time across lunch, night and weekend', () => {
    // Tuesday 12:00 + 2 h → 12:00–13:00, lunch, 14:30–15:30.
    expect(addWorkingMs(cal, at('2026-12-01T07:00:00Z'), 2 * HOUR).toISOString()).toBe('2026-12-01T10:30:00.000Z');
    // Tuesday 18:00 + 1 h → 30 min that evening, 30 min on Wednesday morning.
    expect(addWorkingMs(cal, at('2026-12-01T13:00:00Z'), HOUR).toISOString()).toBe('2026-12-02T04:30:00.000Z');
    // Friday 18:00 + 1 h → Monday 09:30.
    expect(addWorkingMs(cal, at('2026-11-27T13:00:00Z'), HOUR).toISOString()).toBe('2026-11-30T04:30:00.000Z');
    // Saturday night + 2 h → Monday 11:00; ending exactly at closing time is allowed.
    expect(addWorkingMs(cal, at('2026-11-28T17:00:00Z'), 2 * HOUR).toISOString()).toBe('2026-11-30T06:00:00.000Z');
    expect(addWorkingMs(cal, at('2026-12-01T12:30:00Z'), HOUR).toISOString()).toBe('2026-12-01T13:30:00.000Z');
    const from = at('2026-03-19T10:00:00Z');
    const due = addWorkingMs(cal, from, 10 * HOUR);
    expect(workingMsBetween(cal, from, due)).toBe(10 * HOUR);
  });

  it('formats local dates and times', () => {
    expect(localDateOf(cal, at('2026-11-30T19:30:00Z'))).toBe('2026-12-01');
    expect(formatLocal(cal, at('2026-11-30T04:00:00Z'))).toEqual({ date: '2026-11-30', time: '09:00' });
    expect(formatLocal(cal, at('2026-11-28T17:07:59Z'))).toEqual({ date: '2026-11-28', time: '22:07' });
  });
});

describe('court calendars', () => {
  it('applies court overrides: an extra day off and a working Saturday', () => {
    const court = defaultCalendar([
      { date: '2026-12-02', kind: 'off' },
      { date: '2026-12-05', kind: 'working' },
    ]);
    expect(isWorkingDay(court, '2026-12-02')).toBe(false);
    expect(isWorkingTime(court, at('2026-12-02T05:00:00Z'))).toBe(false);
    expect(isWorkingTime(court, at('2026-12-05T05:00:00Z'))).toBe(true); // Saturday 10:00, weekday hours
    expect(isWorkingTime(court, at('2026-12-05T08:30:00Z'))).toBe(false); // lunch still applies
    expect(daysOff(2026, court)).toContain('2026-12-02');
    expect(workingWeekends(2026, court)).toEqual(['2026-12-05']);
    expect(nextOpening(court, at('2026-12-01T13:30:00Z')).toISOString()).toBe('2026-12-03T04:00:00.000Z');
    // The default calendar is untouched.
    expect(isWorkingDay(cal, '2026-12-02')).toBe(true);
  });

  it('lets a court work on a national holiday', () => {
    const court = defaultCalendar([{ date: '2026-12-16', kind: 'working' }]);
    expect(isWorkingTime(court, at('2026-12-16T05:00:00Z'))).toBe(true);
    expect(daysOff(2026, court)).not.toContain('2026-12-16');
  });

  it('uses the configured weekly hours and time zone', () => {
    const court = {
      ...defaultCalendar([], 'Asia/Tashkent'),
      week: { 1: [{ start: '08:00', end: '17:00' }], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] },
    };
    // Monday 2026-11-30 08:00 in Tashkent (UTC+5).
    expect(isWorkingTime(court, at('2026-11-30T03:00:00Z'))).toBe(true);
    expect(isWorkingTime(court, at('2026-12-01T05:00:00Z'))).toBe(false); // Tuesday
    expect(nextOpening(court, at('2026-11-30T12:00:00Z')).toISOString()).toBe('2026-12-07T03:00:00.000Z');
    expect(workingMsBetween(court, at('2026-11-30T00:00:00Z'), at('2026-12-07T00:00:00Z'))).toBe(9 * HOUR);
  });

  it('follows a time zone with daylight saving time', () => {
    const ny = defaultCalendar([], 'America/New_York');
    // Friday 2026-03-06 is EST (UTC−5); Tuesday 2026-03-10 is EDT (UTC−4).
    expect(nextOpening(ny, at('2026-03-06T12:00:00Z')).toISOString()).toBe('2026-03-06T14:00:00.000Z');
    expect(formatLocal(ny, at('2026-03-10T13:00:00Z'))).toEqual({ date: '2026-03-10', time: '09:00' });
    expect(isWorkingTime(ny, at('2026-03-10T13:00:00Z'))).toBe(true);
    expect(addWorkingMs(ny, at('2026-03-06T23:30:00Z'), 30 * MIN).toISOString()).toBe('2026-03-10T13:30:00.000Z'); // 9 Mar is a KZ day off
  });

  it('rejects an unknown time zone and malformed dates', () => {
    expect(() => defaultCalendar([], 'Mars/Olympus')).toThrow(/unknown time zone/);
    expect(() => isWorkingDay(cal, '2026-02-30')).toThrow(/invalid date/);
  });
});
