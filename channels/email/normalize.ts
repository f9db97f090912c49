// One raw e-mail (RFC 5322 bytes) → one inbound envelope. Pure apart from parsing; never throws on bad mail:
// whatever could be read is kept, and what could not is said.
//
// The bytes are the sender's: what this file does itself is linear in them (no regex that can backtrack over
// a header value) and header sizes are capped before mailparser sees them. mailparser's own cost is bounded by
// running it in a worker with a deadline (parse-pool.ts).
import crypto from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { InboundAttachment, InboundEnvelope } from '../../src/envelope.ts';
import { findBounce, type Bounce } from './bounce.ts';
import { HEADER_FIELD_MAX, addressIn, angled, automatedReason, headerValues, type HeaderLines } from './guard.ts';

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

const MB = 1024 * 1024;
const mb = (n: number) => `${Math.round((n / MB) * 10) / 10} MB`;

/** Headers that relays add or rewrite: they differ between two deliveries of the same message. */
const TRACE_HEADER =
  /^(received|return-path|delivered-to|x-original-to|envelope-to|authentication-results|arc-[a-z-]+|received-spf|dkim-signature|x-[a-z0-9-]+)$/i;

/** Where the first blank line (`\r?\n\r?\n`) starts and ends, or null. */
function blankLine(raw: Buffer): { start: number; end: number } | null {
  const lf = raw.indexOf('\n\n');
  const crlf = raw.indexOf('\n\r\n');
  const at = lf === -1 ? crlf : crlf === -1 ? lf : Math.min(lf, crlf);
  if (at === -1) return null;
  return { start: at > 0 && raw[at - 1] === 0x0d ? at - 1 : at, end: at + (at === lf ? 2 : 3) };
}

export function fingerprint(raw: Buffer): string {
  const blank = blankLine(raw);
  const head = raw.toString('latin1', 0, blank ? blank.start : raw.length);
  const lines = head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  const kept = lines.filter((l) => !TRACE_HEADER.test(/^([^:\s]+):/.exec(l)?.[1] ?? ''));
  const hash = crypto.createHash('sha256').update(kept.join('\n')).update('\n\n');
  // The body with CRLF as LF, hashed piece by piece from the bytes (a string copy of megabytes costs more).
  let pos = blank ? blank.end : raw.length;
  for (let cr = raw.indexOf(0x0d, pos); cr !== -1; cr = raw.indexOf(0x0d, pos)) {
    hash.update(raw.subarray(pos, raw[cr + 1] === 0x0a ? cr : cr + 1));
    pos = cr + 1;
  }
  return hash.update(raw.subarray(pos)).digest('hex');
}

/** The longest Message-ID kept; longer ones are treated as missing. */
const MESSAGE_ID_MAX = 500;

/** `<id@host>` from a header value written in any of the usual broken ways, or undefined. */
export function normalizeMessageId(v: string | undefined): string | undefined {
  // Past a few ids' worth of text nothing usable is left to find: an id longer than the cap is refused anyway.
  const t = (v ?? '').slice(0, 4 * MESSAGE_ID_MAX).replace(/\s+/g, '');
  const inner = angled(t);
  const id = inner !== undefined ? `<${inner}>` : t ? `<${t.replace(/[<>]/g, '')}>` : '';
  return id.length > 2 && id.length <= MESSAGE_ID_MAX ? id : undefined;
}

/** Ids read from one In-Reply-To / References: more are no thread anyone wrote. */
const MESSAGE_ID_LIST_MAX = 500;

/** Every Message-ID in In-Reply-To / References (mailparser gives a string or an array). */
export function messageIdList(v: string | string[] | undefined): string[] {
  const all = (Array.isArray(v) ? v : v ? [v] : [])
    .slice(0, MESSAGE_ID_LIST_MAX)
    .flatMap((s) => s.slice(0, HEADER_FIELD_MAX).match(/<[^<>\s]+>/g) ?? [normalizeMessageId(s)].filter((x): x is string => !!x));
  return [...new Set(all.filter((id) => id.length <= MESSAGE_ID_MAX))].slice(0, MESSAGE_ID_LIST_MAX);
}

/** The largest top header block parsed; above it (or a field above HEADER_FIELD_MAX) the message is unreadable. */
export const HEADER_BLOCK_MAX = 256 * 1024;
/** Header lines read: no mail program writes this many, and each costs a step. */
export const HEADER_LINES_MAX = 10_000;

interface HeaderField {
  /** Lowercase. */
  name: string;
  /** As written. */
  written: string;
  /** Bytes of the field, name and folding included. */
  size: number;
  /** Unfolded and decoded as UTF-8; a value over HEADER_FIELD_MAX keeps its start and its end (where an address usually is). */
  value: string;
}

