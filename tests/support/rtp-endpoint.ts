// A real RTP endpoint for media tests, a phone in miniature: one UDP socket, an SDP offer/answer with PCMU, PCMA
// and telephone-event, a G.711 decoder for what arrives (µ-law and A-law to 16-bit PCM, ITU-T G.711), a measure
// of how much audible audio came in (RMS of each 20 ms packet), and RFC 4733 DTMF events to send.
import dgram from 'node:dgram';

/** µ-law byte → linear 16-bit sample (G.711: bits inverted, sign, 3-bit exponent, 4-bit mantissa, bias 0x84). */
export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

/** A-law byte → linear 16-bit sample (G.711: even bits inverted with 0x55, sign, exponent, mantissa). */
export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  t = exponent === 0 ? t + 8 : (t + 0x108) << (exponent - 1);
  return a & 0x80 ? t : -t;
}

/** Linear 16-bit sample → µ-law byte (G.711, the inverse of ulawToLinear). */
export function linearToUlaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let v = Math.min(32635, Math.abs(sample)) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (v & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  v = (v >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | v) & 0xff;
}

/** Linear 16-bit sample → A-law byte (G.711, the inverse of alawToLinear). */
export function linearToAlaw(sample: number): number {
  const sign = sample >= 0 ? 0x80 : 0;
  const v = Math.min(32767, Math.abs(sample)) >> 3;
  let exponent = 0;
  while (exponent < 7 && v >= 32 << exponent) exponent++;
  const mantissa = exponent === 0 ? (v >> 1) & 0x0f : (v >> exponent) & 0x0f;
  return (sign | (exponent << 4) | mantissa) ^ 0x55;
}

export const PT_PCMU = 0;
export const PT_PCMA = 8;
export const PT_EVENT = 101;
const FRAME_SAMPLES = 160; // 20 ms at 8 kHz
const ULAW_SILENCE = 0xff;

export interface ReceivedPacket {
  pt: number;
  seq: number;
  ts: number;
  payload: Buffer;
  /** When it arrived (performance.now()). */
  at: number;
}

export interface AudioMeasure {
  /** Packets louder than the threshold, in ms of audio. */
  audibleMs: number;
  /** From the arrival of the first audible packet to the end of the last one, in ms (speech pauses between words). */
  spanMs: number;
}

/** RMS of G.711 samples in dBFS (−∞ for digital silence). */
function rmsDbfs(samples: Int16Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return 20 * Math.log10(Math.sqrt(sum / Math.max(1, samples.length)) / 32768);
}

export class RtpEndpoint {
  readonly received: ReceivedPacket[] = [];
  private remote: { host: string; port: number } | null = null;
  private seq = Math.floor(Math.random() * 0xffff);
  private ts = Math.floor(Math.random() * 0xffffffff);
  private readonly ssrc = Math.floor(Math.random() * 0xffffffff);
  private silence: NodeJS.Timeout | null = null;
  /** What startSilence sends every 20 ms: silence, or startTone's sine. */
  private frame = { pt: PT_PCMU, payload: Buffer.alloc(FRAME_SAMPLES, ULAW_SILENCE) };

  private constructor(
    private readonly socket: dgram.Socket,
    readonly host: string,
    readonly port: number,
  ) {
    socket.on('message', (msg) => {
      if (msg.length < 12 || msg[0] >> 6 !== 2) return; // not RTP version 2 (RTCP comes to port + 1)
      const cc = msg[0] & 0x0f;
      const ext = (msg[0] & 0x10) !== 0;
      let start = 12 + 4 * cc;
      if (ext && msg.length >= start + 4) start += 4 + 4 * msg.readUInt16BE(start + 2);
      this.received.push({
        pt: msg[1] & 0x7f,
        seq: msg.readUInt16BE(2),
        ts: msg.readUInt32BE(4),
        payload: msg.subarray(start),
        at: performance.now(),
      });
    });
  }

