// `npm run bench:queries`: the console's requests on a large helpdesk (issue #21). Builds (or reuses) a seeded
// database of BENCH_TICKETS tickets (default 1,000,000), runs the real server on a copy of it in a child
// process, and times every queue page, the counters and each kind of search through HTTP as an operator of one
// court and as an admin; then the server's event-loop delay while 20 simulated consoles page and search, and
// what one new ticket costs with 20 consoles open. `--plans` prints the query plan of each console query.
// Environment: BENCH_TICKETS, BENCH_DB (the cached database), BENCH_REQUESTS (per request type, default 100),
// BENCH_TYPE_SECONDS (time allowed per request type, default 20), BENCH_LOAD_SECONDS (default 20).
import Database from 'better-sqlite3';
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dbBytes, ensureDb } from './build-db.ts';
import { percentiles, signIn, SimConsole, type Client, type ListPage } from './consoles.ts';
import { prng, SEARCH_WORDS } from './dataset.ts';
import { queryPlans } from './plans.ts';
import type { ServerCommand, ServerReport } from './server.ts';

const N = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const DB = process.env.BENCH_DB ?? `/tmp/vic-bench-${N}.sqlite`;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const TYPE_SECONDS = Number(process.env.BENCH_TYPE_SECONDS ?? 20);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 20);
const CONSOLES = 20;
const QUEUES = ['mine', 'court', 'unassigned', 'off-hours', 'escalated', 'out-of-scope', 'resolved', 'all'];
/** The later page timed: the 10th, reached by following nextCursor. */
const LATER_PAGE = 10;
const log = (s: string) => console.error(s);
const r1 = (x: number) => Math.round(x * 10) / 10;

const loadAtStart = r1(os.loadavg()[0]);
log(`database ${DB} (${N.toLocaleString('en')} tickets)`);
const build = await ensureDb(DB, N, log);
log(build.built ? `built in ${build.seconds} s` : 'cached');
const sizeBytes = dbBytes(DB);
// The server writes (audit rows, sessions, the ingested tickets): it runs on a copy, so every run starts alike.
const work = `${DB}.run`;
fs.copyFileSync(DB, work);

// ---- samples: what operators type into the search box, taken from tickets each viewer may see
const samples = (courtId: number | null) => {
  const ro = new Database(work, { readonly: true });
  const rand = prng(courtId ?? 99);
  const maxId = (ro.prepare(`SELECT max(id) AS n FROM tickets`).get() as { n: number }).n;
  const ticket = ro.prepare(
    `SELECT t.ref, t.case_number AS caseNumber,
       (SELECT address FROM contact_identities WHERE contact_id = t.contact_id AND kind = 'phone') AS phone,
       (SELECT address FROM contact_identities WHERE contact_id = t.contact_id AND kind = 'email') AS email
     FROM tickets t WHERE t.id >= ? AND (? IS NULL OR t.court_id = ?) ORDER BY t.id LIMIT 1`,
  );
  const out = { ref: [] as string[], phone: [] as string[], tail: [] as string[], email: [] as string[], caseNumber: [] as string[] };
  for (let k = 0; out.ref.length < REQUESTS || out.email.length < REQUESTS || out.caseNumber.length < REQUESTS; k++) {
    const t = ticket.get(1 + Math.floor(rand() * maxId), courtId, courtId) as
      { ref: string; caseNumber: string | null; phone: string | null; email: string | null } | undefined;
    if (!t) continue;
    if (out.ref.length < REQUESTS) out.ref.push(t.ref);
    if (t.phone && out.phone.length < REQUESTS) {
      out.phone.push(t.phone);
      out.tail.push(t.phone.slice(-7));
    }
    if (t.email && out.email.length < REQUESTS) out.email.push(t.email);
    if (t.caseNumber && out.caseNumber.length < REQUESTS) out.caseNumber.push(t.caseNumber);
    if (k > 100 * REQUESTS) break;
  }
  ro.close();
  return out;
};

// ---- the server
const server: ChildProcess = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'server.ts'), [work], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const replies: ((m: unknown) => void)[] = [];
server.on('message', (m) => replies.shift()?.(m));
const ask = <T>(m: ServerCommand | null): Promise<T> =>
  new Promise((resolve) => {
    replies.push(resolve as (m: unknown) => void);
    if (m) server.send(m);
  });
const { port } = await ask<{ port: number }>(null);
const base = `http://127.0.0.1:${port}`;

const operator = await signIn(base, 'op1-1');
const admin = await signIn(base, 'admin');

