// Who is calling: the network-asserted identity (P-Asserted-Identity) wins over the From header, which the
// caller's side controls; numbers go to E.164 so a call lands on the same contact as the caller's WhatsApp.
import { normalizePhone } from '../../src/ingest/steps/contact.ts';

export interface Caller {
  /** E.164 when the header carries a phone number, otherwise null (anonymous, a SIP name). */
  number: string | null;
  name?: string;
}

/** Each name-addr / URI of a header value such as `"Ержан" <sip:+77012345678@pbx>, <tel:+77012345678>`. */
function entries(header: string): { name?: string; user: string }[] {
  return header.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).flatMap((part) => {
    const name = /^\s*"((?:[^"\\]|\\.)*)"/.exec(part)?.[1] ?? /^\s*([^"<]+?)\s*</.exec(part)?.[1];
    const m = /<?(?:sips?:([^@;>]+)@|tel:([^;>]+))/i.exec(part);
    const user = m ? decodeURIComponent((m[1] ?? m[2])!) : null;
    return user ? [{ user, ...(name?.trim() ? { name: name.trim() } : {}) }] : [];
  });
}

/** The caller of an INVITE from its P-Asserted-Identity, then From (the first number and the first name found). */
export function callerIdentity(get: (header: string) => string | undefined): Caller {
  const all = ['P-Asserted-Identity', 'From'].flatMap((h) => entries(get(h) ?? ''));
  const number = all.map((e) => (/^\+?[\d\-.() ]{5,}$/.test(e.user) ? normalizePhone(e.user) : undefined)).find(Boolean) ?? null;
  const name = all.find((e) => e.name)?.name;
  return { number, ...(name ? { name } : {}) };
}

/** The dialled number (the centre's DID) from the Request-URI. */
export function calledNumber(uri: string): string {
  return /^sips?:([^@;]+)@/i.exec(uri)?.[1] ?? uri;
}

/** The extension of a Refer-To such as `<sip:301@vic.court.local>`. */
export function referTarget(referTo: string): string | null {
  return /<?sips?:([^@;>]+)@/i.exec(referTo)?.[1] ?? null;
}
