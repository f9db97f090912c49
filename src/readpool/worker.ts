// A read worker (pool.ts): a child process with its own read-only connection to the server's database, running
// the reads of reads.ts one at a time as the server asks. A process, not a thread: a read over its time limit is
// ended with a signal, which stops SQLite mid-query; a thread cannot be stopped until SQLite hands control back.
import { VicError } from '../errors.ts';
import { Store } from '../store/index.ts';
import { READS, type Read } from './reads.ts';

export interface WorkerOptions {
  file: string;
  attachmentsDir: string | null;
  /** Tests: a module whose `READS` add or replace reads (a query slow on purpose, a write attempt). */
  extraReads?: string;
}

/** Parent → worker. */
export interface ReadRequest {
  id: number;
  method: string;
  args: unknown[];
}

/** Worker → parent: `ready` once the database is open, `fatal` when it cannot be, then one answer per request. */
export type WorkerMessage =
  | { ready: true }
  | { fatal: string }
  | { id: number; value: unknown }
  | { id: number; error: { message: string; code?: string; details?: unknown } };

export function serve(o: WorkerOptions, extra: Record<string, Read>) {
  const send = (m: WorkerMessage) => process.send!(m);
  let store: Store;
  try {
    store = new Store(o.file, o.attachmentsDir, { readonly: true });
  } catch (err) {
    process.send!({ fatal: (err as Error).message } satisfies WorkerMessage, () => process.exit(1));
    return;
  }
  const reads: Record<string, Read> = { ...READS, ...extra };
  process.on('message', (m: ReadRequest) => {
    void (async () => {
      try {
        if (!Object.hasOwn(reads, m.method)) throw new Error(`"${m.method}" is not a read the read workers run`);
        // Courts kept in memory would miss changes made by the server since the last read.
        store.forgetCourts();
        send({ id: m.id, value: await (reads[m.method] as (s: Store, ...a: unknown[]) => unknown)(store, ...m.args) });
      } catch (err) {
        const e = err as Error;
        send({ id: m.id, error: { message: e.message, ...(err instanceof VicError ? { code: err.code, details: err.details } : {}) } });
      }
    })();
  });
  // The server is gone (or closed the pool): nothing more will be asked.
  process.on('disconnect', () => process.exit(0));
  send({ ready: true });
}
