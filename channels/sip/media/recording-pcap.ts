// rtpengine's call recording (recording-method=pcap) → one WAV the console can play: the pcap holds the RTP
// packets rtpengine received from each side; here they are decoded (G.711 µ-law / A-law), placed on one time line
// by capture time and RTP timestamp, and both directions mixed into 8 kHz mono 16-bit PCM.
//
// The file comes from outside VIC's process (another daemon's spool folder), so it is parsed as hostile: one pass
// over the bytes, every length checked against what is left, a cap on the input and on the output's length, and
// anything else than IPv4/IPv6 + UDP + RTP with G.711 skipped. A file that is not a pcap of a known link type, or a
// record header claiming more than a packet can hold, is a RecordingError; a record cut off at the end (rtpengine
// stopped mid-write) ends the audio there.

export class RecordingError extends Error {
  constructor(reason: string) {
    super(`recording: ${reason}`);
    this.name = 'RecordingError';
  }
}

export const RATE = 8000;
/** The largest pcap taken: about four hours of a two-way call (≈ 1.3 MB per minute). */
export const MAX_PCAP_BYTES = 320 * 1024 * 1024;
/** The longest recording made, whatever the timestamps say: the mixing buffer is allocated for it. */
export const MAX_RECORDING_MS = 4 * 3600_000;
/** A packet larger than this in a record header is not one (rtpengine's snap length is 65535). */
const MAX_RECORD = 65_535 + 64;
/** RTP and capture time drifting apart by more than this: the stream restarted (hold, a new SDP); re-anchor it. */
const RESYNC_SAMPLES = RATE;
/** A call has two directions, a few more after re-INVITEs; thousands of SSRCs are not a call. */
const MAX_STREAMS = 64;

// pcap link types: 101 LINKTYPE_RAW (rtpengine's recording-format=raw), 228 LINKTYPE_IPV4, 229 LINKTYPE_IPV6,
// 1 Ethernet (recording-format=eth).
const LINK_RAW = 101;
const LINK_IPV4 = 228;
const LINK_IPV6 = 229;
const LINK_ETHERNET = 1;

export interface PcapAudio {
  /** 8 kHz mono 16-bit PCM. */
  samples: Int16Array;
  durationMs: number;
  /** RTP streams found (one per direction, more after a restart). */
  streams: number;
  /** G.711 packets placed. */
  packets: number;
  /** The last record was cut off. */
  truncated: boolean;
}

export interface PcapOptions {
  /** Output longer than this is cut (default and upper bound MAX_RECORDING_MS). */
  maxMs?: number;
}

const ULAW = new Int16Array(256);
const ALAW = new Int16Array(256);
for (let b = 0; b < 256; b++) {
  const u = ~b & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  ULAW[b] = u & 0x80 ? 0x84 - t : t - 0x84;
  const a = b ^ 0x55;
  const e = (a & 0x70) >> 4;
  let m = (a & 0x0f) << 4;
  m = e === 0 ? m + 8 : (m + 0x108) << (e - 1);
  ALAW[b] = a & 0x80 ? m : -m;
}

interface Stream {
  /** Output sample where this stream's anchor packet starts. */
  base: number;
  /** RTP timestamp of the anchor packet, and the extended (unwrapped) timestamp of the last packet. */
  anchorTs: number;
  lastTs: number;
  lastRaw: number;
  /** Output sample up to which this stream has written (duplicates are not mixed in twice). */
  end: number;
}

interface Packet {
  key: string;
  pt: number;
  ts: number;
  payload: Uint8Array;
}

/** Decodes the pcap (see the file's head) into mixed PCM; throws RecordingError for a file that is not one. */
export function pcapToPcm(buf: Uint8Array, opts: PcapOptions = {}): PcapAudio {
  const run = decode(buf, opts);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
  }
}

