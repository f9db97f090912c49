// The report facts of a period counted in SQL: the summary's figures need sums, not the tickets, so the tickets
// the facts serve are summed by GROUP BY over the facts' key ranges (court, arrival) into tally leaves and day
// counts (tally.ts) instead of being read row by row into JavaScript (a year of all courts is a quarter of a
// million rows: reading them cost seconds, the scans here tens of milliseconds each). The flags summed are the
// definitions of tickets.ts written in SQL: each line names the function it mirrors, and a test (reports-facts)
// checks the sums against the tickets computed one by one. Durations are listed per leaf (group_concat) for the
// median and p90; the few tickets whose reply-by verdict depends on "now" (unanswered, unresolved, not turned
// away) are listed by arrival and judged here with the court's calendar, as limitVerdict does.
import type Database from 'better-sqlite3';
import { offsetAt } from '../../routing/calendar/zone.ts';
import { q, type CourtInfo, type ReportQuery } from './data.ts';
import type { Leaf } from './tally.ts';
import { workingMsOver } from './tickets.ts';

/** outOfScope (tickets.ts) */
const OOS = `(coalesce(scope_verdict, '') = 'appeal' OR status = 'out_of_scope')`;

export interface FactsSums {
  /** Leaves of the received tickets, every operator (the scope figures count them all). */
  leaves: Leaf[];
  /** Received, held by the chosen operator: counts per stretch of `bucket` ms from `at` (no day's end or hour splits one). */
  received: { at: number; channel: string; n: number }[];
  /** Backlog arrivals and resolutions (inBacklog) of the tickets held by the chosen operator, per stretch. */
  arrivals: { at: number; n: number }[];
  resolutions: { at: number; n: number }[];
}

/** Stretches no local day's end nor hour splits: hours, or quarter hours where the zone's offset is not whole hours. */
function bucketMs(query: ReportQuery): number {
  const { days, timeZone } = query.period;
  return days.every((d) => offsetAt(timeZone, d.start) % 3_600_000 === 0 && offsetAt(timeZone, d.end - 1) % 3_600_000 === 0)
    ? 3_600_000
    : 900_000;
}

const list = (s: string | null): number[] => (s === null ? [] : s.split(',').map(Number));

type LeafRow = [
  channel: string,
  assigneeId: number | null,
  language: string | null,
  received: number,
  within: number,
  over: number,
  withReplyBy: number,
  breaches: number,
  offHours: number,
  outOfScope: number,
  filtered: number,
  firstResponse: string | null,
  resolution: string | null,
  pending: string | null,
];

/**
 * The sums of the facts of the courts `served`, leaving out the tickets `changed` since the job's cursor (the
 * caller computes those from the tickets).
 */