interface ScannedHeader {
  fields: HeaderField[];
  /** Bytes read (the whole block when `complete`). */
  size: number;
  /** False when reading stopped at HEADER_LINES_MAX lines. */
  complete: boolean;
}

/**
 * The top header block: its fields and size. One `indexOf` per line over the bytes, whatever their size (a field
 * of megabytes is one step); only what is kept is turned into strings.
 */
export function scanHeader(raw: Buffer): ScannedHeader {
  const fields: HeaderField[] = [];
  let current: { written: string; start: number; valueStart: number; end: number } | null = null;
  const close = () => {
    if (current) fields.push(field(raw, current));
    current = null;
  };
  let pos = 0;
  for (let lines = 0; pos < raw.length; lines++) {
    if (lines === HEADER_LINES_MAX) {
      close();
      return { fields, size: pos, complete: false };
    }
    const nl = raw.indexOf(0x0a, pos);
    const next = nl === -1 ? raw.length : nl + 1;
    const lineEnd = nl === -1 ? raw.length : nl > pos && raw[nl - 1] === 0x0d ? nl - 1 : nl;
    if (lineEnd === pos) break;
    if (current && (raw[pos] === 0x20 || raw[pos] === 0x09)) {
      current.end = lineEnd;
    } else {
      close();
      // A name is short: the colon is looked for in the line's first bytes only.
      const colon = raw.subarray(pos, Math.min(lineEnd, pos + 200)).indexOf(0x3a);
      const nameEnd = colon === -1 ? Math.min(lineEnd, pos + 80) : pos + Math.min(colon, 80);
      current = {
        written: raw.toString('latin1', pos, nameEnd).trim(),
        start: pos,
        valueStart: colon === -1 ? lineEnd : pos + colon + 1,
        end: lineEnd,
      };
    }
    pos = next;
  }
  close();
  return { fields, size: pos, complete: true };
}

function field(raw: Buffer, f: { written: string; start: number; valueStart: number; end: number }): HeaderField {
  const half = HEADER_FIELD_MAX / 2;
  const text =
    f.end - f.valueStart <= HEADER_FIELD_MAX
      ? raw.toString('utf8', f.valueStart, f.end)
      : `${raw.toString('utf8', f.valueStart, f.valueStart + half)} … ${raw.toString('utf8', f.end - half, f.end)}`;
  return { name: f.written.toLowerCase(), written: f.written, size: f.end - f.start, value: text.replace(/\r?\n[ \t]+/g, ' ').trim() };
}

const KB = 1024;
const size = (n: number) => (n >= MB ? mb(n) : `${Math.ceil(n / KB)} KB`);

/** Why the header is too large to be parsed, or null. */
function headerOverCap(head: ScannedHeader): string | null {
  const big = head.fields.find((f) => f.size > HEADER_FIELD_MAX);
  if (big) {
    const name = big.written.replace(/[^\x21-\x7e]/g, '?') || 'unnamed';
    return `the ${name} header is ${size(big.size)}, over the ${size(HEADER_FIELD_MAX)} limit for one header`;
  }
  if (!head.complete) return `the header has more than ${HEADER_LINES_MAX} lines`;
  return head.size > HEADER_BLOCK_MAX ? `the header is ${size(head.size)}, over the ${size(HEADER_BLOCK_MAX)} limit` : null;
}

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
    return {
      ...meta,
      content: null,
      droppedReason: `not accepted: ${mb(a.size)}, over the ${mb(limit)} limit for one message's attachments`,
    };
  });
}

/** The sender as written: mailparser's address, unless it decoded an encoded-word inside the address itself. */
function senderOf(parsed: ParsedMail, lines: HeaderLines): { address: string; displayName?: string } {
  const written = headerValues(lines, 'from');
  const from = parsed.from?.value.find((a) => a.address);
  if (from?.address) {
    // RFC 2047 forbids encoded-words in an address: decoding one would let `=?utf-8?Q?boss?=@x` pose as boss@x.
    const literal = written.some((l) => l.toLowerCase().includes(from.address!.toLowerCase()));
    const address = literal ? from.address : (angled(written[0] ?? '') ?? written[0] ?? from.address);
    return { address: address.trim().slice(0, 320), ...(from.name ? { displayName: from.name.slice(0, 200) } : {}) };
  }
  // No usable From: the other headers that name a sender, then a placeholder.
  const other = otherSender((h) => headerValues(lines, h)[0]);
  if (other) return { address: other };
  const name = parsed.from?.value[0]?.name;
  return { address: 'unknown-sender@invalid', ...(name ? { displayName: name.slice(0, 200) } : {}) };
}

