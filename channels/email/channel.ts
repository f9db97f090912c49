// The e-mail channel: one mailbox read over IMAP (imapflow, IDLE), replies sent over SMTP (nodemailer).
//
// Inbound: everything above the watermark (UIDVALIDITY:last UID, in channel state) is fetched, normalized and
// ingested, and the watermark moves in the transaction that stores the message; then the connection waits in IDLE
// and fetches again on EXISTS. A lost connection is replaced by a new ImapFlow instance (one never reconnects) with
// backoff; the watermark makes it resume where it stopped, and dedupe on the Message-ID absorbs any repeat.
import crypto from 'node:crypto';
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import {
  ChannelUnavailableError,
  type ChannelAdapter,
  type ChannelContext,
  type ChannelHealth,
  type HealthReason,
  type HealthState,
  type OutboundMessage,
  type SendResult,
} from '../../src/channels.ts';
import type { InboundAttachment } from '../../src/envelope.ts';
import { DEFAULT_PARSE_TIMEOUT_MS, type EmailConfig } from './config.ts';
import { unreadable, type NormalizedEmail, type NormalizeOptions } from './normalize.ts';
import { fetchReduced, oversizeThreshold } from './oversize.ts';
import { ParsePool } from './parse-pool.ts';
import { SmtpSender, ourMessageIdPattern, outboundMessageId, smtpConnections } from './smtp.ts';

const MB = 1024 * 1024;
/** Messages fetched per FETCH, and their total size. */
const BATCH_COUNT = 50;
const BATCH_BYTES = 16 * MB;

