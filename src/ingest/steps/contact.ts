// Contact resolution: every identity normalized (phones to E.164), one contact for all of them.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { IdentityKind } from '../../envelope.ts';
import type { Step } from '../context.ts';

/** E.164 for Kazakhstan-style input (8 701 …, +7 701 …, 7701…); undefined when it is not a phone number. */
export function normalizePhone(raw: string): string | undefined {
  const n = parsePhoneNumberFromString(raw.trim(), 'KZ');
  return n?.isPossible() ? n.number : undefined;
}

export function normalizeIdentity(kind: IdentityKind, address: string): { kind: IdentityKind; address: string }[] {
  const a = address.trim();
  if (kind === 'email') return [{ kind, address: a.toLowerCase() }];
  if (kind === 'phone') {
    const e164 = normalizePhone(a);
    return e164 ? [{ kind, address: e164 }] : [{ kind, address: a }];
  }
  // A WhatsApp id `77012345678@c.us` carries the phone number; `…@lid` ids do not.
  const out: { kind: IdentityKind; address: string }[] = [{ kind, address: a.toLowerCase() }];
  const m = /^(\d{6,15})@c\.us$/i.exec(a);
  const e164 = m ? normalizePhone(`+${m[1]}`) : undefined;
  if (e164) out.push({ kind: 'phone', address: e164 });
  return out;
}

export const resolveContact: Step = (ctx, { store }) => {
  const { sender } = ctx.env;
  const all = [sender, ...(sender.also ?? [])].flatMap((i) => normalizeIdentity(i.kind, i.address));
  const identities = all.filter((i, k) => all.findIndex((j) => j.kind === i.kind && j.address === i.address) === k);
  // The first identity already known decides the contact; the unknown ones will be added to it.
  const owners = identities.map((i) => store.findIdentity(i.kind, i.address));
  const id = owners.find((o) => o !== undefined) ?? null;
  ctx.contact = { id, name: sender.displayName?.trim() || null, identities: identities.filter((_, k) => owners[k] === undefined) };
};
