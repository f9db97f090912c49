// A citizen's INVITE: refused unless it comes from the PBX, for one of the centre's numbers and well formed
// (403/400/415/416/513, logged, nothing recorded); otherwise it becomes a ticket and hunting starts. With media
// (SIP_RTPENGINE) the caller's SDP goes through rtpengine first (488 when it cannot be served) and VIC answers the
// call at once: the caller hears the greeting and waits in the queue (calls.ts, media/); rtpengine not answering
// means the call goes on as without media.
import crypto from 'node:crypto';
import type { Party } from '../../routing/call-flow.ts';
import type { ChannelContext } from '../../src/channels.ts';
import type { CallService } from '../../src/calls.ts';
import type { Call, Calls } from './calls.ts';
import type { SipConfig } from './config.ts';
import { MAX_HEADER_CHARS, callKey, callerIdentity, calledNumber, oversizeHeader } from './identity.ts';
import { openingClips } from './media/messages.ts';
import { RtpengineError } from './media/rtpengine.ts';
import type { CallerLeg, MediaBridge } from './media/bridge.ts';
import type { Trust } from './trust.ts';
import type { Dialog, SipRequest, SipResponse, SrfApi } from './types.ts';

/** What the media side reads from CallService beyond the ChannelContext's view (src/calls.ts). */
type MediaCalls = Partial<Pick<CallService, 'callerLanguage' | 'nextOpeningLocal' | 'chooseLanguage'>>;

