// The landline bridge: drachtio-srf talking to a drachtio-server that the court's PBX or SIP trunk sends the
// centre's calls to. Every call becomes a ticket (one SIP Call-ID = one call record), rings available operators
// in turn as a B2BUA (media stays between the PBX and the phones: SDP is passed through), pops up on the
// console of the operator whose phone rings, and is transferred to a specialist or called back on request.
// The decisions live in routing/call-flow.ts; this file only turns SIP into its events and its commands into SIP.
import crypto from 'node:crypto';
import type { EventEmitter } from 'node:events';
import Srf from 'drachtio-srf';
import { CallFlow, type CallCommand, type CallEvent, type Party } from '../../routing/call-flow.ts';
import type { ChannelAdapter, ChannelContext, ChannelHealth, HealthReason, HealthState } from '../../src/channels.ts';
import type { SipConfig } from './config.ts';
import { MAX_HEADER_CHARS, callKey, callerIdentity, calledNumber, oversizeHeader, referTarget } from './identity.ts';

export { sipConfigFromEnv, type SipConfig } from './config.ts';

// drachtio-srf's bundled typings miss much of what is used here (cancel events, 3pcc, options): the narrow
// shapes below are what this file relies on.
interface SipRequest extends EventEmitter {
  method: string;
  uri: string;
  body: string;
  isNewInvite: boolean;
  /** As received, not parsed: header name (lower case) → value. */
  headers: Record<string, unknown>;
  get(header: string): string | undefined;
  has(header: string): boolean;
  cancel(): void;
}
interface SipResponse {
  status: number;
  finalResponseSent: boolean;
  send(status: number, opts?: { headers?: Record<string, string>; body?: string }): void;
}
interface Dialog extends EventEmitter {
  remote: { sdp: string };
  destroy(): Promise<unknown>;
  modify(sdp: string): Promise<string>;
  request(opts: { method: string; headers?: Record<string, string>; body?: string }): Promise<SipResponse>;
}
/** An answered INVITE sent without SDP (3pcc): the far end's offer, to be answered in the ACK. */
interface LateOffer {
  sdp: string;
  ack(sdp: string): Promise<Dialog>;
  destroy(): Promise<void>;
}
interface Progress {
  cbRequest: (err: Error | null, req: SipRequest) => void;
  cbProvisional: (res: SipResponse) => void;
}
interface SrfApi extends EventEmitter {
  connect(opts: Record<string, unknown>): void;
  disconnect(): void;
  invite(handler: (req: SipRequest, res: SipResponse) => void): void;
  createB2BUA(
    req: SipRequest,
    res: SipResponse,
    uri: string,
    opts: Record<string, unknown>,
    progress: Progress,
  ): Promise<{ uas: Dialog; uac: Dialog }>;
  createUAC(uri: string, opts: Record<string, unknown>, progress: Progress): Promise<Dialog | LateOffer>;
  request(uri: string, opts: Record<string, unknown>, cb: (err: Error | null, req: SipRequest) => void): void;
}

export interface SipDeps {
  /** How often the link to drachtio-server is proven alive (an OPTIONS to the PBX through it). */
  keepAliveMs?: number;
  /** How long drachtio-server may take to acknowledge a message (or the login) before the link counts as lost. */
  ackTimeoutMs?: number;
  /** First reconnect delay; doubled after each failure up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export interface SipChannel extends ChannelAdapter {
  /** "Call back" on a missed call: rings the operator's phone, then the citizen, and bridges them. Returns the call record id. */
  callBack(o: { userId: number; extension: string; number: string }): string;
  /** Console action on a live call: ring the specialist; when they answer they take over from the operator. */
  transfer(callId: string, specialist: { userId: number; extension: string }): boolean;
}

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

interface LiveCall {
  id: string;
  flow: CallFlow;
  legs: Map<number, Leg>;
  /** The citizen's INVITE when they called in. */
  inbound?: { req: SipRequest; res: SipResponse };
  /** The operator's dialog that sent REFER: it hears how the transfer went. */
  referrer?: Dialog;
}

const fill = (template: string, key: string, value: string) => template.replaceAll(`{${key}}`, value);