/** The first address in Sender, Reply-To or Return-Path. */
function otherSender(first: (header: string) => string | undefined): string | undefined {
  for (const h of ['sender', 'reply-to', 'return-path']) {
    const addr = addressIn(first(h) ?? '');
    if (addr) return addr;
  }
  return undefined;
}

/** HTML turned into text (html-to-text takes up to seconds per megabyte of markup); the HTML itself is kept whatever its size. */
export const HTML_TO_TEXT_MAX = MB;
const PARSE_OPTIONS = {
  skipTextToHtml: true,
  skipImageLinks: true,
  keepDeliveryStatus: true,
  maxHtmlLengthToParse: HTML_TO_TEXT_MAX,
} as const;

export async function normalizeEmail(
  raw: Buffer,
  opts: NormalizeOptions,
  extraDropped: InboundAttachment[] = [],
  fp = fingerprint(raw),
): Promise<NormalizedEmail> {
  const overCap = headerOverCap(scanHeader(raw));
  if (overCap) return unreadable(raw, opts, overCap, extraDropped, fp);
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, PARSE_OPTIONS);
  } catch (err) {
    return unreadable(raw, opts, `the message could not be parsed: ${(err as Error).message}`, extraDropped, fp);
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
    {
      isReport: /^multipart\/report\b/i.test(contentType),
      looksLikeBounce: automated?.startsWith('robot sender') ?? false,
      ourMessageId: opts.ourMessageId,
    },
  );
  let text = parsed.text ?? '';
  let htmlProblem = parsed.textConversionError;
  if (!text.trim() && parsed.html) {
    // mailparser writes text from HTML only when the HTML is the whole message: an HTML part inside
    // multipart/mixed (Lotus Notes, web mailers) would leave the operator an empty message.
    const fromHtml = await simpleParser(
      Buffer.from(`Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${parsed.html}`),
      PARSE_OPTIONS,
    );
    text = fromHtml.text ?? '';
    htmlProblem ??= fromHtml.textConversionError;
  }
  text = text.replace(/^(\s*\n)+/, '').trimEnd();
  if (!text && htmlProblem) text = `[the HTML of this message could not be turned into text (${htmlProblem.message}); it is kept as HTML]`;
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

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * What the operator reads of an unreadable message: its header fields, each cut short (a hostile one may be
 * megabytes), and the start of its body.
 */
function preview(raw: Buffer, head: ScannedHeader): string {
  const fields = head.fields.slice(0, 50).map((f) => `${cut(f.written, 80)}: ${cut(f.value, 300)}`);
  const blank = blankLine(raw);
  const body = blank ? cut(raw.toString('utf8', blank.end, Math.min(raw.length, blank.end + 16_000)), 4000) : '';
  return `${fields.join('\n')}\n\n${body}`.trim();
}

/**
 * An envelope for a message that could not be read or stored as parsed: the raw message is kept as an
 * attachment (when it fits) so nothing is lost, and the text says what happened. Given the fingerprint, it reads
 * only the header: it is also what a message that stalled the parser becomes, on the main thread.
 */
export function unreadable(
  raw: Buffer,
  opts: NormalizeOptions,
  problem: string,
  extraDropped: InboundAttachment[] = [],
  fp = fingerprint(raw),
): NormalizedEmail {
  const head = scanHeader(raw);
  const field = (name: string) => head.fields.find((f) => f.name === name)?.value;
  const address = addressIn(field('from') ?? '') ?? otherSender(field) ?? 'unknown-sender@invalid';
  const messageId = normalizeMessageId(field('message-id'));
  const subject = field('subject')?.slice(0, 1000);
  const fits = raw.length <= opts.attachmentsMaxBytes;
  return {
    envelope: {
      channel: 'email',
      account: opts.account,
      externalId: messageId ?? `<${fp.slice(0, 40)}@no-message-id.vic>`,
      sender: { kind: 'email', address },
      text: `[${problem}; the original message is attached]\n\n${preview(raw, head)}`,
      attachments: [
        fits
          ? { filename: 'message.eml', contentType: 'message/rfc822', content: raw, size: raw.length }
          : {
              filename: 'message.eml',
              contentType: 'message/rfc822',
              content: null,
              size: raw.length,
              droppedReason: `not accepted: ${mb(raw.length)}, over the limit`,
            },
        ...extraDropped,
      ],
      receivedAt: opts.receivedAt,
      thread: { messageId: messageId ?? `<${fp.slice(0, 40)}@no-message-id.vic>`, ...(subject ? { subject } : {}) },
      ...(opts.court ? { courtHint: opts.court } : {}),
      noAutoReply: true,
    },
    ...(messageId ? { messageId } : {}),
    fingerprint: fp,
    automated: problem,
    bounce: null,
  };
}
