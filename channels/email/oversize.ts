// Messages too large to hold (their attachments could never fit the limit): only the headers and text parts are
// downloaded, rebuilt into a small message for the normal parse, and every attachment is recorded as dropped
// (name, type, size) so the ticket says what the citizen sent.
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FetchMessageObject, ImapFlow, MessageStructureObject } from 'imapflow';
import type { InboundAttachment } from '../../src/envelope.ts';

const MB = 1024 * 1024;
/** Text parts read from a message too large to download. */
const OVERSIZE_TEXT_BYTES = 2 * MB;

/** Above this size a message cannot fit the attachment limit (base64 grows by 37 %): only its text is downloaded. */
export function oversizeThreshold(attachmentsMaxBytes: number): number {
  return Math.ceil(attachmentsMaxBytes * 1.37) + MB;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function leaves(node: MessageStructureObject | undefined): MessageStructureObject[] {
  if (!node) return [];
  return node.childNodes?.length ? node.childNodes.flatMap(leaves) : [node];
}

/** The reduced message (headers and text parts), its dropped attachments and its date; null when it is gone. */
export async function fetchReduced(
  client: ImapFlow,
  uid: number,
  size: number,
  attachmentsMaxBytes: number,
): Promise<(Pick<FetchMessageObject, 'internalDate'> & { raw: Buffer; dropped: InboundAttachment[] }) | null> {
  const m = await client.fetchOne(String(uid), { uid: true, headers: true, bodyStructure: true, internalDate: true }, { uid: true });
  if (!m) return null;
  const parts = leaves(m.bodyStructure);
  const isBody = (p: MessageStructureObject, type: string) =>
    p.type.toLowerCase() === type && p.disposition?.toLowerCase() !== 'attachment';
  const textPart = parts.find((p) => isBody(p, 'text/plain'));
  const htmlPart = parts.find((p) => isBody(p, 'text/html'));
  const read = async (p: MessageStructureObject | undefined) => {
    if (!p) return undefined;
    const d = await client.download(String(uid), p.part ?? '1', { uid: true, maxBytes: OVERSIZE_TEXT_BYTES });
    return d.content ? (await readAll(d.content)).toString('utf8') : undefined;
  };
  const text = await read(textPart);
  const html = await read(htmlPart);
  const limit = attachmentsMaxBytes;
  const dropped: InboundAttachment[] = parts
    .filter((p) => p !== textPart && p !== htmlPart)
    .map((p) => ({
      filename: (p.dispositionParameters?.filename ?? p.parameters?.name ?? 'attachment').slice(0, 255),
      contentType: p.type,
      content: null,
      size: p.encoding?.toLowerCase() === 'base64' ? Math.floor(((p.size ?? 0) * 3) / 4) : (p.size ?? 0),
      droppedReason: `not accepted: the message is ${Math.round(size / MB)} MB, over the ${Math.round(limit / MB)} MB limit for one message's attachments`,
    }));
  const headers = (m.headers ?? Buffer.alloc(0)).toString('latin1').replace(/\r?\n\r?\n[\s\S]*$/, '');
  const kept = headers
    .replace(/^(content-type|content-transfer-encoding|mime-version):.*(\r?\n[ \t].*)*\r?\n?/gim, '')
    .replace(/\r?\n$/, '');
  const body = (type: string, s: string) => `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${s}`;
  const boundary = `vic-${crypto.randomBytes(8).toString('hex')}`;
  const mime =
    text !== undefined && html !== undefined
      ? `Content-Type: multipart/alternative; boundary="${boundary}"\r\n\r\n--${boundary}\r\n${body('text/plain', text)}\r\n--${boundary}\r\n${body('text/html', html)}\r\n--${boundary}--\r\n`
      : html !== undefined
        ? body('text/html', html)
        : body('text/plain', text ?? '');
  const raw = Buffer.concat([Buffer.from(`${kept}\r\nMIME-Version: 1.0\r\n`, 'latin1'), Buffer.from(mime, 'utf8')]);
  return { raw, dropped, ...(m.internalDate ? { internalDate: m.internalDate } : {}) };
}
