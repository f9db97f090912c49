// `npx tsx bench/ingest-profile.ts`: where the difference between the current schema and the "before" one
// (bench/ingest-data.ts) goes in time, statement by statement. The same envelopes and alternating rounds as
// `npm run bench`; every statement better-sqlite3 runs is timed, per database, including the COMMIT that writes
// the WAL frames (and runs the checkpoints). Triggers run inside the statement that fires them. What no statement
// accounts for is the pipeline's JavaScript, the same code for both.
import type Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Vic } from '../src/app.ts';
import { ManualClock } from '../src/clock.ts';
import { testConfig } from '../src/config.ts';
import { AT, envelope, restoreBefore } from './ingest-data.ts';

const N = Number(process.env.BENCH_N ?? 20_000);
const ROUNDS = 10;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vic-profile-'));

async function open(name: string) {
  const vic = new Vic({ config: testConfig({ DATA_DIR: path.join(dir, name) }), clock: new ManualClock(AT) });
  await vic.seed();
  return vic;
}
const now = await open('now');
const before = await open('before');
restoreBefore(before);

type Totals = Map<string, { n: number; ns: number }>;
const spent = new Map<Database.Database, Totals>([
  [now.store.db, new Map()],
  [before.store.db, new Map()],
]);
let timing = false;
const proto = Object.getPrototypeOf(now.store.db.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
for (const m of ['run', 'get', 'all']) {
  const orig = proto[m];
  proto[m] = function (this: Database.Statement, ...args: unknown[]) {
    if (!timing) return orig.apply(this, args);
    const t = process.hrtime.bigint();
    try {
      return orig.apply(this, args);
    } finally {
      const ns = Number(process.hrtime.bigint() - t);
      const sql = this.source.replace(/\s+/g, ' ').trim().slice(0, 90);
      const totals = spent.get(this.database)!;
      const e = totals.get(sql) ?? totals.set(sql, { n: 0, ns: 0 }).get(sql)!;
      e.n++;
      e.ns += ns;
    }
  };
}

const envelopes = Array.from({ length: N }, (_, i) => envelope(i, AT));
for (let i = 1; i <= 500; i++) {
  now.ingest({ ...envelope(N + i, AT), externalId: `warm-${i}` });
  before.ingest({ ...envelope(N + i, AT), externalId: `warm-${i}` });
}
timing = true;
const wall = new Map<Vic, number>([
  [now, 0],
  [before, 0],
]);
const per = N / ROUNDS;
for (let r = 0; r < ROUNDS; r++)
  for (const p of r % 2 === 0 ? [now, before] : [before, now]) {
    const t = process.hrtime.bigint();
    for (let i = r * per; i < (r + 1) * per; i++) p.ingest(envelopes[i]);
    wall.set(p, wall.get(p)! + Number(process.hrtime.bigint() - t));
  }
timing = false;
const a = spent.get(now.store.db)!;
const b = spent.get(before.store.db)!;
now.store.close();
before.store.close();
fs.rmSync(dir, { recursive: true, force: true });

const us = (ns: number) => ns / 1000 / N;
const f = (x: number) => x.toFixed(2).padStart(7);
const sum = (t: Totals, keep: (sql: string) => boolean = () => true) => [...t].reduce((s, [sql, e]) => s + (keep(sql) ? e.ns : 0), 0);
const rows = [...new Set([...a.keys(), ...b.keys()])]
  .map((sql) => ({ sql, now: us(a.get(sql)?.ns ?? 0), before: us(b.get(sql)?.ns ?? 0), n: a.get(sql)?.n ?? 0 }))
  .sort((x, y) => Math.abs(y.now - y.before) - Math.abs(x.now - x.before));
console.log(`µs per envelope (${N} envelopes, ${ROUNDS} alternating rounds), sorted by the difference\n`);
console.log(`${'now'.padStart(7)} ${'before'.padStart(7)} ${'diff'.padStart(7)} ${'runs'.padStart(6)}  statement`);
for (const r of rows) console.log(`${f(r.now)} ${f(r.before)} ${f(r.now - r.before)} ${String(r.n).padStart(6)}  ${r.sql}`);
const isCommit = (sql: string) => sql === 'COMMIT';
const out = {
  ingest_us: [us(wall.get(now)!), us(wall.get(before)!)],
  commit_us: [us(sum(a, isCommit)), us(sum(b, isCommit))],
  other_statements_us: [us(sum(a, (s) => !isCommit(s))), us(sum(b, (s) => !isCommit(s)))],
  drop_pct: (1 - wall.get(before)! / wall.get(now)!) * 100,
};
console.log('');
console.log(`ingest            ${f(out.ingest_us[0])} ${f(out.ingest_us[1])} ${f(out.ingest_us[0] - out.ingest_us[1])}`);
console.log(`  COMMIT          ${f(out.commit_us[0])} ${f(out.commit_us[1])} ${f(out.commit_us[0] - out.commit_us[1])}`);
console.log(
  `  other statements${f(out.other_statements_us[0])} ${f(out.other_statements_us[1])} ${f(out.other_statements_us[0] - out.other_statements_us[1])}`,
);
console.log('');
console.log(
  JSON.stringify(
    Object.fromEntries(
      Object.entries(out).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => Number(x.toFixed(2))) : Number(v.toFixed(1))]),
    ),
  ),
);