// ---- phase 1: every request type, one at a time, as operator and admin
type Row = { request: string; role: string; n: number; p50: number; p95: number; max: number; cpu: number; total?: number };
const rows: Row[] = [];
async function time(role: string, request: string, client: Client, urls: string[]) {
  await client.get(urls[0]); // the first run of a statement prepares it
  const ms: number[] = [];
  const cpu: number[] = [];
  let total: number | undefined;
  const deadline = performance.now() + TYPE_SECONDS * 1000;
  for (let k = 0; k < REQUESTS && (k < 5 || performance.now() < deadline); k++) {
    const before = await ask<{ ms: number }>({ cmd: 'cpu' });
    const r = await client.get<ListPage>(urls[k % urls.length]);
    cpu.push((await ask<{ ms: number }>({ cmd: 'cpu' })).ms - before.ms);
    ms.push(r.ms);
    total ??= r.body.total;
  }
  const p = percentiles(ms);
  const c = percentiles(cpu).p50;
  rows.push({ request, role, n: p.n, p50: r1(p.p50), p95: r1(p.p95), max: r1(p.max), cpu: r1(c), total });
  log(`  ${role} ${request}: p50 ${r1(p.p50)} p95 ${r1(p.p95)} max ${r1(p.max)} ms, server CPU p50 ${r1(c)} ms (n ${p.n})`);
}

/** The cursor of page `LATER_PAGE` (or of the last page there is); the offset for a server without cursors. */
async function laterPage(client: Client, queue: string): Promise<string | null> {
  let url = `/api/tickets?queue=${queue}&limit=50`;
  for (let page = 1; page < LATER_PAGE; page++) {
    const { body } = await client.get<ListPage>(url);
    if (body.nextCursor === undefined) return `/api/tickets?queue=${queue}&limit=50&offset=${50 * (LATER_PAGE - 1)}`;
    if (!body.nextCursor) return page === 1 ? null : url;
    url = `/api/tickets?queue=${queue}&limit=50&cursor=${encodeURIComponent(body.nextCursor)}`;
  }
  return url;
}

for (const [role, client, courtId] of [
  ['operator', operator, 1],
  ['admin', admin, null],
] as const) {
  log(`${role}:`);
  for (const queue of QUEUES) {
    await time(role, `queue=${queue}`, client, [`/api/tickets?queue=${queue}&limit=50`]);
    const later = await laterPage(client, queue);
    if (later) await time(role, `queue=${queue} page ${LATER_PAGE}`, client, [later]);
  }
  await time(role, 'counts', client, ['/api/tickets/counts']);
  const s = samples(courtId);
  const search = (xs: string[]) => xs.map((q) => `/api/tickets?q=${encodeURIComponent(q)}&limit=50`);
  await time(role, 'search: reference', client, search(s.ref));
  await time(role, 'search: phone (E.164)', client, search(s.phone));
  await time(role, 'search: phone tail (7 digits)', client, search(s.tail));
  await time(role, 'search: e-mail', client, search(s.email));
  await time(role, 'search: case number', client, search(s.caseNumber));
  await time(role, `search: word (ru "${SEARCH_WORDS.ru}")`, client, search([SEARCH_WORDS.ru]));
  await time(role, `search: word (kk "${SEARCH_WORDS.kk}")`, client, search([SEARCH_WORDS.kk]));
}

// ---- phase 2: one new ticket, before any console is open and with 20 open
/**
 * What one new ticket costs: the statements of the ingest call (its events reach the consoles within it), the
 * statements of the 2.5 s after it less those of as long a quiet time before (timers run meanwhile: approximate),
 * the HTTP requests the consoles made, and those they would still need for what they were sent.
 */
async function ingestCost(i: number, consoles: SimConsole[]) {
  await ask({ cmd: 'reset' });
  await new Promise((r) => setTimeout(r, 2500));
  const quiet = await ask<ServerReport>({ cmd: 'report' });
  await ask({ cmd: 'reset' });
  const at = performance.now();
  const ingest = await ask<{ ms: number; statements: number; ticketId: number }>({ cmd: 'ingest', i });
  await new Promise((r) => setTimeout(r, 2500));
  const after = await ask<ServerReport>({ cmd: 'report' });
  const seen = consoles.map((c) => c.events.find((e) => e.at >= at && e.name === 'ticket.created')?.at).filter((x) => x !== undefined);
  return {
    ingestStatements: ingest.statements,
    statements: after.statements - quiet.statements,
    requests: after.requests - quiet.requests,
    wouldRequest: consoles.reduce((s, c) => s + c.wouldRequest(at), 0),
    ingestMs: r1(ingest.ms),
    loopP99: after.loop.p99,
    loopMax: after.loop.max,
    lastSeenMs: seen.length ? r1(Math.max(...seen) - at) : null,
    reached: seen.length,
  };
}
log('one new ticket, no console open');
await ask({ cmd: 'ingest', i: 0 }); // prepares the pipeline's statements and loads the appeal filter's model
const alone = await ingestCost(1, []);

const logins = [...[1, 2, 3, 4].flatMap((c) => [1, 2, 3, 4].map((k) => `op${c}-${k}`)), 'admin1', 'admin2', 'admin3', 'admin4'];
const signedIn = await Promise.all(logins.slice(0, CONSOLES).map((l) => signIn(base, l)));
// Connecting is measured on its own: each connection changes presence, which the server acts on.
await ask({ cmd: 'reset' });
const consoles = await Promise.all(signedIn.map((c) => SimConsole.open(base, c)));
await new Promise((r) => setTimeout(r, 2000));
const connect = await ask<ServerReport>({ cmd: 'report' });
log(`one new ticket, ${CONSOLES} consoles open`);
const withConsoles = await ingestCost(2, consoles);

