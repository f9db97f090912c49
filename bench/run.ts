// `npm run bench`: synthetic envelopes through the real ingest pipeline into a temporary database,
// against the raw better-sqlite3 rate of one-row transactions into a comparable table, in the same run.
// Two more pipelines ingest the same envelopes, to show what issue #21 costs ingest: "before" into a database
// whose indexes and triggers are put back as migrations 1–11 made them (no queue counters, no search keys), and
// "before, indexes only" with the same indexes but today's triggers (the queue counters kept), so the drop
// from the index changes is told apart from the total one. All are measured in the same rounds, the three
// pipelines in turn in every order, so a change in machine load affects them alike.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Vic } from '../src/app.ts';
import { ManualClock } from '../src/clock.ts';
import { testConfig } from '../src/config.ts';
import { AT, envelope, restoreBefore, SENDERS, TEXTS } from './ingest-data.ts';
import { benchScope } from './scope.ts';

const N = Number(process.env.BENCH_N ?? 20_000);
/** Every order of the three pipelines, twice. */
const ROUNDS = 12;
/** Experiments: SQL run on the current pipeline's database after seeding (e.g. `DROP INDEX tickets_live`). */
const VARIANT = process.env.BENCH_VARIANT;
/** Experiments: envelopes per transaction for every pipeline, each in its own savepoint (group commit). */
const GROUP = Math.max(1, Number(process.env.BENCH_GROUP ?? 1));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vic-bench-'));

const vic = new Vic({ config: testConfig({ DATA_DIR: path.join(dir, 'vic') }), clock: new ManualClock(AT) });
await vic.seed();
const before = new Vic({ config: testConfig({ DATA_DIR: path.join(dir, 'before') }), clock: new ManualClock(AT) });
await before.seed();
const { dropped, restored } = restoreBefore(before);
const beforeIdx = new Vic({ config: testConfig({ DATA_DIR: path.join(dir, 'before-idx') }), clock: new ManualClock(AT) });
await beforeIdx.seed();
const idx = restoreBefore(beforeIdx, { indexesOnly: true });
const kept = dropped.filter((name) => !idx.dropped.includes(name));
if (VARIANT) vic.store.db.exec(VARIANT);

// Same connection settings as the store, and a table shaped like its messages table with the same indexes.
const raw = new Database(path.join(dir, 'raw.sqlite'));
raw.pragma('journal_mode = WAL');
raw.pragma('synchronous = NORMAL');
raw.pragma('wal_autocheckpoint = 10000');
raw.pragma('cache_size = -65536');
raw.exec(`CREATE TABLE messages (id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL, channel TEXT NOT NULL, external_id TEXT,
  text TEXT NOT NULL, created_at INTEGER NOT NULL); CREATE UNIQUE INDEX m_ext ON messages(channel, external_id);
  CREATE INDEX m_ticket ON messages(ticket_id, id);`);
const insert = raw.prepare(`INSERT INTO messages (ticket_id, channel, external_id, text, created_at) VALUES (?, ?, ?, ?, ?)`);
const rawOne = raw.transaction((i: number) => insert.run(i % SENDERS, 'whatsapp', `raw-${i}`, TEXTS[Math.abs(i) % TEXTS.length], i));

const envelopes = Array.from({ length: N }, (_, i) => envelope(i, AT));
for (let i = 1; i <= 500; i++) {
  rawOne(-i);
  vic.ingest({ ...envelope(N + i, AT), externalId: `warm-${i}` });
  before.ingest({ ...envelope(N + i, AT), externalId: `warm-${i}` });
  beforeIdx.ingest({ ...envelope(N + i, AT), externalId: `warm-${i}` });
}

