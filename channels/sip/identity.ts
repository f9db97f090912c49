// Who is calling: the network-asserted identity (P-Asserted-Identity) wins over the From header, which the
// caller's side controls; numbers go to E.164 so a call lands on the same contact as the caller's WhatsApp.
//
// These headers come from whoever places the call. They are read in one pass each (no regular expression that
// can backtrack over them) and only their first part: a real identity header is a few hundred bytes.
import crypto from 'node:crypto';
import { normalizePhone } from '../../src/ingest/steps/contact.ts';

/** The longest header value accepted (see oversizeHeader); when reading one, the rest is ignored. */
export const MAX_HEADER_CHARS = 4096;
/** Identities read from one header (`a, b, …`). */
const MAX_ENTRIES = 8;
const MAX_NAME_CHARS = 128;
/** Longer than any phone number or extension, in any written form. */
const MAX_USER_CHARS = 64;
/** A Call-ID longer than this is stored as its hash (it is the call's id in the database and in contacts). */
const MAX_CALL_ID_CHARS = 200;

export interface Caller {
  /** E.164 when the header carries a phone number, otherwise null (anonymous, a SIP name). */
  number: string | null;
  name?: string;
}

// C0 controls and DEL: a display name is shown to operators, never with line breaks or escapes in it.
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are replaced
const CONTROLS = /[\u0000-\u001f\u007f]+/g;

function clean(s: string, max: number): string {
  return s
    .slice(0, max * 2)
    .replace(CONTROLS, ' ')
    .trim()
    .slice(0, max);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a stray `%` is the caller's typing, not a reason to lose the call
  }
}

/** Splits `a, "b, c" <sip:x>, <sip:y,z@h>` at the commas outside quoted strings and angle brackets. */
function splitEntries(v: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  let angle = false;
  for (let i = 0; i < v.length && out.length < MAX_ENTRIES; i++) {
    const c = v[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (c === ',' && !angle) {
      out.push(v.slice(start, i));
      start = i + 1;
    }
  }
  if (out.length < MAX_ENTRIES) out.push(v.slice(start));
  return out;
}

/** The user part of a sip:/sips:/tel: URI (`sip:+7701…@pbx;user=phone` → `+7701…`), or null. */
function userOf(uri: string): string | null {
  const colon = uri.indexOf(':');
  if (colon < 0) return null;
  const scheme = uri.slice(0, colon).trim().toLowerCase();
  let user: string;
  if (scheme === 'sip' || scheme === 'sips') {
    const at = uri.indexOf('@', colon);
    if (at < 0) return null;
    user = uri.slice(colon + 1, at);
  } else if (scheme === 'tel') {
    user = uri.slice(colon + 1);
  } else return null;
  const semi = user.indexOf(';'); // user parameters (`;phone-context=…`), and tel: URI parameters
  if (semi >= 0) user = user.slice(0, semi);
  user = decode(user.slice(0, MAX_USER_CHARS * 3)).trim();
  return user && user.length <= MAX_USER_CHARS ? user : null;
}

/** One name-addr or addr-spec: `"Ержан" <sip:+77012345678@pbx>;tag=a`, `Bob <tel:+7701…>`, `sip:1234@pbx`. */
function entry(part: string): { name?: string; user: string } | null {
  let rest = part.trimStart();
  let name: string | undefined;
  if (rest.startsWith('"')) {
    let i = 1;
    let raw = '';
    for (; i < rest.length && rest[i] !== '"'; i++) {
      if (rest[i] === '\\' && i + 1 < rest.length) i++;
      if (raw.length < MAX_NAME_CHARS * 2) raw += rest[i];
    }
    name = raw;
    rest = rest.slice(i + 1);
  }
  let uri: string;
  const lt = rest.indexOf('<');
  if (lt >= 0) {
    if (name === undefined) name = rest.slice(0, Math.min(lt, MAX_NAME_CHARS * 2));
    const gt = rest.indexOf('>', lt);
    uri = rest.slice(lt + 1, gt < 0 ? undefined : gt);
  } else uri = rest.trim();
  const user = userOf(uri);
  if (!user) return null;
  const shown = name === undefined ? '' : clean(name, MAX_NAME_CHARS);
  return { user, ...(shown ? { name: shown } : {}) };
}

/** Each name-addr / URI of a header value such as `"Ержан" <sip:+77012345678@pbx>, <tel:+77012345678>`. */
function entries(header: string): { name?: string; user: string }[] {
  return splitEntries(header.slice(0, MAX_HEADER_CHARS)).flatMap((p) => entry(p) ?? []);
}

const PHONE_LIKE = /^\+?[\d\-.() ]{5,}$/;

/** The caller of an INVITE from its P-Asserted-Identity, then From (the first number and the first name found). */
export function callerIdentity(get: (header: string) => string | undefined): Caller {
  const all = ['P-Asserted-Identity', 'From'].flatMap((h) => entries(get(h) ?? ''));
  const number = all.map((e) => (PHONE_LIKE.test(e.user) ? normalizePhone(e.user) : undefined)).find(Boolean) ?? null;
  const name = all.find((e) => e.name)?.name;
  return { number, ...(name ? { name } : {}) };
}

/** The dialled number (the centre's DID) from the Request-URI. */
export function calledNumber(uri: string): string {
  const head = uri.slice(0, MAX_HEADER_CHARS);
  return userOf(head) ?? clean(head, MAX_USER_CHARS);
}

/** The extension of a Refer-To such as `<sip:301@vic.court.local>`. */
export function referTarget(referTo: string): string | null {
  const head = referTo.slice(0, MAX_HEADER_CHARS).trim();
  const lt = head.indexOf('<');
  const gt = lt < 0 ? -1 : head.indexOf('>', lt);
  const uri = lt < 0 ? head : head.slice(lt + 1, gt < 0 ? undefined : gt);
  return /^sips?:/i.test(uri) ? userOf(uri) : null;
}

/**
 * The name of the first header of an incoming request longer than MAX_HEADER_CHARS (or the Request-URI), if any.
 * drachtio-srf's own parser (To, From, Contact, Via…) takes time quadratic in a header's length (3 s for 40 KB of
 * spaces in a To, 30 ms for 4 KB), so such a request is refused before anything parses it. Real headers, a
 * STIR/SHAKEN Identity included, stay well below the limit.
 */
export function oversizeHeader(uri: string, headers: Record<string, unknown>): string | undefined {
  if (uri.length > MAX_HEADER_CHARS) return 'Request-URI';
  for (const name in headers) {
    const v = headers[name];
    if (typeof v === 'string' && v.length > MAX_HEADER_CHARS) return name;
  }
  return undefined;
}

/** The call's id as stored: the Call-ID itself, or its hash when it is too long to be an id. */
export function callKey(callId: string): string {
  return callId.length <= MAX_CALL_ID_CHARS ? callId : `sha256:${crypto.createHash('sha256').update(callId).digest('hex')}`;
}