/** As pcapToPcm, giving the event loop a turn after each slice of the file: an hour's call blocks nothing long. */
export async function pcapToPcmAsync(buf: Uint8Array, opts: PcapOptions = {}): Promise<PcapAudio> {
  const run = decode(buf, opts);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Bytes of pcap decoded between two turns of the event loop (a few ms of work). */
const SLICE_BYTES = 1 << 20;

function* decode(buf: Uint8Array, opts: PcapOptions): Generator<void, PcapAudio> {
  if (buf.length > MAX_PCAP_BYTES) throw new RecordingError(`the pcap is larger than ${MAX_PCAP_BYTES} bytes`);
  if (buf.length < 24) throw new RecordingError('not a pcap file (too short)');
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = v.getUint32(0, true);
  let le: boolean;
  let nano: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) [le, nano] = [true, magic === 0xa1b23c4d];
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) [le, nano] = [false, magic === 0x4d3cb2a1];
  else throw new RecordingError('not a pcap file (bad magic number)');
  const link = v.getUint32(20, le) & 0xffff;
  if (link !== LINK_RAW && link !== LINK_IPV4 && link !== LINK_IPV6 && link !== LINK_ETHERNET)
    throw new RecordingError(`unsupported pcap link type ${link}`);

  const maxSamples = Math.floor((Math.min(opts.maxMs ?? MAX_RECORDING_MS, MAX_RECORDING_MS) * RATE) / 1000);
  const mix = { out: new Int16Array(0) };
  const streams = new Map<string, Stream>();
  let firstUs = -1;
  let endSample = 0;
  let packets = 0;
  let truncated = false;

  for (let off = 24, turn = SLICE_BYTES; off < buf.length;) {
    if (off > turn) {
      yield;
      turn = off + SLICE_BYTES;
    }
    if (off + 16 > buf.length) {
      truncated = true;
      break;
    }
    const sec = v.getUint32(off, le);
    const frac = v.getUint32(off + 4, le);
    const incl = v.getUint32(off + 8, le);
    if (incl > MAX_RECORD) throw new RecordingError(`record at byte ${off} claims ${incl} bytes`);
    if (off + 16 + incl > buf.length) {
      truncated = true;
      break;
    }
    const atUs = sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac);
    const p = rtpOf(buf, v, off + 16, incl, link);
    off += 16 + incl;
    if (!p) continue;
    if (firstUs < 0) firstUs = atUs;
    const rel = atUs - firstUs;
    if (rel < 0 || rel > maxSamples * (1e6 / RATE)) continue; // before the first packet, or past the cap
    const end = place(mix, streams, p, rel, maxSamples);
    if (end > 0) {
      packets++;
      if (end > endSample) endSample = end;
    }
  }
  const samples = mix.out.slice(0, endSample);
  return { samples, durationMs: Math.round((endSample * 1000) / RATE), streams: streams.size, packets, truncated };
}

