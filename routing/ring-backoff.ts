// While callers wait in the queue (media), hunting looks for a free operator every few seconds. A phone that
// refuses at once (486 busy, 603 declined: a call outside VIC, do-not-disturb) would be rung again at every look;
// instead each operator's next ring waits 2 s, then 4, 8, … up to 30 s, and they are rung at once again after they
// answer, or once they are free again (off the hunt list for a while, or busy on a VIC call, and back).

export interface RingBackoffConfig {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_RING_BACKOFF: RingBackoffConfig = { firstMs: 2000, maxMs: 30_000 };

export class RingBackoff {
  private readonly waits = new Map<number, { until: number; delayMs: number }>();

  constructor(private readonly cfg: RingBackoffConfig = DEFAULT_RING_BACKOFF) {}

  /** The operator's phone refused at `at`: not rung before the (doubled) delay is over. */
  refused(userId: number, at: number): void {
    const before = this.waits.get(userId);
    const delayMs = before ? Math.min(before.delayMs * 2, this.cfg.maxMs) : this.cfg.firstMs;
    this.waits.set(userId, { until: at + delayMs, delayMs });
  }

  /** They answered a call: rung at once from now on. */
  reset(userId: number): void {
    this.waits.delete(userId);
  }

  /** When the operator may be rung again (ms since the epoch), or 0 when at once. */
  until(userId: number): number {
    return this.waits.get(userId)?.until ?? 0;
  }

  /**
   * The hunt list without those still waiting out their back-off. Whoever is not on it (away, console closed) or is
   * on a VIC call (`busy`) is free of their back-off when they come back.
   */
  filter<T extends { userId: number | null }>(hunt: T[], at: number, busy: ReadonlySet<number> = new Set()): T[] {
    const listed = new Set(hunt.map((h) => h.userId));
    for (const id of this.waits.keys()) if (!listed.has(id) || busy.has(id)) this.waits.delete(id);
    return hunt.filter((h) => h.userId === null || at >= this.until(h.userId));
  }
}
