// E-mail parsing off the main thread: a pool of worker threads (piscina) running normalizeEmail, with a deadline
// per message. A message the parser cannot finish in time, or that kills its worker, becomes an unreadable
// envelope (raw message attached, the reason in its text): the worker is terminated and replaced, and the
// mailbox goes on with the next message.
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { InboundAttachment } from '../../src/envelope.ts';
import { unreadable, type NormalizeOptions, type NormalizedEmail } from './normalize.ts';
import type { ParseTask } from './parse-worker.ts';

const LOADER = fileURLToPath(new URL('./parse-worker-loader.mjs', import.meta.url));
/** How long a message may wait for a worker to start (load mailparser) and hash it before it counts as failed. */
const START_ALLOWANCE_MS = 60_000;

export interface ParsePoolOptions {
  /** Time the parser may take on one message. */
  deadlineMs: number;
  /**
   * Worker threads, kept started. The channel reads one message at a time; the second is a spare, so the message
   * after one that got its worker terminated need not wait for a new worker to load mailparser.
   */
  threads?: number;
}

export class ParsePool {
  private readonly pool: Piscina<ParseTask, NormalizedEmail>;
  private closed = false;

  constructor(private readonly o: ParsePoolOptions) {
    const threads = o.threads ?? 2;
    this.pool = new Piscina({
      filename: LOADER,
      name: 'normalize',
      minThreads: threads,
      maxThreads: threads,
      // A message that makes the parser balloon ends its own worker, not the process.
      resourceLimits: { maxOldGenerationSizeMb: 768 },
      // Parsing is background work: on a busy machine the event loop (API, console, ingest) gets the CPU first.
      niceIncrement: 10,
    });
  }

  /**
   * normalizeEmail in a worker. Never throws for the message's sake: over the deadline, or when the worker dies,
   * the result is unreadable() with the reason. Throws only once the pool is destroyed.
   */
  async normalize(raw: Buffer, opts: NormalizeOptions, extraDropped: InboundAttachment[] = []): Promise<NormalizedEmail> {
    if (this.closed) throw new Error('the e-mail parser is stopped');
    // One copy, moved to the worker: `raw` stays here for an unreadable envelope.
    const copy = new Uint8Array(raw);
    const abort = new AbortController();
    const { port1, port2 } = new MessageChannel();
    let timedOut = false;
    let fp: string | undefined;
    const expire = () => {
      timedOut = true;
      abort.abort();
    };
    // The deadline runs from when the worker has hashed the message (linear, and then known here) and starts the
    // parser: a worker still starting is not the message's fault.
    let timer = setTimeout(expire, START_ALLOWANCE_MS + this.o.deadlineMs);
    port1.once('message', (fingerprint: string) => {
      fp = fingerprint;
      clearTimeout(timer);
      timer = setTimeout(expire, this.o.deadlineMs);
    });
    let problem: string;
    try {
      return revived(
        await this.pool.run(
          { raw: copy, opts, extraDropped, progress: port2 },
          { signal: abort.signal, transferList: [copy.buffer, port2] },
        ),
      );
    } catch (err) {
      if (this.closed) throw err;
      problem = timedOut
        ? `reading the message took longer than ${this.o.deadlineMs / 1000} s, the limit for one message`
        : `the message could not be read: ${(err as Error).message}`;
    } finally {
      clearTimeout(timer);
      port1.close();
    }
    return unreadable(raw, opts, problem, extraDropped, fp);
  }

  async destroy(): Promise<void> {
    this.closed = true;
    await this.pool.destroy();
  }
}

/** Attachments arrive as plain Uint8Arrays: Buffers again, over the memory moved from the worker. */
function revived(n: NormalizedEmail): NormalizedEmail {
  for (const a of n.envelope.attachments ?? []) {
    if (a.content && !Buffer.isBuffer(a.content)) {
      const u = a.content as Uint8Array;
      a.content = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
    }
  }
  return n;
}
