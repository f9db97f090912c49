// What rtpengine and the caller's phone send VIC, at its worst: the DTMF JSON datagrams (DtmfReceiver; one datagram
// is at most 64 KiB), the caller's SDP (offerProblem, before anything goes to rtpengine) and the SIP INFO key body
// (infoDigit, the fallback). Each must be refused cleanly (no throw, no event), and the time it blocks the event loop
// must grow linearly with the input: measured per byte across sizes, with generous bounds and no absolute timings
// beyond "not seconds". A super-linear case is stopped at its first slow call, so it fails here instead of hanging.
import dgram from 'node:dgram';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { infoDigit } from '../../channels/sip/calls.ts';
import { offerProblem } from '../../channels/sip/media/bridge.ts';
import { DtmfReceiver, type DtmfEvent } from '../../channels/sip/media/rtpengine.ts';

/** The largest UDP payload over IPv4: no DTMF datagram can be bigger. */
const MAX_DATAGRAM = 65_507;
/** One call longer than this is not linear work on these sizes (a linear one takes a few ms at most). */
const ABORT_MS = 1000;
/** How much more a byte may cost at the largest size than at the smallest: linear is ~1, quadratic is the size ratio. */
const PER_BYTE_SLACK = 8;

/**
 * The time one call of fn takes: averaged over enough calls to be measurable (≥ 2 ms), the best of 5 such rounds, so
 * a garbage collection or another process landing in one round does not count.
 */
function msPerCall(fn: () => void): number {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    let n = 0;
    let elapsed: number;
    do {
      fn();
      n++;
      elapsed = performance.now() - start;
    } while (elapsed < 2);
    best = Math.min(best, elapsed / n);
  }
  return best;
}

interface Scaling {
  rows: { bytes: number; ms: number }[];
  /** The first size whose single call took longer than ABORT_MS (the larger ones were not tried). */
  tooSlow: { bytes: number; ms: number } | null;
}

/** fn's blocking time at each size (doubling), stopping at the first call slower than ABORT_MS. */
function scaling<I>(make: (bytes: number) => I, fn: (input: I) => unknown, sizes: number[]): Scaling {
  const rows: Scaling['rows'] = [];
  for (const bytes of sizes) {
    const input = make(bytes);
    const t0 = performance.now();
    fn(input);
    const first = performance.now() - t0;
    if (first > ABORT_MS) return { rows, tooSlow: { bytes, ms: Math.round(first) } };
    rows.push({ bytes, ms: msPerCall(() => fn(input)) });
  }
  return { rows, tooSlow: null };
}

/** Linear: never a call of seconds, and a byte at any size costs at most PER_BYTE_SLACK× one at the smallest. */
function expectLinear(what: string, s: Scaling) {
  expect({ what, tooSlow: s.tooSlow }).toEqual({ what, tooSlow: null });
  const perByte = s.rows.map((r) => r.ms / r.bytes);
  const report = s.rows.map((r) => `${r.bytes} B: ${r.ms.toFixed(3)} ms`).join(', ');
  expect(Math.max(...perByte), `${what}: ${report}`).toBeLessThanOrEqual(perByte[0] * PER_BYTE_SLACK);
}

const doubling = (from: number, to: number) => {
  const out: number[] = [];
  for (let n = from; n <= to; n *= 2) out.push(n);
  return out;
};

// ---- DTMF datagrams (rtpengine's dtmf-log-dest)

const valid = (callid = 'call-1', event = 1) =>
  JSON.stringify({
    callid,
    source_tag: 'caller-tag',
    tags: ['caller-tag', 'vic'],
    type: 'DTMF',
    timestamp: 1,
    source_ip: '127.0.0.1',
    event,
    duration: 160,
    volume: 10,
  });

/** The receiver's own 'message' handler, called directly so its blocking time is measured exactly. */
async function receiverHandler() {
  const receiver = new DtmfReceiver();
  const events: DtmfEvent[] = [];
  receiver.on('dtmf', (e) => events.push(e));
  await receiver.listen('127.0.0.1', 0, '127.0.0.1');
  const socket = (receiver as unknown as { socket: dgram.Socket }).socket;
  const handler = socket.listeners('message')[0] as (msg: Buffer, rinfo: dgram.RemoteInfo) => void;
  const rinfo: dgram.RemoteInfo = { address: '127.0.0.1', family: 'IPv4', port: 40_000, size: 0 };
  return { receiver, events, handle: (msg: Buffer) => handler(msg, { ...rinfo, size: msg.length }) };
}

