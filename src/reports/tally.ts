// The ticket figures as tallies that add up. A leaf counts the received tickets of one court, channel, operator
// and language: the figures' flags (tickets.ts) summed, and the working-time durations listed. Tickets read one by
// one (tickets.ts) and tickets counted in SQL over the report facts (facts-sum.ts) both make leaves; a figure's
// group (all, a channel, a court, an operator) is the sum of its leaves, so both ways give one figure. The days'
// tally does the same for the per-day rows, the backlog and the arrivals heat map.
import { localHour } from './period.ts';
import { share, durations, type Durations } from './stats.ts';

export interface Leaf {
  courtId: number;
  channel: string;
  assigneeId: number | null;
  /** languageOf: 'unknown' when none was detected. */
  language: string;
  received: number;
  /** First-response and resolution times (working ms) of the answered and the resolved tickets. */
  firstResponse: number[];
  resolution: number[];
  within: number;
  over: number;
  /** Judged for a reply-by breach (hasReplyBy), and breached. */
  withReplyBy: number;
  breaches: number;
  offHours: number;
  /** The scope figures' counts (scope.ts): turned away now, and by the filter on arrival. */
  outOfScope: number;
  filtered: number;
}

export const leafKey = (courtId: number, channel: string, assigneeId: number | null, language: string) =>
  `${courtId}\u0000${channel}\u0000${assigneeId ?? ''}\u0000${language}`;

export function emptyLeaf(courtId: number, channel: string, assigneeId: number | null, language: string): Leaf {
  return {
    courtId,
    channel,
    assigneeId,
    language,
    received: 0,
    firstResponse: [],
    resolution: [],
    within: 0,
    over: 0,
    withReplyBy: 0,
    breaches: 0,
    offHours: 0,
    outOfScope: 0,
    filtered: 0,
  };
}

export interface TicketFigures {
  received: number;
  byChannel: Record<string, number>;
  /** Over the answered tickets; the share is of the tickets judged (answered, or unanswered past the limit). */
  firstResponse: Durations & { withinLimit: number; overLimit: number; withinLimitShare: number | null };
  resolution: Durations;
  /** The share is of the received tickets judged for it (hasReplyBy). */
  slaBreaches: { count: number; share: number | null };
  offHours: { count: number; share: number | null };
  languages: Record<string, number>;
}

/** Counts by key, keys sorted (stable output for screens and exports). */
function sortedRecord(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function concat(lists: number[][]): Float64Array {
  const out = new Float64Array(lists.reduce((n, l) => n + l.length, 0));
  let i = 0;
  for (const l of lists) {
    out.set(l, i);
    i += l.length;
  }
  return out;
}

/** The ticket figures of a group of leaves (the whole selection, or one channel's, court's, operator's). */
export function figuresOf(leaves: Leaf[]): TicketFigures {
  let received = 0;
  let within = 0;
  let over = 0;
  let withReplyBy = 0;
  let breaches = 0;
  let off = 0;
  const byChannel = new Map<string, number>();
  const languages = new Map<string, number>();
  for (const l of leaves) {
    received += l.received;
    within += l.within;
    over += l.over;
    withReplyBy += l.withReplyBy;
    breaches += l.breaches;
    off += l.offHours;
    byChannel.set(l.channel, (byChannel.get(l.channel) ?? 0) + l.received);
    languages.set(l.language, (languages.get(l.language) ?? 0) + l.received);
  }
  return {
    received,
    byChannel: sortedRecord(byChannel),
    firstResponse: {
      ...durations(concat(leaves.map((l) => l.firstResponse))),
      withinLimit: within,
      overLimit: over,
      withinLimitShare: share(within, within + over),
    },
    resolution: durations(concat(leaves.map((l) => l.resolution))),
    slaBreaches: { count: breaches, share: share(breaches, withReplyBy) },
    offHours: { count: off, share: share(off, received) },
    languages: sortedRecord(languages),
  };
}

/** Leaves grouped by a key of theirs, in the key's order. */
export function groupLeaves<K>(leaves: Leaf[], key: (l: Leaf) => K): Map<K, Leaf[]> {
  const out = new Map<K, Leaf[]>();
  for (const l of leaves) {
    const k = key(l);
    const list = out.get(k);
    if (list) list.push(l);
    else out.set(k, [l]);
  }
  return out;
}

/** How many of the sorted values are below `limit`. */
export function countBefore(sorted: ArrayLike<number>, limit: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Per local day of the period: tickets received by channel; and, for the backlog at each day's end, arrivals and
 * resolutions by the index of the first day whose end is after them (0: before the period's first day ends,
 * days.length: after its last), so a day's backlog is the arrivals less the resolutions up to it.
 */
export class DaysTally {
  readonly ends: Float64Array;
  readonly received: Map<string, number>[];
  readonly arrivals: Float64Array;
  readonly resolutions: Float64Array;
  /** Arrivals by ISO weekday (rows 0–6: Monday–Sunday) and local hour (columns 0–23): the heat map. */
  readonly heat = Array.from({ length: 7 }, () => Array<number>(24).fill(0));

  constructor(
    readonly days: { date: string; end: number }[],
    readonly timeZone: string,
  ) {
    this.ends = Float64Array.from(days.map((d) => d.end));
    this.received = days.map(() => new Map<string, number>());
    this.arrivals = new Float64Array(days.length + 1);
    this.resolutions = new Float64Array(days.length + 1);
  }

  /** The index of the day an instant falls in (the number of day ends at or before it). */
  dayOf(at: number): number {
    return countBefore(this.ends, at + 1);
  }

  /** `n` tickets received at `at` (or within a stretch starting there that no day's end or hour splits). */
  addReceived(at: number, channel: string, n: number) {
    const day = this.received[this.dayOf(at)];
    day.set(channel, (day.get(channel) ?? 0) + n);
    const p = localHour(this.timeZone, at);
    this.heat[p.weekday - 1][p.hour] += n;
  }

  addArrivals(at: number, n: number) {
    this.arrivals[this.dayOf(at)] += n;
  }

  addResolutions(at: number, n: number) {
    this.resolutions[this.dayOf(at)] += n;
  }

  rows(): { date: string; received: number; byChannel: Record<string, number>; backlog: number }[] {
    let backlog = 0;
    return this.days.map((d, i) => {
      backlog += this.arrivals[i] - this.resolutions[i];
      const byChannel = this.received[i];
      let received = 0;
      for (const n of byChannel.values()) received += n;
      return { date: d.date, received, byChannel: sortedRecord(byChannel), backlog };
    });
  }
}
