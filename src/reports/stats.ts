// The statistics every report figure shares, defined once: rank percentiles, shares, minutes.

/**
 * The nearest-rank percentile of values sorted ascending: the smallest value with at least `p` of all values at
 * or below it (`sorted[ceil(p·n) − 1]`). The median is p = 0.5: of 4 values the 2nd, of 5 the 3rd. Null when
 * there are none.
 */
function percentile(sorted: ArrayLike<number>, p: number): number | null {
  return sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] : null;
}

/** part / whole, to four decimals; null when the whole is zero (no share of nothing). */
export function share(part: number, whole: number): number | null {
  return whole ? Math.round((part / whole) * 1e4) / 1e4 : null;
}

/** Milliseconds as minutes to one decimal (null stays null). */
export function minutes(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms / 6_000) / 10;
}

/** Median and 90th percentile of durations, in minutes, with how many there were. */
export interface Durations {
  count: number;
  medianMin: number | null;
  p90Min: number | null;
}

export function durations(ms: number[]): Durations {
  // Sorted once for both ranks; a typed array sorts numbers without a comparator call each.
  const sorted = Float64Array.from(ms).sort();
  return { count: ms.length, medianMin: minutes(percentile(sorted, 0.5)), p90Min: minutes(percentile(sorted, 0.9)) };
}

/** Counts of each key, keys sorted (stable output for screens and exports). */
export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) {
    const k = key(i);
    out[k] = (out[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
