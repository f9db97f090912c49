// Outbound mail over SMTP (nodemailer, pooled): replies and auto-replies from the outbox.
import nodemailer, { type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { PermanentDeliveryError, type OutboundMessage } from '../../src/channels.ts';
import type { EmailConfig } from './config.ts';

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

/** The nodemailer message for an outbound message (pure). */
export function composeMail(msg: OutboundMessage, cfg: Pick<EmailConfig, 'from' | 'address'>, messageId: string): Mail.Options {
  const headers: Record<string, string> = { 'X-Loop': cfg.address };
  if (msg.auto) {
    // RFC 3834: an automatic answer says so, and asks the other side's robots not to answer it.
    headers['Auto-Submitted'] = 'auto-replied';
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

/** Temporary (connection, 4xx, authentication: retrying can help) or permanent (the server's 5xx about this message). */
export function classifySmtpError(e: unknown): SmtpFailure {
  const err = e as { responseCode?: number; response?: string; code?: string; message?: string };
  const reason = (err.response || err.message || err.code || String(e)).replace(/\s+/g, ' ').trim();
  const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode < 600 && err.code !== 'EAUTH';
  return { permanent, reason };
}

export class SmtpSender {
  private readonly transport: Transporter;

  constructor(private readonly cfg: EmailConfig) {
    const { smtp } = cfg;
    this.transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 2,
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

  /** Sends; throws PermanentDeliveryError (message = the server's reason) when retrying cannot help. */
  async send(msg: OutboundMessage, messageId: string): Promise<void> {
    if (!RECIPIENT.test(msg.to)) throw new PermanentDeliveryError(`invalid recipient address "${msg.to}"`);
    try {
      await this.transport.sendMail(composeMail(msg, this.cfg, messageId));
    } catch (e) {
      const f = classifySmtpError(e);
      throw f.permanent ? new PermanentDeliveryError(f.reason) : new Error(f.reason);
    }
  }

  close() {
    this.transport.close();
  }
}
