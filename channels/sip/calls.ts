// The live calls: each is a CallFlow (routing/call-flow.ts) fed with SIP events; its commands become SIP here
// (B2BUA legs while hunting, late-offer legs for transfers and call-backs, re-bridging; REFER and its NOTIFYs in
// refer.ts), and its users' legs are reported to their consoles (call.state). Hunting skips whoever is busy on
// another live call, and an operator whose phone keeps ringing out is set away. With media (rtpengine, ./media/)
// VIC answers the caller itself: phones (operators', and a specialist's on a transfer) are invited with
// rtpengine's offer, the caller waits in the queue hearing CallerMedia, a phone refusing at once is re-rung after a
// growing pause, hold and transfers stay in rtpengine (call-media.ts), and the session is deleted when the call ends.
import { RonaCounter } from '../../routing/assign.ts';
import { CallFlow, type CallCommand, type CallEvent } from '../../routing/call-flow.ts';
import { RingBackoff } from '../../routing/ring-backoff.ts';
import type { ChannelContext } from '../../src/channels.ts';
import type { LiveCall } from '../../src/live-call.ts';
import type { CallService } from '../../src/calls.ts';
import type { SipConfig } from './config.ts';
import { createCallMedia } from './call-media.ts';
import { createRefer } from './refer.ts';
import type { CallerLeg, MediaBridge } from './media/bridge.ts';
import type { CallerMedia } from './media/caller-media.ts';
import type { Dialog, LateOffer, Progress, SipRequest, SipResponse, SrfApi } from './types.ts';

interface Leg {
  timer?: NodeJS.Timeout;
  /** The INVITE sent, to CANCEL it. */
  invite?: SipRequest;
  canceled?: boolean;
  dialog?: Dialog;
  lateOffer?: LateOffer;
  /** Set when this leg was offered another leg's SDP (the citizen on a call back). */
  offeredBy?: number;
}

export interface Call {
  id: string;
  flow: CallFlow;
  legs: Map<number, Leg>;
  /** The ticket the call is on (a call back: the ticket it was asked from). */
  ticketId: number;
  /** The citizen's number as shown to VIC users and presented to a specialist's phone, and their name if known. */
  citizen: { number: string; name?: string; presentable: boolean };
  /** The citizen's INVITE when they called in. */
  inbound?: { req: SipRequest; res: SipResponse; assertedIdentity: boolean };
  /** On a call back: who asked for it, for its result. */
  callBackBy?: number;
  /** The operator's dialog that sent REFER: it hears how the transfer went. */
  referrer?: Dialog;
  /** The call is on hold (the last re-INVITE's SDP was sendonly or inactive). */
  held: boolean;
  /** Each VIC user's leg as last reported to their console. */
  reported: Map<number, LiveCall>;
  /** With media: the caller's rtpengine leg, and what they hear (null once an operator took over or it is over). */
  media?: {
    leg: CallerLeg;
    caller: CallerMedia | null;
    connected: boolean;
    position: number;
    /** A recorded call rings nobody until the caller has heard the recording notice. */
    awaitingNotice: boolean;
  };
}

