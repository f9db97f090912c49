// Kazakhstan's national days off for a year: the Law on Holidays plus the reviewed per-year data.
import { dayNumber, isWeekend, parseIsoDate, yearOf } from './days.ts';
import { YEARS } from './kz-days-off.ts';

export interface NationalYear {
  /** Day numbers that are days off although they may be weekdays (holidays, moved holidays, transfers). */
  off: Set<number>;
  /** Saturdays/Sundays made working days by a transfer order. */
  working: Set<number>;
}

/** The statutory holidays of `year`; `moves` is false for the religious days the law does not move. */
function statutory(year: number): { day: number; moves: boolean }[] {
  const fixed: [number, number][] = [
    [1, 1],
    [1, 2],
    [3, 8],
    [3, 21],
    [3, 22],
    [3, 23],
    [5, 1],
    [5, 7],
    [5, 9],
    [7, 6],
    [10, 25],
    [12, 16],
  ];
  // Constitution Day: 30 August up to 2025, none in 2026, 15 March from 2027.
  if (year <= 2025) fixed.push([8, 30]);
  if (year >= 2027) fixed.push([3, 15]);
  const list = fixed.map(([m, d]) => ({ day: dayNumber(year, m, d), moves: true }));
  list.push({ day: dayNumber(year, 1, 7), moves: false }); // Orthodox Christmas
  const kurban = YEARS[year]?.kurbanAit.date;
  if (kurban) list.push({ day: parseIsoDate(kurban), moves: false });
  return list.sort((a, b) => a.day - b.day);
}

const transfersByYear = new Map<number, { off: number[]; working: number[] }>();
for (const { transfers } of Object.values(YEARS)) {
  // Indexed by the year each date falls in, so an order may reach into the next year.
  for (const t of transfers) {
    for (const [kind, date] of [
      ['off', t.off],
      ['working', t.working],
    ] as const) {
      const day = parseIsoDate(date);
      const y = yearOf(day);
      if (!transfersByYear.has(y)) transfersByYear.set(y, { off: [], working: [] });
      transfersByYear.get(y)![kind].push(day);
    }
  }
}

const cache = new Map<number, NationalYear>();

export function nationalYear(year: number): NationalYear {
  const hit = cache.get(year);
  if (hit) return hit;
  const holidays = statutory(year);
  const off = new Set(holidays.map((h) => h.day));
  // Each holiday lost to a weekend moves, in date order, to the next day that is neither weekend nor already off.
  for (const h of holidays) {
    if (!h.moves || !isWeekend(h.day)) continue;
    let d = h.day + 1;
    while (isWeekend(d) || off.has(d)) d++;
    off.add(d);
  }
  const working = new Set<number>();
  const t = transfersByYear.get(year);
  for (const d of t?.off ?? []) off.add(d);
  for (const d of t?.working ?? []) {
    working.add(d);
    off.delete(d);
  }
  const result = { off, working };
  cache.set(year, result);
  return result;
}

/** How far the per-year data for `year` can be trusted: see kz-days-off.ts. */
export function yearDataStatus(year: number): 'official' | 'provisional' | 'missing' {
  return YEARS[year]?.status ?? 'missing';
}
