// Outbound mail over SMTP (nodemailer, pooled): replies and auto-replies from the outbox.
import nodemailer, { type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { ChannelUnavailableError, PermanentDeliveryError, type OutboundMessage } from '../../src/channels.ts';
import { DEFAULT_SMTP_CONNECTIONS, type EmailConfig } from './config.ts';

/** Our Message-ID for an outbound message: the same on every retry, unique to this installation. */
export function outboundMessageId(idempotencyKey: string, instance: string, address: string): string {
  const domain = address.slice(address.lastIndexOf('@') + 1) || 'vic.invalid';
  return `<${idempotencyKey.replace(/[^A-Za-z0-9._-]/g, '_')}.${instance}@${domain}>`;
}

/** Matches the Message-IDs `outboundMessageId` makes for this installation. */
export function ourMessageIdPattern(instance: string, address: string): RegExp {
  const domain = address.slice(address.lastIndexOf('@') + 1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`<[A-Za-z0-9._-]+\\.${instance}@${domain}>`, 'i');
}

const RECIPIENT = /^[^\s@<>",;]+@[^\s@<>",;]+$/;

/**
 * RFC 3834 §5: an answer to the citizen's message is `auto-replied`; the rating survey, which answers none (a
 * resolution sends it), `auto-generated`.
 */
const AUTO_SUBMITTED: Record<NonNullable<OutboundMessage['auto']>, 'auto-replied' | 'auto-generated'> = {
  'off-hours': 'auto-replied',
  appeal: 'auto-replied',
  'csat-thanks': 'auto-replied',
  csat: 'auto-generated',
};

/** The nodemailer message for an outbound message (pure). */
export function composeMail(msg: OutboundMessage, cfg: Pick<EmailConfig, 'from' | 'address'>, messageId: string): Mail.Options {
  const headers: Record<string, string> = { 'X-Loop': cfg.address };
  if (msg.auto) {
    // RFC 3834: an automatic message says so, and asks the other side's robots not to answer it.
    headers['Auto-Submitted'] = AUTO_SUBMITTED[msg.auto];
    headers['X-Auto-Response-Suppress'] = 'All';
  }
  return {
    from: cfg.from,
    to: msg.to,
    subject: msg.subject ?? `[${msg.ticketRef}]`,
    text: msg.text,
    messageId,
    ...(msg.inReplyTo ? { inReplyTo: msg.inReplyTo } : {}),
    ...(msg.references?.length ? { references: msg.references } : {}),
    headers,
  };
}

export interface SmtpFailure {
  permanent: boolean;
  reason: string;
}

/**
 * Not about this message: the server could not be reached or would not take mail at all (no reply, 421 closing,
 * TLS or login trouble). Its other messages would fail the same way.
 */
export function smtpServerUnavailable(e: unknown): boolean {
  const err = e as { responseCode?: number; code?: string };
  return err.responseCode === 421 || (err.code !== 'EENVELOPE' && err.code !== 'EMESSAGE');
}

/** Temporary (connection, 4xx, authentication: retrying can help) or permanent (the server's 5xx about this message). */
export function classifySmtpError(e: unknown): SmtpFailure {
  const err = e as { responseCode?: number; response?: string; code?: string; message?: string };
  const reason = (err.response || err.message || err.code || String(e)).replace(/\s+/g, ' ').trim();
  // A 5xx refusing the server's service altogether (greeting, login) is a configuration problem: fixing it helps.
  const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode < 600 && !smtpServerUnavailable(e);
  return { permanent, reason };
}

/** The SMTP pool's size: the outbox sends this many replies at once by default. */
export const smtpConnections = (cfg: EmailConfig) => cfg.smtp.connections ?? DEFAULT_SMTP_CONNECTIONS;

export class SmtpSender {
  private readonly transport: Transporter;

  constructor(private readonly cfg: EmailConfig) {
    const { smtp } = cfg;
    this.transport = nodemailer.createTransport({
      pool: true,
      maxConnections: smtpConnections(cfg),
      host: smtp.host,
      port: smtp.port,
      secure: smtp.security === 'tls',
      requireTLS: smtp.security === 'starttls',
      ignoreTLS: smtp.security === 'plain',
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password } } : {}),
      connectionTimeout: cfg.smtpTimeoutMs,
      greetingTimeout: cfg.smtpTimeoutMs,
      socketTimeout: cfg.smtpTimeoutMs,
    });
  }

  /**
   * Sends; throws PermanentDeliveryError (message = the server's reason) when retrying cannot help, and
   * ChannelUnavailableError when the server is the trouble, not this message.
   */
  async send(msg: OutboundMessage, messageId: string): Promise<void> {
    if (!RECIPIENT.test(msg.to)) throw new PermanentDeliveryError(`invalid recipient address "${msg.to}"`);
    try {
      await this.transport.sendMail(composeMail(msg, this.cfg, messageId));
    } catch (e) {
      const f = classifySmtpError(e);
      if (f.permanent) throw new PermanentDeliveryError(f.reason);
      throw smtpServerUnavailable(e) ? new ChannelUnavailableError(f.reason) : new Error(f.reason);
    }
  }

  close() {
    this.transport.close();
  }
}
