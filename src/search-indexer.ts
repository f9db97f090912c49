// Keeps the word indexes of search within a second of ingest: a batch every half second, and batch after batch
// (yielding to the event loop between them) while far behind, as after the upgrade that created the indexes.
import type { Logger } from './log.ts';
import { SEARCH_BATCH } from './store/search.ts';
import type { Store } from './store/index.ts';

export class SearchIndexer {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly everyMs = 500,
  ) {}

  start(): this {
    this.timer = setInterval(() => this.run(), this.everyMs);
    this.timer.unref();
    return this;
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  private run() {
    if (this.stopped) return;
    try {
      if (this.store.indexPendingSearch() >= SEARCH_BATCH) setImmediate(() => this.run());
    } catch (err) {
      this.log.error({ err }, 'search indexing failed');
    }
  }
}
