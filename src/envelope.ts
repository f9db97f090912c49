/**
 * The normalized inbound envelope: the one shape every channel adapter (channels/<name>/) produces
 * and the ingest pipeline (src/ingest/pipeline.ts) consumes.
 */
export type ChannelName = 'whatsapp' | 'email' | 'sip' | 'web';

export type IdentityKind = 'phone' | 'email' | 'whatsapp';

export interface SenderIdentity {
  /** phone: any written form, normalized to E.164 by the pipeline; email: address; whatsapp: the chat id (`…@c.us` or `…@lid`). */
  kind: IdentityKind;
  address: string;
  displayName?: string;
  /** Extra identities known for the same person, e.g. the phone number behind a WhatsApp id. */
  also?: { kind: IdentityKind; address: string }[];
}

export interface InboundAttachment {
  filename: string;
  contentType: string;
  /** Content, or null when it was dropped (too large, unreadable): `droppedReason` then says why. */
  content: Buffer | null;
  size: number;
  droppedReason?: string;
}

export interface ThreadHints {
  /** E-mail Message-ID of this message (also used as the external id of e-mail). */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  subject?: string;
}

export interface CallFields {
  callId: string;
  from: string;
  to: string;
  /** What happened to the call, as far as the channel knows when it reports it. */
  outcome: 'ringing' | 'answered' | 'missed' | 'abandoned' | 'rejected_off_hours' | 'ended';
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  operatorUserId?: number;
}

export interface InboundEnvelope {
  channel: ChannelName;
  /** Which of the centre's accounts received it (mailbox address, WhatsApp number, SIP DID). */
  account: string;
  /** The channel's own id of the message; the pipeline is idempotent on (channel, externalId). */
  externalId: string;
  sender: SenderIdentity;
  text: string;
  /** Original HTML of e-mail: stored, never rendered raw. */
  html?: string;
  attachments?: InboundAttachment[];
  /** Epoch ms when the channel received it. */
  receivedAt: number;
  thread?: ThreadHints;
  call?: CallFields;
  /** Court code when the channel account belongs to one court; otherwise DEFAULT_COURT. */
  courtHint?: string;
  /** Set by adapters for automated mail (bounces, auto-replies, lists): stored, never answered automatically. */
  noAutoReply?: boolean;
}
