// `npm run bench:frames`: which pages ingest writes, per b-tree (table or index) and kind of envelope, for the
// current schema and the "before" one (bench/ingest-data.ts). A page a transaction changes is one WAL frame,
// paid again by the checkpoint (docs/performance.md, "Where the time goes"), so this attributes exactly what
// `npm run bench` can only time. The same envelopes as `npm run bench`, checkpoints off; pages are mapped to
// their b-tree by the dbstat table at the end. The totals are exact; the split is too while no index entry moves
// (BENCH_STEP_MS unset): a moved entry can empty a page that another b-tree then takes over.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Vic } from '../src/app.ts';
import { ManualClock } from '../src/clock.ts';
import { testConfig } from '../src/config.ts';
import { AT, envelope, restoreBefore } from './ingest-data.ts';

const N = Number(process.env.BENCH_N ?? 20_000);
/** `npm run bench` receives every envelope at the same instant; BENCH_STEP_MS spaces them as in real life. */
const STEP = Number(process.env.BENCH_STEP_MS ?? 0);
/**
 * BENCH_GROUP: envelopes per transaction (each in its own savepoint), what group commit would write; the
 * pipeline commits one each, so the default is 1. Frames are then counted per group, not per kind of envelope.
 */
const GROUP = Math.max(1, Number(process.env.BENCH_GROUP ?? 1));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vic-frames-'));
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/** Frames per envelope of each kind, by b-tree. */
async function frames(name: string, before: boolean) {
  const clock = new ManualClock(AT);
  const vic = new Vic({ config: testConfig({ DATA_DIR: path.join(dir, name) }), clock });
  await vic.seed();
  if (before) restoreBefore(vic);
  const db = vic.store.db;
  for (let i = 1; i <= 500; i++) vic.ingest({ ...envelope(N + i, AT), externalId: `warm-${i}` });
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('wal_checkpoint(TRUNCATE)');
  const frameSize = FRAME_HEADER + (db.pragma('page_size', { simple: true }) as number);
  const wal = fs.openSync(path.join(dir, name, 'vic.sqlite-wal'), 'r');
  const pageNo = Buffer.alloc(4);
  const written: { kind: string; page: number }[] = [];
  const kinds = new Map<string, number>();
  let pos = WAL_HEADER;
  for (let i = 0; i < N; i += GROUP) {
    let kind = `${GROUP} envelopes per transaction`;
    const count = Math.min(GROUP, N - i);
    if (GROUP === 1) {
      clock.set(AT + i * STEP);
      const r = vic.ingest(envelope(i, AT + i * STEP));
      kind = `${i % 4 === 0 ? 'e-mail' : 'WhatsApp'}, ${r.ticketCreated ? 'new ticket' : 'continued'}`;
    } else
      vic.store.tx(() => {
        for (let j = i; j < i + count; j++) {
          clock.set(AT + j * STEP);
          vic.ingest(envelope(j, AT + j * STEP));
        }
      });
    kinds.set(kind, (kinds.get(kind) ?? 0) + count);
    for (const end = fs.fstatSync(wal).size; pos + frameSize <= end; pos += frameSize) {
      fs.readSync(wal, pageNo, 0, 4, pos);
      written.push({ kind, page: pageNo.readUInt32BE(0) });
    }
  }
  fs.closeSync(wal);
  const tree = new Map(
    (db.prepare(`SELECT pageno, name FROM dbstat`).all() as { pageno: number; name: string }[]).map((r) => [r.pageno, r.name]),
  );
  const by = new Map<string, Map<string, number>>();
  for (const w of written) {
    const t = tree.get(w.page) ?? '(header)';
    const row = by.get(t) ?? by.set(t, new Map()).get(t)!;
    row.set(w.kind, (row.get(w.kind) ?? 0) + 1);
  }
  vic.store.close();
  return { total: written.length / N, kinds, by };
}

const now = await frames('now', false);
const then = await frames('before', true);
fs.rmSync(dir, { recursive: true, force: true });

const kinds = [...now.kinds.keys()].sort();
const per = (r: { kinds: Map<string, number>; by: Map<string, Map<string, number>> }, t: string, k: string) =>
  (r.by.get(t)?.get(k) ?? 0) / r.kinds.get(k)!;
const all = (r: { by: Map<string, Map<string, number>> }, t: string) => [...(r.by.get(t)?.values() ?? [])].reduce((a, b) => a + b, 0) / N;
const trees = [...new Set([...now.by.keys(), ...then.by.keys()])].sort((a, b) => all(now, b) + all(then, b) - all(now, a) - all(then, a));
const f = (x: number) => (x ? x.toFixed(2) : '–');
console.log(
  `WAL frames per envelope, ${N} envelopes ${STEP} ms apart, ${GROUP} per transaction (${kinds.map((k) => `${k}: ${now.kinds.get(k)}`).join('; ')})\n`,
);
console.log(`| b-tree | now | before | ${kinds.map((k) => `${k}: now / before`).join(' | ')} |`);
console.log(`|---|---|---|${kinds.map(() => '---').join('|')}|`);
for (const t of trees)
  console.log(
    `| ${t} | ${f(all(now, t))} | ${f(all(then, t))} | ${kinds.map((k) => `${f(per(now, t, k))} / ${f(per(then, t, k))}`).join(' | ')} |`,
  );
console.log(`| **all** | **${now.total.toFixed(2)}** | **${then.total.toFixed(2)}** | |\n`);
console.log(JSON.stringify({ frames_now: Number(now.total.toFixed(3)), frames_before: Number(then.total.toFixed(3)) }));
