// A report's period in the court's time zone: a local day, ISO week (Monday–Sunday), calendar month, quarter,
// or custom dates (both inclusive), as the UTC instants [start, end) and the local days between.
import { DAY, dayNumber, isoDate, isoWeekday, parseIsoDate } from '../../routing/calendar/days.ts';
import { localToUtc, offsetAt } from '../../routing/calendar/zone.ts';
import type { IsoDate } from '../../routing/calendar/index.ts';

export const PERIOD_KINDS = ['day', 'week', 'month', 'quarter', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** A custom period longer than this is refused: a report over it would read too much at once. */
export const MAX_CUSTOM_DAYS = 366;

export interface ReportDay {
  date: IsoDate;
  /** UTC instants of the local day's start (inclusive) and end (exclusive). */
  start: number;
  end: number;
}

export interface ReportPeriod {
  kind: PeriodKind;
  timeZone: string;
  /** First and last local date, both inclusive. */
  from: IsoDate;
  to: IsoDate;
  start: number;
  end: number;
  days: ReportDay[];
}

/** Why a period cannot be made from the input (the route turns it into a validation error). */
export class PeriodError extends Error {
  constructor(
    readonly field: 'from' | 'to',
    message: string,
  ) {
    super(message);
  }
}

/**
 * `from` picks the period (any date inside it; default today in `timeZone` at `now`); a custom period needs
 * both `from` and `to`.
 */
export function resolvePeriod(kind: PeriodKind, timeZone: string, now: number, from?: IsoDate, to?: IsoDate): ReportPeriod {
  const anchor = from === undefined ? Math.floor((now + offsetAt(timeZone, now)) / DAY) : parseIsoDate(from);
  let first = anchor;
  let last = anchor;
  const y = new Date(anchor * DAY).getUTCFullYear();
  const m = new Date(anchor * DAY).getUTCMonth(); // 0-based
  switch (kind) {
    case 'day':
      break;
    case 'week':
      first = anchor - (isoWeekday(anchor) - 1);
      last = first + 6;
      break;
    case 'month':
      first = dayNumber(y, m + 1, 1);
      last = dayNumber(y, m + 2, 1) - 1;
      break;
    case 'quarter': {
      const q = Math.floor(m / 3) * 3;
      first = dayNumber(y, q + 1, 1);
      last = dayNumber(y, q + 4, 1) - 1;
      break;
    }
    case 'custom':
      if (from === undefined) throw new PeriodError('from', 'a custom period needs from');
      if (to === undefined) throw new PeriodError('to', 'a custom period needs to');
      first = anchor;
      last = parseIsoDate(to);
      if (last < first) throw new PeriodError('from', 'is after to');
      if (last - first + 1 > MAX_CUSTOM_DAYS) throw new PeriodError('to', `a custom period is at most ${MAX_CUSTOM_DAYS} days`);
      break;
  }
  const days: ReportDay[] = [];
  for (let d = first; d <= last; d++)
    days.push({ date: isoDate(d), start: localToUtc(timeZone, d, 0), end: localToUtc(timeZone, d + 1, 0) });
  return { kind, timeZone, from: isoDate(first), to: isoDate(last), start: days[0].start, end: days[days.length - 1].end, days };
}

/** The local ISO weekday and hour (0–23) of an instant, for the arrivals heat map (no date text: it runs per ticket). */
export function localHour(timeZone: string, ms: number): { weekday: number; hour: number } {
  const local = ms + offsetAt(timeZone, ms);
  const day = Math.floor(local / DAY);
  return { weekday: isoWeekday(day), hour: Math.floor((local - day * DAY) / 3_600_000) };
}
