// Work kept a moment behind the writes it follows, off the ingest transaction (search's word indexes, the report
// facts): a batch every half second, and batch after batch (yielding to the event loop between them) while far
// behind, as after the upgrade that created the index or a court's calendar change.
import type { Logger } from './log.ts';

export class CatchUpJob {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  /** `batch` does one bounded batch and says whether it was full (more is waiting). */
  constructor(
    private readonly name: string,
    private readonly batch: () => boolean,
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
      if (this.batch()) setImmediate(() => this.run());
    } catch (err) {
      this.log.error({ err }, `${this.name} failed`);
    }
  }
}
