// A small client for rtpengine's ng control protocol (bencoded dictionaries over UDP, through the npm package
// rtpengine-client), limited to what the caller's media needs: health, offer/answer/delete of the citizen's leg,
// playing a file to one side, stopping it, and the session list. Every request has a deadline: rtpengine down or
// unreachable is an RtpengineError of kind 'unavailable' (SIP 503), a request it refuses (a malformed SDP, an
// unknown call) one of kind 'refused' (SIP 488), each with the reason to log. Never a hang.
//
// rtpengine's sides are its "monologues", named by the SIP tags given in offer/answer. `play media` plays TO the
// participant whose tag is given (the caller hears it when their From-tag is given); the other side hears nothing.
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { z } from 'zod';

type NgDict = Record<string, unknown>;
type NgTarget = { port: number; host: string };
type NgMethod = (to: NgTarget, args?: NgDict) => Promise<NgDict>;

type NgCommand =
  'ping' | 'offer' | 'answer' | 'delete' | 'list' | 'query' | 'playMedia' | 'stopMedia' | 'blockMedia' | 'unblockMedia' | 'startRecording';

/** The part of rtpengine-client (plain JavaScript, no types) used here. */
interface NgClient extends Record<NgCommand, NgMethod> {
  on(event: 'error', listener: (err: Error) => void): void;
  close(): void;
}

const require = createRequire(import.meta.url);
const { Client } = require('rtpengine-client') as { Client: new (opts: { timeout: number }) => NgClient };

export type RtpengineErrorKind = 'unavailable' | 'refused';

export class RtpengineError extends Error {
  /** The SIP answer for the caller when this happens while setting up their call. */
  readonly sipStatus: 503 | 488;

  constructor(
    readonly kind: RtpengineErrorKind,
    readonly command: string,
    /** For the log: what rtpengine said, or why it said nothing. */
    readonly reason: string,
  ) {
    super(`rtpengine ${command}: ${reason}`);
    this.name = 'RtpengineError';
    this.sipStatus = kind === 'unavailable' ? 503 : 488;
  }
}

export interface RtpengineOptions {
  host: string;
  port: number;
  /** How long one request may wait for its answer. */
  timeoutMs?: number;
}

/** `host:port` (SIP_RTPENGINE, SIP_RTPENGINE_DTMF_LISTEN) → host and port; an IPv6 address goes in brackets. */
export function parseRtpengineAddress(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : 0;
  if (!m || port < 1 || port > 65535) throw new Error(`"${value}" is not host:port`);
  return { host: m[1] ?? m[2], port };
}

export interface Offer {
  callId: string;
  /** The SIP From-tag of the side sending this SDP. */
  fromTag: string;
  sdp: string;
}

export interface PlayResult {
  /** The file's length as rtpengine measured it, or null when it could not tell. */
  durationMs: number | null;
}

// Offers and answers go through rtpengine on plain RTP: no ICE candidates towards the PBX or the trunk, and the
// SDP's addresses rewritten to rtpengine's own so both sides send their media to it.
const G711_TRANSCODE: NgDict = { codec: { transcode: ['PCMU', 'PCMA'] } };
const SDP_FLAGS: NgDict = { ICE: 'remove', replace: ['origin', 'session-connection'], 'transport-protocol': 'RTP/AVP' };

export class RtpengineClient {
  private readonly ng: NgClient;
  private readonly target: NgTarget;

  constructor(opts: RtpengineOptions) {
    this.target = { host: opts.host, port: opts.port };
    this.ng = new Client({ timeout: opts.timeoutMs ?? 2000 });
    // Socket errors surface as the pending request's timeout; an unhandled 'error' event would end the process.
    this.ng.on('error', () => undefined);
  }

