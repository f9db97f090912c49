// Loop and noise guard: mail written by machines is stored like any other, but never answered automatically,
// so VIC cannot start an auto-reply war with a vacation responder, a mailing list or itself.
//
// Header values are citizen-controlled and may be huge: everything here is capped and runs in one pass
// (no regex that can backtrack over a long value).
import libmime from 'libmime';

/** The raw header lines of a message (mailparser's `headerLines`). */
export type HeaderLines = ReadonlyArray<{ key: string; line: string }>;

/** The longest header field read (name and folding included); the message's top header block is refused above it. */
export const HEADER_FIELD_MAX = 64 * 1024;

/** Values of every header with this name, unfolded, without the name, each cut at HEADER_FIELD_MAX. */
export function headerValues(lines: HeaderLines, name: string): string[] {
  const key = name.toLowerCase();
  return lines
    .filter((h) => h.key === key)
    .map((h) =>
      h.line
        .slice(h.line.indexOf(':') + 1, HEADER_FIELD_MAX)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    );
}

/** The first `<…>` in a value with nothing angled inside (and an @ in it when `withAt`), or undefined. One pass. */
export function angled(v: string, withAt = false): string | undefined {
  let open = -1;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x3c) open = i;
    else if (c === 0x3e) {
      if (open !== -1 && i > open + 1) {
        const inner = v.slice(open + 1, i);
        if (!withAt || hasInnerAt(inner)) return inner;
      }
      open = -1;
    }
  }
  return undefined;
}

/** An @ with something on both sides. */
const hasInnerAt = (s: string) => {
  const at = s.indexOf('@', 1);
  return at !== -1 && at < s.length - 1;
};

/** The address in a header value: the first `<…@…>`, else the first word with an @ in it (up to 320 chars), or undefined. */
export function addressIn(v: string): string | undefined {
  const found = angled(v, true) ?? v.split(/[\s<>"]+/).find(hasInnerAt);
  return found?.slice(0, 320);
}

/**
 * An address as mail systems compare it: encoded words decoded, comments, quotes, angle brackets and
 * whitespace dropped, lowercase. Only for comparing: the sender shown keeps what was written (RFC 2047 forbids
 * encoded words in an address, and decoding one would let `=?utf-8?Q?boss?=@x` pose as boss@x).
 */
export function comparableAddress(v: string): string {
  const decoded = libmime.decodeWords(v.slice(0, 1000));
  const plain = decoded.replace(/\([^()]*\)/g, '');
  return (addressIn(plain) ?? plain)
    .replace(/[\s"<>]/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

const ROBOT_LOCAL_PART = /^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|listserv|majordomo)([+-].*)?$/i;

/**
 * Why this message must get no automatic answer, or null for mail a person wrote.
 * `from` is the sender's address as stored; `ownAddress` is the mailbox's address (lowercase).
 */
export function automatedReason(lines: HeaderLines, from: string, ownAddress: string): string | null {
  const first = (name: string) => headerValues(lines, name)[0];
  const own = comparableAddress(ownAddress);
  const autoSubmitted = first('auto-submitted')?.split(';')[0].trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted.slice(0, 100)}`;
  const precedence = first('precedence')?.toLowerCase();
  if (precedence && /^(bulk|list|junk|auto_reply)$/.test(precedence)) return `Precedence: ${precedence}`;
  if (headerValues(lines, 'x-loop').some((v) => libmime.decodeWords(v.slice(0, 1000)).replace(/\s/g, '').toLowerCase().includes(own)))
    return 'X-Loop names us';
  if (first('list-id') !== undefined || first('list-unsubscribe') !== undefined) return 'mailing list';
  if (first('x-auto-response-suppress') !== undefined) return 'X-Auto-Response-Suppress';
  for (const h of ['x-autoreply', 'x-autorespond', 'x-auto-reply']) if (first(h) !== undefined) return h;
  if (/^multipart\/report\b/i.test(first('content-type') ?? '')) return 'delivery or read report';
  // Spam forges its sender: answering it would send our text to an innocent address (backscatter).
  if (/^yes\b/i.test(first('x-spam-flag')?.trim() ?? '') || /^yes\b/i.test(first('x-spam-status')?.trim() ?? '')) return 'marked as spam';
  if (first('return-path')?.replace(/\s/g, '') === '<>') return 'empty Return-Path (bounce)';
  // Our own address however it is written: the stored sender and every From header, decoded.
  const address = comparableAddress(from);
  if (address === own || headerValues(lines, 'from').some((v) => comparableAddress(v) === own)) return 'our own address';
  const local = address.includes('@') ? address.slice(0, address.lastIndexOf('@')) : address;
  if (ROBOT_LOCAL_PART.test(local)) return `robot sender ${local}`;
  return null;
}
