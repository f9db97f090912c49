// The parts of a live call that differ with media (rtpengine holds the caller's leg, docs/media.md "In the call"):
// an operator answering or a specialist taking over answers rtpengine's offer on VIC's side of the same rtpengine
// call (the caller is never re-INVITEd, so the media stays in rtpengine); a re-INVITE is answered with that side's
// rtpengine SDP, and the operator's hold makes the caller hear the music until they resume; the call over, rtpengine
// forgets it.
import type { Logger } from '../../src/log.ts';
import type { Call } from './calls.ts';
import type { MediaBridge } from './media/bridge.ts';
import type { SipRequest, SipResponse } from './types.ts';

const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)[ \t]*$/m;
const MIRROR: Record<string, string> = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };

/** An offer that puts the other side on hold: sendonly or inactive, or the old c=0.0.0.0. */
export function holdsOther(sdp: string): boolean {
  const dir = DIRECTION.exec(sdp)?.[1];
  return dir === 'sendonly' || dir === 'inactive' || /^c=IN IP4 0\.0\.0\.0\s*$/m.test(sdp);
}

/** Our SDP as the answer to `offer` (RFC 3264 §6.1: the direction mirrored; sendonly is answered recvonly). */
export function answerTo(offer: string, sdp: string): string {
  const mirrored = MIRROR[DIRECTION.exec(offer)?.[1] ?? 'sendrecv'];
  return DIRECTION.test(sdp) ? sdp.replace(DIRECTION, `a=${mirrored}`) : sdp.replace(/(\r?\n)?$/, `\r\na=${mirrored}\r\n`);
}

export function createCallMedia(env: { media: () => MediaBridge | null; log: () => Logger | undefined; report: (call: Call) => void }) {
  /**
   * The operator (first answer) or a specialist (transfer) answered rtpengine's offer: their SDP replaces what VIC's
   * side had. A caller held by the operator is taken off hold for the specialist.
   */
  async function connect(call: Call, agentSdp: string): Promise<void> {
    const m = call.media!;
    const relay = env.media();
    if (!m.connected) {
      m.connected = true;
      m.caller?.operatorAnswered();
      m.caller = null;
      if (relay) await relay.connect(m.leg, agentSdp);
      return;
    }
    if (!relay) throw Object.assign(new Error('rtpengine is gone'), { status: 503 });
    await relay.transfer(m.leg, agentSdp);
    if (call.held) {
      call.held = false;
      await relay.resume(m.leg).catch((err: unknown) => env.log()?.warn({ err, callId: call.id }, 'sip: resume for the specialist failed'));
    }
  }

  /**
   * A re-INVITE on leg `n`: each side keeps its own session with rtpengine, so it is answered with that SDP (the
   * direction mirrored). The agent (operator or specialist) putting the caller on hold starts the music for them
   * (what the agent sends is dropped meanwhile); sendrecv again stops it.
   */
  function reinvite(call: Call, n: number, req: SipRequest, res: SipResponse): void {
    const m = call.media!;
    const offer = req.body ?? '';
    res.send(200, { body: answerTo(offer, n === 0 ? m.leg.answerSdp : m.leg.offerSdp), headers: { 'Content-Type': 'application/sdp' } });
    // The agent: the operator talking (also while a specialist's phone rings for the transfer), or the specialist.
    const s = call.flow.state;
    const agent = s.name === 'connected' || s.name === 'transferring' ? s.agentLeg : null;
    if (agent !== n || !offer) return;
    const held = holdsOther(offer);
    if (held === call.held) return;
    call.held = held;
    const relay = env.media();
    if (relay)
      (held ? relay.hold(m.leg) : relay.resume(m.leg)).catch((err: unknown) =>
        env.log()?.warn({ err, callId: call.id, held }, 'sip: hold music through rtpengine failed'),
      );
    env.report(call);
  }

  /** The call is over: the caller's announcements stop (a caller still listening hung up) and rtpengine forgets it. */
  function end(call: Call): void {
    const m = call.media!;
    m.caller?.hungUp();
    m.caller?.dispose();
    m.caller = null;
    void env.media()?.release(call.id);
  }

  return { connect, reinvite, end };
}