  private async call(method: NgCommand, command: string, args?: NgDict): Promise<NgDict> {
    let reply: NgDict;
    try {
      reply = await this.ng[method](this.target, args);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new RtpengineError(
        'unavailable',
        command,
        /timeout/i.test(why) ? `no answer from ${this.target.host}:${this.target.port}` : why,
      );
    }
    if (reply.result === 'error') {
      const why = reply['error-reason'];
      throw new RtpengineError('refused', command, typeof why === 'string' ? why : 'error');
    }
    return reply;
  }

  /** Round-trip time of a ping in ms; throws RtpengineError when rtpengine does not answer. */
  async ping(): Promise<number> {
    const t0 = performance.now();
    const r = await this.call('ping', 'ping');
    if (r.result !== 'pong') throw new RtpengineError('refused', 'ping', `unexpected answer ${String(r.result)}`);
    return Math.round(performance.now() - t0);
  }

  /** For the channels page: up with the round trip, or down with the reason. */
  async health(): Promise<{ up: true; ms: number } | { up: false; reason: string }> {
    try {
      return { up: true, ms: await this.ping() };
    } catch (err) {
      return { up: false, reason: err instanceof RtpengineError ? err.reason : String(err) };
    }
  }

  /** The caller's offer in, the SDP to send to the other side out (rtpengine's addresses and ports). */
  async offer(o: Offer): Promise<string> {
    // Both G.711 laws offered onwards: a phone that answers only the other one is transcoded (rtpengine's codec
    // support), not left with a caller who hears noise.
    const r = await this.call('offer', 'offer', {
      ...SDP_FLAGS,
      ...G711_TRANSCODE,
      'call-id': o.callId,
      'from-tag': o.fromTag,
      sdp: o.sdp,
    });
    return sdpOf(r, 'offer');
  }

  /** The other side's answer in, the SDP to answer the caller with. */
  async answer(o: Offer & { toTag: string }): Promise<string> {
    const r = await this.call('answer', 'answer', {
      ...SDP_FLAGS,
      'call-id': o.callId,
      'from-tag': o.fromTag,
      'to-tag': o.toTag,
      sdp: o.sdp,
    });
    return sdpOf(r, 'answer');
  }

  /**
   * Ends the session at once (no `delete-delay`), so rtpengine's own list no longer has it. A session rtpengine does
   * not know (already gone, or timed out there) is not an error: the call is over either way.
   */
  async delete(callId: string): Promise<void> {
    await this.call('delete', 'delete', { 'call-id': callId, 'delete delay': 0 });
  }

  /** Plays a file (a path on rtpengine's host) to the participant with this SIP tag; `repeat` times (music: many). */
  async playMedia(callId: string, tag: string, file: string, repeat = 1): Promise<PlayResult> {
    const r = await this.call('playMedia', 'play media', { 'call-id': callId, 'from-tag': tag, file, 'repeat-times': repeat });
    return { durationMs: typeof r.duration === 'number' ? r.duration : null };
  }

  async stopMedia(callId: string, tag: string): Promise<void> {
    await this.call('stopMedia', 'stop media', { 'call-id': callId, 'from-tag': tag });
  }

  /** Drops what the participant with this tag sends (hold: the caller then hears only the music played to them). */
  async blockMedia(callId: string, tag: string): Promise<void> {
    await this.call('blockMedia', 'block media', { 'call-id': callId, 'from-tag': tag });
  }

  async unblockMedia(callId: string, tag: string): Promise<void> {
    await this.call('unblockMedia', 'unblock media', { 'call-id': callId, 'from-tag': tag });
  }

  /** rtpengine records the call from now on (its recording-method; pcap: written to its recording-dir at delete). */
  async startRecording(callId: string): Promise<void> {
    await this.call('startRecording', 'start recording', { 'call-id': callId });
  }

  /** The call-ids rtpengine holds now (at most `limit`). */
  async list(limit = 256): Promise<string[]> {
    const r = await this.call('list', 'list', { limit });
    return Array.isArray(r.calls) ? r.calls.map(String) : [];
  }

