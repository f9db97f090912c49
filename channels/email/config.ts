// Configuration of the e-mail channel (one mailbox), read from the environment like the core's config:
// a wrong value stops start-up with one line naming the variable.
import { z } from 'zod';

export type Security = 'tls' | 'starttls' | 'plain';

export interface EmailConfig {
  imap: {
    host: string;
    port: number;
    security: Security;
    user: string;
    password: string;
    mailbox: string;
    /** Mark a message \Seen once it is stored. */
    markSeen: boolean;
    /** Move a message to this folder once it is stored (created when missing). */
    moveTo?: string;
  };
  /** `connections`: the SMTP pool's size, and so how many replies are sent at once (default DEFAULT_SMTP_CONNECTIONS). */
  smtp: { host: string; port: number; security: Security; user?: string; password?: string; connections?: number };
  /** The From header of our mail, e.g. `ВИЦ судов СКО <vic@sud.kz>`. */
  from: string;
  /** The bare address of `from`, lowercased: the mailbox the channel serves. */
  address: string;
  /** Court code whose tickets this mailbox's mail becomes; undefined means DEFAULT_COURT. */
  court?: string;
  /** Total size of one message's attachments kept; the rest are recorded as dropped. */
  attachmentsMaxBytes: number;
  /** Reconnect delays: base doubling up to max. */
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  /** SMTP connection, greeting and socket timeouts. */
  smtpTimeoutMs: number;
  /** Time one inbound message may take to parse before it is stored as unreadable (default DEFAULT_PARSE_TIMEOUT_MS). */
  parseTimeoutMs?: number;
}

export const DEFAULT_PARSE_TIMEOUT_MS = 10_000;
/** Enough for replies to keep up with a full-speed backlog against a server taking 20 ms a message (bench/outbox.ts). */
export const DEFAULT_SMTP_CONNECTIONS = 8;

const security = (byDefault: Security) =>
  z
    .enum(['true', 'false', '1', '0', 'starttls'], { message: 'must be true, false or starttls' })
    .default(byDefault === 'tls' ? 'true' : byDefault === 'plain' ? 'false' : 'starttls')
    .transform((v): Security => (v === 'starttls' ? 'starttls' : v === 'true' || v === '1' ? 'tls' : 'plain'));
const bool = z.enum(['0', '1', 'true', 'false'], { message: 'must be 1, 0, true or false' }).transform((v) => v === '1' || v === 'true');
const port = z.coerce.number().int().min(1).max(65535);
/** `Name <addr>` or a bare address; the address part must look like one. */
const fromHeader = z
  .string({ message: 'is required when EMAIL_IMAP_HOST is set' })
  .refine((v) => ADDRESS.test(bareAddress(v)), 'must be an e-mail address, optionally as "Name <address>"');
const ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

export function bareAddress(from: string): string {
  return (/<([^<>]*)>\s*$/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

const schema = z.object({
  EMAIL_IMAP_HOST: z.string().min(1),
  EMAIL_IMAP_PORT: port.optional(),
  EMAIL_IMAP_SECURE: security('tls'),
  EMAIL_IMAP_USER: z.string({ message: 'is required when EMAIL_IMAP_HOST is set' }).min(1),
  EMAIL_IMAP_PASSWORD: z.string({ message: 'is required when EMAIL_IMAP_HOST is set' }).min(1),
  EMAIL_IMAP_MAILBOX: z.string().min(1).default('INBOX'),
  EMAIL_IMAP_MARK_SEEN: bool.default(false),
  EMAIL_IMAP_MOVE_TO: z.string().min(1).optional(),
  EMAIL_SMTP_HOST: z.string({ message: 'is required when EMAIL_IMAP_HOST is set' }).min(1),
  EMAIL_SMTP_PORT: port.optional(),
  EMAIL_SMTP_SECURE: security('starttls'),
  EMAIL_SMTP_USER: z.string().min(1).optional(),
  EMAIL_SMTP_PASSWORD: z.string().min(1).optional(),
  EMAIL_SMTP_CONNECTIONS: z.coerce.number().int().min(1).max(50).default(DEFAULT_SMTP_CONNECTIONS),
  EMAIL_FROM: fromHeader,
  EMAIL_COURT: z.string().min(1).optional(),
  EMAIL_ATTACHMENTS_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  EMAIL_PARSE_TIMEOUT_MS: z.coerce.number().int().min(100).default(DEFAULT_PARSE_TIMEOUT_MS),
});

const DEFAULT_PORT: Record<'imap' | 'smtp', Record<Security, number>> = {
  imap: { tls: 993, starttls: 143, plain: 143 },
  smtp: { tls: 465, starttls: 587, plain: 25 },
};

/** The channel's configuration, or null when EMAIL_IMAP_HOST is unset (the channel is off). */
export function emailConfigFromEnv(env: NodeJS.ProcessEnv = process.env): EmailConfig | null {
  const source = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('EMAIL_') && v !== ''));
  if (!source.EMAIL_IMAP_HOST) return null;
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`config: ${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  if (e.EMAIL_SMTP_USER && !e.EMAIL_SMTP_PASSWORD) throw new Error('config: EMAIL_SMTP_PASSWORD is required when EMAIL_SMTP_USER is set');
  return {
    imap: {
      host: e.EMAIL_IMAP_HOST,
      port: e.EMAIL_IMAP_PORT ?? DEFAULT_PORT.imap[e.EMAIL_IMAP_SECURE],
      security: e.EMAIL_IMAP_SECURE,
      user: e.EMAIL_IMAP_USER,
      password: e.EMAIL_IMAP_PASSWORD,
      mailbox: e.EMAIL_IMAP_MAILBOX,
      markSeen: e.EMAIL_IMAP_MARK_SEEN,
      ...(e.EMAIL_IMAP_MOVE_TO ? { moveTo: e.EMAIL_IMAP_MOVE_TO } : {}),
    },
    smtp: {
      host: e.EMAIL_SMTP_HOST,
      port: e.EMAIL_SMTP_PORT ?? DEFAULT_PORT.smtp[e.EMAIL_SMTP_SECURE],
      security: e.EMAIL_SMTP_SECURE,
      ...(e.EMAIL_SMTP_USER ? { user: e.EMAIL_SMTP_USER, password: e.EMAIL_SMTP_PASSWORD } : {}),
      connections: e.EMAIL_SMTP_CONNECTIONS,
    },
    from: e.EMAIL_FROM,
    address: bareAddress(e.EMAIL_FROM),
    ...(e.EMAIL_COURT ? { court: e.EMAIL_COURT } : {}),
    attachmentsMaxBytes: e.EMAIL_ATTACHMENTS_MAX_BYTES,
    reconnectBaseMs: 1000,
    reconnectMaxMs: 60_000,
    smtpTimeoutMs: 30_000,
    parseTimeoutMs: e.EMAIL_PARSE_TIMEOUT_MS,
  };
}
