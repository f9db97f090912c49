// The WhatsApp channel: a supervisor that owns one whatsapp-web.js client at a time. whatsapp-web.js fails in
// known ways (`ready` never fires after a WhatsApp Web update, the client destroys itself on `disconnected`,
// initialize() can hang forever on a half-open network): every such case ends the same way — destroy the
// client, say why in health, create a new one after a growing delay.
import fs from 'node:fs/promises';
import QRCode from 'qrcode';
import {
  ChannelUnavailableError,
  PermanentDeliveryError,
  type ChannelAdapter,
  type ChannelContext,
  type ChannelHealth,
  type HealthReason,
  type HealthState,
  type OutboundMessage,
  type SendResult,
} from '../../src/channels.ts';
import type { DeliveryStatus } from '../../src/store/index.ts';
import { sessionDir, type ClientLike, type MessageLike } from './client.ts';
import type { WhatsappConfig } from './config.ts';
import { PERSONAL_CHAT, toEnvelope } from './normalize.ts';

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface WhatsappDeps {
  createClient: (cfg: WhatsappConfig) => ClientLike;
  timers?: Timers;
}

/** destroy() closes Chromium; past this the browser process is killed. */
const DESTROY_TIMEOUT_MS = 15_000;
/** A connected client is asked for its state this often: a crashed page emits nothing and would go unnoticed. */
const PROBE_EVERY_MS = 60_000;
const PROBE_TIMEOUT_MS = 30_000;
const LAST_INBOUND_KEY = 'lastInboundAt';