function describeError(e: unknown): string {
  const err = (e ?? {}) as { code?: string; message?: string; authenticationFailed?: boolean; responseText?: string };
  if (err.authenticationFailed) return `login failed${err.responseText ? ` (${err.responseText})` : ''}`;
  if (err.code && err.code !== 'NoConnection') return err.code;
  return err.message || 'closed by the server';
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export class EmailChannel implements ChannelAdapter {
  readonly name = 'email' as const;
  readonly commands = ['restart'] as const;
  readonly sendConcurrency: number;
  private ctx: ChannelContext | null = null;
  private smtp: SmtpSender | null = null;
  /** Parses inbound mail off the main thread, with a deadline per message (see parse-pool.ts). */
  private parser: ParsePool | null = null;
  private instance = '';
  private imapHealth: Omit<ChannelHealth, 'details'> = { state: 'down', code: 'notStarted', reason: 'not started', since: Date.now() };
  private smtpProblem: { reason: string; since: number } | null = null;
  private announced = '';
  private stopping = false;
  private loop: Promise<void> | null = null;
  private client: ImapFlow | null = null;
  /** Set by EXISTS: the mailbox changed while we were busy, sync again before idling. */
  private dirty = false;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly cfg: EmailConfig) {
    this.sendConcurrency = smtpConnections(cfg);
  }

  async start(ctx: ChannelContext): Promise<void> {
    this.ctx = ctx;
    this.stopping = false;
    this.instance = ctx.state.get('instance') ?? crypto.randomBytes(5).toString('hex');
    ctx.state.set('instance', this.instance);
    this.smtp = new SmtpSender(this.cfg);
    this.parser = new ParsePool({ deadlineMs: this.cfg.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS });
    this.setImapHealth('connecting', 'connecting', `connecting to ${this.cfg.imap.host}:${this.cfg.imap.port}`);
    let firstAttempt!: () => void;
    const attempted = new Promise<void>((resolve) => (firstAttempt = resolve));
    this.loop = this.run(firstAttempt);
    await attempted;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.poke();
    this.client?.close();
    // Ends a parse in progress too (the message is read again on the next start: the watermark did not pass it).
    await this.parser?.destroy();
    this.parser = null;
    await this.loop;
    this.loop = null;
    this.smtp?.close();
    this.smtp = null;
    this.setImapHealth('down', 'stopped', 'stopped');
  }

  async command(name: string): Promise<void> {
    if (name !== 'restart' || !this.ctx) throw new Error(`unknown command ${name}`);
    const ctx = this.ctx;
    await this.stop();
    await this.start(ctx);
  }

  health(): ChannelHealth {
    const details = { mailbox: this.cfg.address };
    if (this.imapHealth.state === 'connected' && this.smtpProblem)
      return { state: 'degraded', code: 'smtpFailing', reason: this.smtpProblem.reason, since: this.smtpProblem.since, details };
    return { ...this.imapHealth, details };
  }

  /** SMTP is tried whatever IMAP's state: only a send shows whether the SMTP server takes mail. */
  canSend(): boolean {
    return this.smtp !== null && !this.stopping;
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    if (!this.smtp) throw new ChannelUnavailableError('the e-mail channel is not started');
    const messageId = outboundMessageId(msg.idempotencyKey, this.instance, this.cfg.address);
    try {
      await this.smtp.send(msg, messageId);
    } catch (e) {
      // A refused or deferred recipient says nothing about the server; an unavailable server does, until a send
      // succeeds (health is `connected` again then, and the outbox sends what waited).
      if (e instanceof ChannelUnavailableError) this.setSmtpProblem(`SMTP delivery failing: ${e.message}`);
      throw e;
    }
    this.setSmtpProblem(null);
    return { externalId: messageId };
  }

  // ---- health

  private now() {
    return this.ctx?.clock.now() ?? Date.now();
  }
  private setImapHealth(state: HealthState, code?: HealthReason, reason?: string) {
    if (state !== this.imapHealth.state || reason !== this.imapHealth.reason) {
      this.imapHealth = {
        state,
        ...(code ? { code } : {}),
        ...(reason ? { reason } : {}),
        since: state === this.imapHealth.state ? this.imapHealth.since : this.now(),
      };
    }
    this.announce();
  }
  private setSmtpProblem(reason: string | null) {
    if (reason === (this.smtpProblem?.reason ?? null)) return;
    this.smtpProblem = reason ? { reason, since: this.now() } : null;
    this.announce();
  }
  private announce() {
    const h = this.health();
    const key = `${h.state}|${h.reason ?? ''}`;
    if (key === this.announced) return;
    this.announced = key;
    this.ctx?.healthChanged();
  }

  // ---- connection loop

  private poke() {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private newClient(): ImapFlow {
    const { imap } = this.cfg;
    const log = this.ctx!.log;
    return new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.security === 'tls',
      ...(imap.security === 'tls' ? {} : { doSTARTTLS: imap.security === 'starttls' }),
      auth: { user: imap.user, pass: imap.password },
      clientInfo: { name: 'VIC' },
      // We idle ourselves, right after each sync: auto-IDLE would start only after its delay.
      disableAutoIdle: true,
      // Re-issued IDLE keeps NAT and the server's inactivity timer from silently dropping the connection.
      maxIdleTime: 4 * 60_000,
      connectionTimeout: 20_000,
      greetingTimeout: 16_000,
      logger: { debug: (o) => log.trace(o), info: (o) => log.debug(o), warn: (o) => log.debug(o), error: (o) => log.debug(o) },
    });
  }

  private async run(firstAttempt: () => void) {
    const log = this.ctx!.log;
    let failures = 0;
    while (!this.stopping) {
      const client = this.newClient();
      this.client = client;
      let connected = false;
      let error: unknown;
      try {
        await this.session(client, () => {
          connected = true;
          failures = 0;
          firstAttempt();
        });
      } catch (e) {
        error = e;
      } finally {
        this.client = null;
        client.close();
      }
      firstAttempt();
      if (this.stopping) break;
      failures++;
      const delay = Math.min(this.cfg.reconnectMaxMs, this.cfg.reconnectBaseMs * 2 ** (failures - 1));
      const reason = `IMAP connection ${connected ? 'lost' : 'failed'}: ${describeError(error)}, retrying in ${seconds(delay)}`;
      log.warn({ err: error, failures }, reason);
      const loginFailed = (error as { authenticationFailed?: boolean } | undefined)?.authenticationFailed;
      const code = loginFailed ? 'imapLoginFailed' : connected ? 'imapLost' : 'imapFailed';
      this.setImapHealth(loginFailed || failures > 3 ? 'down' : 'degraded', code, reason);
      await this.sleep(delay);
    }
  }

  /** One connection: open the mailbox, then sync and idle until the connection ends (throws why) or we stop. */
  private async session(client: ImapFlow, onConnected: () => void) {
    let closed = false;
    let lastError: Error | undefined;
    client.on('error', (e: Error) => (lastError = e));
    client.on('close', () => {
      closed = true;
      this.poke();
    });
    client.on('exists', () => {
      this.dirty = true;
      this.poke();
    });
    await client.connect();
    const { mailbox, moveTo } = this.cfg.imap;
    // Servers without RFC 5530 codes refuse CREATE of an existing folder: then it only has to exist.
    if (moveTo)
      await client.mailboxCreate(moveTo).catch(async (e: unknown) => {
        if (!(await client.status(moveTo, { messages: true }))) throw e;
      });
    await client.mailboxOpen(mailbox);
    this.setImapHealth('connected');
    onConnected();
    while (!this.stopping && !closed) {
      this.dirty = false;
      await this.sync(client);
      if (this.dirty || this.stopping || closed) continue;
      // IDLE until the next command breaks it: the next sync, after EXISTS wakes us.
      void client.idle().catch(() => undefined);
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        if (this.dirty || this.stopping || closed) this.poke();
      });
    }
    if (closed && !this.stopping) throw lastError ?? new Error('closed by the server');
  }

  private watermark(): { validity: string; uid: number } {
    const [validity = '', uid = '0'] = (this.ctx!.state.get('watermark') ?? '').split(':');
    return { validity, uid: Number(uid) || 0 };
  }

  /** Fetches and stores everything above the watermark. */
  private async sync(client: ImapFlow) {
    const { state, log } = this.ctx!;
    const box = client.mailbox;
    if (!box) throw new Error('the mailbox is not open');
    const validity = box.uidValidity.toString();
    const mark = this.watermark();
    let last = mark.uid;
    if (mark.validity !== validity) {
      // New UIDs for old mail (the mailbox was rebuilt or restored): read it all again; dedupe on the
      // Message-ID keeps anything stored before from being stored twice.
      if (mark.validity) log.warn({ was: mark.validity, now: validity }, 'UIDVALIDITY changed: reading the whole mailbox again');
      last = 0;
      state.set('watermark', `${validity}:0`);
    }
    if (box.exists === 0) return;
    const found = (await client.fetchAll(`${last + 1}:*`, { uid: true, size: true }, { uid: true }))
      .filter((m) => m.uid > last) // `n:*` also returns the newest message when n is above every UID
      .sort((a, b) => a.uid - b.uid);
    const oversize = oversizeThreshold(this.cfg.attachmentsMaxBytes);
    for (let i = 0; i < found.length && !this.stopping;) {
      if ((found[i].size ?? 0) > oversize) {
        const { uid, size } = found[i++];
        await this.storeOversize(client, validity, uid, size ?? 0);
        await this.afterStored(client, [uid]);
        continue;
      }
      const batch: number[] = [];
      let bytes = 0;
      while (
        i < found.length &&
        batch.length < BATCH_COUNT &&
        (found[i].size ?? 0) <= oversize &&
        (!batch.length || bytes + (found[i].size ?? 0) <= BATCH_BYTES)
      ) {
        bytes += found[i].size ?? 0;
        batch.push(found[i++].uid);
      }
      // Collected first, processed after: no IMAP command may run inside a FETCH.
      const msgs = (await client.fetchAll(batch.join(','), { uid: true, source: true, internalDate: true }, { uid: true })).sort(
        (a, b) => a.uid - b.uid,
      );
      for (const m of msgs) {
        if (this.stopping) return;
        await this.storeOne(validity, m.uid, m.source ?? Buffer.alloc(0), m);
      }
      if (this.stopping) return;
      // Past messages deleted between listing and fetching too (otherwise the last ingest has moved it there already).
      const end = `${validity}:${batch[batch.length - 1]}`;
      if (state.get('watermark') !== end) state.set('watermark', end);
      await this.afterStored(client, batch);
    }
  }

  private normalizeOptions(m: Pick<FetchMessageObject, 'internalDate'>): NormalizeOptions {
    const received = m.internalDate ? new Date(m.internalDate).getTime() : NaN;
    return {
      account: this.cfg.address,
      ...(this.cfg.court ? { court: this.cfg.court } : {}),
      attachmentsMaxBytes: this.cfg.attachmentsMaxBytes,
      receivedAt: Number.isFinite(received) ? received : this.now(),
      ourMessageId: ourMessageIdPattern(this.instance, this.cfg.address),
    };
  }

  private async storeOne(
    validity: string,
    uid: number,
    raw: Buffer,
    m: Pick<FetchMessageObject, 'internalDate'>,
    extraDropped: InboundAttachment[] = [],
  ) {
    const opts = this.normalizeOptions(m);
    if (!this.parser) return;
    const n = await this.parser.normalize(raw, opts, extraDropped);
    if (this.stopping) return;
    this.ingest(n, raw, opts, { watermark: `${validity}:${uid}` });
  }

  /**
   * Ingests one message. Two different messages can carry the same Message-ID (broken mailers, templates):
   * the first fingerprint seen for an id is kept in channel state, and a different message with that id
   * gets `<id>#<fingerprint>` as its external id, so it is stored too instead of being taken for a repeat.
   * That fingerprint and `state` (the watermark) are committed in the message's own transaction: a crash leaves
   * all of them or none, so no message is skipped, or taken for a repeat of another with its Message-ID.
   */
  private ingest(n: NormalizedEmail, raw: Buffer, opts: NormalizeOptions, state: Record<string, string>) {
    const { state: channelState, log } = this.ctx!;
    const env = n.envelope;
    const key = n.messageId ? `mid:${crypto.createHash('sha256').update(n.messageId).digest('hex').slice(0, 32)}` : null;
    const first = key ? channelState.get(key) : undefined;
    const fp = n.fingerprint.slice(0, 16);
    if (first && first !== fp) env.externalId = `${n.messageId}#${fp}`;
    const writes = key && !first ? { ...state, [key]: fp } : state;
    try {
      this.ctx!.ingest(env, writes);
    } catch (err) {
      // The content made the pipeline fail: store it as an unreadable message with the raw original attached.
      // If this fails too, the store itself is in trouble: the error ends the session and we retry later.
      log.warn({ err, externalId: env.externalId }, 'e-mail could not be stored as read; storing the raw message');
      const fallback = unreadable(
        raw,
        opts,
        `the message could not be stored as read: ${(err as Error).message}`,
        [],
        n.fingerprint,
      ).envelope;
      this.ctx!.ingest({ ...fallback, externalId: env.externalId }, writes);
    }
    if (n.bounce?.originalMessageId && n.bounce.action === 'failed')
      this.ctx!.reportDelivery(n.bounce.originalMessageId, 'failed', n.bounce.reason);
    log.debug({ externalId: env.externalId, automated: n.automated }, 'e-mail stored');
  }

  /** A message too large to hold: its headers and text, with its attachments recorded as dropped. */
  private async storeOversize(client: ImapFlow, validity: string, uid: number, size: number) {
    const reduced = await fetchReduced(client, uid, size, this.cfg.attachmentsMaxBytes);
    if (reduced) await this.storeOne(validity, uid, reduced.raw, reduced, reduced.dropped);
  }

  /** Marks stored messages \Seen or moves them away, as configured. A failure here loses nothing: only logged. */
  private async afterStored(client: ImapFlow, uids: number[]) {
    const { markSeen, moveTo } = this.cfg.imap;
    if (!uids.length || (!markSeen && !moveTo)) return;
    const range = uids.join(',');
    try {
      if (markSeen) await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
      if (moveTo) await client.messageMove(range, moveTo, { uid: true });
    } catch (err) {
      this.ctx!.log.warn({ err, uids: range }, 'could not mark or move stored e-mail');
    }
  }
}
