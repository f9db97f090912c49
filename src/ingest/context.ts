import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { InboundEnvelope, IdentityKind } from '../envelope.ts';
import type { CourtRow, MessageRow, Store, TicketRow, TicketStatus } from '../store/index.ts';
import type { CourtCalendar } from '../../routing/calendar/index.ts';
import type { ScopeVerdict, Lang } from '../../routing/scope/index.ts';

export interface IngestDeps {
  store: Store;
  clock: Clock;
  config: Pick<Config, 'DEFAULT_COURT' | 'REOPEN_WINDOW_HOURS'>;
  calendarFor: (courtId: number) => CourtCalendar;
}

export interface StoredAttachment {
  filename: string;
  contentType: string;
  size: number;
  sha256: string | null;
  droppedReason: string | null;
}

export type AutoReplyKind = 'off-hours' | 'appeal';

/** What the steps have decided so far; only the persist step writes. */
export interface IngestContext {
  env: InboundEnvelope;
  now: number;
  attachments: StoredAttachment[];
  /** Set by dedupe: this envelope was stored before. */
  duplicate?: { messageId: number; ticketId: number };
  /** `identities`: the sender's identities not stored yet. */
  contact: { id: number | null; name: string | null; identities: { kind: IdentityKind; address: string }[] };
  court: CourtRow;
  language: Lang;
  /** Set by thread: the ticket this message continues; absent means a new ticket. */
  ticket?: TicketRow;
  reopen: boolean;
  scope?: ScopeVerdict;
  /** A later message of an open ticket that reads like an appeal: flagged, never auto-closed. */
  messageScopeFlag: boolean;
  status: TicketStatus;
  working: boolean;
  nextOpening: number | null;
  firstResponseDueAt: number | null;
  assigneeId: number | null;
  autoReplies: { kind: AutoReplyKind; text: string }[];
  /** Set by persist: the inbound message first, then the auto-replies. */
  result?: { ticket: TicketRow; ticketCreated: boolean; messages: MessageRow[] };
}

export type Step = (ctx: IngestContext, deps: IngestDeps) => void;