/** Hostile datagrams of (at most) `bytes` bytes: none is a key press. */
const HOSTILE_DATAGRAMS: [string, (bytes: number) => Buffer][] = [
  ['deeply nested arrays', (n) => Buffer.from('['.repeat(n / 2) + ']'.repeat(n / 2))],
  ['unterminated nesting', (n) => Buffer.from('['.repeat(n))],
  ['deeply nested objects', (n) => Buffer.from('{"a":'.repeat(n / 6) + '1' + '}'.repeat(n / 6))],
  ['one long number', (n) => Buffer.from(`{"callid":"c","source_tag":"t","type":"DTMF","duration":1,"event":${'9'.repeat(n - 64)}}`)],
  ['many keys', (n) => Buffer.from(`{${Array.from({ length: n / 12 }, (_, i) => `"k${i}":0`).join(',')}}`)],
  ['a long string of escapes', (n) => Buffer.from(`{"callid":"${'\\u00e9'.repeat(n / 6 - 10)}"}`)],
  ['invalid UTF-8', (n) => Buffer.alloc(n, 0xc3)],
  ['random bytes', (n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919 + 13) % 256))],
];

describe('DTMF datagrams from rtpengine, hostile', () => {
  it('refuses huge, nested and garbage JSON in time linear in its size, without a key or a throw', async () => {
    const { receiver, events, handle } = await receiverHandler();
    try {
      for (const [what, make] of HOSTILE_DATAGRAMS) {
        for (const bytes of [1024, MAX_DATAGRAM]) expect(() => handle(make(bytes)), what).not.toThrow();
        expectLinear(
          `datagram: ${what}`,
          scaling(
            make,
            handle,
            doubling(1024, 65_536).map((n) => Math.min(n, MAX_DATAGRAM)),
          ),
        );
      }
      // A report is a few hundred bytes: one padded to the datagram's limit is dropped unread, like the garbage.
      handle(Buffer.from(' '.repeat(MAX_DATAGRAM - 400) + valid()));
      expect(events).toEqual([]);
      handle(Buffer.from(valid()));
      expect(events).toEqual([{ callId: 'call-1', tag: 'caller-tag', digit: '1', durationMs: 160 }]);
    } finally {
      receiver.close();
    }
  });

  it('refuses every wrong type and shape, and nothing reaches Object.prototype', async () => {
    const { receiver, events, handle } = await receiverHandler();
    try {
      const base = JSON.parse(valid()) as Record<string, unknown>;
      const wrong: unknown[] = [
        { ...base, event: '1' },
        { ...base, event: 16 },
        { ...base, event: -1 },
        { ...base, event: 1.5 },
        { ...base, event: null },
        { ...base, duration: -5 },
        { ...base, duration: '160' },
        { ...base, callid: 5 },
        { ...base, callid: ['a'] },
        { ...base, source_tag: null },
        { ...base, type: 'dtmf' },
        { ...base, type: 'DTMF ' },
        { callid: 'c', source_tag: 't', type: 'DTMF', duration: 1 },
        [base],
        null,
        'DTMF',
        1,
        true,
      ];
      for (const w of wrong) handle(Buffer.from(JSON.stringify(w)));
      for (const raw of ['', '{', '}', 'nul', '{"callid":"c",}', '1e999999', `{"__proto__":{"type":"DTMF","polluted":1}}`])
        handle(Buffer.from(raw));
      // An own "__proto__" key is data, not the prototype: the shape is refused and no object gains a field.
      handle(Buffer.from(`{"__proto__":{"type":"DTMF"},"callid":"c","source_tag":"t","event":1,"duration":100}`));
      expect(events).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).type).toBeUndefined();
      // Every digit rtpengine can report maps to its key.
      for (let event = 0; event <= 15; event++) handle(Buffer.from(valid('c', event)));
      expect(events.map((e) => e.digit).join('')).toBe('0123456789*#ABCD');
    } finally {
      receiver.close();
    }
  });

  it('stays responsive under a flood of hostile datagrams, drops a stranger’s key, and still hears rtpengine’s', async () => {
    const receiver = new DtmfReceiver();
    const events: DtmfEvent[] = [];
    receiver.on('dtmf', (e) => events.push(e));
    const { port } = await receiver.listen('127.0.0.1', 0, '127.0.0.1');
    const rtpengine = dgram.createSocket('udp4');
    const stranger = dgram.createSocket('udp4');
    await new Promise<void>((r) => rtpengine.bind(0, '127.0.0.1', r));
    await new Promise<void>((r) => stranger.bind(0, '127.0.0.2', r));
    const send = (from: dgram.Socket, msg: Buffer | string) =>
      new Promise<void>((resolve) => from.send(msg, port, '127.0.0.1', () => resolve()));
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    try {
      const big = HOSTILE_DATAGRAMS.map(([, make]) => make(MAX_DATAGRAM));
      const flood: Promise<void>[] = [];
      for (let i = 0; i < 1500; i++) flood.push(send(rtpengine, i % 3 === 0 ? big[i % big.length] : `{"callid":${i},"event":"x"}`));
      // A well-formed key from another address than rtpengine's: nobody else may press keys for a caller.
      flood.push(send(stranger, valid('stranger')));
      await Promise.all(flood);
      // The kernel may drop datagrams of a flood: the real key is sent again until it is heard.
      await expect
        .poll(
          async () => {
            await send(rtpengine, valid('after-flood', 5));
            return events.length > 0;
          },
          { timeout: 5000, interval: 50 },
        )
        .toBe(true);
      expect(new Set(events.map((e) => `${e.callId}:${e.digit}`))).toEqual(new Set(['after-flood:5']));
      // The loop never stood still for long while it chewed through the flood (generous: a loaded CI machine).
      expect(lag.max / 1e6).toBeLessThan(1000);
    } finally {
      lag.disable();
      rtpengine.close();
      stranger.close();
      receiver.close();
    }
  });
});

