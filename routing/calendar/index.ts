// The working calendar of a court: when the information centre works, in the court's time zone, with
// Kazakhstan's days off and the court's own exceptions. Pure: the instant is always passed in.
import { DAY, MINUTE, dayNumber, isoDate, isoWeekday, parseIsoDate, yearOf } from './days.ts';
import { nationalYear } from './holidays.ts';
import type { CourtCalendar, IsoDate, IsoWeekday, Period } from './types.ts';
import { assertTimeZone, localToUtc, offsetAt } from './zone.ts';

export type { CourtCalendar, IsoDate, IsoWeekday, Period } from './types.ts';
export { yearDataStatus } from './holidays.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Almaty';

// A calendar with no working time at all would otherwise make the searches below run forever.
const MAX_IDLE_DAYS = 800;

/** Mon–Fri 09:00–13:00 and 14:30–18:30 (lunch 13:00–14:30), Asia/Almaty, national days off. */
export function defaultCalendar(overrides: CourtCalendar['overrides'] = [], timeZone = DEFAULT_TIME_ZONE): CourtCalendar {
  assertTimeZone(timeZone);
  const day = (): Period[] => [
    { start: '09:00', end: '13:00' },
    { start: '14:30', end: '18:30' },
  ];
  return { timeZone, week: { 1: day(), 2: day(), 3: day(), 4: day(), 5: day(), 6: [], 7: [] }, overrides };
}

const overrideMaps = new WeakMap<CourtCalendar['overrides'], Map<number, 'off' | 'working'>>();

function overrideOn(cal: CourtCalendar, day: number): 'off' | 'working' | undefined {
  let map = overrideMaps.get(cal.overrides);
  if (!map) {
    map = new Map(cal.overrides.map((o) => [parseIsoDate(o.date), o.kind]));
    overrideMaps.set(cal.overrides, map);
  }
  return map.get(day);
}

function workingDay(cal: CourtCalendar, day: number): boolean {
  const override = overrideOn(cal, day);
  if (override) return override === 'working';
  const national = nationalYear(yearOf(day));
  if (national.working.has(day)) return true;
  if (national.off.has(day)) return false;
  return cal.week[isoWeekday(day)].length > 0;
}

function minutesOf(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) throw new RangeError(`invalid time "${hhmm}", expected HH:MM`);
  return minutes;
}

// Every ingest asks about today: each calendar keeps the days it has worked out (calendars are never mutated).
const intervalMemo = new WeakMap<CourtCalendar, Map<number, [number, number][]>>();

/** Working periods of local day `day` as [start, end) UTC instants, sorted, adjacent ones merged. */
function intervals(cal: CourtCalendar, day: number): [number, number][] {
  let memo = intervalMemo.get(cal);
  if (!memo) intervalMemo.set(cal, (memo = new Map<number, [number, number][]>()));
  let out = memo.get(day);
  if (!out) {
    // Bounded: a long-running process asks about a few days around now, searches may touch many more.
    if (memo.size > 1000) memo.clear();
    memo.set(day, (out = computeIntervals(cal, day)));
  }
  return out;
}

