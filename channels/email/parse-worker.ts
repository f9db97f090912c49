// The worker side of parse-pool.ts: normalizeEmail on bytes handed over by the channel. It sends the message's
// fingerprint first (the parse deadline starts then, and a message that stalls the parser can be stored as
// unreadable without hashing it again on the main thread), and hands back the envelope with its attachments'
// memory moved, not copied.
import type { MessagePort } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { InboundAttachment } from '../../src/envelope.ts';
import { fingerprint, normalizeEmail, type NormalizeOptions, type NormalizedEmail } from './normalize.ts';

export interface ParseTask {
  raw: Uint8Array;
  opts: NormalizeOptions;
  extraDropped: InboundAttachment[];
  /** Gets the fingerprint (a string) before parsing starts. */
  progress: MessagePort;
}

/** The result with every attachment in an ArrayBuffer of its own, listed for transfer. */
function movable(n: NormalizedEmail) {
  const buffers = new Set<ArrayBuffer>();
  for (const a of n.envelope.attachments ?? []) {
    if (!a.content) continue;
    // A small Buffer lives in Node's shared pool (which cannot be moved) or shares memory with others: copied first.
    const own =
      a.content.byteOffset === 0 && a.content.byteLength === a.content.buffer.byteLength && !buffers.has(a.content.buffer as ArrayBuffer);
    if (!own) a.content = Buffer.from(new Uint8Array(a.content));
    buffers.add(a.content.buffer as ArrayBuffer);
  }
  return move({
    get [transferableSymbol]() {
      return [...buffers];
    },
    get [valueSymbol]() {
      return n;
    },
  });
}

export async function normalize(task: ParseTask) {
  const raw = Buffer.from(task.raw.buffer, task.raw.byteOffset, task.raw.byteLength);
  const fp = fingerprint(raw);
  task.progress.postMessage(fp);
  task.progress.close();
  return movable(await normalizeEmail(raw, task.opts, task.extraDropped, fp));
}
