// Times the report summary (src/reports/) on the benchmark's database: a month of one court and a year of all
// courts, as `GET /api/reports/summary` computes them in a read worker, first without the report facts (the
// baseline, computed from the tickets), then the facts' build from nothing (src/reports/facts.ts, in the job's
// batches) and the same reports read from them. Works on a copy (migrated to the current schema), so the cached
// database `npm run bench` builds is left as it is; the copy's facts are emptied first, so each run measures all.
//   tsx bench/reports.ts [/tmp/vic-bench-1000000.sqlite]   (build it first with `npm run bench`)
import fs from 'node:fs';
import os from 'node:os';
import { FACTS_BATCH, runFactsBatch } from '../src/reports/facts.ts';
import { reportSummary } from '../src/reports/index.ts';
import { resolvePeriod } from '../src/reports/period.ts';
import { Store } from '../src/store/index.ts';

const TZ = 'Asia/Almaty';
const source = process.argv[2] ?? '/tmp/vic-bench-1000000.sqlite';
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

const took = (fn: () => unknown) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

const month = resolvePeriod('month', TZ, asOf, '2026-11-01');
const year = resolvePeriod('custom', TZ, asOf, '2025-12-01', '2026-11-30');
const old = resolvePeriod('month', TZ, asOf, '2024-01-01');
const reports = {
  'month, one court': () => reportSummary(store, { courts: [court], period: month, asOf }, TZ),
  'year, all courts': () => reportSummary(store, { courts: 'all', period: year, asOf }, TZ),
  'a month two years back, one court': () => reportSummary(store, { courts: [court], period: old, asOf }, TZ),
};
type Name = keyof typeof reports;

console.log(`${tickets} tickets; busiest court ${court}; load average ${load()}`);
// The facts from nothing, in the job's batches (each one write transaction, as the job runs them).
store.tx(() => {
  store.db.exec(`DELETE FROM report_facts; DELETE FROM report_facts_courts; UPDATE report_facts_cursor SET updated_at = -1, ticket_id = 0`);
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

// The baseline (no facts: every ticket computed from the tickets table, the cursor put back to "nothing yet") and
// the facts, run by turns so that both see the same load on the shared machine.
const cursor = store.db.prepare(`SELECT updated_at AS at, ticket_id AS id FROM report_facts_cursor`).get() as { at: number; id: number };
const setCursor = (at: number, id: number) => store.db.prepare(`UPDATE report_facts_cursor SET updated_at = ?, ticket_id = ?`).run(at, id);
const runs: Record<Name, [facts: number, baseline: number]> = {
  'month, one court': [40, 8],
  'year, all courts': [12, 3],
  'a month two years back, one court': [12, 3],
};
for (const name of Object.keys(reports) as Name[]) {
  const facts: number[] = [];
  const baseline: number[] = [];
  const [n, b] = runs[name];
  for (let i = 0; i < n; i++) {
    facts.push(took(reports[name]));
    if (i % Math.ceil(n / b) === 0) {
      setCursor(-1, 0);
      baseline.push(took(reports[name]));
      setCursor(cursor.at, cursor.id);
    }
  }
  const base = line(`baseline ${name}`, baseline);
  const p50 = line(`facts ${name}`, facts);
  console.log(`  ${(base / p50).toFixed(1)}× faster than the baseline (p50); load average ${load()}`);
}
store.close();
