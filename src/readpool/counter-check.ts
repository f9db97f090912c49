// The periodic check of the queue counters (src/store/queue-counts.ts): a read worker recounts every queue and
// compares; drift (a bug, or a change made outside VIC) is logged and repaired here, on the writer.
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import type { ReadPool } from './pool.ts';

/** No request waits for the check; a recount of a million tickets takes about 10 s (more on a busy machine). */
const CHECK_LIMIT_MS = 10 * 60_000;

/** One check: resolves to the drifted counters' keys (none: all match). Never rejects. */
export async function checkQueueCounters(d: { reads: ReadPool; store: Store; log: Logger }): Promise<string[]> {
  try {
    const drift = await d.reads.runWithin(CHECK_LIMIT_MS, 'queueCounterDrift');
    if (!drift.length) return [];
    d.log.warn({ drift }, `queue counters: ${drift.length} differ from a recount, rebuilding them`);
    d.store.rebuildQueueCounters();
    return drift.map((x) => x.key);
  } catch (err) {
    d.log.error({ err }, 'queue counters: the check failed');
    return [];
  }
}

/** Checks every `minutes`; returns the stop function. */
export function scheduleCounterCheck(d: { reads: ReadPool; store: Store; log: Logger }, minutes: number): () => void {
  const timer = setInterval(() => void checkQueueCounters(d), minutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
