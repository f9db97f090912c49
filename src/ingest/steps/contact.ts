// Contact resolution: every identity normalized (phones to E.164), one contact for all of them.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { IdentityKind } from '../../envelope.ts';
import type { Store } from '../../store/index.ts';
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

interface Resolution {
  /** The contact of the first identity already known. */
  id: number | null;
  /** Identities not stored yet: they will be added to that contact. */
  unknown: { kind: IdentityKind; address: string }[];
  seen: Set<string>;
}

/** Looks the identity up once; true when it is known. */
function consider(store: Store, r: Resolution, kind: IdentityKind, address: string): boolean {
  const key = `${kind}:${address}`;
  if (r.seen.has(key)) return true;
  r.seen.add(key);
  const owner = store.findIdentity(kind, address);
  if (owner === undefined) r.unknown.push({ kind, address });
  else r.id ??= owner;
  return owner !== undefined;
}

export const resolveContact: Step = (ctx, { store }) => {
  const { sender } = ctx.env;
  const r: Resolution = { id: null, unknown: [], seen: new Set() };
  for (const given of [sender, ...(sender.also ?? [])]) {
    const address = normalizeAddress(given.kind, given.address);
    // A WhatsApp id stored before brought its phone number along then: the number is parsed for new ids only.
    if (consider(store, r, given.kind, address) || given.kind !== 'whatsapp') continue;
    const phone = phoneOfWhatsApp(address);
    if (phone) consider(store, r, 'phone', phone);
  }
  ctx.contact = { id: r.id, name: sender.displayName?.trim() || null, identities: r.unknown };
};
