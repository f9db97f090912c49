// A citizen's INVITE: refused unless it comes from the PBX, for one of the centre's numbers and well formed
// (403/400/415/416/513, logged, nothing recorded); otherwise it becomes a ticket and hunting starts.
import crypto from 'node:crypto';
import type { Party } from '../../routing/call-flow.ts';
import type { ChannelContext } from '../../src/channels.ts';
import type { Calls } from './calls.ts';
import type { SipConfig } from './config.ts';
import { MAX_HEADER_CHARS, callKey, callerIdentity, calledNumber, oversizeHeader } from './identity.ts';
import type { Trust } from './trust.ts';
import type { SipRequest, SipResponse } from './types.ts';

export function createInbound(cfg: SipConfig, trust: Trust, calls: Calls, env: { ctx: () => ChannelContext | null }) {
  const ctx = () => env.ctx()!;

  function refuse(req: SipRequest, res: SipResponse, status: number, reason: string) {
    res.send(status);
    // What the log needs to find the sender, cut short: these are the sender's words.
    ctx().log.warn(
      { status, reason, source: req.source_address, callId: String(req.get('Call-ID') ?? '').slice(0, 200), uri: req.uri.slice(0, 200) },
      'sip: INVITE refused',
    );
  }

  /** The caller as far as they may be believed: P-Asserted-Identity only from a configured PBX address. */
  function caller(req: SipRequest, asserted: boolean) {
    return callerIdentity((h) => ((h === 'P-Asserted-Identity' && !asserted) || !req.has(h) ? undefined : req.get(h)));
  }

  function onInvite(req: SipRequest, res: SipResponse) {
    if (!env.ctx()) return res.send(503);
    const stranger = trust.source(req);
    if (stranger) return refuse(req, res, stranger.status, stranger.reason);
    const elsewhere = trust.dialled(req);
    if (elsewhere) return refuse(req, res, elsewhere.status, elsewhere.reason);
    const oversize = oversizeHeader(req.uri, req.headers);
    if (oversize) return refuseOversize(req, res, oversize);
    // Before anything of drachtio-srf's reads the headers (isNewInvite throws without a To).
    const bad = trust.invite(req);
    if (bad) return refuse(req, res, bad.status, bad.reason);
    // In-dialog requests are taken by drachtio-srf's dialogs first; an INVITE with a To-tag here has no dialog.
    if (!req.isNewInvite) return res.send(481);
    const callId = callKey(req.get('Call-ID')!);
    // The same call offered again as a new transaction (RFC 3261 §8.2.2.2 merged request): one call, one ticket.
    if (calls.live.has(callId)) return res.send(482);
    const at = ctx().clock.now();
    // Whom to ring is decided before the call's ticket is assigned, so the operator the ticket goes to (the
    // least loaded) is also the first whose phone rings, rather than the ticket counting against them.
    const open = ctx().calls.openNow(cfg.court);
    const hunt: Party[] = open.working
      ? ctx()
          .calls.huntList(cfg.court)
          .map((h) => ({ userId: h.userId, uri: calls.operatorUri(h.extension) }))
      : [];
    const assertedIdentity = trust.assertsIdentity(req);
    const who = caller(req, assertedIdentity);
    const from = who.number ?? `anonymous:${callId}`; // withheld numbers must not merge into one contact
    const to = calledNumber(req.uri);
    let result;
    try {
      result = ctx().ingest({
        channel: 'sip',
        account: to,
        externalId: callId,
        text: '',
        receivedAt: at,
        sender: { kind: 'phone', address: from, ...(who.name ? { displayName: who.name } : {}) },
        call: { callId, from, to, outcome: 'ringing', startedAt: at },
        ...(cfg.court ? { courtHint: cfg.court } : {}),
      });
    } catch (err) {
      ctx().log.error({ err, callId }, 'sip: could not record the call');
      return res.send(500);
    }
    if (result.duplicate) return res.send(482);
    const call = calls.begin(
      {
        id: callId,
        ticketId: result.ticketId,
        citizen: { number: from, ...(who.name ? { name: who.name } : {}), presentable: who.number !== null },
        inbound: { req, res, assertedIdentity },
      },
      { type: 'incoming', at, working: open.working, hunt },
    );
    req.on('cancel', () => calls.apply(call, { type: 'caller-cancel', at: ctx().clock.now() }));
  }

  /**
   * 513 Message Too Large (RFC 3261 §21.5.14) for an INVITE with a header too long to parse safely; when the caller's
   * number can be read (our own parser reads a header's first few KB), the call is kept as missed, to be called back.
   */
  function refuseOversize(req: SipRequest, res: SipResponse, header: string) {
    res.send(513);
    const assertedIdentity = trust.assertsIdentity(req);
    const who = caller(req, assertedIdentity);
    ctx().log.warn(
      { header, limit: MAX_HEADER_CHARS, callerKnown: Boolean(who.number), source: req.source_address },
      'sip: INVITE refused, a header is over the size limit',
    );
    if (!who.number) return;
    const callId = callKey(req.get('Call-ID') ?? crypto.randomUUID());
    const at = ctx().clock.now();
    try {
      const r = ctx().ingest({
        channel: 'sip',
        account: calledNumber(req.uri),
        externalId: callId,
        text: '',
        receivedAt: at,
        sender: { kind: 'phone', address: who.number, ...(who.name ? { displayName: who.name } : {}) },
        call: { callId, from: who.number, to: calledNumber(req.uri), outcome: 'ringing', startedAt: at },
        ...(cfg.court ? { courtHint: cfg.court } : {}),
      });
      if (!r.duplicate) ctx().calls.progress(callId, { outcome: 'missed', endedAt: at });
    } catch (err) {
      ctx().log.error({ err, callId }, 'sip: could not record the refused call');
    }
  }

  return { onInvite };
}