  static async open(host = '127.0.0.1'): Promise<RtpEndpoint> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    return new RtpEndpoint(socket, host, socket.address().port);
  }

  /** The SDP this endpoint offers or answers with: PCMU, PCMA and telephone-event 0-16, 20 ms frames. */
  sdp(sessionId = Date.now()): string {
    return [
      'v=0',
      `o=- ${sessionId} 1 IN IP4 ${this.host}`,
      's=-',
      `c=IN IP4 ${this.host}`,
      't=0 0',
      `m=audio ${this.port} RTP/AVP ${PT_PCMU} ${PT_PCMA} ${PT_EVENT}`,
      `a=rtpmap:${PT_PCMU} PCMU/8000`,
      `a=rtpmap:${PT_PCMA} PCMA/8000`,
      `a=rtpmap:${PT_EVENT} telephone-event/8000`,
      `a=fmtp:${PT_EVENT} 0-16`,
      'a=ptime:20',
      'a=sendrecv',
      '',
    ].join('\r\n');
  }

  /** Takes the other side's SDP: where to send (its c= address and audio port). */
  setRemote(sdp: string): void {
    const c = /^c=IN IP4 (\S+)/m.exec(sdp);
    const m = /^m=audio (\d+) /m.exec(sdp);
    if (!c || !m) throw new Error(`rtp-endpoint: no audio address in SDP:\n${sdp}`);
    this.remote = { host: c[1], port: Number(m[1]) };
  }

  private send(pt: number, payload: Buffer, marker = false): void {
    if (!this.remote) throw new Error('rtp-endpoint: setRemote first');
    const b = Buffer.alloc(12 + payload.length);
    b[0] = 0x80;
    b[1] = (marker ? 0x80 : 0) | pt;
    b.writeUInt16BE(this.seq, 2);
    b.writeUInt32BE(this.ts >>> 0, 4);
    b.writeUInt32BE(this.ssrc >>> 0, 8);
    payload.copy(b, 12);
    this.seq = (this.seq + 1) & 0xffff;
    this.socket.send(b, this.remote.port, this.remote.host);
  }

  /** Sends µ-law silence every 20 ms, as a phone keeps its stream going, until stopSilence(). */
  startSilence(): void {
    if (this.silence) return;
    this.silence = setInterval(() => {
      this.send(this.frame.pt, this.frame.payload);
      this.ts = (this.ts + FRAME_SAMPLES) >>> 0;
    }, 20);
  }

  /**
   * Sends a loud sine of `hz` (a multiple of 50, so every 20 ms frame is the same) instead of silence, in PCMU or
   * PCMA: a talking phone whose voice the other side can tell apart by its frequency (toneHz).
   */
  startTone(hz: number, pt: typeof PT_PCMU | typeof PT_PCMA = PT_PCMU): void {
    const encode = pt === PT_PCMU ? linearToUlaw : linearToAlaw;
    const payload = Buffer.alloc(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++) payload[i] = encode(Math.round(12000 * Math.sin((2 * Math.PI * hz * i) / 8000)));
    this.frame = { pt, payload };
    this.startSilence();
  }

  /**
   * The frequency of what was heard since `since` (zero crossings of the loud packets' decoded audio), or 0 when
   * nothing loud came: tells whose tone the other side relays.
   */
  toneHz(since = 0, thresholdDbfs = -30): number {
    const loud = this.audioPackets(since).filter((p) => rmsDbfs(p.pcm) > thresholdDbfs);
    let crossings = 0;
    let samples = 0;
    for (const { pcm } of loud) {
      for (let i = 1; i < pcm.length; i++) if (pcm[i - 1] < 0 !== pcm[i] < 0) crossings++;
      samples += pcm.length;
    }
    return samples ? Math.round((crossings / 2) * (8000 / samples)) : 0;
  }

  stopSilence(): void {
    if (this.silence) clearInterval(this.silence);
    this.silence = null;
  }

  /**
   * Presses a key the RFC 4733 way: one event, its packets every 20 ms sharing the start timestamp with a growing
   * duration (the first with the marker bit), then the end packet three times; audio frames pause meanwhile.
   */
  async sendDtmf(digit: string, durationMs = 160): Promise<void> {
    const event = '0123456789*#ABCD'.indexOf(digit.toUpperCase());
    if (event < 0) throw new Error(`rtp-endpoint: no DTMF event for "${digit}"`);
    const wasSending = this.silence !== null;
    this.stopSilence();
    const start = this.ts;
    const payload = (end: boolean, samples: number) => {
      const p = Buffer.alloc(4);
      p[0] = event;
      p[1] = (end ? 0x80 : 0) | 10; // volume -10 dBm0
      p.writeUInt16BE(samples, 2);
      return p;
    };
    const steps = Math.max(1, Math.round(durationMs / 20));
    for (let i = 1; i <= steps; i++) {
      this.ts = start;
      this.send(PT_EVENT, payload(false, i * FRAME_SAMPLES), i === 1);
      await new Promise((r) => setTimeout(r, 20));
    }
    for (let i = 0; i < 3; i++) this.send(PT_EVENT, payload(true, steps * FRAME_SAMPLES));
    this.ts = (start + steps * FRAME_SAMPLES) >>> 0;
    if (wasSending) this.startSilence();
  }

  /** The G.711 audio packets received since `since` (performance.now()), each decoded to 8 kHz PCM. */
  private audioPackets(since: number): { at: number; pcm: Int16Array }[] {
    return this.received
      .filter((p) => p.at >= since && (p.pt === PT_PCMU || p.pt === PT_PCMA))
      .map((p) => ({ at: p.at, pcm: Int16Array.from(p.payload, p.pt === PT_PCMU ? ulawToLinear : alawToLinear) }));
  }

  /**
   * Audible audio received since `since`: each packet (20 ms) whose RMS is above `thresholdDbfs` counts. Timed by
   * arrival, not by concatenation, so another stream interleaved (the other side's silence) does not stretch it.
   */
  audio(since = 0, thresholdDbfs = -45): AudioMeasure {
    const loud = this.audioPackets(since).filter((p) => rmsDbfs(p.pcm) > thresholdDbfs);
    const audibleMs = loud.reduce((ms, p) => ms + p.pcm.length / 8, 0);
    const spanMs = loud.length ? loud[loud.length - 1].at - loud[0].at + loud[loud.length - 1].pcm.length / 8 : 0;
    return { audibleMs: Math.round(audibleMs), spanMs: Math.round(spanMs) };
  }

  close(): void {
    this.stopSilence();
    this.socket.close();
  }
}
