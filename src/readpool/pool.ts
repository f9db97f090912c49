// Reads that may scan (reads.ts) run in worker processes, each with its own read-only connection to the same
// database (WAL: readers neither wait for the writer nor make it wait), so a long read never stops the server's
// event loop. Each read has a time limit: past it, its worker is killed (SQLite stops mid-query) and the caller
// gets VIC_QUERY_TIMEOUT. Workers start when reads need them (the first ones, a killed one's replacement), then stay.
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERRORS, VicError, type ErrorCode } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import { READS, type ReadName } from './reads.ts';
import type { ReadRequest, WorkerMessage, WorkerOptions } from './worker.ts';

const LOADER = fileURLToPath(new URL('./worker-loader.mjs', import.meta.url));
/** A worker not ready by then (loading the code, opening the database) is taken for one that cannot start. */
const START_LIMIT_MS = 60_000;
/** Reads waiting for a worker, per worker, before more are refused: each waits for those before it. */
const QUEUE_PER_WORKER = 16;

type Args<K extends ReadName> = (typeof READS)[K] extends (s: Store, ...a: infer A) => unknown ? A : never;
type Result<K extends ReadName> = Awaited<ReturnType<(typeof READS)[K]>>;

export interface ReadPoolOptions {
  store: Store;
  workers: number;
  timeoutMs: number;
  log: Logger;
  /** Tests: a module whose `READS` add or replace reads in the workers. */
  extraReads?: string;
}

interface Call {
  method: string;
  args: unknown[];
  limitMs: number;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

interface Worker {
  child: ChildProcess;
  ready: boolean;
  /** Why it could not start. */
  fatal?: string;
  startTimer: NodeJS.Timeout;
  call: (Call & { id: number; timer: NodeJS.Timeout }) | null;
}

export class ReadPool {
  /** A database in memory cannot be opened by another connection: its reads run here, without a time limit. */
  readonly inThread: boolean;
  private readonly workers = new Set<Worker>();
  private readonly queue: Call[] = [];
  private readonly options: WorkerOptions;
  private nextId = 1;
  private closed = false;

  constructor(private readonly o: ReadPoolOptions) {
    this.inThread = o.store.db.memory;
    this.options = { file: path.resolve(o.store.db.name), attachmentsDir: o.store.attachmentsDir, extraReads: o.extraReads };
  }

  /** Runs a read of reads.ts in a worker; rejects with VIC_QUERY_TIMEOUT past the time limit. */
  run<K extends ReadName>(method: K, ...args: Args<K>): Promise<Result<K>> {
    return this.runWithin(this.o.timeoutMs, method, ...args);
  }

  /** As run(), with a limit of its own: for background work, which no request waits for. */
  runWithin<K extends ReadName>(limitMs: number, method: K, ...args: Args<K>): Promise<Result<K>> {
    return new Promise((resolve, reject) => {
      // Tests may add reads the server does not know; the worker checks those.
      if (!Object.hasOwn(READS, method) && !this.o.extraReads) throw new Error(`"${method}" is not a read the read workers run`);
      if (this.closed) throw new Error('the read workers are stopped');
      if (this.inThread) {
        resolve((READS[method] as (s: Store, ...a: unknown[]) => Result<K>)(this.o.store, ...args));
        return;
      }
      if (this.queue.length >= QUEUE_PER_WORKER * this.o.workers)
        throw new VicError('VIC_QUERY_TIMEOUT', 'Too many long requests are running at once: try again in a minute');
      this.queue.push({ method, args, limitMs, resolve, reject });
      this.pump();
    });
  }

