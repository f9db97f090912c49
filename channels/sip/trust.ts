// Which INVITEs the bridge takes at all: only from the PBX's addresses (SIP_ALLOWED_SOURCES) and for the centre's
// numbers (SIP_DIALLED_NUMBERS), and only well-formed ones. Anything else is refused before it becomes a ticket or
// rings a phone. P-Asserted-Identity is a trust-domain header (RFC 3325): believed only from an allowed address.
import type { SipConfig } from './config.ts';
import { cidrMatcher } from './cidr.ts';
import { calledNumber } from './identity.ts';
import type { SipRequest } from './types.ts';

export interface Refusal {
  status: number;
  /** For the log: why, in a few words. */
  reason: string;
}

const digits = (s: string) => s.replace(/[^\d]/g, '');

export function createTrust(cfg: Pick<SipConfig, 'allowedSources' | 'dialledNumbers'>) {
  const fromPbx = cidrMatcher(cfg.allowedSources ?? []);
  const numbers = new Set((cfg.dialledNumbers ?? []).map(digits).filter(Boolean));
  return {
    /** Refused before anything else is read: a stranger learns nothing, not even whether the request parses. */
    source(req: SipRequest): Refusal | null {
      return fromPbx(req.source_address ?? '')
        ? null
        : { status: 403, reason: `source ${req.source_address} is not in SIP_ALLOWED_SOURCES` };
    },
    /** What an INVITE must carry to be a call at all (RFC 3261 §8.1.1). */
    invite(req: SipRequest): Refusal | null {
      for (const h of ['Call-ID', 'From', 'To', 'CSeq', 'Via'])
        if (!req.has(h) || !String(req.get(h)).trim()) return { status: 400, reason: `no ${h} header` };
      if (!/^\s*\d{1,10}\s+INVITE\s*$/i.test(req.get('CSeq') ?? '')) return { status: 400, reason: 'malformed CSeq' };
      if (!/;\s*tag=[^;\s]+/i.test(req.get('From') ?? '')) return { status: 400, reason: 'From has no tag' };
      if (!/^(sips?|tel):/i.test(req.uri)) return { status: 416, reason: 'Request-URI scheme is not sip, sips or tel' };
      const type = (req.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
      if (req.body && type !== 'application/sdp') return { status: 415, reason: `body of type "${type}" instead of SDP` };
      return null;
    },
    /** For one of the centre's numbers (read from the Request-URI's first few KB only: before any size check). */
    dialled(req: SipRequest): Refusal | null {
      if (numbers.size === 0 || numbers.has(digits(calledNumber(req.uri)))) return null;
      return { status: 403, reason: `dialled number ${calledNumber(req.uri)} is not in SIP_DIALLED_NUMBERS` };
    },
    /**
     * Whether the request's P-Asserted-Identity is believed: when it came from an allowed address (with
     * SIP_ALLOWED_SOURCES empty that is any address, hence documented as unsafe).
     */
    assertsIdentity(req: SipRequest): boolean {
      return fromPbx(req.source_address ?? '');
    },
  };
}
export type Trust = ReturnType<typeof createTrust>;