export function createSipChannel(cfg: SipConfig, deps: SipDeps = {}): SipChannel {
  const keepAliveMs = deps.keepAliveMs ?? 20_000;
  const ackTimeoutMs = deps.ackTimeoutMs ?? 5_000;
  const backoffMs = deps.backoffMs ?? 1_000;
  const maxBackoffMs = deps.maxBackoffMs ?? 60_000;

  let ctx: ChannelContext | null = null;
  let srf: SrfApi | null = null;
  /** Bumped on every (re)connect: events of an older connection are ignored. */
  let generation = 0;
  let delay = backoffMs;
  let retryTimer: NodeJS.Timeout | null = null;
  let keepAliveTimer: NodeJS.Timeout | null = null;
  let ackTimer: NodeJS.Timeout | null = null;
  let health: ChannelHealth = { state: 'down', code: 'notStarted', reason: 'not started', since: Date.now() };
  let sipAddress: string | null = null;
  const live = new Map<string, LiveCall>();

  const now = () => ctx?.clock.now() ?? Date.now(); // ctx is gone once stopped; apply() then ignores the event
  const log = () => ctx!.log;
  const operatorUri = (extension: string) => fill(cfg.operatorUriTemplate, 'extension', extension);

  function setHealth(state: HealthState, code?: HealthReason, reason?: string) {
    if (health.state === state && health.reason === reason) return;
    health = { state, ...(code ? { code } : {}), ...(reason ? { reason } : {}), since: Date.now() };
    // A lost link is logged where it is lost; a degraded one only here.
    if (state === 'degraded') ctx?.log.warn({ code, reason }, 'sip: channel degraded');
    ctx?.healthChanged();
  }

  function clearTimers() {
    for (const t of [retryTimer, keepAliveTimer, ackTimer]) if (t) clearTimeout(t);
    retryTimer = keepAliveTimer = ackTimer = null;
  }

  function teardown() {
    generation += 1;
    clearTimers();
    const old = srf;
    srf = null;
    sipAddress = null;
    try {
      old?.disconnect();
    } catch {
      // never got a socket: nothing to close
    }
  }

  /** The link is gone (closed, refused, silent): retry with exponential backoff. */
  function lost(gen: number, code: HealthReason, reason: string, state: HealthState = 'connecting') {
    if (gen !== generation || !ctx) return;
    teardown();
    const wait = delay;
    delay = Math.min(delay * 2, maxBackoffMs);
    setHealth(state, code, `${reason}; retrying in ${Math.round(wait / 1000)} s`);
    log().warn({ code, reason, retryInMs: wait }, 'sip: drachtio-server link lost');
    retryTimer = setTimeout(connect, wait);
    retryTimer.unref();
  }

  /** Fails the link when drachtio-server does not acknowledge within ackTimeoutMs. */
  function expectAck(gen: number, what: string) {
    if (ackTimer) clearTimeout(ackTimer);
    ackTimer = setTimeout(
      () => lost(gen, 'sipNoAck', `drachtio-server did not acknowledge ${what} within ${ackTimeoutMs} ms`),
      ackTimeoutMs,
    );
    ackTimer.unref();
  }

  function connect() {
    teardown();
    const gen = generation;
    const s = new Srf() as unknown as SrfApi;
    srf = s;
    setHealth('connecting', 'connecting', `connecting to drachtio-server ${cfg.host}:${cfg.port}`);
    s.on('connect', (err: Error | null, hostport: string) => {
      if (gen !== generation) {
        // a connection that completed after we gave up on it must not take calls
        try {
          s.disconnect();
        } catch {
          // already closed
        }
        return;
      }
      if (err) return lost(gen, 'sipSecretRejected', 'drachtio-server rejected SIP_DRACHTIO_SECRET', 'down');
      if (ackTimer) clearTimeout(ackTimer);
      delay = backoffMs;
      sipAddress = hostport.split(',')[0].replace(/^\w+\//, '');
      setHealth('connected');
      log().info({ hostport }, 'sip: connected to drachtio-server');
      keepAlive(gen);
    });
    // A refused or dropped connection surfaces as error and/or close; drachtio-srf's own retry is off
    // (maxAttempts 1) because a silent loss needs the same path, with our backoff and health reason.
    s.on('error', (err: Error) => lost(gen, 'sipUnreachable', `drachtio-server ${cfg.host}:${cfg.port}: ${err.message}`));
    s.on('close', () => lost(gen, 'sipUnreachable', `connection to drachtio-server ${cfg.host}:${cfg.port} closed`));
    s.invite((req, res) => onInvite(req, res));
    s.connect({ host: cfg.host, port: cfg.port, secret: cfg.secret, reconnect: { maxAttempts: 1 } });
    expectAck(gen, 'the connection');
  }

  /** A TCP link can die without a FIN: an OPTIONS to the PBX through drachtio-server proves both ends alive. */
  function keepAlive(gen: number) {
    keepAliveTimer = setTimeout(() => {
      if (gen !== generation || !srf) return;
      // the PBX is the template's host (and port, unless the extension is the port)
      const m = /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^;>?:]+)(?::(\d+))?/.exec(operatorUri(''));
      const pbx = m ? `${m[1]}${m[2] ? `:${m[2]}` : ''}` : cfg.host;
      expectAck(gen, 'a keep-alive');
      try {
        srf.request(`sip:${pbx}`, { method: 'OPTIONS', headers: { 'Max-Forwards': '1' } }, (err, req) => {
          if (gen !== generation) return;
          if (ackTimer) clearTimeout(ackTimer);
          if (err) {
            // drachtio-server answered, so the link is alive: it would not send to that address (e.g. its own)
            if ((err as Error & { code?: string }).code !== 'EDRACHTIO')
              return lost(gen, 'sipKeepAliveFailed', `keep-alive failed: ${err.message}`);
            setHealth('degraded', 'sipPbxUnreachable', `drachtio-server cannot send OPTIONS to the PBX ${pbx}: ${err.message}`);
            return keepAlive(gen);
          }
          req.on('response', (res: SipResponse) => {
            if (gen !== generation) return;
            if (res.status === 408 || res.status === 503)
              setHealth('degraded', 'sipPbxUnreachable', `PBX ${pbx} does not answer OPTIONS (${res.status})`);
            else setHealth('connected');
          });
          keepAlive(gen);
        });
      } catch (err) {
        lost(gen, 'sipKeepAliveFailed', `keep-alive failed: ${(err as Error).message}`); // drachtio-srf throws when it has no socket left
      }
    }, keepAliveMs);
    keepAliveTimer.unref();
  }

  // ---- calls

  function apply(call: LiveCall, event: CallEvent) {
    if (!ctx) return; // stopped: late SIP events of the old connection change nothing
    for (const cmd of call.flow.handle(event)) {
      try {
        run(call, cmd);
      } catch (err) {
        log().error({ err, callId: call.id, cmd: cmd.type }, 'sip: command failed');
      }
    }
    if (call.flow.finished) {
      for (const leg of call.legs.values()) clearTimeout(leg.timer);
      live.delete(call.id);
    }
  }

  function run(call: LiveCall, cmd: CallCommand) {
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
        return ctx!.calls.screenPop(cmd.userId, call.id);
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
        return notifyReferrer(call, cmd.status);
      case 'record':
        ctx!.calls.progress(call.id, {
          outcome: cmd.outcome,
          ...(cmd.userId !== undefined ? { operatorUserId: cmd.userId } : {}),
          ...(cmd.answeredAt !== undefined ? { answeredAt: cmd.answeredAt } : {}),
          ...(cmd.endedAt !== undefined ? { endedAt: cmd.endedAt } : {}),
        });
        return;
    }
  }

  /** Sends the INVITE of a leg: a B2BUA leg while hunting, a late offer (3pcc) to a specialist or a calling-back operator. */
  function ring(call: LiveCall, cmd: Extract<CallCommand, { type: 'ring' }>) {
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
    const phase = call.flow.state;
    if (phase.name === 'hunting' && call.inbound) {
      // passFailure false: a busy or unanswered operator must not end the caller's INVITE, the next one is rung.
      srf!
        .createB2BUA(
          call.inbound.req,
          call.inbound.res,
          cmd.uri,
          { passFailure: false, proxyRequestHeaders: ['P-Asserted-Identity'] },
          progress,
        )
        .then(({ uas, uac }) => {
          settled();
          call.legs.set(0, { dialog: uas });
          leg.dialog = uac;
          apply(call, { type: 'answered', leg: cmd.leg, at: now() });
        }, failed);
    } else if (phase.name === 'callback-citizen') {
      const operator = call.legs.get(phase.operatorLeg)!;
      leg.offeredBy = phase.operatorLeg;
      srf!.createUAC(cmd.uri, { localSdp: operator.lateOffer!.sdp }, progress).then((d) => {
        settled();
        leg.dialog = d as Dialog;
        apply(call, { type: 'answered', leg: cmd.leg, at: now() });
      }, failed);
    } else {
      srf!.createUAC(cmd.uri, { noAck: true }, progress).then((offer) => {
        settled();
        leg.lateOffer = offer as LateOffer;
        apply(call, { type: 'answered', leg: cmd.leg, at: now() });
      }, failed);
    }
  }

  /** Connects leg `to` with the citizen's leg `from`; SDP goes between them unchanged. */
  async function bridge(call: LiveCall, from: number, to: number) {
    const a = call.legs.get(from)!;
    const b = call.legs.get(to)!;
    if (b.lateOffer) {
      // Call back: the citizen already answered the operator's offer. Transfer: the citizen is re-INVITEd
      // with the specialist's offer and answers it.
      const answer = a.offeredBy === to ? a.dialog!.remote.sdp : await a.dialog!.modify(b.lateOffer.sdp);
      b.dialog = await b.lateOffer.ack(answer);
      delete b.lateOffer;
    }
    for (const n of [from, to]) {
      const leg = call.legs.get(n)!;
      if (leg.dialog!.listenerCount('destroy') > 0) continue; // the citizen's leg stays wired across a transfer
      watch(call, n, leg.dialog!);
    }
  }

  function watch(call: LiveCall, n: number, d: Dialog) {
    d.on('destroy', () => apply(call, { type: 'bye', leg: n, at: now() }));
    // Hold, resume, codec changes: the other side answers the re-INVITE.
    d.on('modify', (req: SipRequest, res: SipResponse) => {
      const b = call.flow.bridged;
      const peer = b && call.legs.get(n === b.citizen ? b.agent : b.citizen)?.dialog;
      if (!peer) return res.send(491);
      peer.modify(req.body).then(
        (sdp) => res.send(200, { body: sdp, headers: { 'Content-Type': 'application/sdp' } }),
        (err: { status?: number }) => res.send(err.status ?? 500),
      );
    });
    d.on('refer', (req: SipRequest, res: SipResponse) => onRefer(call, n, d, req, res));
  }

  /** A blind transfer from the operator's phone: Refer-To names the specialist's extension. */
  function onRefer(call: LiveCall, n: number, d: Dialog, req: SipRequest, res: SipResponse) {
    const extension = referTarget(req.get('Refer-To') ?? '');
    if (!extension) return res.send(400);
    if (call.flow.bridged?.agent !== n) return res.send(491); // a transfer is already under way
    res.send(202);
    call.referrer = d;
    notifyReferrer(call, 100);
    apply(call, { type: 'transfer', target: { userId: null, uri: operatorUri(extension) }, at: now() });
  }

  /** RFC 3515: NOTIFY the transferor with the progress of the new call as a sipfrag. */
  function notifyReferrer(call: LiveCall, status: number) {
    const d = call.referrer;
    if (!d) return;
    if (status >= 200) delete call.referrer;
    const reason: Record<number, string> = {
      100: 'Trying',
      200: 'OK',
      486: 'Busy Here',
      487: 'Request Terminated',
      488: 'Not Acceptable Here',
      603: 'Decline',
    };
    d.request({
      method: 'NOTIFY',
      headers: {
        Event: 'refer',
        'Subscription-State': status >= 200 ? 'terminated;reason=noresource' : 'active;expires=60',
        'Content-Type': 'message/sipfrag;version=2.0',
      },
      body: `SIP/2.0 ${status} ${reason[status] ?? 'Failed'}\r\n`,
    }).catch((err: unknown) => log().debug({ err, callId: call.id }, 'sip: NOTIFY to the transferor failed'));
  }

  function onInvite(req: SipRequest, res: SipResponse) {
    const oversize = oversizeHeader(req.uri, req.headers);
    if (oversize) return refuseOversize(req, res, oversize);
    // In-dialog requests are taken by drachtio-srf's dialogs first; an INVITE with a To-tag here has no dialog.
    if (!req.isNewInvite) return res.send(481);
    const callId = callKey(req.get('Call-ID') ?? '');
    // The same call offered again as a new transaction (RFC 3261 §8.2.2.2 merged request): one call, one ticket.
    if (live.has(callId)) return res.send(482);
    const at = now();
    // Whom to ring is decided before the call's ticket is assigned, so the operator the ticket goes to (the
    // least loaded) is also the first whose phone rings, rather than the ticket counting against them.
    const open = ctx!.calls.openNow(cfg.court);
    const hunt: Party[] = open.working
      ? ctx!.calls.huntList(cfg.court).map((h) => ({ userId: h.userId, uri: operatorUri(h.extension) }))
      : [];
    const caller = callerIdentity((h) => (req.has(h) ? req.get(h) : undefined));
    const from = caller.number ?? `anonymous:${callId}`; // withheld numbers must not merge into one contact
    const to = calledNumber(req.uri);
    let result;
    try {
      result = ctx!.ingest({
        channel: 'sip',
        account: to,
        externalId: callId,
        text: '',
        receivedAt: at,
        sender: { kind: 'phone', address: from, ...(caller.name ? { displayName: caller.name } : {}) },
        call: { callId, from, to, outcome: 'ringing', startedAt: at },
        ...(cfg.court ? { courtHint: cfg.court } : {}),
      });
    } catch (err) {
      log().error({ err, callId }, 'sip: could not record the call');
      return res.send(500);
    }
    if (result.duplicate) return res.send(482);
    const call: LiveCall = { id: callId, flow: new CallFlow(cfg), legs: new Map(), inbound: { req, res } };
    live.set(callId, call);
    req.on('cancel', () => apply(call, { type: 'caller-cancel', at: now() }));
    apply(call, { type: 'incoming', at, working: open.working, hunt });
  }

  /**
   * 513 Message Too Large (RFC 3261 §21.5.14) for an INVITE with a header too long to parse safely; when the caller's
   * number can be read (our own parser reads a header's first few KB), the call is kept as missed, to be called back.
   */
  function refuseOversize(req: SipRequest, res: SipResponse, header: string) {
    res.send(513);
    const caller = callerIdentity((h) => (req.has(h) ? req.get(h) : undefined));
    log().warn(
      { header, limit: MAX_HEADER_CHARS, callerKnown: Boolean(caller.number) },
      'sip: INVITE refused, a header is over the size limit',
    );
    if (!caller.number) return;
    const callId = callKey(req.get('Call-ID') ?? crypto.randomUUID());
    const at = now();
    try {
      const r = ctx!.ingest({
        channel: 'sip',
        account: calledNumber(req.uri),
        externalId: callId,
        text: '',
        receivedAt: at,
        sender: { kind: 'phone', address: caller.number, ...(caller.name ? { displayName: caller.name } : {}) },
        call: { callId, from: caller.number, to: calledNumber(req.uri), outcome: 'ringing', startedAt: at },
        ...(cfg.court ? { courtHint: cfg.court } : {}),
      });
      if (!r.duplicate) ctx!.calls.progress(callId, { outcome: 'missed', endedAt: at });
    } catch (err) {
      log().error({ err, callId }, 'sip: could not record the refused call');
    }
  }

  return {
    name: 'sip',
    commands: ['restart'],
    start(c) {
      ctx = c;
      connect(); // never waits for drachtio-server: the helpdesk runs on and health says why SIP is not up
      return Promise.resolve();
    },
    stop() {
      teardown();
      for (const call of live.values()) for (const leg of call.legs.values()) clearTimeout(leg.timer);
      live.clear();
      ctx = null;
      setHealth('down', 'stopped', 'stopped');
      return Promise.resolve();
    },
    health: () => ({
      ...health,
      details: { drachtio: `${cfg.host}:${cfg.port}`, ...(sipAddress ? { sip: sipAddress } : {}), liveCalls: live.size },
    }),
    command(name) {
      if (name !== 'restart') return Promise.reject(new Error(`sip: unknown command ${name}`));
      delay = backoffMs;
      connect();
      return Promise.resolve();
    },
    callBack(o) {
      if (!cfg.outboundUriTemplate) throw new Error('sip: call back needs SIP_OUTBOUND_URI_TEMPLATE');
      if (!srf || health.state === 'connecting' || health.state === 'down') throw new Error('sip: not connected to drachtio-server');
      const id = `callback-${crypto.randomUUID()}@vic`;
      const at = now();
      ctx!.ingest({
        channel: 'sip',
        account: 'callback',
        externalId: id,
        text: '',
        receivedAt: at,
        sender: { kind: 'phone', address: o.number },
        call: { callId: id, from: o.extension, to: o.number, outcome: 'ringing', startedAt: at, operatorUserId: o.userId },
        ...(cfg.court ? { courtHint: cfg.court } : {}),
      });
      const call: LiveCall = { id, flow: new CallFlow(cfg), legs: new Map() };
      live.set(id, call);
      const citizen = { userId: null, uri: fill(cfg.outboundUriTemplate, 'number', o.number) };
      apply(call, { type: 'callback', at, operator: { userId: o.userId, uri: operatorUri(o.extension) }, citizen });
      return id;
    },
    transfer(callId, specialist) {
      const call = live.get(callId);
      if (!call?.flow.bridged) return false;
      apply(call, { type: 'transfer', target: { userId: specialist.userId, uri: operatorUri(specialist.extension) }, at: now() });
      return true;
    },
  };
}