// ---- The caller's SDP (offerProblem) and the SIP INFO key (infoDigit)

const HEAD = 'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n';
const GOOD = `${HEAD}m=audio 4000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n`;

/** Hostile SDPs of about `bytes` bytes, each one a malformed offer. */
const HOSTILE_SDPS: [string, (bytes: number) => string][] = [
  ['spaces after the payload types, then a stray character', (n) => `${HEAD}m=audio 4000 RTP/AVP 0${' '.repeat(n)}x\r\n`],
  ['payload types and spaces, then a stray character', (n) => `${HEAD}m=audio 4000 RTP/AVP ${'0 '.repeat(n / 2)}x\r\n`],
  ['spaces and tabs after the payload types', (n) => `${HEAD}m=audio 4000 RTP/AVP 0${' \t'.repeat(n / 2)}x\r\n`],
  ['blank lines after the payload types', (n) => `${HEAD}m=audio 4000 RTP/AVP 0 x${'\r\n '.repeat(n / 3)}`],
  ['a port of digits', (n) => `${HEAD}m=audio 1${'9'.repeat(n)}x RTP/AVP 0\r\n`],
  ['many broken audio lines', (n) => `${HEAD}${'m=audio 4000 RTP/AVP 0 x\r\n'.repeat(n / 26)}`],
  ['a long rtpmap number', (n) => `${HEAD}m=audio 4000 RTP/AVP 96\r\na=rtpmap:${'9'.repeat(n)}x\r\n`],
  ['a long connection address', (n) => `v=0\r\nc=IN IP4 ${'a'.repeat(n)}\r\nm=audio 4000 RTP/AVP${' 0'.repeat(n / 2)}?\r\n`],
  ['only whitespace', (n) => ' \r\n\t'.repeat(n / 4)],
  ['only line starts', (n) => '\n'.repeat(n)],
];

describe('the caller’s SDP, hostile', () => {
  it('still takes a normal offer and refuses a missing or G.711-less one', () => {
    expect(offerProblem(GOOD)).toBeNull();
    expect(offerProblem('')).toMatch(/^malformed SDP/);
    expect(offerProblem(`${HEAD}m=audio 4000 RTP/AVP 18\r\n`)).toMatch(/^unsupported codec/);
  });

  it('refuses pathological whitespace and digits up to 1 MB in time linear in the size', () => {
    for (const [what, make] of HOSTILE_SDPS) {
      const s = scaling(make, offerProblem, doubling(1024, 1024 * 1024));
      expectLinear(`SDP: ${what}`, s);
      expect(offerProblem(make(1024 * 1024)), what).toMatch(/^(malformed SDP|unsupported codec)/);
    }
  });

  it('refuses a 1 MB offer even when it is well-formed: no phone sends one', () => {
    const bloated = GOOD + `a=x-filler:${'a'.repeat(100)}\r\n`.repeat(10_000);
    expect(bloated.length).toBeGreaterThan(1_000_000);
    expect(offerProblem(bloated)).toMatch(/^malformed SDP/);
  });
});

describe('the SIP INFO key body, hostile', () => {
  it('reads the usual bodies, and refuses blank lines and whitespace up to 1 MB in linear time', () => {
    expect(infoDigit('Signal=1\r\nDuration=160\r\n')).toBe('1');
    expect(infoDigit('Duration=160\r\nSignal= #\r\n')).toBe('#');
    expect(infoDigit('5')).toBe('5');
    const hostile: [string, (n: number) => string][] = [
      ['blank lines', (n) => '\n'.repeat(n) + 'x'],
      ['CRLF lines', (n) => '\r\n'.repeat(n / 2) + 'x'],
      ['whitespace lines', (n) => ' \r\n\t'.repeat(n / 4) + 'Signal=x'],
      ['spaces around the key', (n) => `Signal=${' '.repeat(n)}1${' '.repeat(n)}x`],
    ];
    for (const [what, make] of hostile) {
      expectLinear(`INFO: ${what}`, scaling(make, infoDigit, doubling(1024, 1024 * 1024)));
      expect(infoDigit(make(1024 * 1024)), what).toBeNull();
    }
  });
});