export function createInbound(
  cfg: SipConfig,
  trust: Trust,
  calls: Calls,
  env: { ctx: () => ChannelContext | null; srf?: () => SrfApi | null; media?: () => MediaBridge | null },
) {
  const ctx = () => env.ctx()!;
  /** Calls whose offer is with rtpengine: a second INVITE for them meanwhile is the same call. */
  const pending = new Set<string>();

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
    if (calls.live.has(callId) || pending.has(callId)) return res.send(482);
    const media = env.media?.();
    if (!media) return take(req, res, callId, null);
    if (!media.health().up) {
      ctx().log.warn({ callId }, 'sip: rtpengine is down, the call goes on without announcements');
      return take(req, res, callId, null);
    }
    void withMedia(req, res, callId, media);
  }

  /** The caller's offer through rtpengine, then the call taken with VIC answering it. */
  async function withMedia(req: SipRequest, res: SipResponse, callId: string, media: MediaBridge) {
    pending.add(callId);
    let canceled = false;
    req.on('cancel', () => (canceled = true));
    const fromTag = /;\s*tag=([^;>\s]+)/i.exec(req.get('From') ?? '')?.[1] ?? callId;
    let leg: CallerLeg;
    try {
      leg = await media.answerCaller(callId, fromTag, req.body ?? '');
    } catch (err) {
      pending.delete(callId);
      if (!env.ctx()) return;
      if (err instanceof RtpengineError && err.kind === 'refused') return refuse(req, res, 488, `${err.command}: ${err.reason}`);
      ctx().log.warn({ err, callId }, 'sip: rtpengine did not take the call, it goes on without announcements');
      void media.check();
      if (!canceled) take(req, res, callId, null);
      return;
    }
    pending.delete(callId);
    if (canceled || !env.ctx() || res.finalResponseSent) return void media.release(callId);
    take(req, res, callId, leg);
  }

  function take(req: SipRequest, res: SipResponse, callId: string, leg: CallerLeg | null) {
    const at = ctx().clock.now();
    // Whom to ring is decided before the call's ticket is assigned, so the operator the ticket goes to (the
    // least loaded) is also the first whose phone rings, rather than the ticket counting against them.
    const open = ctx().calls.openNow(cfg.court);
    const all: Party[] = open.working
      ? ctx()
          .calls.huntList(cfg.court)
          .map((h) => ({ userId: h.userId, uri: calls.operatorUri(h.extension) }))
      : [];
    // A queued caller (media) does not ring a phone that just refused another one (calls.ts, the back-off).
    const hunt = leg ? calls.notBackedOff(all) : all;
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
      if (leg) void env.media?.()?.release(callId);
      return res.send(500);
    }
    if (result.duplicate) {
      if (leg) void env.media?.()?.release(callId);
      return res.send(482);
    }
    if (leg)
      return void answerCaller(req, res, {
        callId,
        at,
        working: open.working,
        hunt,
        leg,
        ticketId: result.ticketId,
        assertedIdentity,
        who,
        from,
      });
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

  /** VIC answers the caller with rtpengine's SDP; the call starts queued, and the caller hears CallerMedia. */
  async function answerCaller(
    req: SipRequest,
    res: SipResponse,
    o: {
      callId: string;
      at: number;
      working: boolean;
      hunt: Party[];
      leg: CallerLeg;
      ticketId: number;
      assertedIdentity: boolean;
      who: { number: string | null; name?: string | null };
      from: string;
    },
  ) {
    const media = env.media!()!;
    let dialog: Dialog;
    try {
      const srf = env.srf?.();
      if (!srf) throw new Error('not connected to drachtio-server');
      dialog = await srf.createUAS(req, res, { localSdp: o.leg.answerSdp });
    } catch (err) {
      void media.release(o.callId);
      if (!env.ctx()) return;
      ctx().log.warn({ err, callId: o.callId }, 'sip: could not answer the caller');
      ctx().calls.progress(o.callId, { outcome: 'abandoned', endedAt: ctx().clock.now() });
      return;
    }
    if (!env.ctx()) return void dialog.destroy().catch(() => undefined);
    const mc = ctx().calls as MediaCalls;
    const awaitingNotice = media.recordingNotice;
    const call = calls.begin(
      {
        id: o.callId,
        ticketId: o.ticketId,
        citizen: { number: o.from, ...(o.who.name ? { name: o.who.name } : {}), presentable: o.who.number !== null },
        inbound: { req, res, assertedIdentity: o.assertedIdentity },
        media: { leg: o.leg, caller: null, connected: false, position: 0, awaitingNotice },
      },
      { type: 'incoming', at: o.at, working: o.working, hunt: awaitingNotice ? [] : o.hunt, queue: true },
      (c) => {
        calls.watchCaller(c, dialog);
        c.media!.caller = media.callerMedia(o.leg, hooks(c));
      },
    );
    const m = call.media!;
    if (!m.caller) return; // an operator already took it
    const position = Math.max(1, calls.waiting().indexOf(call) + 1);
    m.position = position;
    const next = o.working ? undefined : mc.nextOpeningLocal?.(cfg.court);
    const opening = next ? openingClips(next.today, next.opensAt) : undefined;
    const lang = mc.callerLanguage?.(o.callId) ?? null;
    // The call's ticket speaks the caller's known language (its call lines, suggested answers), as a chosen one does.
    if (lang) mc.chooseLanguage?.(o.callId, lang, false);
    m.caller.start({ working: o.working, lang, position, ...(opening ? { opening } : {}) });
  }

  /** What the caller's announcements ask of the call. */
  function hooks(call: Call) {
    const at = () => ctx().clock.now();
    const log = () => env.ctx()?.log;
    return {
      // Hunting began with the call and ends with it (call-flow.ts), unless it waited for the recording notice.
      enqueue() {
        if (!call.media?.awaitingNotice) return;
        call.media.awaitingNotice = false;
        if (env.ctx()) calls.requeue();
      },
      leaveQueue: () => undefined,
      callback(t: { waitedMs: number; lang: string; reason: string }) {
        log()?.info({ callId: call.id, ...t }, 'sip: caller asked to be called back');
        if (env.ctx()) calls.apply(call, { type: 'callback-requested', at: at() });
      },
      setLanguage(lang: 'kk' | 'ru') {
        log()?.info({ callId: call.id, lang }, 'sip: caller chose a language');
        if (env.ctx()) (ctx().calls as MediaCalls).chooseLanguage?.(call.id, lang);
      },
      hangup() {
        if (env.ctx()) calls.apply(call, { type: 'end', at: at() });
      },
      record: (r: { outcome: string; waitedMs: number }) => log()?.info({ callId: call.id, ...r }, 'sip: caller left the queue'),
      mediaError: (err: Error) => log()?.warn({ err, callId: call.id }, 'sip: announcement failed'),
    };
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
