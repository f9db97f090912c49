// A whatsapp-web.js `message` → the inbound envelope. Nothing is dropped silently: media that cannot be kept
// becomes an attachment with droppedReason, an unknown kind of message becomes a line saying so.
//
// The model comes from WhatsApp Web's page, i.e. from whoever wrote to us: every field is checked for its type
// and read within a size cap, in one pass, so an odd or huge payload is stored as well as it can be (a text over
// the limit is kept whole as an attachment) and never stalls or fails the channel.
import crypto from 'node:crypto';
import type { InboundAttachment, InboundEnvelope, SenderIdentity } from '../../src/envelope.ts';
import type { ClientLike, MessageLike } from './client.ts';

/** One-to-one chats: phone-number ids and WhatsApp's anonymous ids. Groups, status, channels, lists are not. */
export const PERSONAL_CHAT = /^\d{5,20}@(c\.us|lid)$/;

/** WhatsApp's own limit for one message; a longer text is kept whole as an attachment. */
export const MAX_TEXT_CHARS = 65_536;
const MAX_NAME_CHARS = 200;
/** A location's name and address, as WhatsApp shows them; a longer description is not a place's. */
const MAX_PLACE_CHARS = 1000;
/** Contact cards rendered as text from one message. */
const MAX_VCARDS = 20;
/** Of one vCard, the part read for its name and numbers (a card with a photo is mostly base64). */
const MAX_VCARD_CHARS = 64 * 1024;
/** Message ids are ~60 characters; a longer one is stored as its hash. */
const MAX_ID_CHARS = 200;

// Not messages a citizen wrote. `ciphertext` is a placeholder ("waiting for this message") that WhatsApp later
// replaces under the same id: storing it would make dedupe drop the real text.
const IGNORED_TYPES = new Set([
  'e2e_notification',
  'notification',
  'notification_template',
  'gp2',
  'group_notification',
  'protocol',
  'revoked',
  'ciphertext',
  'call_log',
  'debug',
  'broadcast_notification',
  'reaction',
]);

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'ptt', 'document', 'sticker']);
const DEFAULT_MIME: Record<string, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/mpeg',
  ptt: 'audio/ogg',
  sticker: 'image/webp',
};

export interface NormalizeOptions {
  account: string;
  court?: string;
  maxMediaBytes: number;
  /** For the phone number behind an @lid sender when the contact does not show it. */
  client?: Pick<ClientLike, 'getContactLidAndPhone'>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
// C0 controls and DEL: a name is shown to operators on one line.
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are replaced
const CONTROLS = /[\u0000-\u001f\u007f]+/g;
const shortText = (v: unknown, max: number): string | undefined =>
  str(v)
    ?.slice(0, max * 2)
    .replace(CONTROLS, ' ')
    .trim()
    .slice(0, max) || undefined;
const typeOf = (msg: MessageLike): string => str(msg.type)?.slice(0, 40) || 'unknown';

export function isIgnored(msg: MessageLike): boolean {
  const from = str(msg.from);
  return (
    msg.fromMe === true ||
    Boolean(msg.isStatus) ||
    Boolean(msg.broadcast) ||
    !from ||
    !PERSONAL_CHAT.test(from) ||
    IGNORED_TYPES.has(typeOf(msg))
  );
}

export async function toEnvelope(msg: MessageLike, opts: NormalizeOptions): Promise<InboundEnvelope | null> {
  if (isIgnored(msg)) return null;
  const type = typeOf(msg);
  const attachments = msg.hasMedia === true || MEDIA_TYPES.has(type) ? [await mediaOf(msg, type, opts.maxMediaBytes)] : [];
  let text = textOf(msg, type, attachments.length > 0);
  if (text.length > MAX_TEXT_CHARS) {
    const whole = wholeText(text, opts.maxMediaBytes);
    attachments.push(whole);
    const where = whole.content ? 'the whole text is attached as message.txt' : 'too large to keep whole, see message.txt';
    text = `${text.slice(0, MAX_TEXT_CHARS)}\n[… ${text.length} characters in all: ${where}]`;
  }
  const timestamp = Number(msg.timestamp);
  return {
    channel: 'whatsapp',
    account: opts.account,
    externalId: externalIdOf(msg),
    sender: await senderOf(msg, opts),
    text,
    ...(attachments.length ? { attachments } : {}),
    // 0: the pipeline takes its own clock's time for a message without a readable one.
    receivedAt: Number.isFinite(timestamp) && timestamp > 0 ? timestamp * 1000 : 0,
    ...(opts.court ? { courtHint: opts.court } : {}),
  };
}

/** The id dedupe keys on: WhatsApp's own, or a hash that is the same each time the same message is seen again. */
function externalIdOf(msg: MessageLike): string {
  const id = str(msg.id?._serialized);
  if (id && id.length <= MAX_ID_CHARS) return id;
  const h = crypto.createHash('sha256');
  if (id) h.update(id);
  else h.update(`${msg.from}\n${Number(msg.timestamp)}\n${typeOf(msg)}\n`).update(str(msg.body) ?? '');
  return `wa-sha256:${h.digest('hex')}`;
}

async function senderOf(msg: MessageLike, opts: NormalizeOptions): Promise<SenderIdentity> {
  const lid = msg.from.endsWith('@lid');
  let displayName = shortText(msg._data?.notifyName, MAX_NAME_CHARS);
  let phone: string | undefined;
  if (lid || !displayName) {
    // getContact() answers with the phone-number id for an @lid sender when WhatsApp Web knows it.
    const contact = await Promise.resolve()
      .then(() => msg.getContact())
      .catch(() => null);
    displayName ??= shortText(contact?.pushname, MAX_NAME_CHARS);
    if (lid && contact?.id?.server === 'c.us') phone = str(contact.id.user);
  }
  if (lid && !phone && opts.client?.getContactLidAndPhone) {
    const pairs: unknown = await Promise.resolve()
      .then(() => opts.client!.getContactLidAndPhone!([msg.from]))
      .catch(() => []);
    const first: unknown = Array.isArray(pairs) ? pairs[0] : undefined;
    phone = typeof first === 'object' && first !== null && 'pn' in first ? str(first.pn)?.split('@')[0] : undefined;
  }
  // The chat id stays the address (replies go to the chat the citizen used); the phone joins the same contact.
  return {
    kind: 'whatsapp',
    address: msg.from,
    ...(displayName ? { displayName } : {}),
    ...(phone && /^\d{6,15}$/.test(phone) ? { also: [{ kind: 'phone' as const, address: `+${phone}` }] } : {}),
  };
}

function textOf(msg: MessageLike, type: string, hasAttachment: boolean): string {
  const body = str(msg.body) ?? '';
  if (type === 'location' && msg.location && typeof msg.location === 'object') return locationText(msg.location);
  if ((type === 'vcard' || type === 'multi_vcard') && Array.isArray(msg.vCards) && msg.vCards.length) {
    const cards = msg.vCards.slice(0, MAX_VCARDS).map((c) => renderVCard(str(c) ?? ''));
    if (msg.vCards.length > MAX_VCARDS) cards.push(`[… ${msg.vCards.length - MAX_VCARDS} more contact cards]`);
    return cards.join('\n');
  }
  if (body || hasAttachment) return body;
  return `[WhatsApp: ${type}]`;
}

// A coordinate is a number, or a short string of one; a megabyte of digits is not a place.
const coordinate = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v.length <= 32 ? Number(v) : NaN);

