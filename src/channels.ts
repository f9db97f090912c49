// The channel registry: adapters under channels/<name>/ plug in here; nothing else touches a channel library.
import type { ChannelName, InboundEnvelope } from './envelope.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './log.ts';
import type { DeliveryStatus } from './store/index.ts';
import type { IngestResult } from './ingest/pipeline.ts';
import type { CallService } from './calls.ts';
import type { ChannelHealth } from './channel-health.ts';
import type { LiveCall } from './live-call.ts';
import type { PhoneHooks } from './phone-hooks.ts';
import type { CallRecordings } from './recordings.ts';

// Declared in a file of its own, which the console imports too.
export type { ChannelHealth, HealthReason, HealthState } from './channel-health.ts';

export interface OutboundMessage {
  messageId: number;
  ticketRef: string;
  channel: ChannelName;
  account: string | null;
  to: string;
  text: string;
  subject?: string;
  inReplyTo?: string;
  references?: string[];
  /** Stable across retries, so a channel (or the recipient) can recognise a repeated delivery. */
  idempotencyKey: string;
  /**
   * A message no person wrote: an automatic answer (off-hours, appeal filter, the thanks for a rating) or the
   * rating survey. E-mail marks it `Auto-Submitted` (channels/email/smtp.ts).
   */
  auto?: 'off-hours' | 'appeal' | 'csat' | 'csat-thanks';
}

/** Thrown by an adapter when retrying cannot help (e.g. SMTP 5xx, an unknown WhatsApp number): the message fails at once. */
export class PermanentDeliveryError extends Error {
  readonly permanent = true;
}

/**
 * Thrown by an adapter when the channel itself cannot send now (server unreachable, login refused, WhatsApp not
 * connected): the message is retried, and the channel's other messages wait instead of each failing the same way.
 * Any other error is a temporary failure of this one message (e.g. SMTP 4xx for one recipient).
 */
export class ChannelUnavailableError extends Error {
  readonly unavailable = true;
}

export interface SendResult {
  /** The channel's id of what it sent (e-mail Message-ID, WhatsApp message id): delivery receipts refer to it. */
  externalId?: string;
}

export interface ChannelContext {
  /** `state`: channel state (as state.set) committed in the message's own transaction, repeat or not. */
  ingest(envelope: InboundEnvelope, state?: Record<string, string>): IngestResult;
  /** Tell the core the adapter's health changed (it reads health() again and announces it). */
  healthChanged(): void;
  /** A delivery receipt for a message this adapter sent earlier. */
  reportDelivery(externalId: string, status: DeliveryStatus, reason?: string): void;
  state: { get(key: string): string | undefined; set(key: string, value: string): void };
  /** For the phone channel: hunt order, opening hours, call progress on the ticket, screen-pops. */
  calls: Pick<CallService, 'openNow' | 'huntList' | 'progress' | 'screenPop'> & {
    /** How a call back ended, written on its ticket (src/calls.ts, where present). */
    callBackResult?(
      callId: string,
      r: { ticketId: number; userId: number; result: 'answered' | 'no_answer' | 'busy' | 'operator_no_answer' | 'failed'; at: number },
    ): unknown;
  };
  /** For the phone channel: its users' live legs and ring-no-answer. */
  phone: PhoneHooks;
  /** For the phone channel: a recorded call's WAV (or its failure) on the call's ticket (src/recordings.ts). */
  recordings?: Pick<CallRecordings, 'recorded'>;
  clock: Clock;
  log: Logger;
}

export interface ChannelAdapter {
  readonly name: ChannelName;
  start(ctx: ChannelContext): Promise<void>;
  stop(): Promise<void>;
  health(): ChannelHealth;
  send?(message: OutboundMessage): Promise<SendResult>;
  /** How many sends the channel can carry at once (e-mail: its SMTP connections); the outbox's default, else 1. */
  readonly sendConcurrency?: number;
  /**
   * Whether send may be tried now (without it: always). While false the outbox tries nothing and counts no
   * attempt; it looks again when the adapter calls healthChanged.
   */
  canSend?(): boolean;
  /** Admin actions the channel offers (e.g. WhatsApp `logout`, any channel `restart`). */
  readonly commands?: readonly string[];
  command?(name: string): Promise<void>;
  /** Phone channels: ring the operator's phone, then the citizen, and bridge them; returns the new call's id. */
  callBack?(o: { userId: number; extension: string; number: string; ticketId?: number }): string;
  /** Phone channels: move a live call to a specialist's phone; false when there is no such live call. */
  transfer?(callId: string, to: { userId: number; extension: string }): boolean;
  /** Phone channels: end a live call for everyone on it; false when it is not live. */
  hangup?(callId: string): boolean;
  /** Phone channels: every VIC user's live leg. */
  liveCalls?(): LiveCall[];
}

export function readyToSend(adapter: ChannelAdapter): boolean {
  return adapter.send !== undefined && (adapter.canSend?.() ?? true);
}

export class ChannelRegistry {
  private readonly adapters = new Map<string, ChannelAdapter>();

  register(adapter: ChannelAdapter) {
    if (this.adapters.has(adapter.name)) throw new Error(`channel ${adapter.name} is registered twice`);
    this.adapters.set(adapter.name, adapter);
  }
  unregister(name: string) {
    this.adapters.delete(name);
  }
  get(name: string): ChannelAdapter | undefined {
    return this.adapters.get(name);
  }
  all(): ChannelAdapter[] {
    return [...this.adapters.values()];
  }
  health(): Record<string, ChannelHealth> {
    return Object.fromEntries(this.all().map((a) => [a.name, a.health()]));
  }
}
