// A whatsapp-web.js `message` → the inbound envelope. Nothing is dropped silently: media that cannot be kept
// becomes an attachment with droppedReason, an unknown kind of message becomes a line saying so.
import type { InboundAttachment, InboundEnvelope, SenderIdentity } from '../../src/envelope.ts';
import type { ClientLike, MessageLike } from './client.ts';

/** One-to-one chats: phone-number ids and WhatsApp's anonymous ids. Groups, status, channels, lists are not. */
export const PERSONAL_CHAT = /^\d{5,20}@(c\.us|lid)$/;

// Not messages a citizen wrote. `ciphertext` is a placeholder ("waiting for this message") that WhatsApp later
// replaces under the same id: storing it would make dedupe drop the real text.
const IGNORED_TYPES = new Set([
  'e2e_notification', 'notification', 'notification_template', 'gp2', 'group_notification', 'protocol', 'revoked',
  'ciphertext', 'call_log', 'debug', 'broadcast_notification', 'reaction',
]);

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'ptt', 'document', 'sticker']);
const DEFAULT_MIME: Record<string, string> = { image: 'image/jpeg', video: 'video/mp4', audio: 'audio/mpeg', ptt: 'audio/ogg', sticker: 'image/webp' };

export interface NormalizeOptions {
  account: string;
  court?: string;
  maxMediaBytes: number;
  /** For the phone number behind an @lid sender when the contact does not show it. */
  client?: Pick<ClientLike, 'getContactLidAndPhone'>;
}

export function isIgnored(msg: MessageLike): boolean {
  return msg.fromMe || Boolean(msg.isStatus) || Boolean(msg.broadcast) || !PERSONAL_CHAT.test(msg.from) || IGNORED_TYPES.has(msg.type);
}

export async function toEnvelope(msg: MessageLike, opts: NormalizeOptions): Promise<InboundEnvelope | null> {
  if (isIgnored(msg)) return null;
  const attachments = msg.hasMedia || MEDIA_TYPES.has(msg.type) ? [await mediaOf(msg, opts.maxMediaBytes)] : [];
  return {
    channel: 'whatsapp',
    account: opts.account,
    externalId: msg.id._serialized,
    sender: await senderOf(msg, opts),
    text: textOf(msg, attachments.length > 0),
    ...(attachments.length ? { attachments } : {}),
    receivedAt: msg.timestamp * 1000,
    ...(opts.court ? { courtHint: opts.court } : {}),
  };
}

async function senderOf(msg: MessageLike, opts: NormalizeOptions): Promise<SenderIdentity> {
  const lid = msg.from.endsWith('@lid');
  let displayName = msg._data?.notifyName?.trim() || undefined;
  let phone: string | undefined;
  if (lid || !displayName) {
    // getContact() answers with the phone-number id for an @lid sender when WhatsApp Web knows it.
    const contact = await msg.getContact().catch(() => null);
    displayName ??= contact?.pushname?.trim() || undefined;
    if (lid && contact?.id.server === 'c.us') phone = contact.id.user;
  }
  if (lid && !phone && opts.client?.getContactLidAndPhone) {
    const [pair] = await opts.client.getContactLidAndPhone([msg.from]).catch(() => []);
    phone = pair?.pn?.split('@')[0];
  }
  // The chat id stays the address (replies go to the chat the citizen used); the phone joins the same contact.
  return {
    kind: 'whatsapp',
    address: msg.from,
    ...(displayName ? { displayName } : {}),
    ...(phone && /^\d{6,15}$/.test(phone) ? { also: [{ kind: 'phone' as const, address: `+${phone}` }] } : {}),
  };
}

function textOf(msg: MessageLike, hasAttachment: boolean): string {
  if (msg.type === 'location' && msg.location) {
    const { latitude, longitude, description } = msg.location;
    return [`📍 ${latitude}, ${longitude}`, description, `https://maps.google.com/?q=${latitude},${longitude}`].filter(Boolean).join('\n');
  }
  if ((msg.type === 'vcard' || msg.type === 'multi_vcard') && msg.vCards?.length) return msg.vCards.map(renderVCard).join('\n');
  if (msg.body || hasAttachment) return msg.body;
  return `[WhatsApp: ${msg.type}]`;
}

function renderVCard(vcard: string): string {
  const lines = vcard.split(/\r?\n/);
  const value = (l: string) => l.slice(l.indexOf(':') + 1).trim();
  const name = lines.find((l) => /^FN[;:]/i.test(l));
  const phones = lines.filter((l) => /^(item\d+\.)?TEL[;:]/i.test(l)).map(value);
  return `👤 ${name ? value(name) : '?'}${phones.length ? `: ${phones.join(', ')}` : ''}`;
}

async function mediaOf(msg: MessageLike, maxBytes: number): Promise<InboundAttachment> {
  const contentType = msg._data?.mimetype || DEFAULT_MIME[msg.type] || 'application/octet-stream';
  const filename = msg._data?.filename || defaultName(msg, contentType);
  const dropped = (size: number, droppedReason: string): InboundAttachment => ({ filename, contentType, content: null, size, droppedReason });
  const limit = maxBytes >= 1048576 ? `${Math.round(maxBytes / 1048576)} MB` : `${Math.ceil(maxBytes / 1024)} KB`;
  const tooLarge = `larger than the WhatsApp limit of ${limit}`;
  // WhatsApp announces the size: a file over the limit is never pulled through the browser into memory.
  const announced = Number(msg._data?.size) || 0;
  if (announced > maxBytes) return dropped(announced, tooLarge);
  let media;
  try {
    media = await msg.downloadMedia();
  } catch (err) {
    return dropped(announced, `download failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!media) return dropped(announced, 'WhatsApp no longer has the file (expired or deleted on the phone)');
  const content = Buffer.from(media.data, 'base64');
  if (content.length > maxBytes) return dropped(content.length, tooLarge);
  return { filename: media.filename || filename, contentType: media.mimetype || contentType, content, size: content.length };
}

function defaultName(msg: MessageLike, contentType: string): string {
  const ext = (contentType.split(';')[0]!.split('/')[1] ?? 'bin').replace(/[^a-z0-9]/gi, '').slice(0, 8) || 'bin';
  const stamp = new Date(msg.timestamp * 1000).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `${msg.type === 'ptt' ? 'voice' : msg.type}-${stamp}.${ext}`;
}