const fill = (template: string, key: string, value: string) => template.replaceAll(`{${key}}`, value);
/** A display name inside a quoted string: no quote or backslash can end it early. */
const quotable = (s: string) => s.replace(/["\\]/g, '').slice(0, 64);

/** A key from SIP INFO: application/dtmf-relay (`Signal=1`) or application/dtmf (`1`). */
export function infoDigit(body: string): string | null {
  if (body.length > 1024) return null; // a dtmf-relay body is ~30 bytes
  // Whitespace within one line only: \s spanning lines made a run of blank lines quadratic.
  const m = /^[^\S\r\n]*(?:Signal[^\S\r\n]*=[^\S\r\n]*)?([0-9*#A-D])[^\S\r\n]*\r?$/im.exec(body);
  return m ? m[1].toUpperCase() : null;
}

export function createCalls(
  cfg: SipConfig,
  env: { ctx: () => ChannelContext | null; srf: () => SrfApi | null; media?: () => MediaBridge | null },
) {
  const live = new Map<string, Call>();
  const rona = new RonaCounter(cfg.ronaLimit ?? 2);
  const backoff = new RingBackoff();
  const ctx = () => env.ctx()!;
  const log = () => ctx().log;
  const now = () => env.ctx()?.clock.now() ?? Date.now(); // ctx is gone once stopped; apply() then ignores the event
  const operatorUri = (extension: string) => fill(cfg.operatorUriTemplate, 'extension', extension);
  const refer = createRefer({
    log,
    now,
    operatorUri,
    apply,
    userOf: (ext) => (env.ctx()?.calls as Partial<Pick<CallService, 'userOfExtension'>> | undefined)?.userOfExtension?.(ext) ?? null,
  });
  const callMedia = createCallMedia({ media: () => env.media?.() ?? null, log: () => env.ctx()?.log, report });

  /** VIC users on a live call or ringing for one: hunting passes them by. */
  function busyUsers(): Set<number> {
    const busy = new Set<number>();
    for (const call of live.values()) for (const l of call.flow.userLegs) busy.add(l.userId);
    return busy;
  }

  function apply(call: Call, event: CallEvent) {
    if (!env.ctx()) return; // stopped: late SIP events of the old connection change nothing
    for (const cmd of call.flow.handle(event, busyUsers())) {
      try {
        run(call, cmd);
      } catch (err) {
        log().error({ err, callId: call.id, cmd: cmd.type }, 'sip: command failed');
      }
    }
    report(call);
    if (call.flow.finished) {
      for (const leg of call.legs.values()) clearTimeout(leg.timer);
      live.delete(call.id);
      if (call.media) callMedia.end(call);
      // Whoever this call kept busy may take a queued caller now.
      if (waiting().length) setImmediate(requeue);
    }
  }

  /** Callers waiting for an operator with media, longest waiting first (the map keeps the calls' order). */
  function waiting(): Call[] {
    return [...live.values()].filter((c) => c.media && c.flow.waiting);
  }

  /** Queued callers try the operators who are free now, in order; each hears their new position. */
  function requeue() {
    if (!env.ctx()) return;
    const hunt = notBackedOff(huntList());
    for (const call of waiting())
      if (call.flow.state.name === 'queued' && !call.media!.awaitingNotice) apply(call, { type: 'requeue', at: now(), hunt });
    for (const [i, call] of waiting().entries()) {
      const m = call.media!;
      if (m.position === i + 1) continue;
      m.position = i + 1;
      m.caller?.position(i + 1);
    }
  }

  /** Without the phones that refused at once, left alone for a growing while (routing/ring-backoff.ts). */
  function notBackedOff<T extends { userId: number | null }>(hunt: T[]): T[] {
    const talking = new Set<number>();
    for (const call of live.values()) for (const l of call.flow.userLegs) if (l.state === 'talking') talking.add(l.userId);
    return backoff.filter(hunt, now(), talking);
  }

  function huntList() {
    return ctx()
      .calls.huntList(cfg.court)
      .map((h) => ({ userId: h.userId, uri: operatorUri(h.extension) }));
  }

  /** Tells each VIC user on the call how their leg changed since last told (call.state), and who left it. */
  function report(call: Call) {
    const next = new Map<number, LiveCall>();
    for (const l of call.flow.userLegs) {
      const state = l.state === 'talking' && call.held ? 'held' : l.state;
      const before = call.reported.get(l.leg);
      const entry: LiveCall =
        before?.state === state
          ? before
          : { callId: call.id, ticketId: call.ticketId, userId: l.userId, role: l.role, state, since: now(), number: call.citizen.number };
      next.set(l.leg, entry);
      if (entry !== before) ctx().phone.legChanged(l.userId, call.id, entry);
    }
    for (const [leg, before] of call.reported) if (!next.has(leg)) ctx().phone.legChanged(before.userId, call.id, null);
    call.reported = next;
  }

  function run(call: Call, cmd: CallCommand) {
    switch (cmd.type) {
      case 'ring':
        return ring(call, cmd);
      case 'cancel': {
        const leg = call.legs.get(cmd.leg);
        if (!leg || leg.canceled) return;
        leg.canceled = true;
        leg.invite?.cancel(); // not sent yet: cancelled as soon as it is
        return;
      }
      case 'screen-pop':
        return ctx().calls.screenPop(cmd.userId, call.id);
      case 'bridge':
        return void bridge(call, cmd.from, cmd.to).then(
          () => apply(call, { type: 'bridged', leg: cmd.to, at: now() }),
          (err: { status?: number }) => {
            log().warn({ err, callId: call.id }, 'sip: bridging failed');
            apply(call, { type: 'bridge-failed', leg: cmd.to, status: err.status ?? 500, at: now() });
          },
        );
      case 'hangup': {
        const leg = call.legs.get(cmd.leg);
        const gone = leg?.dialog ? leg.dialog.destroy() : leg?.lateOffer?.destroy();
        return void gone?.catch((err: unknown) => log().debug({ err, callId: call.id }, 'sip: hang-up of a leg already gone'));
      }
      case 'reject':
        if (call.inbound && !call.inbound.res.finalResponseSent) call.inbound.res.send(cmd.status);
        return;
      case 'transfer-result':
        return refer.notifyReferrer(call, cmd.status);
      case 'record': {
        // `rung` is CallProgress's since #17 (src/calls.ts): passed as a variable so the call compiles either way.
        const progress = {
          outcome: cmd.outcome,
          ...(cmd.callback === false ? { callback: false as const } : {}),
          ...(cmd.userId !== undefined ? { operatorUserId: cmd.userId } : {}),
          ...(cmd.answeredAt !== undefined ? { answeredAt: cmd.answeredAt } : {}),
          ...(cmd.endedAt !== undefined ? { endedAt: cmd.endedAt } : {}),
          ...(cmd.rung ? { rung: cmd.rung } : {}),
        };
        ctx().calls.progress(call.id, progress);
        return;
      }
      case 'ring-refused':
        backoff.refused(cmd.userId, now());
        log().debug(
          { userId: cmd.userId, status: cmd.status, until: backoff.until(cmd.userId), callId: call.id },
          'sip: phone refused, rung again later',
        );
        return;
      case 'ring-result':
        if (cmd.answered) backoff.reset(cmd.userId);
        if (rona.ring(cmd.userId, cmd.answered)) {
          log().warn({ userId: cmd.userId, limit: cfg.ronaLimit ?? 2, callId: call.id }, 'sip: operator set away, their phone rang out');
          ctx().phone.ringNoAnswer(cmd.userId);
        }
        return;
      case 'callback-result': {
        const calls = ctx().calls;
        const r = { ticketId: call.ticketId, userId: call.callBackBy!, result: cmd.result, at: now() };
        if (typeof calls.callBackResult === 'function') calls.callBackResult(call.id, r);
        else log().info({ callId: call.id, ...r }, 'sip: call back ended (not recorded: no CallService.callBackResult)');
        return;
      }
    }
  }

  /** Sends the INVITE of a leg: a B2BUA leg while hunting, a late offer (3pcc) to a specialist or a calling-back operator. */
  function ring(call: Call, cmd: Extract<CallCommand, { type: 'ring' }>) {
    const srf = env.srf();
    const leg: Leg = {};
    call.legs.set(cmd.leg, leg);
    leg.timer = setTimeout(() => apply(call, { type: 'ring-timeout', leg: cmd.leg, at: now() }), cmd.timeoutMs);
    const progress: Progress = {
      cbRequest: (err, req) => {
        if (err) return;
        leg.invite = req;
        if (leg.canceled) req.cancel();
      },
      cbProvisional: (res) => {
        if (res.status === 180 || res.status === 183) apply(call, { type: 'ringing', leg: cmd.leg, at: now() });
      },
    };
    const settled = () => clearTimeout(leg.timer);
    const failed = (err: { status?: number }) => {
      settled();
      apply(call, { type: 'failed', leg: cmd.leg, status: err.status ?? 500, at: now() });
    };
    const answered = () => apply(call, { type: 'answered', leg: cmd.leg, at: now() });
    if (!srf) return void setImmediate(() => failed({ status: 503 })); // the link dropped since the call began
    const phase = call.flow.state;
    const present = phase.name === 'transferring' && call.citizen.presentable;
    if ((phase.name === 'hunting' || phase.name === 'transferring') && call.media) {
      // VIC answered the caller: the phone (an operator's, or a specialist's on a transfer) is invited with
      // rtpengine's offer, and a busy phone ends only its leg.
      const pai = present
        ? `<tel:${call.citizen.number}>`
        : call.inbound?.assertedIdentity && phase.name === 'hunting'
          ? call.inbound.req.get('P-Asserted-Identity')
          : undefined;
      const opts = {
        localSdp: call.media.leg.offerSdp,
        ...callingParty(call),
        ...(pai ? { headers: { 'P-Asserted-Identity': pai } } : {}),
      };
      srf.createUAC(cmd.uri, opts, progress).then((d) => {
        settled();
        leg.dialog = d as Dialog;
        answered();
      }, failed);
    } else if (phase.name === 'hunting' && call.inbound) {
      // passFailure false: a busy or unanswered operator must not end the caller's INVITE, the next one is rung.
      // P-Asserted-Identity goes on only when it was believed (it came from the PBX); the phone's From shows the
      // caller as read here (drachtio-srf would take it from any P-Asserted-Identity).
      const opts = {
        passFailure: false,
        proxyRequestHeaders: call.inbound.assertedIdentity ? ['P-Asserted-Identity'] : [],
        ...callingParty(call),
      };
      srf.createB2BUA(call.inbound.req, call.inbound.res, cmd.uri, opts, progress).then(({ uas, uac }) => {
        settled();
        call.legs.set(0, { dialog: uas });
        leg.dialog = uac;
        answered();
      }, failed);
    } else if (phase.name === 'callback-citizen') {
      const operator = call.legs.get(phase.operatorLeg)!;
      leg.offeredBy = phase.operatorLeg;
      srf.createUAC(cmd.uri, { localSdp: operator.lateOffer!.sdp }, progress).then((d) => {
        settled();
        leg.dialog = d as Dialog;
        answered();
      }, failed);
    } else {
      const opts = present ? { ...callingParty(call), headers: { 'P-Asserted-Identity': `<tel:${call.citizen.number}>` } } : {};
      srf.createUAC(cmd.uri, { noAck: true, ...opts }, progress).then((offer) => {
        settled();
        leg.lateOffer = offer as LateOffer;
        answered();
      }, failed);
    }
  }

  /** The From a VIC user's phone shows: the citizen's number and name (a transfer adds P-Asserted-Identity). */
  function callingParty(call: Call): { callingNumber: string; callingName?: string } {
    const name = call.citizen.name ? quotable(call.citizen.name) : '';
    return { callingNumber: call.citizen.presentable ? call.citizen.number : 'anonymous', ...(name ? { callingName: name } : {}) };
  }

  /** Connects leg `to` with the citizen's leg `from`; SDP goes between them unchanged. */
  async function bridge(call: Call, from: number, to: number) {
    const a = call.legs.get(from)!;
    const b = call.legs.get(to)!;
    if (call.media) {
      // The operator's (or on a transfer the specialist's) answer replaces VIC's side in rtpengine; the caller's own
      // SDP stays as answered.
      await callMedia.connect(call, b.dialog!.remote.sdp);
    } else if (b.lateOffer) {
      // Call back: the citizen already answered the operator's offer. Transfer: the citizen is re-INVITEd
      // with the specialist's offer and answers it.
      const answer = a.offeredBy === to ? a.dialog!.remote.sdp : await a.dialog!.modify(b.lateOffer.sdp);
      b.dialog = await b.lateOffer.ack(answer);
      delete b.lateOffer;
      call.held = false; // a new media session with the specialist
    }
    for (const n of [from, to]) {
      const leg = call.legs.get(n)!;
      if (leg.dialog!.listenerCount('destroy') > 0) continue; // the citizen's leg stays wired across a transfer
      watch(call, n, leg.dialog!);
    }
  }

  function watch(call: Call, n: number, d: Dialog) {
    d.on('destroy', () => apply(call, { type: 'bye', leg: n, at: now() }));
    // Hold, resume, codec changes: the other side answers the re-INVITE.
    d.on('modify', (req: SipRequest, res: SipResponse) => {
      if (call.media) return callMedia.reinvite(call, n, req, res);
      const b = call.flow.bridged;
      const peer = b && call.legs.get(n === b.citizen ? b.agent : b.citizen)?.dialog;
      if (!peer) return res.send(491);
      peer.modify(req.body).then(
        (sdp) => {
          res.send(200, { body: sdp, headers: { 'Content-Type': 'application/sdp' } });
          call.held = /^a=(sendonly|inactive)\s*$/m.test(req.body);
          if (env.ctx()) report(call);
        },
        (err: { status?: number }) => res.send(err.status ?? 500),
      );
    });
    d.on('refer', (req: SipRequest, res: SipResponse) => refer.onRefer(call, n, d, req, res));
  }

  return {
    live,
    apply,
    operatorUri,
    requeue,
    waiting,
    notBackedOff,
    /** A new call, live from now on; the first event starts its flow. `prepare`: legs and media before it starts. */
    begin(c: Omit<Call, 'flow' | 'legs' | 'held' | 'reported'>, first: CallEvent, prepare?: (call: Call) => void): Call {
      const call: Call = { ...c, flow: new CallFlow(cfg), legs: new Map(), held: false, reported: new Map() };
      live.set(call.id, call);
      prepare?.(call);
      apply(call, first);
      return call;
    },
    /** The caller's own dialog with VIC (media): their BYE, re-INVITEs and SIP INFO keys. */
    watchCaller(call: Call, d: Dialog) {
      call.legs.set(0, { dialog: d });
      watch(call, 0, d);
      d.on('info', (req: SipRequest, res: SipResponse) => {
        res.send(200);
        const digit = infoDigit(req.body ?? '');
        if (digit) call.media?.caller?.key(digit);
      });
    },
    liveCalls: (): LiveCall[] => [...live.values()].flatMap((c) => [...c.reported.values()]),
    transfer(callId: string, specialist: { userId: number; extension: string }): boolean {
      const call = live.get(callId);
      if (!call?.flow.bridged) return false;
      apply(call, { type: 'transfer', target: { userId: specialist.userId, uri: operatorUri(specialist.extension) }, at: now() });
      return true;
    },
    hangup(callId: string): boolean {
      const call = live.get(callId);
      if (!call) return false;
      apply(call, { type: 'end', at: now() });
      return true;
    },
    /** Stopped: timers go, and the consoles close their call panels (these calls are no longer followed). */
    clear() {
      for (const call of live.values()) {
        for (const leg of call.legs.values()) clearTimeout(leg.timer);
        call.media?.caller?.dispose();
        for (const l of call.reported.values()) env.ctx()?.phone.legChanged(l.userId, call.id, null);
      }
      live.clear();
    },
  };
}
export type Calls = ReturnType<typeof createCalls>;
