// Time-zone arithmetic through Intl (so any IANA zone works), with Intl consulted about twice per zone and
// local day: a day whose offset is the same on both sides is "fixed" and then needs only arithmetic.
import { DAY, HOUR } from './days.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();
const dayOffsets = new Map<string, Map<number, number | null>>();
// Bounds memory in a long-running process; a cleared cache only costs a few Intl calls to refill.
const MAX_CACHED_DAYS = 20_000;

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError naming the zone when Intl does not know it. */
export function assertTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new RangeError(`unknown time zone "${timeZone}"`);
  }
}

/** The zone's UTC offset (ms, east positive) at instant `ms`, straight from Intl. */
function rawOffset(timeZone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The offset valid throughout local day `day`, or null when it changes that day (DST). */
function fixedOffset(timeZone: string, day: number): number | null {
  let byDay = dayOffsets.get(timeZone);
  if (!byDay) dayOffsets.set(timeZone, (byDay = new Map<number, number | null>()));
  const cached = byDay.get(day);
  if (cached !== undefined) return cached;
  if (byDay.size >= MAX_CACHED_DAYS) byDay.clear();
  // Offsets lie within -12h..+14h, so these instants bracket the whole local day.
  const before = rawOffset(timeZone, day * DAY - 14 * HOUR);
  const after = rawOffset(timeZone, day * DAY + DAY + 12 * HOUR);
  const offset = before === after ? before : null;
  byDay.set(day, offset);
  return offset;
}

/** UTC offset of the zone at instant `ms`. */
export function offsetAt(timeZone: string, ms: number): number {
  const utcDay = Math.floor(ms / DAY);
  // The local day is the UTC day or a neighbour; a fixed day that contains the instant gives its offset.
  for (const day of [utcDay, utcDay + 1, utcDay - 1]) {
    const o = fixedOffset(timeZone, day);
    if (o !== null && Math.floor((ms + o) / DAY) === day) return o;
  }
  return rawOffset(timeZone, ms);
}

/** The instant of local wall-clock time `minutes` after midnight of local day `day`. */
export function localToUtc(timeZone: string, day: number, minutes: number): number {
  const wall = day * DAY + minutes * 60_000;
  const fixed = fixedOffset(timeZone, day);
  if (fixed !== null) return wall - fixed;
  // DST day: two passes settle on the offset in force at that wall time (a skipped time lands after the gap).
  return wall - rawOffset(timeZone, wall - rawOffset(timeZone, wall));
}
