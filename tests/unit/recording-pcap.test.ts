// rtpengine's pcap → the WAV on the ticket (channels/sip/media/recording-pcap.ts): both directions on one time
// line at the right length, and hostile files (cut off, lying length fields, another link type, megabytes of
// garbage) refused or read in linear time, never a hang or a giant allocation.
import { describe, expect, it } from 'vitest';
import { MAX_RECORDING_MS, pcapToPcm, pcapToPcmAsync, RecordingError, wavOf } from '../../channels/sip/media/recording-pcap.ts';
import { linearToAlaw, linearToUlaw } from '../support/rtp-endpoint.ts';

interface Pkt {
  atUs: number;
  sport: number;
  dport: number;
  ssrc: number;
  ts: number;
  pt?: number;
  payload: Buffer;
}

function record(atUs: number, data: Buffer, inclOverride?: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(Math.floor(atUs / 1e6), 0);
  h.writeUInt32LE(atUs % 1e6, 4);
  h.writeUInt32LE(inclOverride ?? data.length, 8);
  h.writeUInt32LE(data.length, 12);
  return Buffer.concat([h, data]);
}

function ipUdpRtp(p: Pkt): Buffer {
  const rtp = Buffer.alloc(12);
  rtp[0] = 0x80;
  rtp[1] = p.pt ?? 0;
  rtp.writeUInt32BE(p.ts >>> 0, 4);
  rtp.writeUInt32BE(p.ssrc, 8);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(p.sport, 0);
  udp.writeUInt16BE(p.dport, 2);
  udp.writeUInt16BE(8 + 12 + p.payload.length, 4);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + 12 + p.payload.length, 2);
  ip[8] = 64;
  ip[9] = 17;
  ip.writeUInt32BE(0x7f000001, 12);
  ip.writeUInt32BE(0x7f000001, 16);
  return Buffer.concat([ip, udp, rtp, p.payload]);
}

function pcap(records: Buffer[], link = 101): Buffer {
  const g = Buffer.alloc(24);
  g.writeUInt32LE(0xa1b2c3d4, 0);
  g.writeUInt16LE(2, 4);
  g.writeUInt16LE(4, 6);
  g.writeUInt32LE(65535, 16);
  g.writeUInt32LE(link, 20);
  return Buffer.concat([g, ...records]);
}

/** One direction of a call: 20 ms packets of a tone (µ-law or A-law) for `ms`, from `startUs`. */
function stream(o: {
  ms: number;
  startUs?: number;
  sport: number;
  ssrc: number;
  ts0?: number;
  pt?: 0 | 8;
  hz?: number;
  amp?: number;
}): Pkt[] {
  const enc = o.pt === 8 ? linearToAlaw : linearToUlaw;
  const payload = Buffer.alloc(160);
  for (let i = 0; i < 160; i++) payload[i] = enc(Math.round((o.amp ?? 8000) * Math.sin((2 * Math.PI * (o.hz ?? 400) * i) / 8000)));
  return Array.from({ length: o.ms / 20 }, (_, k) => ({
    atUs: (o.startUs ?? 1_800_000_000_000_000) + k * 20_000,
    sport: o.sport,
    dport: 30000,
    ssrc: o.ssrc,
    ts: ((o.ts0 ?? 1000) + k * 160) >>> 0,
    pt: o.pt ?? 0,
    payload,
  }));
}

const file = (pkts: Pkt[]) => pcap(pkts.sort((a, b) => a.atUs - b.atUs).map((p) => record(p.atUs, ipUdpRtp(p))));
const rms = (s: Int16Array, from = 0, to = s.length) => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += s[i] * s[i];
  return Math.sqrt(sum / Math.max(1, to - from));
};