const lat: number[] = [];
let ingestNs = 0n;
let rawNs = 0n;
let beforeNs = 0n;
let beforeIdxNs = 0n;
const ORDERS = [
  [vic, beforeIdx, before],
  [before, vic, beforeIdx],
  [beforeIdx, before, vic],
  [vic, before, beforeIdx],
  [beforeIdx, vic, before],
  [before, beforeIdx, vic],
];
for (let r = 0; r < ROUNDS; r++) {
  const [lo, hi] = [Math.round((r * N) / ROUNDS), Math.round(((r + 1) * N) / ROUNDS)];
  let t = process.hrtime.bigint();
  for (let i = lo; i < hi; i++) rawOne(i);
  rawNs += process.hrtime.bigint() - t;
  // The pipelines are timed the same way, and each goes first, second and last equally often: an A/A run
  // (nothing dropped) showed a 5 % bias against whichever one alone was timed per envelope and always ran first.
  for (const p of ORDERS[r % ORDERS.length]) {
    const own: number[] = [];
    t = process.hrtime.bigint();
    for (let i = lo; i < hi; i += GROUP) {
      const s = process.hrtime.bigint();
      if (GROUP === 1) p.ingest(envelopes[i]);
      else
        p.store.tx(() => {
          for (let j = i; j < Math.min(i + GROUP, hi); j++) p.ingest(envelopes[j]);
        });
      own.push(Number(process.hrtime.bigint() - s) / 1e6 / GROUP);
    }
    const ns = process.hrtime.bigint() - t;
    if (p === vic) {
      ingestNs += ns;
      lat.push(...own);
    } else if (p === before) beforeNs += ns;
    else beforeIdxNs += ns;
  }
}
const counts = vic.store.counts();
vic.store.close();
before.store.close();
beforeIdx.store.close();
raw.close();
const scope = benchScope();
fs.rmSync(dir, { recursive: true, force: true });

lat.sort((a, b) => a - b);
const ingestPerS = N / (Number(ingestNs) / 1e9);
const rawPerS = N / (Number(rawNs) / 1e9);
const beforePerS = N / (Number(beforeNs) / 1e9);
const beforeIdxPerS = N / (Number(beforeIdxNs) / 1e9);
// 1 − ratio / ratio_before: the raw rate is the same for all.
const drop = 1 - ingestPerS / beforePerS;
const dropIdx = 1 - ingestPerS / beforeIdxPerS;
const r = (x: number, d = 0) => Number(x.toFixed(d));
const row = (name: string, value: string) => console.log(`${name.padEnd(40)}${value}`);
console.log(`VIC benchmark: ${N} envelopes, ${ROUNDS} rounds (pipelines in turn), Node ${process.version}\n`);
if (VARIANT || GROUP > 1)
  console.log(`EXPERIMENT: ${GROUP} envelopes per transaction; current schema changed by: ${VARIANT ?? 'nothing'}\n`);
row('measure', 'value');
row('raw insert, 1 row per transaction', `${r(rawPerS)} /s`);
row('ingest pipeline, 1 envelope per tx', `${r(ingestPerS)} /s (${counts.tickets} tickets, ${counts.messages} messages)`);
row('ingest / raw', r(ingestPerS / rawPerS, 3).toString());
row('before: ingest /s', `${r(beforePerS)} /s`);
row('before: dropped', dropped.join(', ') || 'nothing');
row('before: made as they were', restored.join(', ') || 'nothing');
row('before: ingest / raw', r(beforePerS / rawPerS, 3).toString());
row('before, indexes only: ingest /s', `${r(beforeIdxPerS)} /s`);
row('before, indexes only: triggers kept', kept.join(', ') || 'nothing');
row('before, indexes only: ingest / raw', r(beforeIdxPerS / rawPerS, 3).toString());
row('ratio drop from the index changes', `${r(dropIdx * 100, 1)} % (against "before, indexes only")`);
row('ratio drop in all (indexes + counters)', `${r(drop * 100, 1)} % (against "before")`);
row('ingest latency p50 / p99', `${r(lat[Math.floor(lat.length * 0.5)], 3)} ms / ${r(lat[Math.floor(lat.length * 0.99)], 3)} ms`);
row('scope filter, 1,000-character message', `${r(scope.per_msg_ms, 4)} ms (mean of ${scope.n})`);
row('scope filter / its cues alone', `${r(scope.ratio, 2)} (cues alone ${r(scope.cues_ms, 4)} ms)`);
row('scope model load and check', `${r(scope.load_ms, 1)} ms (worst of 5)`);
console.log('');
console.log(
  JSON.stringify({
    ingest_per_s: r(ingestPerS),
    raw_insert_per_s: r(rawPerS),
    ratio: r(ingestPerS / rawPerS, 3),
    ratio_before: r(beforePerS / rawPerS, 3),
    ratio_drop_pct: r(drop * 100, 1),
    ratio_before_indexes: r(beforeIdxPerS / rawPerS, 3),
    ratio_drop_indexes_pct: r(dropIdx * 100, 1),
    p99_ms: r(lat[Math.floor(lat.length * 0.99)], 3),
    scope_ms_per_1000_chars: r(scope.per_msg_ms, 4),
    scope_vs_cues: r(scope.ratio, 2),
    scope_model_load_ms: r(scope.load_ms, 1),
  }),
);
