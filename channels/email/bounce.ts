// Bounces (delivery status notifications, RFC 3464): which of our messages came back, and why.
// A report is the sender's bytes like any mail: each part is read only up to a cap, with regexes that run in
// linear time.
import type { Attachment } from 'mailparser';

/** Bytes of an embedded message's header, or of a delivery-status part, read. */
const PART_READ_MAX = 64 * 1024;
/** Bytes of an old-style bounce searched for one of our Message-IDs (the quoted header comes first). */
const RAW_SEARCH_MAX = 1024 * 1024;

export interface Bounce {
  /** Message-ID of the message that bounced, when the report names it. */
  originalMessageId?: string;
  /** 'failed' marks our message failed; a delay report ('delayed') only informs. */
  action: 'failed' | 'delayed' | 'other';
  reason: string;
}

const MSG_ID_HEADER = /^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^<>\s]+>)/im;

/** The header block of an embedded message (message/rfc822 or text/rfc822-headers part). */
function headerBlock(buf: Buffer): string {
  const s = buf.toString('latin1', 0, Math.min(buf.length, PART_READ_MAX));
  const end = s.search(/\r?\n\r?\n/);
  return end === -1 ? s : s.slice(0, end);
}

const DSN_FIELD = { action: /^action:[ \t]*(.+)$/im, status: /^status:[ \t]*(.+)$/im, diagnostic: /^diagnostic-code:[ \t]*(.+)$/im };

function dsnFields(text: string): { action?: string; status?: string; diagnostic?: string }[] {
  const unfolded = text.replace(/\r?\n[ \t]+/g, ' ');
  return unfolded.split(/\r?\n\s*\r?\n/).map((block) => {
    const field = (re: RegExp) => re.exec(block)?.[1]?.trim();
    return { action: field(DSN_FIELD.action)?.toLowerCase(), status: field(DSN_FIELD.status), diagnostic: field(DSN_FIELD.diagnostic) };
  });
}

/**
 * The bounce in a message, or null when it is not one. `isReport` says the message is a multipart/report;
 * `looksLikeBounce` covers old-style bounces from mailer-daemon without a machine-readable report, where
 * only a Message-ID of ours (matched by `ourMessageId`, no `g` flag) in the raw message can link it.
 */
export function findBounce(
  m: { attachments: Attachment[]; raw: Buffer },
  opts: { isReport: boolean; looksLikeBounce: boolean; ourMessageId: RegExp },
): Bounce | null {
  if (!opts.isReport && !opts.looksLikeBounce) return null;
  const status = m.attachments.find((a) => /^message\/(global-)?delivery-status$/i.test(a.contentType));
  if (opts.isReport && !status) return null; // a read receipt or another report, not a bounce
  const recipients = status
    ? dsnFields(status.content.toString('utf8', 0, Math.min(status.content.length, PART_READ_MAX))).filter((f) => f.action)
    : [];
  const failed = recipients.find((r) => r.action === 'failed');
  const chosen = failed ?? recipients[0];
  const action: Bounce['action'] = failed ? 'failed' : chosen?.action === 'delayed' ? 'delayed' : status ? 'other' : 'failed';
  const reason =
    chosen?.diagnostic?.replace(/^[a-z-]+;\s*/i, '') || (chosen?.status ? `status ${chosen.status}` : '') || 'returned by the mail system';

  const embedded = m.attachments.filter((a) =>
    /^(message\/(global|rfc822)|text\/rfc822-headers|message\/global-headers)$/i.test(a.contentType),
  );
  const ids = embedded.map((a) => MSG_ID_HEADER.exec(headerBlock(a.content))?.[1]).filter((x): x is string => !!x);
  // Prefer an id of ours: a report may embed a forwarded message whose own id means nothing here.
  const ours =
    ids.find((id) => opts.ourMessageId.test(id)) ??
    opts.ourMessageId.exec(m.raw.toString('latin1', 0, Math.min(m.raw.length, RAW_SEARCH_MAX)))?.[0];
  const originalMessageId = ours ?? ids[0];
  if (!status && !ours) return null; // an old-style bounce we cannot link to anything we sent
  return { ...(originalMessageId ? { originalMessageId } : {}), action, reason: reason.slice(0, 500) };
}
