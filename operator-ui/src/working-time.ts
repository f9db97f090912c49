// Working time in the console. The server sets a ticket's reply-by time in its court's working time; counted down
// in wall time it would race through lunch, evenings and weekends. GET /api/working-hours gives each court's
// working periods as UTC intervals (the calendar's rules stay on the server); the pure functions below count
// across them. One copy for the whole console, loaded on connecting, again on every reconnect and hourly.
import { useEffect, useSyncExternalStore } from 'react';
import { api } from './api.ts';

/** GET /api/working-hours: sorted, disjoint [start, end) periods per court, covering [from, to). */
export interface WorkingHours {
  generatedAt: number;
  from: number;
  to: number;
  courts: { courtId: number; intervals: [number, number][] }[];
}

type Intervals = readonly (readonly [number, number])[];

/** Working ms in [from, to); 0 when `to` is not after `from`. */
export function workingBetween(intervals: Intervals, from: number, to: number): number {
  if (to <= from) return 0;
  let total = 0;
  for (const [s, e] of intervals) {
    if (s >= to) break;
    if (e > from) total += Math.min(e, to) - Math.max(s, from);
  }
  return total;
}

export type DueLevel = 'ok' | 'soon' | 'over';

/** Red once the due time has come, amber under a quarter of the time to answer left. */
export function dueLevel(left: number, total: number, over: boolean): DueLevel {
  if (over) return 'over';
  return left / Math.max(1, total) < 0.25 ? 'soon' : 'ok';
}

export interface DueReading {
  /** Time left to the due time; negative: how late. Working ms, or wall ms when `working` is false. */
  left: number;
  level: DueLevel;
  /** False while the court is closed (lunch, evening, a day off): the countdown stands still. */
  running: boolean;
  /** While closed: when the court opens again (null when running, or past the known periods). */
  resumesAt: number | null;
  /** Counted in working time; false only without the court's periods (not loaded, or `now` outside them). */
  working: boolean;
}

/** The countdown of a ticket received at `start`, due at `due`, at `now`. A ticket overdue since before the
 * periods' start (two weeks) counts its delay from there. */
export function readDue(hours: WorkingHours | null, courtId: number, start: number, due: number, now: number): DueReading {
  const over = now >= due;
  const known = hours !== null && now >= hours.from && now < hours.to && due <= hours.to;
  const intervals = known ? hours.courts.find((c) => c.courtId === courtId)?.intervals : undefined;
  if (!intervals) return { left: due - now, level: dueLevel(due - now, due - start, over), running: true, resumesAt: null, working: false };
  const left = over ? -workingBetween(intervals, due, now) : workingBetween(intervals, now, due);
  const next = intervals.find(([, e]) => e > now);
  const running = next !== undefined && next[0] <= now;
  return {
    left,
    level: dueLevel(left, workingBetween(intervals, start, due), over),
    running,
    resumesAt: running || !next ? null : next[0],
    working: true,
  };
}

const HOUR = 3_600_000;
/** After a failed load: the countdowns run in wall time meanwhile, so try again soon. */
const RETRY = 60_000;

/** The periods, and whether the last load failed (kept stable between loads, as useSyncExternalStore needs). */
export interface HoursState {
  hours: WorkingHours | null;
  failed: boolean;
}
let state: HoursState = { hours: null, failed: false };
let settledAt = 0;
let loading = false;
let again = false;
/** The realtime connection the periods were last loaded for: a new one (reconnect, another user) loads again. */
let seen: { socket: unknown; epoch: number } = { socket: null, epoch: 0 };
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function load() {
  if (loading) {
    again = true;
    return;
  }
  loading = true;
  void api
    .get<WorkingHours>('/api/working-hours')
    .then(
      (hours) => void (state = { hours, failed: false }),
      // The previous periods, if any, stay right until their end: keep them.
      () => void (state = { hours: state.hours, failed: true }),
    )
    .finally(() => {
      loading = false;
      settledAt = Date.now();
      listeners.forEach((l) => l());
      if (again) {
        again = false;
        load();
      }
    });
}

function renewIfStale() {
  // abs: the clock may have been set back.
  if (settledAt && Math.abs(Date.now() - settledAt) >= (state.failed ? RETRY : HOUR)) load();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  timer ??= setInterval(renewIfStale, RETRY);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The courts' working periods (null until loaded, or when they cannot be). `link`: the realtime connection
 * (useLive()), whose every (re)connect loads them again. */
export function useWorkingHours(link: { socket: unknown; epoch: number }): HoursState {
  const { socket, epoch } = link;
  useEffect(() => {
    if (epoch === 0 || (socket === seen.socket && epoch === seen.epoch)) return;
    seen = { socket, epoch };
    load();
  }, [socket, epoch]);
  return useSyncExternalStore(subscribe, () => state);
}