  /** Stops the workers; reads under way or waiting fail. */
  async close() {
    this.closed = true;
    for (const c of this.queue.splice(0)) c.reject(new Error('the read workers are stopped'));
    await Promise.all(
      [...this.workers].map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
            w.child.once('exit', () => resolve());
            w.child.kill();
          }),
      ),
    );
  }

  /** Hands waiting reads to idle workers, starting workers (up to the count) for those left. */
  private pump() {
    for (const w of this.workers) {
      if (!this.queue.length) return;
      if (w.ready && !w.call) this.dispatch(w, this.queue.shift()!);
    }
    let starting = [...this.workers].filter((w) => !w.ready).length;
    while (starting++ < this.queue.length && this.workers.size < this.o.workers) this.start();
  }

  private dispatch(w: Worker, call: Call) {
    const id = this.nextId++;
    const timer = setTimeout(() => this.expire(w), call.limitMs);
    w.call = { ...call, id, timer };
    w.child.channel?.ref();
    w.child.send({ id, method: call.method, args: call.args } satisfies ReadRequest);
  }

  private expire(w: Worker) {
    const call = w.call!;
    w.call = null;
    this.workers.delete(w);
    w.child.kill('SIGKILL');
    this.o.log.warn({ read: call.method, limitMs: call.limitMs }, 'read pool: a read passed its time limit, its worker was killed');
    call.reject(
      new VicError(
        'VIC_QUERY_TIMEOUT',
        `This request took longer than ${call.limitMs / 1000} s, the server's limit, and was stopped: narrow it down (a shorter period, more filters) and try again`,
      ),
    );
    // A replacement starts with the next read that finds no idle worker.
    this.pump();
  }

  private start() {
    const child = fork(LOADER, [JSON.stringify(this.options)], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const startTimer = setTimeout(() => {
      w.fatal = `not ready within ${START_LIMIT_MS / 1000} s`;
      child.kill('SIGKILL');
    }, START_LIMIT_MS);
    const w: Worker = { child, ready: false, call: null, startTimer };
    this.workers.add(w);
    // An idle worker does not keep the server's process alive (its channel is unref'd then); one starting or reading does.
    child.unref();
    try {
      // Background work: on a busy machine the event loop (API, realtime, ingest) gets the CPU first.
      if (child.pid !== undefined) os.setPriority(child.pid, 10);
    } catch {
      // Not allowed here (some containers): the worker runs at normal priority.
    }
    child.on('message', (m: WorkerMessage) => this.received(w, m));
    child.on('error', (err) => {
      this.o.log.error({ err }, 'read pool: worker error');
      // A process that could not be spawned never exits.
      if (child.pid === undefined) this.exited(w, null, null);
    });
    child.on('exit', (code, signal) => this.exited(w, code, signal));
  }

  private received(w: Worker, m: WorkerMessage) {
    if ('ready' in m) {
      w.ready = true;
      clearTimeout(w.startTimer);
      w.child.channel?.unref();
    } else if ('fatal' in m) {
      w.fatal = m.fatal;
    } else if (w.call?.id === m.id) {
      const call = w.call;
      clearTimeout(call.timer);
      w.call = null;
      w.child.channel?.unref();
      if ('value' in m) call.resolve(m.value);
      else call.reject(revive(m.error));
    }
    this.pump();
  }

  private exited(w: Worker, code: number | null, signal: NodeJS.Signals | null) {
    if (!this.workers.delete(w)) return;
    clearTimeout(w.startTimer);
    const call = w.call;
    if (call) {
      clearTimeout(call.timer);
      call.reject(new Error(`the read worker stopped during "${call.method}" (${signal ?? `exit code ${String(code)}`})`));
    }
    if (this.closed) return;
    const reason = w.fatal ?? signal ?? `exit code ${String(code)}`;
    this.o.log.error({ reason }, w.ready ? 'read pool: a worker stopped' : 'read pool: a worker could not start');
    // Every worker would fail to start the same way: the reads waiting fail now rather than start workers forever.
    if (!w.ready) for (const c of this.queue.splice(0)) c.reject(new Error(`the read workers cannot start: ${reason}`));
    this.pump();
  }
}

/** An error from a worker: a VicError keeps its code (so its HTTP status); anything else is the worker's message. */
function revive(e: { message: string; code?: string; details?: unknown }): Error {
  return e.code !== undefined && Object.hasOwn(ERRORS, e.code)
    ? new VicError(e.code as ErrorCode, e.message, e.details)
    : new Error(e.message);
}
