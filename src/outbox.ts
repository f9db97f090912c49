// The outbox: every outbound message was written (with its ticket change) before delivery is tried here.
//
// Each channel has up to OUTBOX_CONCURRENCY messages in flight (unset: the channel's own sendConcurrency, e-mail's
// SMTP pool size; else 1), at most one per ticket, and a ticket's messages go out in the order they were written
// (dueOutbox hands out only a ticket's oldest unsent message), so a slow server costs latency, not throughput.
//
// Delivery is at least once. The attempt is committed (`sending`, attempts + 1, its time) before the channel is
// asked to send, and `sent` after: a crash in between leaves the row `sending`, and start() queues it again. So a
// crash can duplicate only the messages in flight (at most the concurrency per channel), sent again with the same
// idempotency key (e-mail: the same Message-ID, so mail programs recognise the repeat); nothing else goes twice,
// nothing is dropped.
//
// A channel that is not registered or not ready to send is not tried: its messages wait and no attempt is counted.
// A temporary failure is retried with backoff (OUTBOX_BASE_DELAY_MS doubling, at most OUTBOX_MAX_DELAY_MS apart)
// for OUTBOX_RETRY_FOR_HOURS from when the message was queued, then fails with the last reason. When the channel
// itself is unavailable (ChannelUnavailableError), its other messages wait instead of each failing the same way
// (those already in flight count their attempt): one message at a time probes the channel on that backoff, and
// once a send gets through (or the channel reports itself connected) everything waiting goes out again. A permanent failure fails at once with the channel's reason.
// A message on a demo ticket is never handed to a channel. An operator can send any failed message again.
import {
  ChannelUnavailableError,
  PermanentDeliveryError,
  readyToSend,
  type ChannelAdapter,
  type ChannelRegistry,
  type OutboundMessage,
} from './channels.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { EventBus } from './events.ts';
import type { Logger } from './log.ts';
import type { VicMetrics } from './metrics/index.ts';
import type { OutboxRow, Store } from './store/index.ts';

export const DEMO_NOT_SENT = 'demo data (VIC_DEMO): never sent to anyone';
/** Messages read per query; a channel's run reads again until nothing is due. */
const BATCH = 50;
/** The timer's longest sleep: kicks wake it sooner. */
const IDLE_WAKE_MS = 30_000;

export class Outbox {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  /** No timer runs (tick() still delivers when called). */
  private stopped = true;
  /** stop() was called: a run hands nothing more to a channel. */
  private closing = false;
  /** Channels found unavailable: no message of theirs is tried before `until` (in memory: a restart probes at once). */
  private readonly holds = new Map<string, { failures: number; until: number }>();

  constructor(
    private readonly deps: {
      store: Store;
      registry: ChannelRegistry;
      clock: Clock;
      events: EventBus;
      log: Logger;
      config: Pick<Config, 'OUTBOX_RETRY_FOR_HOURS' | 'OUTBOX_BASE_DELAY_MS' | 'OUTBOX_MAX_DELAY_MS' | 'OUTBOX_CONCURRENCY'>;
      metrics?: Pick<VicMetrics, 'outboxAttempt' | 'outboxAttemptFailed' | 'outboxFailed'>;
    },
  ) {}

  /** Delay before the next try after n failed ones in a row. */
  backoff(failures: number): number {
    const { OUTBOX_BASE_DELAY_MS: base, OUTBOX_MAX_DELAY_MS: max } = this.deps.config;
    return Math.min(max, base * 2 ** Math.min(30, Math.max(0, failures - 1)));
  }

  private get retryForMs() {
    return this.deps.config.OUTBOX_RETRY_FOR_HOURS * 3_600_000;
  }

