// Loop and noise guard: mail written by machines is stored like any other, but never answered automatically,
// so VIC cannot start an auto-reply war with a vacation responder, a mailing list or itself.

/** The raw header lines of a message (mailparser's `headerLines`). */
export type HeaderLines = ReadonlyArray<{ key: string; line: string }>;

/** Values of every header with this name, unfolded, without the name. */
export function headerValues(lines: HeaderLines, name: string): string[] {
  const key = name.toLowerCase();
  return lines.filter((h) => h.key === key).map((h) => h.line.slice(h.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
}

const ROBOT_LOCAL_PART = /^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|listserv|majordomo)([+-].*)?$/i;

/**
 * Why this message must get no automatic answer, or null for mail a person wrote.
 * `ownAddress` is the mailbox's address (lowercase).
 */
export function automatedReason(lines: HeaderLines, from: string, ownAddress: string): string | null {
  const first = (name: string) => headerValues(lines, name)[0];
  const autoSubmitted = first('auto-submitted')?.split(';')[0]!.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = first('precedence')?.toLowerCase();
  if (precedence && /^(bulk|list|junk|auto_reply)$/.test(precedence)) return `Precedence: ${precedence}`;
  if (headerValues(lines, 'x-loop').some((v) => v.toLowerCase().includes(ownAddress))) return 'X-Loop names us';
  if (first('list-id') !== undefined || first('list-unsubscribe') !== undefined) return 'mailing list';
  if (first('x-auto-response-suppress') !== undefined) return 'X-Auto-Response-Suppress';
  for (const h of ['x-autoreply', 'x-autorespond', 'x-auto-reply']) if (first(h) !== undefined) return h;
  if (/^multipart\/report\b/i.test(first('content-type') ?? '')) return 'delivery or read report';
  if (first('return-path')?.replace(/\s/g, '') === '<>') return 'empty Return-Path (bounce)';
  const address = from.toLowerCase();
  if (address === ownAddress) return 'our own address';
  const local = address.includes('@') ? address.slice(0, address.lastIndexOf('@')) : address;
  if (ROBOT_LOCAL_PART.test(local)) return `robot sender ${local}`;
  return null;
}