describe('pcap → WAV', () => {
  it('mixes both directions on one time line: length of the call, both voices audible', () => {
    const t0 = 1_800_000_000_000_000;
    const caller = stream({ ms: 3000, startUs: t0, sport: 40000, ssrc: 1, pt: 0, hz: 400 });
    const operator = stream({ ms: 2000, startUs: t0 + 1_000_000, sport: 40002, ssrc: 2, pt: 8, hz: 1000, ts0: 4_000_000_000 });
    const a = pcapToPcm(file([...caller, ...operator]));
    expect(a).toMatchObject({ durationMs: 3000, streams: 2, packets: 250, truncated: false });
    // First second: the caller alone; then both (louder).
    expect(rms(a.samples, 0, 8000)).toBeGreaterThan(4000);
    expect(rms(a.samples, 8000 * 1.5, 8000 * 2.5)).toBeGreaterThan(rms(a.samples, 0, 8000) * 1.2);
    const wav = wavOf(a.samples);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(40)).toBe(3 * 8000 * 2);
  });

  it('an RTP timestamp wrapping past 2^32 continues; a gap stays silence; a duplicate is not mixed twice', () => {
    const pkts = stream({ ms: 2000, sport: 40000, ssrc: 7, ts0: 0xffffffff - 160 * 10 });
    const gap = pkts.filter((_, k) => k < 40 || k >= 60); // 0.8–1.2 s missing
    gap.push({ ...gap[5] }); // sent twice
    const a = pcapToPcm(file(gap));
    expect(a.durationMs).toBe(2000);
    expect(a.streams).toBe(1);
    expect(rms(a.samples, 8000 * 0.85, 8000 * 1.15)).toBe(0);
    const once = rms(a.samples, 8000 * 0.1, 8000 * 0.2);
    expect(once).toBeGreaterThan(4000);
    expect(once).toBeLessThan(7000); // 8000 peak sine ≈ 5657 RMS: not doubled
  });

  it('a stream whose RTP clock jumps (a new SDP after hold) is placed by capture time', () => {
    const t0 = 1_800_000_000_000_000;
    const before = stream({ ms: 1000, startUs: t0, sport: 40000, ssrc: 3, ts0: 5000 });
    const after = stream({ ms: 1000, startUs: t0 + 1_000_000, sport: 40000, ssrc: 3, ts0: 900_000_000 });
    const a = pcapToPcm(file([...before, ...after]));
    expect(a.durationMs).toBe(2000);
    expect(rms(a.samples, 8000 * 1.1, 8000 * 1.9)).toBeGreaterThan(4000);
  });

  it('non-audio (RTCP, DTMF events, comfort noise, IP fragments, ARP-sized junk) is skipped', () => {
    const audio = stream({ ms: 200, sport: 40000, ssrc: 1 });
    const dtmf = ipUdpRtp({ ...audio[0], pt: 101, payload: Buffer.from([1, 10, 0, 160]) });
    const frag = ipUdpRtp(audio[1]);
    frag.writeUInt16BE(0x2000, 6); // more fragments
    const rtcp = ipUdpRtp(audio[2]);
    rtcp[20 + 8] = 0x80;
    rtcp[20 + 8 + 1] = 200; // sender report
    const recs = [
      ...audio.map((p) => record(p.atUs, ipUdpRtp(p))),
      record(audio[0].atUs, dtmf),
      record(audio[1].atUs, frag),
      record(0, rtcp),
    ];
    recs.push(record(audio[3].atUs, Buffer.from([1, 2, 3])));
    const a = pcapToPcm(pcap(recs));
    expect(a.packets).toBe(10);
  });

  it('refuses what is not a readable pcap, cleanly', () => {
    const fails = (b: Buffer, why: RegExp) => expect(() => pcapToPcm(b)).toThrow(why);
    fails(Buffer.alloc(10), /too short/);
    fails(Buffer.alloc(100, 0x41), /bad magic/);
    fails(pcap([], 113), /link type 113/); // Linux cooked capture
    const good = stream({ ms: 100, sport: 40000, ssrc: 1 });
    fails(pcap([record(good[0].atUs, ipUdpRtp(good[0]), 0x7fffffff)]), /claims 2147483647 bytes/);
    try {
      pcapToPcm(Buffer.alloc(100));
    } catch (err) {
      expect(err).toBeInstanceOf(RecordingError);
    }
  });

  it('a record cut off at the end: the audio up to it, marked truncated', () => {
    const b = file(stream({ ms: 1000, sport: 40000, ssrc: 1 }));
    const a = pcapToPcm(b.subarray(0, b.length - 50));
    expect(a.truncated).toBe(true);
    expect(a.durationMs).toBe(980);
  });

  it('lying timestamps cannot inflate the output beyond the cap', () => {
    const [p] = stream({ ms: 20, sport: 40000, ssrc: 1 });
    const far = { ...p, atUs: p.atUs + 10 * 3600e6, ts: p.ts + 100 };
    const a = pcapToPcm(file([p, far]), { maxMs: 5000 });
    expect(a.samples.length).toBeLessThanOrEqual(5000 * 8);
    expect(a.durationMs).toBe(20);
    // Without a call length: the absolute cap (10 h is past it: that packet is dropped, nothing allocated for it).
    expect(10 * 3600e3).toBeGreaterThan(MAX_RECORDING_MS);
    const b = pcapToPcm(file([p, far]));
    expect(b.durationMs).toBe(20);
  });

  it('garbage runs in linear time: 10 MB of random records and 10 MB of random bytes, bounded blocking', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const junk = (bytes: number) => {
      const recs: Buffer[] = [];
      let n = 0;
      while (n < bytes) {
        const body = Buffer.alloc(1 + ((rnd() * 6) % 1500));
        for (let i = 0; i < body.length; i++) body[i] = rnd();
        body[0] = (body[0] & 0x0f) | (n % 3 === 0 ? 0x40 : 0x60); // IPv4 / IPv6 headers of random content
        recs.push(record(1_800_000_000_000_000 + n, body));
        n += body.length + 16;
      }
      return pcap(recs);
    };
    const time = (b: Buffer) => {
      const t = performance.now();
      try {
        pcapToPcm(b);
      } catch (err) {
        expect(err).toBeInstanceOf(RecordingError);
      }
      return performance.now() - t;
    };
    const small = junk(1 << 20);
    const big = junk(10 << 20);
    time(small); // warm-up
    const tSmall = time(small);
    const tBig = time(big);
    console.info(`pcap garbage: 1 MB ${tSmall.toFixed(1)} ms, 10 MB ${tBig.toFixed(1)} ms`);
    expect(tBig).toBeLessThan(2000);
    expect(tBig).toBeLessThan(Math.max(50, tSmall) * 30); // linear, with room for noise
    const random = Buffer.alloc(10 << 20);
    for (let i = 0; i < random.length; i += 4096) random[i] = rnd();
    random.writeUInt32LE(0xa1b2c3d4, 0);
    random.writeUInt32LE(101, 20);
    expect(time(random)).toBeLessThan(2000);
  });

  it('a real-sized call (10 minutes, both ways) converts quickly, giving the event loop turns', async () => {
    const t0 = 1_800_000_000_000_000;
    const b = file([
      ...stream({ ms: 600_000, startUs: t0, sport: 40000, ssrc: 1 }),
      ...stream({ ms: 600_000, startUs: t0, sport: 40002, ssrc: 2, pt: 8 }),
    ]);
    let longest = 0;
    let last = performance.now();
    let ticking = true;
    const tick = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const t = performance.now();
    const a = await pcapToPcmAsync(b);
    const ms = performance.now() - t;
    ticking = false;
    console.info(`pcap of 10 min (${(b.length / 1048576).toFixed(1)} MB): ${ms.toFixed(0)} ms, longest block ${longest.toFixed(0)} ms`);
    expect(a.durationMs).toBe(600_000);
    expect(ms).toBeLessThan(5000);
    expect(longest).toBeLessThan(250);
  });
});
