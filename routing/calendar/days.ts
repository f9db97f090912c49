// Civil dates as whole day numbers (days since 1970-01-01): cheap to compare, step and hash in loops.
import type { IsoDate, IsoWeekday } from './types.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY;
}

export function parseIsoDate(date: IsoDate): number {
  const m = ISO_DATE.exec(date);
  const n = m ? dayNumber(Number(m[1]), Number(m[2]), Number(m[3])) : NaN;
  // Date.UTC rolls 02-30 over to March; reject it instead of silently meaning another day.
  if (!m || isoDate(n) !== date) throw new RangeError(`invalid date "${date}", expected YYYY-MM-DD`);
  return n;
}

export function isoDate(day: number): IsoDate {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

export function yearOf(day: number): number {
  return new Date(day * DAY).getUTCFullYear();
}

export function isoWeekday(day: number): IsoWeekday {
  // 1970-01-01 was a Thursday (ISO 4).
  return (((((day + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

export function isWeekend(day: number): boolean {
  return isoWeekday(day) >= 6;
}