  /** The SIP tags rtpengine knows for a call, or null when it holds no such call. */
  async query(callId: string): Promise<{ tags: string[] } | null> {
    try {
      const r = await this.call('query', 'query', { 'call-id': callId });
      return { tags: Object.keys((r.tags as NgDict | undefined) ?? {}) };
    } catch (err) {
      if (err instanceof RtpengineError && err.kind === 'refused' && /unknown call/i.test(err.reason)) return null;
      throw err;
    }
  }

  close(): void {
    this.ng.close();
  }
}

function sdpOf(r: NgDict, command: string): string {
  if (typeof r.sdp !== 'string' || !r.sdp) throw new RtpengineError('refused', command, 'no SDP in the answer');
  return r.sdp;
}

/**
 * The answer for the other side while no phone is on it (the queue, off hours): the codecs rtpengine offered,
 * sendrecv, to the discard port on loopback, so the caller gets a sendrecv answer and rtpengine plays to them.
 * Not `a=inactive` (rtpengine then refuses `play media`) nor `c=0.0.0.0` (hold: the caller's answer becomes
 * sendonly and the phone may stop sending, its keys included). Once an operator answers, their SDP replaces it.
 */
export function holdingAnswerSdp(offered: string): string {
  return offered
    .split(/\r?\n/)
    .filter((l) => l && !/^a=(rtcp|candidate|ice-|end-of-candidates|sendrecv|sendonly|recvonly|inactive)/.test(l))
    .map((l) => l.replace(/^c=IN IP[46] \S+/, 'c=IN IP4 127.0.0.1').replace(/^o=(\S+ \S+ \S+) IN IP[46] \S+/, 'o=$1 IN IP4 127.0.0.1'))
    .map((l) => l.replace(/^m=audio \d+/, 'm=audio 9'))
    .concat('a=sendrecv', '')
    .join('\r\n');
}

// ---- DTMF: rtpengine 10.5 reports each finished RFC 4733 event (and in-band tones it detects) as one JSON object
// per UDP datagram to its `dtmf-log-dest` address; this receiver is that address.

export interface DtmfEvent {
  callId: string;
  /** The SIP tag of the side that pressed the key. */
  tag: string;
  /** '0'–'9', '*', '#', 'A'–'D'. */
  digit: string;
  durationMs: number;
}

const DIGITS = '0123456789*#ABCD';
const dtmfJson = z.object({
  callid: z.string(),
  source_tag: z.string(),
  type: z.literal('DTMF'),
  event: z.number().int().min(0).max(15),
  duration: z.number().int().min(0),
});

/** rtpengine's report is ~250 bytes; a 64 KiB datagram of nested JSON costs 20–50 ms to parse. */
const MAX_DTMF_REPORT_BYTES = 4096;

export class DtmfReceiver extends EventEmitter<{ dtmf: [DtmfEvent] }> {
  private socket: dgram.Socket | null = null;

  /**
   * Listens on `host:port` (port 0: any free one). `from`: rtpengine's address; datagrams from elsewhere are
   * dropped, so nobody on the network can press keys for a caller.
   */
  async listen(host: string, port: number, from?: string): Promise<{ host: string; port: number }> {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.on('message', (msg, rinfo) => {
      if (from && rinfo.address !== from) return;
      if (msg.length > MAX_DTMF_REPORT_BYTES) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(msg.toString('utf8'));
      } catch {
        return;
      }
      const r = dtmfJson.safeParse(parsed);
      if (!r.success) return;
      this.emit('dtmf', { callId: r.data.callid, tag: r.data.source_tag, digit: DIGITS[r.data.event], durationMs: r.data.duration });
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => undefined); // a stray ICMP error must not end the process
    this.socket = socket;
    return { host, port: socket.address().port };
  }

  close(): void {
    this.socket?.close();
    this.socket = null;
  }
}