  /** Delivers everything due now; returns how many were handed to a channel. Concurrent calls share one run. */
  tick(): Promise<number> {
    this.running ??= this.deliverDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async deliverDue(): Promise<number> {
    this.failDemo();
    // Channels run side by side: one whose server times out does not hold up the others.
    const counts = await Promise.all(this.deps.registry.all().map((a) => this.drain(a.name)));
    return counts.reduce((a, b) => a + b, 0);
  }

  private failDemo() {
    const { store, clock } = this.deps;
    for (const row of store.demoOutbox(1000)) this.fail(row, DEMO_NOT_SENT, clock.now());
  }

  private held(channel: string): boolean {
    const hold = this.holds.get(channel);
    return hold !== undefined && hold.until > this.deps.clock.now();
  }

  /** The channel's adapter when a message may be handed to it now. */
  private sender(channel: string): ChannelAdapter | undefined {
    const adapter = this.deps.registry.get(channel);
    return !this.closing && adapter && readyToSend(adapter) && !this.held(channel) ? adapter : undefined;
  }

  /** How many of the channel's messages may be in flight now: one while it is held or probed after a hold. */
  private concurrency(adapter: ChannelAdapter): number {
    if (this.holds.has(adapter.name)) return 1;
    return this.deps.config.OUTBOX_CONCURRENCY ?? adapter.sendConcurrency ?? 1;
  }

  private async drain(channel: string): Promise<number> {
    const { store, clock, registry } = this.deps;
    const adapter = registry.get(channel);
    if (adapter && !adapter.send) {
      // A channel without sending (the phone): waiting cannot help.
      for (let due; (due = store.dueOutbox(channel, clock.now(), BATCH)).length;) {
        for (const row of due) this.fail(row, `the ${channel} channel cannot send messages`, clock.now());
      }
      return 0;
    }
    if (adapter && !readyToSend(adapter)) this.noteWaiting(channel, adapter.health().state);
    let attempted = 0;
    const inFlight = new Set<Promise<void>>();
    // Read a batch at a time (the query costs as much for one row as for fifty); begin() skips any row that
    // stopped waiting meanwhile. A ticket with a message in flight has none due: its next waits for this outcome.
    let due: OutboxRow[] = [];
    for (;;) {
      const ready = this.sender(channel);
      const room = ready ? this.concurrency(ready) - inFlight.size : 0;
      if (room > 0 && !due.length) due = store.dueOutbox(channel, clock.now(), BATCH);
      const next = room > 0 ? due.splice(0, room) : [];
      if (ready && next.length) {
        for (const [row, payload] of this.begin(next)) {
          const sending: Promise<void> = this.deliver(ready, row, payload).finally(() => inFlight.delete(sending));
          inFlight.add(sending);
          attempted++;
        }
        continue;
      }
      if (!inFlight.size) return attempted;
      await Promise.race(inFlight);
    }
  }

  /**
   * Fails the rows without an address; commits the attempts of the others in one transaction, before any is sent.
   * Returns those to send: a row that stopped waiting since it was read (failed on expiry, say) is left alone.
   */
  private begin(rows: OutboxRow[]): [OutboxRow, OutboundMessage][] {
    const { store, clock } = this.deps;
    const ready: [OutboxRow, OutboundMessage][] = [];
    for (const row of rows) {
      const payload = JSON.parse(row.payload) as OutboundMessage;
      if (payload.to) ready.push([row, payload]);
      else this.fail(row, `the contact has no ${row.channel} address`, clock.now());
    }
    const marked = new Set(
      store.markOutboxSending(
        ready.map(([row]) => row.id),
        clock.now(),
      ),
    );
    const sending = ready.filter(([row]) => marked.has(row.id));
    for (const [row] of sending) this.deps.metrics?.outboxAttempt(row.channel);
    return sending;
  }

  private async deliver(adapter: ChannelAdapter, row: OutboxRow, payload: OutboundMessage) {
    const { store, clock, log } = this.deps;
    // The hold as this attempt found it: sends in flight together that all find the server gone count as one failure.
    const failuresBefore = this.holds.get(row.channel)?.failures ?? 0;
    let error: unknown;
    try {
      const res = await adapter.send!(payload);
      const now = clock.now();
      store.tx(() => {
        store.updateOutbox(row.id, { status: 'sent', nextAttemptAt: now, lastError: null }, now);
        store.setDelivery(row.messageId, 'sent', null, res.externalId);
      });
      this.announce(row.messageId);
      this.channelWorks(row.channel);
      return;
    } catch (e) {
      error = e;
    }
    const reason = error instanceof Error ? error.message : String(error);
    const now = clock.now();
    const attempts = row.attempts + 1;
    this.deps.metrics?.outboxAttemptFailed(
      row.channel,
      error instanceof PermanentDeliveryError ? 'permanent' : error instanceof ChannelUnavailableError ? 'unavailable' : 'temporary',
    );
    if (error instanceof PermanentDeliveryError) {
      log.warn({ outbox: row.id, channel: row.channel, attempts, error: reason }, 'outbound message refused');
      return this.fail(row, reason, now);
    }
    let retryAt = now + this.backoff(attempts);
    if (error instanceof ChannelUnavailableError) {
      const hold = this.holds.get(row.channel);
      if (hold && hold.failures > failuresBefore) retryAt = hold.until;
      else {
        const failures = failuresBefore + 1;
        retryAt = now + this.backoff(failures);
        this.holds.set(row.channel, { failures, until: retryAt });
      }
      this.expire(row.channel, reason, now);
    }
    if (now - row.queuedAt >= this.retryForMs) {
      log.warn({ outbox: row.id, channel: row.channel, attempts, error: reason }, 'outbound message failed: retry period over');
      return this.fail(row, this.expiredReason(reason), now);
    }
    log.warn(
      { outbox: row.id, channel: row.channel, attempts, error: reason, retryInMs: retryAt - now },
      'outbound delivery will be retried',
    );
    store.tx(() => {
      store.updateOutbox(row.id, { status: 'pending', nextAttemptAt: retryAt, lastError: reason }, now);
      store.setDelivery(row.messageId, 'queued', reason);
    });
    this.announce(row.messageId);
  }

  /** Tries nothing (no attempt counted), but the console says why the replies wait. */
  private noteWaiting(channel: string, state: string) {
    const { store } = this.deps;
    const changed = store.tx(() => store.noteOutboxWaiting(channel, `waiting: the ${channel} channel is not connected (${state})`));
    for (const id of changed) this.announce(id);
  }

  private expiredReason(reason: string) {
    return `not delivered within ${this.deps.config.OUTBOX_RETRY_FOR_HOURS} h: ${reason}`;
  }

  /** The channel is still unavailable: its waiting messages past the retry period fail now, without a try each. */
  private expire(channel: string, reason: string, now: number) {
    for (const row of this.deps.store.expiredOutbox(channel, now - this.retryForMs)) this.fail(row, this.expiredReason(reason), now);
  }

  private fail(row: OutboxRow, reason: string, now: number) {
    const { store } = this.deps;
    this.deps.metrics?.outboxFailed(row.channel);
    store.tx(() => {
      store.updateOutbox(row.id, { status: 'failed', nextAttemptAt: now, lastError: reason }, now);
      store.setDelivery(row.messageId, 'failed', reason);
    });
    this.announce(row.messageId);
  }

  /** A send got through: a channel that was held is back, and what waited for it goes out now. */
  private channelWorks(channel: string) {
    if (!this.holds.delete(channel)) return;
    this.deps.log.info({ channel }, 'channel delivers again: sending what waited');
    this.deps.store.releaseOutbox(channel, this.deps.clock.now());
  }

  /** The channel reports itself connected (app: healthChanged): what waited for it goes out at once. */
  channelUp(channel: string) {
    this.holds.delete(channel);
    this.deps.store.releaseOutbox(channel, this.deps.clock.now());
    this.kick();
  }

  /** Puts a failed (or still waiting) message back in the queue for delivery now, with a new retry period. */
  retry(messageId: number): boolean {
    const { store, clock } = this.deps;
    const row = store.getOutboxByMessage(messageId);
    // A sent message can still fail later (an e-mail bounce): that one may be sent again too. One in flight may not.
    if (!row || row.status === 'sending' || (row.status === 'sent' && store.getMessage(messageId)?.deliveryStatus !== 'failed'))
      return false;
    const now = clock.now();
    store.tx(() => {
      store.updateOutbox(row.id, { status: 'pending', attempts: 0, nextAttemptAt: now, queuedAt: now, lastError: row.lastError }, now);
      store.setDelivery(messageId, 'queued', row.lastError);
    });
    this.announce(messageId);
    this.kick();
    return true;
  }

  private announce(messageId: number) {
    const message = this.deps.store.getMessage(messageId)!;
    const ticket = this.deps.store.getTicket(message.ticketId)!;
    this.deps.events.emit({ type: 'message.updated', ticket, message });
  }

  /** Background delivery: first queues again what a crash left in flight, then wakes at the next due time (and on kick). */
  start() {
    const requeued = this.deps.store.requeueSendingOutbox(this.deps.clock.now());
    if (requeued.length)
      this.deps.log.warn(
        { messages: requeued },
        'outbound messages were being sent when VIC stopped: sending them again (they may arrive twice)',
      );
    this.stopped = false;
    this.closing = false;
    this.kick();
  }
  stop() {
    this.stopped = true;
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.running ?? Promise.resolve(0);
  }
  kick() {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.tick()
      .catch((e) => this.deps.log.error({ err: e }, 'outbox run failed'))
      .finally(() => this.schedule());
  }

  /** The next time something can be tried: a held channel at the end of its hold, a ready one at its next due message. */
  private nextWake(): number | undefined {
    const { registry } = this.deps;
    let next: number | undefined;
    for (const [channel, due] of this.deps.store.nextOutboxAttempts()) {
      const adapter = registry.get(channel);
      // Not there or not ready: addChannel and healthChanged kick the outbox when that changes.
      if (!adapter || !readyToSend(adapter)) continue;
      const at = Math.max(due, this.holds.get(channel)?.until ?? 0);
      next = next === undefined ? at : Math.min(next, at);
    }
    return next;
  }

  private schedule() {
    if (this.stopped || this.timer) return;
    const next = this.nextWake();
    const wait = next === undefined ? IDLE_WAKE_MS : Math.max(50, Math.min(IDLE_WAKE_MS, next - this.deps.clock.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, wait);
    this.timer.unref();
  }
}
