// `npm run bench`: synthetic envelopes through the real ingest pipeline into a temporary database,
// against the raw better-sqlite3 rate of one-row transactions into a comparable table, in the same run.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Vic } from '../src/app.ts';
import { ManualClock } from '../src/clock.ts';
import { testConfig } from '../src/config.ts';
import type { InboundEnvelope } from '../src/envelope.ts';
import { benchScope } from './scope.ts';

const N = Number(process.env.BENCH_N ?? 20_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vic-bench-'));

const TEXTS = [
  'Здравствуйте, когда будет готово решение по делу о разделе имущества?',
  'Шешімнің көшірмесін қалай алуға болады? Өзім бара алмаймын.',
  'Требую отменить постановление о штрафе, в тот день я был в другом городе',
  'Добрый день, как подать иск через Судебный кабинет? Нет ЭЦП.',
  'Сот отырысы қашан болады? Іс нөмірі 5999-25-00-2/417',
];

function envelopes(n: number, at: number): InboundEnvelope[] {
  // Every third message continues an earlier conversation, as citizens write more than once.
  return Array.from({ length: n }, (_, i) => ({
    channel: i % 4 === 0 ? 'email' : 'whatsapp',
    account: 'bench',
    externalId: `bench-${i}`,
    sender: i % 4 === 0 ? { kind: 'email', address: `c${i % 7000}@mail.kz` } : { kind: 'whatsapp', address: `7701${String(i % 7000).padStart(7, '0')}@c.us` },
    text: TEXTS[i % TEXTS.length]!,
    receivedAt: at,
    thread: i % 4 === 0 ? { messageId: `<bench-${i}@mail.kz>`, subject: 'Вопрос' } : undefined,
  }) as InboundEnvelope);
}

function benchIngest() {
  const at = Date.parse('2026-12-01T05:00:00Z'); // Tuesday 10:00 in Petropavl: working time
  const vic = new Vic({ config: testConfig({ DATA_DIR: path.join(dir, 'vic') }), clock: new ManualClock(at) });
  const admin = { login: 'admin', name: 'a', role: 'admin' as const, passwordHash: 'x' };
  vic.store.createCourt({ code: 'sko-regional', nameRu: 'Суд', nameKk: 'Сот' }, at);
  vic.store.createUser(admin, at);
  const batch = envelopes(N, at);
  for (const e of batch.slice(0, 500)) vic.ingest({ ...e, externalId: `warm-${e.externalId}` });
  const lat: number[] = new Array(N);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const s = process.hrtime.bigint();
    vic.ingest(batch[i]!);
    lat[i] = Number(process.hrtime.bigint() - s) / 1e6;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  lat.sort((a, b) => a - b);
  const counts = vic.store.counts();
  vic.store.close();
  return { perS: N / secs, p50: lat[Math.floor(N * 0.5)]!, p99: lat[Math.floor(N * 0.99)]!, counts };
}

function benchRaw() {
  // Same connection settings as the store, and a table shaped like its messages table with the same indexes.
  const db = new Database(path.join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 10000');
  db.exec(`CREATE TABLE messages (id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL, channel TEXT NOT NULL, external_id TEXT,
    text TEXT NOT NULL, created_at INTEGER NOT NULL); CREATE UNIQUE INDEX m_ext ON messages(channel, external_id);
    CREATE INDEX m_ticket ON messages(ticket_id, id);`);
  const ins = db.prepare(`INSERT INTO messages (ticket_id, channel, external_id, text, created_at) VALUES (?, ?, ?, ?, ?)`);
  const one = db.transaction((i: number) => ins.run(i % 7000, 'whatsapp', `raw-${i}`, TEXTS[Math.abs(i) % TEXTS.length], i));
  for (let i = 0; i < 500; i++) one(-i - 1);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) one(i);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  return { perS: N / secs };
}

const raw = benchRaw();
const ing = benchIngest();
const scope = benchScope();
fs.rmSync(dir, { recursive: true, force: true });

const r = (x: number, d = 0) => Number(x.toFixed(d));
console.log(`VIC benchmark, ${N} envelopes (Node ${process.version})`);
console.log('');
console.log('measure                               value');
console.log(`raw insert, 1 row per transaction     ${r(raw.perS)} /s`);
console.log(`ingest pipeline, 1 envelope per tx    ${r(ing.perS)} /s   (${ing.counts.tickets} tickets, ${ing.counts.messages} messages)`);
console.log(`ingest / raw ratio                    ${r(ing.perS / raw.perS, 3)}`);
console.log(`ingest latency p50 / p99              ${r(ing.p50, 3)} ms / ${r(ing.p99, 3)} ms`);
console.log(`scope classifier, 1,000-char message  ${r(scope.per_msg_ms, 4)} ms (mean of ${scope.n})`);
console.log('');
console.log(JSON.stringify({ ingest_per_s: r(ing.perS), raw_insert_per_s: r(raw.perS), ratio: r(ing.perS / raw.perS, 3), p99_ms: r(ing.p99, 3), scope_ms_per_1000_chars: r(scope.per_msg_ms, 4) }));
