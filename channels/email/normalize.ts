// One raw e-mail (RFC 5322 bytes) → one inbound envelope. Pure apart from parsing; never throws on bad mail:
// whatever could be read is kept, and what could not is said.
import crypto from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { InboundAttachment, InboundEnvelope } from '../../src/envelope.ts';
import { findBounce, type Bounce } from './bounce.ts';
import { automatedReason, headerValues, type HeaderLines } from './guard.ts';

export interface NormalizeOptions {
  /** The mailbox address (envelope `account`), lowercase. */
  account: string;
  court?: string;
  attachmentsMaxBytes: number;
  receivedAt: number;
  /** Matches a Message-ID we generated (no `g` flag): links bounces to our replies. */
  ourMessageId: RegExp;
}

export interface NormalizedEmail {
  /** `externalId` is the Message-ID, or one derived from the fingerprint when the message has none. */
  envelope: InboundEnvelope;
  /** The sender's own Message-ID, when the message has a usable one. */
  messageId?: string;
  /** Hash of what the sender wrote (headers added on the way excluded): the same message always gives the same value. */
  fingerprint: string;
  /** Why no automatic answer may go to this message, or null. */
  automated: string | null;
  bounce: Bounce | null;
}

/** Headers that relays add or rewrite: they differ between two deliveries of the same message. */
const TRACE_HEADER = /^(received|return-path|delivered-to|x-original-to|envelope-to|authentication-results|arc-[a-z-]+|received-spf|dkim-signature|x-[a-z0-9-]+)$/i;

export function fingerprint(raw: Buffer): string {
  const s = raw.toString('latin1');
  const m = /\r?\n\r?\n/.exec(s);
  const head = m ? s.slice(0, m.index) : s;
  const body = m ? s.slice(m.index + m[0].length) : '';
  const lines = head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  const kept = lines.filter((l) => !TRACE_HEADER.test(/^([^:\s]+):/.exec(l)?.[1] ?? ''));
  return crypto.createHash('sha256').update(kept.join('\n')).update('\n\n').update(body.replace(/\r\n/g, '\n'), 'latin1').digest('hex');
}

/** `<id@host>` from a header value written in any of the usual broken ways, or undefined. */
export function normalizeMessageId(v: string | undefined): string | undefined {
  const t = (v ?? '').replace(/\s+/g, '');
  const id = /<[^<>]+>/.exec(t)?.[0] ?? (t ? `<${t.replace(/[<>]/g, '')}>` : '');
  return id.length > 2 && id.length <= 500 ? id : undefined;
}

/** Every Message-ID in In-Reply-To / References (mailparser gives a string or an array). */
export function messageIdList(v: string | string[] | undefined): string[] {
  const all = (Array.isArray(v) ? v : v ? [v] : []).flatMap((s) => s.match(/<[^<>\s]+>/g) ?? [normalizeMessageId(s)].filter((x): x is string => !!x));
  return [...new Set(all)];
}

const MB = 1024 * 1024;
const mb = (n: number) => `${Math.round((n / MB) * 10) / 10} MB`;

function attachmentName(a: { filename?: string | undefined; contentType: string }): string {
  if (a.filename) return a.filename.slice(0, 255);
  if (/^message\/(rfc822|global)$/i.test(a.contentType)) return 'message.eml';
  if (/delivery-status$/i.test(a.contentType)) return 'delivery-status.txt';
  return 'attachment';
}

/** Attachments in order while they fit in the per-message limit; the rest recorded as dropped. */
function keepWithinLimit(parsed: ParsedMail, limit: number): InboundAttachment[] {
  let left = limit;
  return parsed.attachments.map((a) => {
    const meta = { filename: attachmentName(a), contentType: a.contentType || 'application/octet-stream', size: a.size };
    if (a.size <= left) {
      left -= a.size;
      return { ...meta, content: a.content };
    }
    return { ...meta, content: null, droppedReason: `not accepted: ${mb(a.size)}, over the ${mb(limit)} limit for one message's attachments` };
  });
}

/** The sender as written: mailparser's address, unless it decoded an encoded-word inside the address itself. */
function senderOf(parsed: ParsedMail, lines: HeaderLines): { address: string; displayName?: string } {
  const written = headerValues(lines, 'from');
  const from = parsed.from?.value.find((a) => a.address);
  if (from?.address) {
    // RFC 2047 forbids encoded-words in an address: decoding one would let `=?utf-8?Q?boss?=@x` pose as boss@x.
    const literal = written.some((l) => l.toLowerCase().includes(from.address!.toLowerCase()));
    const address = literal ? from.address : (/<([^<>]+)>/.exec(written[0] ?? '')?.[1] ?? written[0] ?? from.address);
    return { address: address.trim().slice(0, 320), ...(from.name ? { displayName: from.name.slice(0, 200) } : {}) };
  }
  // No usable From: the other headers that name a sender, then a placeholder.
  for (const h of ['sender', 'reply-to', 'return-path']) {
    const v = headerValues(lines, h)[0];
    const addr = v ? (/<([^<>]+@[^<>]+)>/.exec(v)?.[1] ?? /[^\s<>"]+@[^\s<>"]+/.exec(v)?.[0]) : undefined;
    if (addr) return { address: addr.slice(0, 320) };
  }
  return { address: 'unknown-sender@invalid', displayName: parsed.from?.value[0]?.name || undefined };
}

