// Times the report summary (src/reports/) on the benchmark's database: a month of one court and a year of all
// courts, as `GET /api/reports/summary` computes them in a read worker. Works on a copy (migrated to the current
// schema), so the cached database `npm run bench` builds is left as it is.
//   tsx bench/reports.ts [/tmp/vic-bench-1000000.sqlite]   (build it first with `npm run bench`)
import fs from 'node:fs';
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

function time(label: string, runs: number, fn: () => unknown) {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label}: median ${ms[Math.floor(ms.length / 2)].toFixed(0)} ms, max ${ms[ms.length - 1].toFixed(0)} ms (${runs} runs)`);
}

console.log(`${tickets} tickets; busiest court ${court}`);
const month = resolvePeriod('month', TZ, asOf, '2026-11-01');
time('month, one court', 5, () => reportSummary(store, { courts: [court], period: month, asOf }, TZ));
const year = resolvePeriod('custom', TZ, asOf, '2025-12-01', '2026-11-30');
time('year, all courts', 2, () => reportSummary(store, { courts: 'all', period: year, asOf }, TZ));
const old = resolvePeriod('month', TZ, asOf, '2024-01-01');
time('a month two years back, one court', 3, () => reportSummary(store, { courts: [court], period: old, asOf }, TZ));
store.close();