function locationText(loc: NonNullable<MessageLike['location']>): string {
  const lat = coordinate(loc.latitude);
  const lng = coordinate(loc.longitude);
  const at = Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
  const description = str(loc.description);
  const place =
    description && description.length > MAX_PLACE_CHARS
      ? `${description.slice(0, MAX_PLACE_CHARS)} [… ${description.length} characters]`
      : description;
  return [at ? `📍 ${lat}, ${lng}` : '📍', place, at ? `https://maps.google.com/?q=${lat},${lng}` : undefined].filter(Boolean).join('\n');
}

function renderVCard(vcard: string): string {
  const lines = vcard.slice(0, MAX_VCARD_CHARS).split(/\r?\n/);
  const value = (l: string) =>
    l
      .slice(l.indexOf(':') + 1)
      .trim()
      .slice(0, MAX_NAME_CHARS);
  const name = lines.find((l) => /^FN[;:]/i.test(l));
  const phones = lines.filter((l) => /^(item\d+\.)?TEL[;:]/i.test(l)).map(value);
  return `👤 ${name ? value(name) : '?'}${phones.length ? `: ${phones.join(', ')}` : ''}`;
}

/** The whole of a text over MAX_TEXT_CHARS, as a file, within the media limit like any other file. */
function wholeText(text: string, maxBytes: number): InboundAttachment {
  const size = Buffer.byteLength(text, 'utf8');
  const meta = { filename: 'message.txt', contentType: 'text/plain; charset=utf-8', size };
  return size <= maxBytes
    ? { ...meta, content: Buffer.from(text, 'utf8') }
    : { ...meta, content: null, droppedReason: `larger than the WhatsApp limit of ${limitText(maxBytes)}` };
}

const limitText = (maxBytes: number) => (maxBytes >= 1048576 ? `${Math.round(maxBytes / 1048576)} MB` : `${Math.ceil(maxBytes / 1024)} KB`);

async function mediaOf(msg: MessageLike, type: string, maxBytes: number): Promise<InboundAttachment> {
  const contentType = shortText(msg._data?.mimetype, 255) || DEFAULT_MIME[type] || 'application/octet-stream';
  const filename = shortText(msg._data?.filename, 255) || defaultName(msg, type, contentType);
  const dropped = (size: number, droppedReason: string): InboundAttachment => ({
    filename,
    contentType,
    content: null,
    size,
    droppedReason,
  });
  const tooLarge = `larger than the WhatsApp limit of ${limitText(maxBytes)}`;
  // WhatsApp announces the size: a file over the limit is never pulled through the browser into memory.
  const announced = Number(msg._data?.size) || 0;
  if (announced > maxBytes) return dropped(announced, tooLarge);
  let media;
  try {
    media = await msg.downloadMedia();
  } catch (err) {
    return dropped(announced, `download failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500));
  }
  const data = str(media?.data);
  if (!media || data === undefined) return dropped(announced, 'WhatsApp no longer has the file (expired or deleted on the phone)');
  // Checked before decoding: the announced size may have understated it.
  const size = Buffer.byteLength(data, 'base64');
  if (size > maxBytes) return dropped(size, tooLarge);
  const content = Buffer.from(data, 'base64');
  if (content.length > maxBytes) return dropped(content.length, tooLarge);
  return {
    filename: shortText(media.filename, 255) || filename,
    contentType: shortText(media.mimetype, 255) || contentType,
    content,
    size: content.length,
  };
}

function defaultName(msg: MessageLike, type: string, contentType: string): string {
  const ext = (contentType.split(';')[0].split('/')[1] ?? 'bin').replace(/[^a-z0-9]/gi, '').slice(0, 8) || 'bin';
  const t = new Date(Number(msg.timestamp) * 1000);
  const stamp = Number.isNaN(t.getTime()) ? 'unknown' : t.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `${type === 'ptt' ? 'voice' : type.replace(/[^a-z0-9_]/gi, '')}-${stamp}.${ext}`;
}
