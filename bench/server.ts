// The benchmark's server: the real VIC on the benchmark's database, in its own process so that the load the
// clients make does not show up as this process's event-loop delay. Commands come over the IPC channel.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Vic } from '../src/app.ts';
import { ManualClock } from '../src/clock.ts';
import { testConfig } from '../src/config.ts';
import { Store } from '../src/store/index.ts';
import { trace, traceStatements } from './sql-trace.ts';

export type ServerCommand = { cmd: 'reset' } | { cmd: 'report' } | { cmd: 'cpu' } | { cmd: 'ingest'; i: number } | { cmd: 'close' };
export interface ServerReport {
  loop: { p50: number; p99: number; max: number };
  statements: number;
  requests: number;
}

/** Saturday 2026-12-05 22:00 in Petropavl: off hours, so the dispatcher moves no waiting ticket while we measure. */
export const SERVER_TIME = Date.parse('2026-12-05T17:00:00Z');

const file = process.argv[2];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vic-bench-server-'));
const store = new Store(file);
traceStatements(store.db);
const vic = new Vic({
  config: testConfig({ DATA_DIR: dir, RETENTION_RUN_AT: 'off' }),
  clock: new ManualClock(SERVER_TIME),
  store,
});
let requests = 0;
vic.server.on('request', () => requests++);
const port = await vic.listen(0, '127.0.0.1');
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const ms = (ns: number) => Math.round(ns / 1e4) / 100;

const send = (m: unknown) => process.send!(m);
process.on('message', (m: ServerCommand) => {
  switch (m.cmd) {
    case 'reset':
      loop.reset();
      trace.count = 0;
      requests = 0;
      return send({ ok: true });
    case 'cpu': {
      // The process's CPU time (all its threads), in ms: what a request cost the server whatever the machine's load.
      const c = process.cpuUsage();
      return send({ ms: (c.user + c.system) / 1000 });
    }
    case 'report':
      return send({
        loop: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
        statements: trace.count,
        requests,
      } satisfies ServerReport);
    case 'ingest': {
      const t = performance.now();
      const before = trace.count;
      const r = vic.ingest({
        channel: 'whatsapp',
        account: 'bench',
        externalId: `bench-live-${process.pid}-${m.i}`,
        sender: { kind: 'whatsapp', address: `7709${String(9_000_000 + m.i).padStart(7, '0')}@c.us` },
        text: 'Здравствуйте, когда будет готово решение по делу о разделе имущества?',
        receivedAt: SERVER_TIME,
      });
      // The event fan-out to the consoles runs inside ingest: these are the statements of the ticket and its events.
      return send({ ms: performance.now() - t, statements: trace.count - before, ticketId: r.ticketId });
    }
    case 'close':
      void vic.close().then(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        send({ closed: true });
        process.disconnect();
      });
  }
});
send({ port });