export function sumFacts(
  db: Database.Database,
  query: ReportQuery,
  courts: Map<number, CourtInfo>,
  served: number[],
  changed: number[],
): FactsSums {
  const { start, end } = query.period;
  const bucket = bucketMs(query);
  const where = [
    'court_id = @court',
    ...(query.channel === undefined ? [] : ['channel = @channel']),
    ...(changed.length ? ['ticket_id NOT IN (SELECT value FROM json_each(@changed))'] : []),
  ];
  const held = query.operatorId === undefined ? [] : ['assignee_id = @operator'];
  const receivedIn = [...where, 'created_at >= @start', 'created_at < @end'];
  const leafSql = q(
    db,
    `SELECT channel, assignee_id, language, count(*),
       -- limitVerdict: answered within the limit; over it, or unanswered and resolved past it (not turned away)
       sum(CASE WHEN first_response_ms IS NOT NULL THEN first_response_ms <= @limit ELSE 0 END),
       sum(CASE WHEN first_response_ms IS NOT NULL THEN first_response_ms > @limit
                WHEN NOT ${OOS} AND resolution_ms IS NOT NULL THEN resolution_ms > @limit ELSE 0 END),
       -- hasReplyBy, breached (replyClockStop: the first answer, else the resolution, else now)
       sum(due_at IS NOT NULL AND NOT ${OOS}),
       sum(due_at IS NOT NULL AND NOT ${OOS}
           AND coalesce(first_response_at, CASE WHEN status = 'resolved' THEN resolved_at END, @asOf) > due_at),
       sum(off_hours), sum(${OOS}), sum(coalesce(model_verdict, '') = 'appeal'),
       group_concat(first_response_ms), group_concat(resolution_ms),
       -- limitVerdict's tickets judged against "now": unanswered, unresolved, not turned away
       group_concat(CASE WHEN first_response_ms IS NULL AND resolution_ms IS NULL AND NOT ${OOS} THEN created_at END)
     FROM report_facts WHERE ${receivedIn.join(' AND ')} GROUP BY channel, assignee_id, language`,
  ).raw(true);
  // A row per stretch with a count per channel (the court's channels, from its leaves): a year is 8,760 rows a
  // court, not one per stretch and channel.
  const receivedSql = (channels: number) =>
    q(
      db,
      `SELECT created_at / CAST(@bucket AS INTEGER), sum(NOT ${OOS})${Array.from({ length: channels }, (_, i) => `, sum(channel = @c${i})`).join('')}
       FROM report_facts WHERE ${[...receivedIn, ...held].join(' AND ')} GROUP BY 1`,
    ).raw(true);
  // inBacklog: tickets received before the period and not resolved by its start (report_facts_open), and every
  // resolution in the period of a ticket received before its end.
  // The arrival is in the index: those received before the period are picked there first (materialised, so only
  // they are looked up in the table; resolved since the period's start is years of tickets for an old period).
  const carried = (done: string) =>
    q(
      db,
      `WITH k AS MATERIALIZED (SELECT created_at AS c, ticket_id AS i FROM report_facts INDEXED BY report_facts_open
         WHERE court_id = @court AND ${done} AND created_at < @start)
       SELECT count(*) FROM k JOIN report_facts f ON f.court_id = @court AND f.created_at = k.c AND f.ticket_id = k.i
       WHERE ${[...where, ...held, `NOT ${OOS}`].join(' AND ')}`,
    ).pluck();
  const carriedOpen = carried('done_at IS NULL');
  const carriedDone = carried('done_at >= @start');
  const resolvedSql = q(
    db,
    `SELECT done_at / CAST(@bucket AS INTEGER), count(*) FROM report_facts INDEXED BY report_facts_open
     WHERE ${[...where, ...held, 'done_at >= @start', 'done_at < @end', 'created_at < @end', `NOT ${OOS}`].join(' AND ')} GROUP BY 1`,
  ).raw(true);

  const sums: FactsSums = { leaves: [], received: [], arrivals: [], resolutions: [] };
  for (const courtId of served) {
    const court = courts.get(courtId)!;
    const params = {
      court: courtId,
      start,
      end,
      bucket,
      limit: court.limitMs,
      asOf: query.asOf,
      ...(query.channel === undefined ? {} : { channel: query.channel }),
      ...(query.operatorId === undefined ? {} : { operator: query.operatorId }),
      ...(changed.length ? { changed: JSON.stringify(changed) } : {}),
    };
    for (const r of leafSql.all(params) as LeafRow[]) {
      let over = r[5];
      for (const created of list(r[13])) if (workingMsOver(court.calendar, created, query.asOf, court.limitMs)) over++;
      sums.leaves.push({
        courtId,
        channel: r[0],
        assigneeId: r[1],
        language: r[2] ?? 'unknown',
        received: r[3],
        within: r[4],
        over,
        withReplyBy: r[6],
        breaches: r[7],
        offHours: r[8],
        outOfScope: r[9],
        filtered: r[10],
        firstResponse: list(r[11]),
        resolution: list(r[12]),
      });
    }
    const channels = [...new Set(sums.leaves.filter((l) => l.courtId === courtId).map((l) => l.channel))];
    const perChannel = Object.fromEntries(channels.map((c, i) => [`c${i}`, c]));
    for (const [b, inScope, ...counts] of receivedSql(channels.length).all({ ...params, ...perChannel }) as number[][]) {
      channels.forEach((channel, i) => {
        if (counts[i]) sums.received.push({ at: b * bucket, channel, n: counts[i] });
      });
      sums.arrivals.push({ at: b * bucket, n: inScope });
    }
    sums.arrivals.push({ at: start - 1, n: (carriedOpen.get(params) as number) + (carriedDone.get(params) as number) });
    for (const [b, n] of resolvedSql.all(params) as [number, number][]) sums.resolutions.push({ at: b * bucket, n });
  }
  return sums;
}