const PARSE_OPTIONS = { skipTextToHtml: true, skipImageLinks: true, keepDeliveryStatus: true } as const;

export async function normalizeEmail(raw: Buffer, opts: NormalizeOptions, extraDropped: InboundAttachment[] = []): Promise<NormalizedEmail> {
  const fp = fingerprint(raw);
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, PARSE_OPTIONS);
  } catch (err) {
    return unreadable(raw, opts, `the message could not be parsed: ${(err as Error).message}`);
  }
  const lines = parsed.headerLines;
  const sender = senderOf(parsed, lines);
  const messageId = normalizeMessageId(parsed.messageId);
  const replyTo = messageIdList(parsed.inReplyTo);
  const references = [...new Set([...messageIdList(parsed.references), ...replyTo.slice(1)])].slice(-50);
  const automated = automatedReason(lines, sender.address, opts.account);
  const contentType = headerValues(lines, 'content-type')[0] ?? '';
  const bounce = findBounce(
    { attachments: parsed.attachments, raw },
    { isReport: /^multipart\/report\b/i.test(contentType), looksLikeBounce: automated?.startsWith('robot sender') ?? false, ourMessageId: opts.ourMessageId },
  );
  let text = parsed.text ?? '';
  if (!text.trim() && parsed.html) {
    // mailparser writes text from HTML only when the HTML is the whole message: an HTML part inside
    // multipart/mixed (Lotus Notes, web mailers) would leave the operator an empty message.
    text = (await simpleParser(Buffer.from(`Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${parsed.html}`), PARSE_OPTIONS)).text ?? '';
  }
  text = text.replace(/^(\s*\n)+/, '').trimEnd();
  const subject = parsed.subject?.trim() || undefined;
  const thread = bounce?.originalMessageId
    ? // A bounce belongs to the ticket of the reply that bounced, whatever its own headers say.
      { inReplyTo: bounce.originalMessageId, references: [bounce.originalMessageId] }
    : { ...(replyTo[0] ? { inReplyTo: replyTo[0] } : {}), references };
  const externalId = messageId ?? `<${fp.slice(0, 40)}@no-message-id.vic>`;
  return {
    envelope: {
      channel: 'email',
      account: opts.account,
      externalId,
      sender: { kind: 'email', ...sender },
      text,
      ...(parsed.html ? { html: parsed.html } : {}),
      attachments: [...keepWithinLimit(parsed, opts.attachmentsMaxBytes), ...extraDropped],
      receivedAt: opts.receivedAt,
      thread: { messageId: externalId, ...thread, ...(subject ? { subject } : {}) },
      ...(opts.court ? { courtHint: opts.court } : {}),
      ...(automated || bounce ? { noAutoReply: true } : {}),
    },
    ...(messageId ? { messageId } : {}),
    fingerprint: fp,
    automated,
    bounce,
  };
}

/**
 * An envelope for a message that could not be read or stored as parsed: the raw message is kept as an
 * attachment (when it fits) so nothing is lost, and the text says what happened.
 */
export function unreadable(raw: Buffer, opts: NormalizeOptions, problem: string): NormalizedEmail {
  const fp = fingerprint(raw);
  const s = raw.toString('utf8');
  const head = s.slice(0, Math.max(0, s.search(/\r?\n\r?\n/)) || s.length);
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim();
  const address = /[^\s<>"]+@[^\s<>"]+/.exec(field('from') ?? '')?.[0]?.slice(0, 320) ?? 'unknown-sender@invalid';
  const messageId = normalizeMessageId(field('message-id'));
  const fits = raw.length <= opts.attachmentsMaxBytes;
  return {
    envelope: {
      channel: 'email',
      account: opts.account,
      externalId: messageId ?? `<${fp.slice(0, 40)}@no-message-id.vic>`,
      sender: { kind: 'email', address },
      text: `[${problem}; the original message is attached]\n\n${s.slice(0, 20_000)}`,
      attachments: [
        fits
          ? { filename: 'message.eml', contentType: 'message/rfc822', content: raw, size: raw.length }
          : { filename: 'message.eml', contentType: 'message/rfc822', content: null, size: raw.length, droppedReason: `not accepted: ${mb(raw.length)}, over the limit` },
      ],
      receivedAt: opts.receivedAt,
      thread: { messageId: messageId ?? `<${fp.slice(0, 40)}@no-message-id.vic>`, ...(field('subject') ? { subject: field('subject')!.slice(0, 1000) } : {}) },
      ...(opts.court ? { courtHint: opts.court } : {}),
      noAutoReply: true,
    },
    ...(messageId ? { messageId } : {}),
    fingerprint: fp,
    automated: problem,
    bounce: null,
  };
}