function computeIntervals(cal: CourtCalendar, day: number): [number, number][] {
  if (!workingDay(cal, day)) return [];
  let periods = cal.week[isoWeekday(day)];
  // A weekend day declared working keeps the hours of the court's first working weekday.
  if (periods.length === 0) periods = ([1, 2, 3, 4, 5, 6, 7] as IsoWeekday[]).map((w) => cal.week[w]).find((p) => p.length > 0) ?? [];
  const spans = periods
    .map((p): [number, number] => [minutesOf(p.start), minutesOf(p.end)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of spans) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out.map(([s, e]) => [localToUtc(cal.timeZone, day, s), localToUtc(cal.timeZone, day, e)]);
}

function localDay(cal: CourtCalendar, ms: number): number {
  return Math.floor((ms + offsetAt(cal.timeZone, ms)) / DAY);
}

function periodAt(cal: CourtCalendar, ms: number): [number, number] | undefined {
  return intervals(cal, localDay(cal, ms)).find(([s, e]) => s <= ms && ms < e);
}

function yearDays(year: number, weekend: boolean): number[] {
  const days: number[] = [];
  for (let d = dayNumber(year, 1, 1); d < dayNumber(year + 1, 1, 1); d++) if (isoWeekday(d) >= 6 === weekend) days.push(d);
  return days;
}

/** Monday–Friday dates of `year` that are not working days, sorted. */
export function daysOff(year: number, cal: CourtCalendar = defaultCalendar()): IsoDate[] {
  return yearDays(year, false)
    .filter((d) => !workingDay(cal, d))
    .map(isoDate);
}

/** Saturdays and Sundays of `year` that are working days, sorted. */
export function workingWeekends(year: number, cal: CourtCalendar = defaultCalendar()): IsoDate[] {
  return yearDays(year, true)
    .filter((d) => workingDay(cal, d))
    .map(isoDate);
}

export function isWorkingDay(cal: CourtCalendar, date: IsoDate): boolean {
  return workingDay(cal, parseIsoDate(date));
}

/** Inside a working period: start inclusive, end exclusive. */
export function isWorkingTime(cal: CourtCalendar, at: Date): boolean {
  return periodAt(cal, at.getTime()) !== undefined;
}

/** `at` itself in working time, otherwise the start of the next working period. */
export function nextOpening(cal: CourtCalendar, at: Date): Date {
  const t = at.getTime();
  const first = localDay(cal, t);
  for (let day = first; day <= first + MAX_IDLE_DAYS; day++) {
    for (const [s, e] of intervals(cal, day)) {
      if (s <= t && t < e) return new Date(t);
      if (s > t) return new Date(s);
    }
  }
  throw new Error(`no working time within ${MAX_IDLE_DAYS} days after ${at.toISOString()}`);
}

/** End of the working period containing `at`; null outside working time. */
export function currentPeriodEnd(cal: CourtCalendar, at: Date): Date | null {
  const p = periodAt(cal, at.getTime());
  return p ? new Date(p[1]) : null;
}

/** Working time (ms) in [from, to); 0 when `to` is not after `from`. */
export function workingMsBetween(cal: CourtCalendar, from: Date, to: Date): number {
  const f = from.getTime();
  const t = to.getTime();
  if (t <= f) return 0;
  let total = 0;
  for (let day = localDay(cal, f), last = localDay(cal, t); day <= last; day++) {
    for (const [s, e] of intervals(cal, day)) total += Math.max(0, Math.min(e, t) - Math.max(s, f));
  }
  return total;
}

/** The instant at which `ms` of working time has elapsed since `from` (SLA due times). */
export function addWorkingMs(cal: CourtCalendar, from: Date, ms: number): Date {
  const f = from.getTime();
  if (ms <= 0) return new Date(f);
  let remaining = ms;
  let idle = 0;
  for (let day = localDay(cal, f); idle <= MAX_IDLE_DAYS; day++) {
    const spans = intervals(cal, day);
    idle = spans.length ? 0 : idle + 1;
    for (const [s, e] of spans) {
      const begin = Math.max(s, f);
      if (e <= begin) continue;
      if (remaining <= e - begin) return new Date(begin + remaining);
      remaining -= e - begin;
    }
  }
  throw new Error(`no working time within ${MAX_IDLE_DAYS} days after ${from.toISOString()}`);
}

export function localDateOf(cal: CourtCalendar, at: Date): IsoDate {
  return isoDate(localDay(cal, at.getTime()));
}

/** The local year, without formatting a date (ingest numbers every new ticket with it). */
export function localYearOf(cal: CourtCalendar, at: Date): number {
  return yearOf(localDay(cal, at.getTime()));
}

/** Local date and 'HH:MM' time, for messages to citizens. */
export function formatLocal(cal: CourtCalendar, at: Date): { date: IsoDate; time: string } {
  const local = at.getTime() + offsetAt(cal.timeZone, at.getTime());
  const minutes = Math.floor((((local % DAY) + DAY) % DAY) / MINUTE);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { date: isoDate(Math.floor(local / DAY)), time: `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}` };
}
