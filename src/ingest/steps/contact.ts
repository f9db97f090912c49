// Contact resolution: every identity normalized (phones to E.164), one contact for all of them.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { IdentityKind } from '../../envelope.ts';
import type { Step } from '../context.ts';

/** E.164 for Kazakhstan-style input (8 701 …, +7 701 …, 7701…); undefined when it is not a phone number. */
export function normalizePhone(raw: string): string | undefined {
  const n = parsePhoneNumberFromString(raw.trim(), 'KZ');
  return n?.isPossible() ? n.number : undefined;
}

/** The address as stored: e-mail and WhatsApp ids lower-cased, phones in E.164 when they parse. */
function normalizeAddress(kind: IdentityKind, address: string): string {
  const a = address.trim();
  return kind === 'phone' ? (normalizePhone(a) ?? a) : a.toLowerCase();
}

/**
 * The phone number a WhatsApp id `77012345678@c.us` carries; `…@lid` ids carry none. WhatsApp writes the full
 * international number there, so it is E.164 as it stands (parsing it again would cost 20 µs a message).
 */
function phoneOfWhatsApp(id: string): string | undefined {
  const m = /^([1-9]\d{7,14})@c\.us$/i.exec(id);
  return m ? `+${m[1]}` : undefined;
}

export function normalizeIdentity(kind: IdentityKind, address: string): { kind: IdentityKind; address: string }[] {
  const primary = { kind, address: normalizeAddress(kind, address) };
  const phone = kind === 'whatsapp' ? phoneOfWhatsApp(primary.address) : undefined;
  return phone ? [primary, { kind: 'phone', address: phone }] : [primary];
}

export const resolveContact: Step = (ctx, { store }) => {
  const { sender } = ctx.env;
  let id: number | null = null;
  const unknown: { kind: IdentityKind; address: string }[] = [];
  const seen = new Set<string>();
  // The first identity already known decides the contact; the unknown ones will be added to it.
  const consider = (kind: IdentityKind, address: string): boolean => {
    const key = `${kind}:${address}`;
    if (seen.has(key)) return true;
    seen.add(key);
    const owner = store.findIdentity(kind, address);
    if (owner === undefined) unknown.push({ kind, address });
    else id ??= owner;
    return owner !== undefined;
  };
  for (const given of [sender, ...(sender.also ?? [])]) {
    const address = normalizeAddress(given.kind, given.address);
    // A WhatsApp id stored before brought its phone number along then: the number is parsed for new ids only.
    if (consider(given.kind, address) || given.kind !== 'whatsapp') continue;
    const phone = phoneOfWhatsApp(address);
    if (phone) consider('phone', phone);
  }
  ctx.contact = { id, name: sender.displayName?.trim() || null, identities: unknown };
};