// ---- phase 3: 20 consoles paging and searching at once
log(`${CONSOLES} consoles paging and searching for ${LOAD_SECONDS} s`);
const anyCourt = samples(null);
const words = [SEARCH_WORDS.ru, SEARCH_WORDS.kk, ...anyCourt.phone.slice(0, 10), ...anyCourt.ref.slice(0, 10)];
await ask({ cmd: 'reset' });
const until = performance.now() + LOAD_SECONDS * 1000;
await Promise.all(consoles.map((c, k) => c.work(QUEUES, words, until, prng(1000 + k))));
const load = await ask<ServerReport>({ cmd: 'report' });
const loadLatency = percentiles(consoles.flatMap((c) => c.latencies));
const loadErrors = consoles.reduce((s, c) => s + c.errors, 0);
for (const c of consoles) c.close();
await ask({ cmd: 'close' });

// ---- report
const pad = (s: string | number, n: number) => String(s).padEnd(n);
const role = (request: string, who: string) => rows.find((r) => r.request === request && r.role === who);
const cell = (r: Row | undefined) => (r ? `${r.p50} / ${r.p95} / ${r.max} (${r.cpu})${r.n < REQUESTS ? ` n ${r.n}` : ''}` : '—');
console.log(
  `\nVIC console queries: ${N.toLocaleString('en')} tickets, ${r1(sizeBytes / 2 ** 20)} MB, Node ${process.version}, ` +
    `${os.cpus().length} CPUs, load average ${loadAtStart} at start, ${r1(os.loadavg()[0])} at the end`,
);
if (build.built) console.log(`database built in ${build.seconds} s: ${JSON.stringify(build.phases)}`);
console.log(`\n${pad('request (ms: p50 / p95 / max (server CPU p50))', 48)}${pad('operator (court 1)', 34)}admin (all courts)`);
for (const request of [...new Set(rows.map((r) => r.request))])
  console.log(`${pad(request, 48)}${pad(cell(role(request, 'operator')), 34)}${cell(role(request, 'admin'))}`);
console.log(
  `\n${CONSOLES} consoles paging and searching: event-loop delay p50 ${load.loop.p50} / p99 ${load.loop.p99} / max ${load.loop.max} ms; ` +
    `${loadLatency.n} requests, p50 ${r1(loadLatency.p50)} / p95 ${r1(loadLatency.p95)} / p99 ${r1(loadLatency.p99)} ms, ${loadErrors} errors`,
);
console.log(
  `${CONSOLES} consoles connecting (and 2 s after): event-loop delay p99 ${connect.loop.p99} / max ${connect.loop.max} ms, ${connect.statements} statements`,
);
for (const [name, x] of [
  ['no console', alone],
  [`${CONSOLES} consoles`, withConsoles],
] as const)
  console.log(
    `new ticket, ${name}: ${x.ingestStatements} statements in the ingest call, ${x.statements} in the 2.5 s after it (±timers), ` +
      `${x.requests} HTTP requests, ${x.wouldRequest} requests consoles still need; ` +
      `ingest ${x.ingestMs} ms, event-loop p99 ${x.loopP99} ms; ${x.reached} consoles saw it, the last after ${x.lastSeenMs ?? '—'} ms`,
  );
const perConsole = (withConsoles.ingestStatements - alone.ingestStatements) / CONSOLES;
console.log(`statements per open console for one new ticket: ${perConsole}`);

if (process.argv.includes('--plans')) console.log(`\n${queryPlans(work, SEARCH_WORDS)}`);
for (const f of [work, `${work}-wal`, `${work}-shm`]) fs.rmSync(f, { force: true });

const slowest = (who: string) => Math.max(...rows.filter((r) => r.role === who).map((r) => r.p95));
console.log(
  JSON.stringify({
    tickets: N,
    db_mb: r1(sizeBytes / 2 ** 20),
    build_s: build.built ? build.seconds : null,
    operator_p95_max_ms: slowest('operator'),
    admin_p95_max_ms: slowest('admin'),
    load_loop_p99_ms: load.loop.p99,
    load_loop_max_ms: load.loop.max,
    load_requests: loadLatency.n,
    load_p95_ms: r1(loadLatency.p95),
    load_errors: loadErrors,
    connect_loop_p99_ms: connect.loop.p99,
    connect_loop_max_ms: connect.loop.max,
    new_ticket_statements_per_console: perConsole,
    new_ticket_http_requests: withConsoles.requests,
    new_ticket_requests_needed: withConsoles.wouldRequest,
    new_ticket_loop_p99_ms: withConsoles.loopP99,
    load_average: [loadAtStart, r1(os.loadavg()[0])],
    requests: Object.fromEntries(
      rows.map((r) => [`${r.role} ${r.request}`, { p50: r.p50, p95: r.p95, max: r.max, cpu_p50: r.cpu, n: r.n }]),
    ),
  }),
);
