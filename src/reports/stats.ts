// The statistics every report figure shares, defined once: rank percentiles, shares, minutes.

/**
 * The nearest-rank percentile: the smallest value with at least `p` of all values at or below it (of the values
 * sorted ascending, the one at `ceil(p·n) − 1`). The median is p = 0.5: of 4 values the 2nd, of 5 the 3rd. None
 * when there are no values.
 */
const rank = (n: number, p: number) => Math.max(0, Math.ceil(p * n) - 1);

/**
 * Puts the k-th smallest value at index k of xs[lo..hi], smaller ones before it and larger after (Hoare's
 * quickselect, middle pivot): the ranks without sorting all of a year's durations.
 */
function select(xs: Float64Array, k: number, lo: number, hi: number): number {
  while (lo < hi) {
    const pivot = xs[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (xs[i] < pivot) i++;
      while (xs[j] > pivot) j--;
      if (i <= j) {
        const x = xs[i];
        xs[i++] = xs[j];
        xs[j--] = x;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return xs[k];
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

/** The nearest-rank median and p90 (percentile above) of `ms`; a Float64Array made for the purpose is reordered in place. */
export function durations(ms: ArrayLike<number>): Durations {
  const xs = ms instanceof Float64Array ? ms : Float64Array.from(ms);
  const n = xs.length;
  if (!n) return { count: 0, medianMin: null, p90Min: null };
  const median = rank(n, 0.5);
  const p90 = rank(n, 0.9);
  // The p90 is at or above the median's place: sought among the values after it.
  const m = select(xs, median, 0, n - 1);
  return { count: n, medianMin: minutes(m), p90Min: minutes(select(xs, p90, median, n - 1)) };
}