// whatsapp-web.js MessageAck: ERROR -1, PENDING 0, SERVER 1, DEVICE 2, READ 3, PLAYED 4. Pending is not reported:
// the message is still on this side.
function ackStatus(ack: number): DeliveryStatus | null {
  if (ack < 0) return 'failed';
  return ack >= 3 ? 'read' : ack === 2 ? 'delivered' : ack === 1 ? 'sent' : null;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class WhatsappChannel implements ChannelAdapter {
  readonly name = 'whatsapp' as const;
  readonly commands = ['logout', 'restart'] as const;

  private ctx: ChannelContext | null = null;
  private client: ClientLike | null = null;
  /** Bumped whenever the client is replaced: events and callbacks of an older client are ignored. */
  private generation = 0;
  private stopped = true;
  private failures = 0;
  private status: Omit<ChannelHealth, 'details'> = { state: 'down', code: 'notStarted', reason: 'not started', since: 0 };
  private qr: string | null = null;
  private qrSeq = 0;
  private waState: string | null = null;
  private lastProblem: { code: HealthReason; reason: string; at: number } | null = null;
  private nextRetryAt: number | null = null;
  private watchdog: unknown = null;
  private retryTimer: unknown = null;
  private restartTimer: unknown = null;
  private probeTimer: unknown = null;
  /** Acks that may overtake sendMessage's answer, replayed once the outbox has stored the id. Bounded. */
  private readonly acks = new Map<string, number>();
  private readonly timers: Timers;

  constructor(
    private readonly cfg: WhatsappConfig,
    private readonly deps: WhatsappDeps,
  ) {
    this.timers = deps.timers ?? realTimers;
  }

  start(ctx: ChannelContext) {
    this.ctx = ctx;
    this.stopped = false;
    this.spawn('connecting', 'starting WhatsApp Web');
    return Promise.resolve();
  }

  async stop() {
    this.stopped = true;
    this.clearTimer('retryTimer');
    await this.detach();
  }

  health(): ChannelHealth {
    const details: Record<string, unknown> = {};
    if (this.qr) details.qr = this.qr;
    if (this.waState) details.waState = this.waState;
    if (this.lastProblem) details.lastProblem = this.lastProblem;
    if (this.nextRetryAt) details.nextRetryAt = this.nextRetryAt;
    return { ...this.status, ...(Object.keys(details).length ? { details } : {}) };
  }

  async command(name: string) {
    if (name === 'restart') return this.restart('restarted', 'restarted by an admin');
    if (name === 'logout') return this.logout();
    throw new Error(`unknown command ${name}`);
  }

  /** Only a client that is connected right now can send: while pairing, down or the phone offline, replies wait. */
  canSend(): boolean {
    return this.client !== null && this.status.state === 'connected';
  }

  async send(m: OutboundMessage): Promise<SendResult> {
    const client = this.client;
    // Only a client that is connected right now: anything else stays in the outbox, which holds the channel's
    // messages until it is connected again (healthChanged) or a retry gets through.
    if (!client || this.status.state !== 'connected') {
      throw new ChannelUnavailableError(
        `WhatsApp is not connected (${this.status.state}${this.status.reason ? `: ${this.status.reason}` : ''})`,
      );
    }
    if (!PERSONAL_CHAT.test(m.to)) throw new PermanentDeliveryError(`${m.to} is not a WhatsApp chat`);
    const sent = await client.sendMessage(m.to, m.text);
    if (!sent) throw new Error('WhatsApp Web did not send the message (chat not found)');
    const id = sent.id._serialized;
    // The outbox stores the id in its continuation of this promise; replaying after it lets an ack that came
    // first still count (receipts only move forward, so a replay is harmless).
    setImmediate(() => {
      if (this.stopped) return;
      try {
        for (const ack of [sent.ack, this.acks.get(id)]) if (ack !== undefined) this.onAck(id, ack);
      } catch (err) {
        this.ctx!.log.error({ err }, 'WhatsApp delivery receipt could not be stored');
      }
    });
    return { externalId: id };
  }

  // ---- lifecycle

  private spawn(code: HealthReason, reason: string) {
    if (this.stopped) return;
    const gen = ++this.generation;
    let client: ClientLike;
    try {
      client = this.deps.createClient(this.cfg);
    } catch (err) {
      void this.fail('waStartFailed', `could not create the WhatsApp client: ${errText(err)}`);
      return;
    }
    this.client = client;
    this.nextRetryAt = null;
    // Handlers run inside the library's emit: an exception there would be uncaught and end the process.
    const live =
      <A extends unknown[]>(fn: (...args: A) => unknown) =>
      (...args: A) => {
        if (gen !== this.generation || this.stopped) return;
        const failed = (err: unknown) => this.ctx!.log.error({ err }, 'WhatsApp event handler failed');
        try {
          const r = fn(...args);
          if (r instanceof Promise) r.catch(failed);
        } catch (err) {
          failed(err);
        }
      };
    client.on(
      'qr',
      live((code: string) => this.onQr(code, gen)),
    );
    client.on(
      'authenticated',
      live(() => this.onAuthenticated()),
    );
    client.on(
      'auth_failure',
      live((message: string) => this.fail('waAuthFailed', `authentication failed: ${message}`)),
    );
    client.on(
      'ready',
      live(() => this.onReady(client, gen)),
    );
    // The library destroys the client itself after this event: the instance is dead.
    client.on(
      'disconnected',
      live((why: string) => this.fail('waDisconnected', `disconnected: ${why}`)),
    );
    client.on(
      'change_state',
      live((state: string) => this.onWaState(state)),
    );
    client.on(
      'message',
      live((msg: MessageLike) => this.receive(client, msg)),
    );
    client.on(
      'message_ack',
      live((msg: MessageLike, ack: number) => msg.fromMe && this.onAck(msg.id._serialized, ack)),
    );
    this.setState('connecting', code, reason);
    this.arm(this.cfg.initTimeoutMs, `WhatsApp Web did not load within ${this.cfg.initTimeoutMs / 1000} s`);
    client.initialize().catch(live((err: unknown) => this.fail('waStartFailed', `WhatsApp Web could not start: ${errText(err)}`)));
  }

  /** Any failure: down with the reason, the client destroyed, a new one after a delay that doubles each time. */
  private async fail(code: HealthReason, reason: string) {
    if (this.stopped) return;
    this.failures++;
    const delay = Math.min(this.cfg.retryMaxMs, this.cfg.retryBaseMs * 2 ** (this.failures - 1));
    const now = this.ctx!.clock.now();
    this.lastProblem = { code, reason, at: now };
    this.ctx!.log.warn({ code, reason, retryInMs: delay, failures: this.failures }, 'WhatsApp client failed; it will be replaced');
    const detaching = this.detach();
    this.nextRetryAt = now + delay;
    this.setState('down', code, reason);
    await detaching;
    if (this.stopped) return;
    this.clearTimer('retryTimer');
    this.retryTimer = this.timers.set(() => {
      this.retryTimer = null;
      this.spawn('reconnecting', `reconnecting after: ${reason}`);
    }, delay);
  }

  private async restart(code: HealthReason, reason: string) {
    this.clearTimer('retryTimer');
    await this.detach();
    this.spawn(code, reason);
  }

  private async logout() {
    const client = this.client;
    const connected = this.status.state === 'connected' || this.status.state === 'degraded';
    this.clearTimer('retryTimer');
    // Detached first, so the `disconnected` the logout causes is not taken for a failure.
    await this.detach(connected ? client : undefined);
    if (client && connected) {
      try {
        await client.logout();
      } catch (err) {
        this.ctx!.log.warn({ err }, 'WhatsApp logout failed; the session is removed locally');
      }
      await this.destroy(client);
    }
    // Also when the client was not connected: without the stored session the next client shows a new QR code.
    await fs.rm(sessionDir(this.cfg), { recursive: true, force: true, maxRetries: 3 });
    this.failures = 0;
    this.lastProblem = null;
    this.spawn('loggedOut', 'logged out: waiting for a new QR code');
  }

  /** Forgets the current client (its events are ignored from now on) and destroys it — or `keep` it for the caller. */
  private async detach(keep?: ClientLike | null) {
    const client = this.client;
    this.client = null;
    this.generation++;
    this.qr = null;
    this.waState = null;
    this.clearTimer('watchdog');
    this.clearTimer('restartTimer');
    this.clearTimer('probeTimer');
    if (client && client !== keep) await this.destroy(client);
  }

  private async destroy(client: ClientLike) {
    try {
      await this.within(client.destroy(), DESTROY_TIMEOUT_MS, 'destroy()');
    } catch (err) {
      // A browser left behind would hold the session profile's lock and the memory this restart should free.
      this.ctx?.log.warn({ err }, 'WhatsApp client did not close; killing its browser');
      client.pupBrowser?.process()?.kill('SIGKILL');
    }
  }

  private async within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: unknown = null;
    const late = new Promise<never>(
      (_, reject) => (timer = this.timers.set(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms)),
    );
    try {
      return await Promise.race([p, late]);
    } finally {
      this.timers.clear(timer);
    }
  }

  private scheduleProbe(client: ClientLike, gen: number) {
    this.clearTimer('probeTimer');
    this.probeTimer = this.timers.set(() => void this.probe(client, gen), PROBE_EVERY_MS);
  }

  private async probe(client: ClientLike, gen: number) {
    this.probeTimer = null;
    let state: string | null;
    try {
      state = await this.within(client.getState(), PROBE_TIMEOUT_MS, 'getState()');
    } catch (err) {
      if (gen === this.generation) void this.fail('waUnresponsive', `WhatsApp Web stopped answering: ${errText(err)}`);
      return;
    }
    if (gen !== this.generation || this.stopped) return;
    if (state && state !== this.waState) this.onWaState(state);
    this.scheduleProbe(client, gen);
  }

  /** One deadline at a time: the launch, then `ready` after authentication. */
  private arm(ms: number, reason: string) {
    this.clearTimer('watchdog');
    this.watchdog = this.timers.set(() => {
      this.watchdog = null;
      void this.fail('waLoadTimeout', reason);
    }, ms);
  }

  private clearTimer(which: 'watchdog' | 'retryTimer' | 'restartTimer' | 'probeTimer') {
    if (this[which] !== null) this.timers.clear(this[which]);
    this[which] = null;
  }

  private setState(state: HealthState, code?: HealthReason, reason?: string) {
    const since = state === this.status.state ? this.status.since : this.ctx!.clock.now();
    if (state !== this.status.state || code !== this.status.code) this.ctx!.log.info({ state, code, reason }, 'WhatsApp channel health');
    this.status = { state, ...(code ? { code } : {}), ...(reason ? { reason } : {}), since };
    this.ctx!.healthChanged();
  }

  // ---- client events

  private async onQr(code: string, gen: number) {
    // Pairing waits for a person with the phone: no deadline while the QR code is shown.
    this.clearTimer('watchdog');
    const seq = ++this.qrSeq;
    const url = await QRCode.toDataURL(code, { errorCorrectionLevel: 'L', margin: 2, width: 264 });
    if (seq !== this.qrSeq || gen !== this.generation) return;
    this.qr = url;
    this.setState('pairing', 'waScanQr', 'scan the QR code on the centre’s phone: WhatsApp → Linked devices → Link a device');
  }

  private onAuthenticated() {
    this.qr = null;
    this.setState('connecting', 'waLoadingChats', 'authenticated, loading chats');
    this.arm(this.cfg.readyTimeoutMs, `"ready" did not come within ${this.cfg.readyTimeoutMs / 1000} s after authentication`);
  }

  private async onReady(client: ClientLike, gen: number) {
    this.clearTimer('watchdog');
    this.failures = 0;
    this.qr = null;
    this.waState = 'CONNECTED';
    this.setState('connected');
    this.scheduleProbe(client, gen);
    if (this.cfg.restartEveryMs > 0) {
      this.clearTimer('restartTimer');
      // Chromium's memory grows over days; a planned restart costs a minute of reconnection.
      this.restartTimer = this.timers.set(() => {
        this.restartTimer = null;
        void this.restart('scheduledRestart', 'scheduled restart');
      }, this.cfg.restartEveryMs);
    }
    await this.catchUp(client, gen);
  }

  private onWaState(state: string) {
    this.waState = state;
    // TIMEOUT/OPENING/PAIRING keep the client (the library emits `disconnected` for the fatal states): sending
    // waits until WhatsApp Web is CONNECTED again.
    if (this.status.state === 'connected' && state !== 'CONNECTED')
      this.setState('degraded', 'waPhoneOffline', `WhatsApp Web is ${state} (phone offline or network lost)`);
    else if (this.status.state === 'degraded' && state === 'CONNECTED') this.setState('connected');
    else this.ctx!.healthChanged();
  }

  private onAck(externalId: string, ack: number) {
    const prev = this.acks.get(externalId);
    this.acks.delete(externalId);
    this.acks.set(externalId, prev === undefined ? ack : Math.max(prev, ack));
    if (this.acks.size > 1000) this.acks.delete(this.acks.keys().next().value!);
    const status = ackStatus(ack);
    if (status)
      this.ctx?.reportDelivery(externalId, status, status === 'failed' ? 'WhatsApp reported an error delivering the message' : undefined);
  }

  private async receive(client: ClientLike, msg: MessageLike) {
    const ctx = this.ctx!;
    try {
      const env = await toEnvelope(msg, {
        account: this.cfg.account ?? client.info?.wid?.user ?? 'whatsapp',
        court: this.cfg.court,
        maxMediaBytes: this.cfg.maxMediaBytes,
        client,
      });
      if (!env) return;
      ctx.ingest(env);
      if (env.receivedAt > Number(ctx.state.get(LAST_INBOUND_KEY) ?? 0)) ctx.state.set(LAST_INBOUND_KEY, String(env.receivedAt));
    } catch (err) {
      // Still unread on the phone: the next catch-up brings it again. The message's key alone: the whole id
      // (_serialized) holds the citizen's number.
      ctx.log.error({ err, id: msg.id?.id }, 'WhatsApp message could not be stored');
    }
  }

  /**
   * Messages that came while VIC was not connected: the unread ones, and any newer than the last one stored (an
   * operator may have read them on the phone meanwhile). Dedupe makes repeats harmless.
   */
  private async catchUp(client: ClientLike, gen: number) {
    const ctx = this.ctx!;
    const since = Number(ctx.state.get(LAST_INBOUND_KEY) ?? 0);
    let seen = 0;
    try {
      for (const chat of await client.getChats()) {
        if (gen !== this.generation) return;
        if (chat.isGroup || !PERSONAL_CHAT.test(chat.id._serialized)) continue;
        const newer = since > 0 && chat.timestamp * 1000 >= since;
        if (!chat.unreadCount && !newer) continue;
        const msgs = (await chat.fetchMessages({ limit: this.cfg.catchupLimit })).filter((m) => !m.fromMe);
        const unread = new Set(chat.unreadCount > 0 ? msgs.slice(-chat.unreadCount).map((m) => m.id._serialized) : []);
        for (const m of msgs) {
          if (gen !== this.generation) return;
          if (!unread.has(m.id._serialized) && !(since > 0 && m.timestamp * 1000 >= since)) continue;
          await this.receive(client, m);
          seen++;
        }
      }
      ctx.log.info({ messages: seen }, 'WhatsApp catch-up done');
    } catch (err) {
      ctx.log.warn({ err }, 'WhatsApp catch-up failed');
    }
  }
}