/** The RTP packet with G.711 audio in one record, or null (anything else: RTCP, DTMF events, ARP, fragments…). */
function rtpOf(buf: Uint8Array, v: DataView, at: number, len: number, link: number): Packet | null {
  let o = at;
  const end = at + len;
  if (link === LINK_ETHERNET) {
    if (len < 14) return null;
    let type = v.getUint16(o + 12);
    o += 14;
    if (type === 0x8100 && o + 4 <= end) [type, o] = [v.getUint16(o + 2), o + 4]; // one VLAN tag
    if (type !== 0x0800 && type !== 0x86dd) return null;
  }
  if (o >= end) return null;
  const version = buf[o] >> 4;
  let src: string;
  let dst: string;
  let udp: number;
  let ipEnd: number;
  if (version === 4) {
    const ihl = (buf[o] & 0x0f) * 4;
    if (ihl < 20 || o + ihl > end) return null;
    const total = v.getUint16(o + 2);
    const frag = v.getUint16(o + 6);
    if (buf[o + 9] !== 17 || (frag & 0x3fff) !== 0 || total < ihl) return null; // UDP, not a fragment
    ipEnd = Math.min(end, o + total);
    src = `${v.getUint32(o + 12)}`;
    dst = `${v.getUint32(o + 16)}`;
    udp = o + ihl;
  } else if (version === 6) {
    if (o + 40 > end || buf[o + 6] !== 17) return null; // UDP right after the fixed header only
    ipEnd = Math.min(end, o + 40 + v.getUint16(o + 4));
    src = Buffer.from(buf.subarray(o + 8, o + 24)).toString('hex');
    dst = Buffer.from(buf.subarray(o + 24, o + 40)).toString('hex');
    udp = o + 40;
  } else return null;
  if (udp + 8 > ipEnd) return null;
  const udpEnd = Math.min(ipEnd, udp + v.getUint16(udp + 4));
  let r = udp + 8;
  if (r + 12 > udpEnd || buf[r] >> 6 !== 2) return null;
  const pt = buf[r + 1] & 0x7f;
  if (pt !== 0 && pt !== 8) return null;
  const cc = buf[r] & 0x0f;
  const hasExt = (buf[r] & 0x10) !== 0;
  const padded = (buf[r] & 0x20) !== 0;
  const ts = v.getUint32(r + 4);
  const ssrc = v.getUint32(r + 8);
  r += 12 + 4 * cc;
  if (hasExt) {
    if (r + 4 > udpEnd) return null;
    r += 4 + 4 * v.getUint16(r + 2);
  }
  let payloadEnd = udpEnd;
  if (padded && payloadEnd > r) payloadEnd -= buf[payloadEnd - 1];
  if (r >= payloadEnd) return null;
  const key = `${src}:${v.getUint16(udp)}>${dst}:${v.getUint16(udp + 2)}/${ssrc}`;
  return { key, pt, ts, payload: buf.subarray(r, payloadEnd) };
}

/** Mixes one packet into `mix.out` (grown by doubling: linear); returns the sample it ends at (0: nothing written). */
function place(mix: { out: Int16Array }, streams: Map<string, Stream>, p: Packet, atUs: number, max: number): number {
  const byTime = Math.round((atUs * RATE) / 1e6);
  let s = streams.get(p.key);
  let at: number;
  if (!s) {
    if (streams.size >= MAX_STREAMS) return 0;
    s = { base: byTime, anchorTs: p.ts, lastTs: p.ts, lastRaw: p.ts, end: 0 };
    streams.set(p.key, s);
    at = byTime;
  } else {
    // Unwrap the 32-bit timestamp by the signed difference to the previous packet.
    const delta = ((p.ts - s.lastRaw) << 0) | 0;
    const ext = s.lastTs + delta;
    at = s.base + (ext - s.anchorTs);
    if (Math.abs(at - byTime) > RESYNC_SAMPLES) [s.base, s.anchorTs, at] = [byTime, ext, byTime];
    s.lastTs = ext;
    s.lastRaw = p.ts;
  }
  const n = p.payload.length;
  if (at < 0 || at >= max || at + n <= s.end) return 0; // outside, or a duplicate of what this stream wrote
  const table = p.pt === 0 ? ULAW : ALAW;
  const stop = Math.min(max, at + n);
  if (stop > mix.out.length) {
    const grown = new Int16Array(Math.min(max, Math.max(stop, 2 * mix.out.length, 60 * RATE)));
    grown.set(mix.out);
    mix.out = grown;
  }
  const out = mix.out;
  for (let i = at, j = 0; i < stop; i++, j++) {
    const mixed = out[i] + table[p.payload[j]];
    out[i] = mixed > 32767 ? 32767 : mixed < -32768 ? -32768 : mixed;
  }
  if (stop > s.end) s.end = stop;
  return stop;
}

/** 8 kHz mono 16-bit PCM as a WAV file. */
export function wavOf(samples: Int16Array): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}
