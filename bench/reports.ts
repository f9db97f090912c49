// Times the report summary (src/reports/) on the benchmark's database: a month of one court, a month two years
// back and a year of all courts, as `GET /api/reports/summary` computes them in a read worker: summed in SQL over
// the report facts (facts-sum.ts, what the summary does), against two baselines run by turns in the same run (the
// same load): the facts read ticket by ticket into JavaScript (the summary before facts-sum.ts), and the tickets
// computed directly without facts. Works on a copy (migrated to the current schema), so the cached database
// `npm run bench` builds is left as it is. The copy's facts are built (in the job's batches, timed) when it has
// none yet, or with --rebuild.
//   tsx bench/reports.ts [--rebuild] [/tmp/vic-bench-1000000.sqlite]   (build it first with `npm run bench`)
import fs from 'node:fs';
import os from 'node:os';
import { FACTS_BATCH, runFactsBatch } from '../src/reports/facts.ts';
import { loadReportData } from '../src/reports/data.ts';
import { summarize, type ReportQuery } from '../src/reports/index.ts';
import { resolvePeriod } from '../src/reports/period.ts';
import { Store } from '../src/store/index.ts';

const TZ = 'Asia/Almaty';
const rebuild = process.argv.includes('--rebuild');
const source = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '/tmp/vic-bench-1000000.sqlite';
const copy = `${source.replace(/\.sqlite$/, '')}-reports.sqlite`;
if (!fs.existsSync(source)) throw new Error(`${source} is missing: run \`npm run bench\` first`);
if (!fs.existsSync(copy)) fs.copyFileSync(source, copy);
const store = new Store(copy);
const tickets = (store.db.prepare(`SELECT count(*) AS n FROM tickets`).get() as { n: number }).n;
const court = (
  store.db.prepare(`SELECT court_id AS id FROM tickets GROUP BY court_id ORDER BY count(*) DESC LIMIT 1`).get() as { id: number }
).id;
// The benchmark's data ends on 1 December 2026.
const asOf = Date.parse('2026-12-01T05:00:00Z');
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const rank = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];

function line(label: string, ms: number[]): number {
  const first = ms[0];
  const sorted = [...ms].sort((a, b) => a - b);
  const p50 = rank(sorted, 0.5);
  console.log(
    `${label}: p50 ${p50.toFixed(0)} ms, p95 ${rank(sorted, 0.95).toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms, first ${first.toFixed(0)} ms (${ms.length} runs)`,
  );
  return p50;
}

const month = resolvePeriod('month', TZ, asOf, '2026-11-01');
const year = resolvePeriod('custom', TZ, asOf, '2025-12-01', '2026-11-30');
const old = resolvePeriod('month', TZ, asOf, '2024-01-01');
const reports: Record<string, ReportQuery> = {
  'month, one court': { courts: [court], period: month, asOf },
  'year, all courts': { courts: 'all', period: year, asOf },
  'a month two years back, one court': { courts: [court], period: old, asOf },
};
type Name = keyof typeof reports;
/** The summary summed over the facts (as reportSummary), or from the tickets read one by one. */
const summary = (name: Name, summed: boolean) => summarize(loadReportData(store, reports[name], TZ, summed));

console.log(`${tickets} tickets; busiest court ${court}; load average ${load()}`);
const hasFacts = (store.db.prepare(`SELECT updated_at AS at FROM report_facts_cursor`).get() as { at: number }).at > 0;
if (rebuild || !hasFacts) {
  // The facts from nothing, in the job's batches (each one write transaction, as the job runs them).
  store.tx(() => {
    store.db.exec(
      `DELETE FROM report_facts; DELETE FROM report_facts_courts; UPDATE report_facts_cursor SET updated_at = -1, ticket_id = 0`,
    );
  });
  const batches: number[] = [];
  const built = performance.now();
  for (;;) {
    const t = performance.now();
    const n = runFactsBatch(store, TZ, Date.now(), FACTS_BATCH);
    batches.push(performance.now() - t);
    if (n < FACTS_BATCH) break;
  }
  batches.sort((a, b) => a - b);
  console.log(
    `facts built: ${tickets} tickets in ${((performance.now() - built) / 1000).toFixed(1)} s, ${batches.length} batches of ${FACTS_BATCH}: ` +
      `p50 ${rank(batches, 0.5).toFixed(1)} ms, p95 ${rank(batches, 0.95).toFixed(1)} ms, max ${batches[batches.length - 1].toFixed(1)} ms; load average ${load()}`,
  );
}

// The summed summary and its baselines (the facts read one by one; no facts: the tickets computed directly,
// the cursor put back to "nothing yet"), run by turns so that all see the same load on the shared machine; each
// baseline run's figures are checked to be the summed ones.
const cursor = store.db.prepare(`SELECT updated_at AS at, ticket_id AS id FROM report_facts_cursor`).get() as { at: number; id: number };
const setCursor = (at: number, id: number) => store.db.prepare(`UPDATE report_facts_cursor SET updated_at = ?, ticket_id = ?`).run(at, id);
const direct = (name: Name) => {
  setCursor(-1, 0);
  try {
    return summary(name, false);
  } finally {
    setCursor(cursor.at, cursor.id);
  }
};
const runs: Record<Name, [sums: number, rows: number, direct: number]> = {
  'month, one court': [40, 10, 3],
  'year, all courts': [12, 3, 1],
  'a month two years back, one court': [40, 10, 3],
};
/** Runs `fn`, adding its time to `into`, and answers its result as JSON (to compare the three ways). */
const timed = (into: number[], fn: () => unknown) => {
  const t = performance.now();
  const result = fn();
  into.push(performance.now() - t);
  return JSON.stringify(result);
};
for (const name of Object.keys(reports)) {
  const sums: number[] = [];
  const rows: number[] = [];
  const directs: number[] = [];
  const [n, r, d] = runs[name];
  for (let i = 0; i < n; i++) {
    const summed = timed(sums, () => summary(name, true));
    const byRow = i % Math.ceil(n / r) === 0 ? timed(rows, () => summary(name, false)) : summed;
    const byTicket = i % Math.ceil(n / d) === 0 ? timed(directs, () => direct(name)) : summed;
    if (byRow !== summed || byTicket !== summed) throw new Error(`${name}: the summed, row-by-row and direct figures differ`);
  }
  const base = line(`facts read row by row, ${name}`, rows);
  const baseDirect = line(`no facts (direct), ${name}`, directs);
  const p50 = line(`facts summed in SQL, ${name}`, sums);
  console.log(
    `  ${(base / p50).toFixed(1)}× faster than row by row, ${(baseDirect / p50).toFixed(1)}× than direct (p50); load average ${load()}`,
  );
}
store.close();
