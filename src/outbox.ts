// The outbox: every outbound message was written (with its ticket change) before delivery is tried here.
// Delivery is retried with exponential backoff; a message is never dropped — after the last attempt it is
// marked failed with the reason, and an operator can send it again.
import { PermanentDeliveryError, type ChannelRegistry, type OutboundMessage } from './channels.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { EventBus } from './events.ts';
import type { Logger } from './log.ts';
import type { OutboxRow, Store } from './store/index.ts';

export class Outbox {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;

  constructor(
    private readonly deps: {
      store: Store;
      registry: ChannelRegistry;
      clock: Clock;
      events: EventBus;
      log: Logger;
      config: Pick<Config, 'OUTBOX_MAX_ATTEMPTS' | 'OUTBOX_BASE_DELAY_MS' | 'OUTBOX_MAX_DELAY_MS'>;
    },
  ) {}

  /** Delay before attempt n+1 after n failed attempts. */
  backoff(attempts: number): number {
    const { OUTBOX_BASE_DELAY_MS: base, OUTBOX_MAX_DELAY_MS: max } = this.deps.config;
    return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  }

  /** Delivers everything due now; returns how many were attempted. Concurrent calls share one run. */
  tick(): Promise<number> {
    this.running ??= this.deliverDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async deliverDue(): Promise<number> {
    const { store, clock } = this.deps;
    const due = store.dueOutbox(clock.now(), 100);
    for (const row of due) await this.deliver(row);
    return due.length;
  }

  private async deliver(row: OutboxRow) {
    const { store, registry, clock, log, config } = this.deps;
    const adapter = registry.get(row.channel);
    const payload = JSON.parse(row.payload) as OutboundMessage;
    let error: string;
    let permanent = false;
    if (!adapter?.send) {
      error = `channel ${row.channel} is not connected`;
    } else if (!payload.to) {
      error = `the contact has no ${row.channel} address`;
    } else {
      try {
        const res = await adapter.send(payload);
        store.tx(() => {
          store.updateOutbox(row.id, { status: 'sent', attempts: row.attempts + 1, nextAttemptAt: clock.now(), lastError: null }, clock.now());
          store.setDelivery(row.messageId, 'sent', null, res.externalId);
        });
        this.announce(row.messageId);
        return;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        permanent = e instanceof PermanentDeliveryError;
      }
    }
    const attempts = row.attempts + 1;
    const giveUp = permanent || attempts >= config.OUTBOX_MAX_ATTEMPTS;
    log.warn({ outbox: row.id, channel: row.channel, attempts, error }, giveUp ? 'outbound message failed' : 'outbound delivery will be retried');
    store.tx(() => {
      store.updateOutbox(row.id, { status: giveUp ? 'failed' : 'pending', attempts, nextAttemptAt: clock.now() + this.backoff(attempts), lastError: error }, clock.now());
      store.setDelivery(row.messageId, giveUp ? 'failed' : 'queued', error);
    });
    this.announce(row.messageId);
  }

  /** Puts a failed message back in the queue for delivery now. */
  retry(messageId: number): boolean {
    const { store, clock } = this.deps;
    const row = store.getOutboxByMessage(messageId);
    // A sent message can still fail later (an e-mail bounce): that one may be sent again too.
    if (!row || (row.status === 'sent' && store.getMessage(messageId)?.deliveryStatus !== 'failed')) return false;
    store.tx(() => {
      store.updateOutbox(row.id, { status: 'pending', attempts: 0, nextAttemptAt: clock.now(), lastError: row.lastError }, clock.now());
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

  /** Background delivery: wakes at the next due time (and on kick). */
  start() {
    this.stopped = false;
    this.kick();
  }
  stop() {
    this.stopped = true;
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
  private schedule() {
    if (this.stopped || this.timer) return;
    const next = this.deps.store.nextOutboxAttempt();
    const wait = next === undefined ? 30_000 : Math.max(50, Math.min(30_000, next - this.deps.clock.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, wait);
    this.timer.unref();
  }
}
