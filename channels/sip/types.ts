// drachtio-srf's bundled typings miss much of what the bridge uses (cancel events, 3pcc, options, the request's
// source address): the narrow shapes below are what channels/sip/ relies on.
import type { EventEmitter } from 'node:events';
import type { ChannelAdapter } from '../../src/channels.ts';
import type { LiveCall } from '../../src/live-call.ts';

export interface SipRequest extends EventEmitter {
  method: string;
  uri: string;
  body: string;
  isNewInvite: boolean;
  /** The address the request came from (drachtio-server's view of the network). */
  source_address?: string;
  /** As received, not parsed: header name (lower case) → value. */
  headers: Record<string, unknown>;
  get(header: string): string | undefined;
  has(header: string): boolean;
  cancel(): void;
}
export interface SipResponse {
  status: number;
  finalResponseSent: boolean;
  send(status: number, opts?: { headers?: Record<string, string>; body?: string }): void;
}
export interface Dialog extends EventEmitter {
  remote: { sdp: string };
  destroy(): Promise<unknown>;
  modify(sdp: string): Promise<string>;
  request(opts: { method: string; headers?: Record<string, string>; body?: string }): Promise<SipResponse>;
}
/** An answered INVITE sent without SDP (3pcc): the far end's offer, to be answered in the ACK. */
export interface LateOffer {
  sdp: string;
  ack(sdp: string): Promise<Dialog>;
  destroy(): Promise<void>;
}
export interface Progress {
  cbRequest: (err: Error | null, req: SipRequest) => void;
  cbProvisional: (res: SipResponse) => void;
}
export interface SrfApi extends EventEmitter {
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
  /** Answers an INVITE itself (200 OK with `localSdp`): the caller's leg when VIC holds the media (rtpengine). */
  createUAS(req: SipRequest, res: SipResponse, opts: { localSdp: string }): Promise<Dialog>;
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
  /**
   * "Call back": rings the operator's phone, then the citizen, and bridges them; its result goes to `ticketId`.
   * Returns the call record id. Works while the PBX's keep-alive fails (degraded), not while drachtio is unreachable.
   */
  callBack(o: { userId: number; extension: string; number: string; ticketId?: number }): string;
  /** Console action on a live call: ring the specialist; when they answer they take over from the operator. */
  transfer(callId: string, specialist: { userId: number; extension: string }): boolean;
  /** Ends a live call for everyone on it; false when it is not live. */
  hangup(callId: string): boolean;
  /** Every VIC user's live leg: whose phone rings or talks, on which call. */
  liveCalls(): LiveCall[];
}
