// The landline bridge: drachtio-srf talking to a drachtio-server that the court's PBX or SIP trunk sends the
// centre's calls to. Every call becomes a ticket (one SIP Call-ID = one call record), rings available operators
// in turn as a B2BUA (media stays between the PBX and the phones: SDP is passed through), pops up on the
// console of the operator whose phone rings, and is transferred to a specialist or called back on request.
// The decisions live in routing/call-flow.ts. Here: the pieces put together — link.ts (drachtio-server, health),
// trust.ts (which INVITEs are taken), inbound.ts (a citizen's call), calls.ts (live calls as SIP).
import crypto from 'node:crypto';
import type { ChannelContext } from '../../src/channels.ts';
import { createCalls } from './calls.ts';
import type { SipConfig } from './config.ts';
import { createInbound } from './inbound.ts';
import { createLink } from './link.ts';
import { MediaBridge } from './media/bridge.ts';
import { createTrust } from './trust.ts';
import type { SipChannel, SipDeps } from './types.ts';

export { sipConfigFromEnv, type SipConfig } from './config.ts';
export type { SipChannel, SipDeps } from './types.ts';

const fill = (template: string, key: string, value: string) => template.replaceAll(`{${key}}`, value);

export function createSipChannel(cfg: SipConfig, deps: SipDeps = {}): SipChannel {
  let ctx: ChannelContext | null = null;
  // Kept past stop(): the calls still live then are released (and their recordings stored) after ctx is gone.
  let recordings: ChannelContext['recordings'];
  // rtpengine for the caller's media; null: SIP_RTPENGINE unset, and the bridge passes SDP through as before.
  const media = cfg.media
    ? new MediaBridge(cfg.media, {
        log: () => ctx?.log ?? null,
        healthChanged: () => ctx?.healthChanged(),
        recorded: (callId, r) => recordings?.recorded(callId, r),
      })
    : null;
  let queuePoll: NodeJS.Timeout | null = null;
  const calls = createCalls(cfg, { ctx: () => ctx, srf: () => link.srf(), media: () => media });
  const inbound = createInbound(cfg, createTrust(cfg), calls, { ctx: () => ctx, srf: () => link.srf(), media: () => media });
  const link = createLink(cfg, deps, {
    log: () => ctx?.log ?? null,
    healthChanged: () => ctx?.healthChanged(),
    onInvite: (req, res) => inbound.onInvite(req, res),
    pbx() {
      // the PBX is the template's host (and port, unless the extension is the port)
      const m = /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^;>?:]+)(?::(\d+))?/.exec(calls.operatorUri(''));
      return m ? `${m[1]}${m[2] ? `:${m[2]}` : ''}` : cfg.host;
    },
  });

  return {
    name: 'sip',
    commands: ['restart'],
    async start(c) {
      ctx = c;
      recordings = c.recordings;
      link.start();
      if (media) {
        await media.start();
        // Operators free up without any call ending (back from "away", a console opened): queued callers look again.
        queuePoll = setInterval(() => calls.requeue(), cfg.queuePollMs ?? 2000);
        queuePoll.unref();
      }
    },
    async stop() {
      link.stop();
      if (queuePoll) clearInterval(queuePoll);
      const held = [...calls.live.keys()];
      calls.clear();
      ctx = null;
      if (media) {
        await Promise.all(held.map((id) => media.release(id)));
        media.stop();
      }
    },
    health: () => {
      const h = link.health();
      const m = media?.health();
      const details = {
        drachtio: `${cfg.host}:${cfg.port}`,
        ...(link.sipAddress() ? { sip: link.sipAddress() } : {}),
        liveCalls: calls.live.size,
        ...(m ? { rtpengine: m.up ? `${cfg.media!.rtpengine.host}:${cfg.media!.rtpengine.port} (${m.ms} ms)` : `down: ${m.reason}` } : {}),
      };
      // rtpengine down: calls are still taken, without greeting or queue (busy when nobody is free) — degraded.
      if (m && !m.up && h.state === 'connected') {
        return { ...h, state: 'degraded', code: 'sipRtpengineDown', reason: `rtpengine: ${m.reason}`, since: m.since, details };
      }
      return { ...h, details };
    },
    command(name) {
      if (name !== 'restart') return Promise.reject(new Error(`sip: unknown command ${name}`));
      link.restart();
      return Promise.resolve();
    },
    callBack(o) {
      if (!cfg.outboundUriTemplate) throw new Error('sip: call back needs SIP_OUTBOUND_URI_TEMPLATE');
      if (!ctx || !link.usable()) throw new Error('sip: not connected to drachtio-server');
      const id = `callback-${crypto.randomUUID()}@vic`;
      const at = ctx.clock.now();
      const r = ctx.ingest({
        channel: 'sip',
        account: 'callback',
        externalId: id,
        text: '',
        receivedAt: at,
        sender: { kind: 'phone', address: o.number },
        call: { callId: id, from: o.extension, to: o.number, outcome: 'ringing', startedAt: at, operatorUserId: o.userId },
        ...(cfg.court ? { courtHint: cfg.court } : {}),
      });
      const citizen = { userId: null, uri: fill(cfg.outboundUriTemplate, 'number', o.number) };
      calls.begin(
        { id, ticketId: o.ticketId ?? r.ticketId, citizen: { number: o.number, presentable: true }, callBackBy: o.userId },
        { type: 'callback', at, operator: { userId: o.userId, uri: calls.operatorUri(o.extension) }, citizen },
      );
      return id;
    },
    transfer: (callId, specialist) => calls.transfer(callId, specialist),
    hangup: (callId) => calls.hangup(callId),
    liveCalls: () => calls.liveCalls(),
  };
}
