// The courts' working time as plain UTC intervals, so the console can count a reply-by time down in working time
// (the server sets it that way) without knowing the calendar's rules: working week, lunch break, holidays and
// transfers all come out as [start, end) pairs. Not audited: calendars, no citizen data.
import { Router } from 'express';
import { addWorkingMs, currentPeriodEnd, localDateOf, nextOpening, type CourtCalendar } from '../../routing/calendar/index.ts';
import { DAY, MINUTE, parseIsoDate } from '../../routing/calendar/days.ts';
import { localToUtc } from '../../routing/calendar/zone.ts';
import type { CourtRow, UserRow } from '../store/index.ts';
import { userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

/** Days before today: a ticket overdue since last week still counts its delay in working time. */
const PAST_DAYS = 14;
const AHEAD_DAYS = 14;

export interface WorkingHoursAnswer {
  generatedAt: number;
  /** The intervals cover [from, to). */
  from: number;
  to: number;
  courts: { courtId: number; intervals: [number, number][] }[];
}

/** The working periods of [from, to) as sorted, disjoint [start, end) pairs, periods that touch merged. */
export function workingIntervals(cal: CourtCalendar, from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  for (let t = from; t < to;) {
    const open = nextOpening(cal, new Date(t)).getTime();
    if (open >= to) break;
    const end = Math.min(currentPeriodEnd(cal, new Date(open))!.getTime(), to);
    const last = out[out.length - 1];
    if (last && last[1] === open) last[1] = end;
    else out.push([open, end]);
    t = end;
  }
  return out;
}

/** From the start of the court's day `PAST_DAYS` ago to the start of the day `AHEAD_DAYS` on, and at least a day
 * past the reply-by time of a ticket arriving now, so every unanswered ticket's due time lies inside. */
export function workingWindow(cal: CourtCalendar, court: Pick<CourtRow, 'slaFirstResponseMin'>, now: number) {
  const today = parseIsoDate(localDateOf(cal, new Date(now)));
  const from = localToUtc(cal.timeZone, today - PAST_DAYS, 0);
  const ahead = localToUtc(cal.timeZone, today + AHEAD_DAYS, 0);
  const latestDue = addWorkingMs(cal, new Date(now), court.slaFirstResponseMin * MINUTE).getTime();
  return { from, to: Math.max(ahead, latestDue + DAY) };
}

/** Courts whose tickets the user may see: a court's operator or supervisor that court; admins, specialists (their
 * escalated tickets come from any court) and staff of every court all of them. */
function courtsOf(user: UserRow, courts: CourtRow[]): CourtRow[] {
  if (user.role === 'admin' || user.role === 'specialist' || user.courtId === null) return courts;
  return courts.filter((c) => c.id === user.courtId);
}

export function workingHoursRoutes({ store, calendars, clock }: ApiDeps) {
  const r = Router();
  r.get('/working-hours', (req, res) => {
    const now = clock.now();
    const courts = courtsOf(userOf(req), store.listCourts()).map((court) => {
      const cal = calendars.for(court.id);
      return { court, cal, ...workingWindow(cal, court, now) };
    });
    // One window for all: the courts share the time zone, and only an SLA can stretch it.
    const from = Math.min(...courts.map((c) => c.from));
    const to = Math.max(...courts.map((c) => c.to));
    const answer: WorkingHoursAnswer = {
      generatedAt: now,
      from: courts.length ? from : now,
      to: courts.length ? to : now,
      courts: courts.map((c) => ({ courtId: c.court.id, intervals: workingIntervals(c.cal, from, to) })),
    };
    res.json(answer);
  });
  return r;
}
