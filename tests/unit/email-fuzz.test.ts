// Hostile e-mail through the path the channel uses (ParsePool: normalizeEmail in a worker with a deadline).
// 5,000 generated messages: huge and pathological address headers, encoded words, deep and broken MIME, odd
// charsets and transfer encodings, zero bytes, binary, megabyte lines. Each must come back within its deadline as
// an envelope, read or unreadable. Seeded: FUZZ_SEED=<n> replays a run; a failure names the message's index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEnvelope } from '../../src/envelope.ts';
import { normalizeEmail, type NormalizeOptions, type NormalizedEmail } from '../../channels/email/normalize.ts';
import { ParsePool } from '../../channels/email/parse-pool.ts';
import { ourMessageIdPattern, outboundMessageId } from '../../channels/email/smtp.ts';
import { seededRandom } from '../../src/random.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 1_412_2026);
const COUNT = 5000;
/** Per message, in the worker. Everything generated here must parse well within it. */
const DEADLINE_MS = 5000;
/** Between the pool's answer and the caller: message passing, and the main thread's share. */
const SLACK_MS = 1000;
const OWN = 'vic@court.test';
const opts: NormalizeOptions = {
  account: OWN,
  attachmentsMaxBytes: 8 << 20,
  receivedAt: 1_700_000_000_000,
  ourMessageId: ourMessageIdPattern('f1f2f3', OWN),
};

/** Seeded (src/random.ts), so a failure can be replayed. */
function prng(seed: number) {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  return {
    int,
    pick: <T>(xs: readonly T[]): T => xs[int(xs.length)],
    chance: (p: number) => next() < p,
    /** Log-uniform size in [1, max]: mostly small, sometimes near max. */
    size: (max: number) => Math.max(1, Math.floor(Math.exp(next() * Math.log(max)))),
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))),
  };
}
type Rnd = ReturnType<typeof prng>;

const ADDRESS_FIELDS = ['From', 'To', 'Cc', 'Reply-To', 'Sender', 'Return-Path', 'Message-ID', 'In-Reply-To', 'References'] as const;
const PIECES = [
  'A',
  'a',
  '@',
  '<',
  '>',
  '"',
  '(',
  ')',
  '\\',
  ',',
  ';',
  ':',
  ' ',
  '\t',
  '.',
  '=?',
  '?=',
  '?',
  '=',
  'a@',
  '<a@',
  '@b>',
  '"a" <',
  'a@b.kz, ',
  '=?utf-8?q?x?= ',
  '=?utf-8?b?0JY=?=',
  '=?x-unknown?b?!!?=',
  '=?utf-8?q?vic?=@court.test',
  '=?utf-7?q?+BBY-?=',
  '(((',
  ')))',
  '<>',
  '\u0000',
  '\u00ff',
  'ж',
  '\r\n ',
  '\r\n\t',
  'g: ',
  '<vic-out-1.',
  'x'.repeat(50),
] as const;
const CHARSETS = [
  'utf-8',
  'UTF-8',
  'utf-16',
  'utf-16le',
  'utf-7',
  'iso-2022-jp',
  'gb18030',
  'shift_jis',
  'koi8-r',
  'windows-1251',
  'iso-8859-1',
  'x-unknown',
  '',
  '"',
  'utf-8*',
  'binary',
  'ucs-4',
  'x-mac-cyrillic',
] as const;
const ENCODINGS = ['7bit', '8bit', 'binary', 'base64', 'quoted-printable', 'x-uuencode', 'unknown', 'BASE64 ', ''] as const;
const TYPES = [
  'text/plain',
  'text/html',
  'application/octet-stream',
  'image/png',
  'message/rfc822',
  'message/delivery-status',
  'text/rfc822-headers',
  'message/global',
  'text/enriched',
  'x/y',
  '',
  ';;;',
  'multipart/mixed',
] as const;

/** A pathological string: runs and mixes of the pieces above, up to `max` characters. */
function junk(r: Rnd, max: number): string {
  const len = r.size(max);
  if (r.chance(0.4))
    return r
      .pick(PIECES)
      .repeat(Math.ceil(len / 2))
      .slice(0, len);
  let s = '';
  while (s.length < len) s += r.chance(0.5) ? r.pick(PIECES).repeat(1 + r.int(40)) : r.pick(PIECES);
  return s.slice(0, len);
}

function encodedWord(r: Rnd): string {
  const text = r.chance(0.5) ? r.bytes(r.int(30)).toString('base64') : junk(r, 40).replace(/\?/g, '');
  return `=?${r.pick(CHARSETS)}${r.chance(0.1) ? '*ru' : ''}?${r.pick(['b', 'B', 'q', 'Q', 'x'])}?${text}?=`;
}

/** MIME parts one message may still get: nesting is random, its size is not. */
interface Budget {
  parts: number;
}

function body(r: Rnd, depth: number, budget: Budget): string {
  if (budget.parts > 0 && r.chance(depth === 0 ? 0.45 : 0.3)) {
    const boundary = r.chance(0.1) ? junk(r, 70).replace(/[\r\n]/g, '') : `b${depth}_${r.int(1e6)}`;
    const count = Math.min(budget.parts, r.chance(0.05) ? 50 + r.int(250) : 1 + r.int(4));
    budget.parts -= count;
    const parts = Array.from({ length: count }, () => `--${boundary}\r\n${part(r, depth + 1, budget)}`);
    const end = r.chance(0.2) ? '' : `--${boundary}--\r\n`; // sometimes unterminated
    return `Content-Type: multipart/${r.pick(['mixed', 'alternative', 'related', 'report; report-type=delivery-status', 'digest'])}; boundary="${boundary}"\r\n\r\n${r.chance(0.2) ? junk(r, 200) : ''}\r\n${parts.join('\r\n')}\r\n${end}`;
  }
  return part(r, depth, budget);
}

/** multipart inside multipart, `levels` deep, sometimes never closed. */
function deep(r: Rnd, levels: number): string {
  let s = '';
  for (let k = 0; k < levels; k++) s += `Content-Type: multipart/mixed; boundary="d${k}"\r\n\r\n--d${k}\r\n`;
  s += 'Content-Type: text/plain\r\n\r\nглубоко\r\n';
  if (r.chance(0.5)) for (let k = levels - 1; k >= 0; k--) s += `--d${k}--\r\n`;
  return s;
}

function part(r: Rnd, depth: number, budget: Budget): string {
  if (depth > 0 && r.chance(0.25)) return body(r, depth, budget);
  const type = r.pick(TYPES);
  const params = r.chance(0.1)
    ? Array.from({ length: 1 + r.int(400) }, (_, i) => `; filename*${i}*=utf-8''${encodeURIComponent(junk(r, 20))}`).join('')
    : r.chance(0.1)
      ? `; ${junk(r, 2000)}`
      : `; charset=${r.pick(CHARSETS)}${r.chance(0.2) ? '; format=flowed; delsp=yes' : ''}`;
  const head = `Content-Type: ${type}${params}\r\nContent-Transfer-Encoding: ${r.pick(ENCODINGS)}\r\n${r.chance(0.2) ? `Content-Disposition: attachment; filename="${encodedWord(r)}"\r\n` : ''}`;
  return `${head}\r\n${content(r, type)}\r\n`;
}

function content(r: Rnd, type: string): string {
  switch (r.int(8)) {
    case 0:
      return r.bytes(r.size(4000)).toString('latin1'); // binary, zero bytes included
    case 1:
      return r
        .bytes(r.size(6000))
        .toString('base64')
        .replace(/(.{76})/g, r.chance(0.5) ? '$1\r\n' : '$1!');
    case 2:
      return `${'=3D'.repeat(r.size(3000))}=\r\n=ZZ=\r\n${'='.repeat(r.size(500))}`;
    case 3:
      return type === 'text/html' || r.chance(0.3)
        ? `${'<div><b>'.repeat(r.size(3000))}${junk(r, 300)}${'<a href="x">y</a>'.repeat(r.size(2000))}`
        : junk(r, 8000);
    case 4:
      return `Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; ${junk(r, 200)}\r\nAction: ${r.pick(['failed', 'delayed', junk(r, 100)])}\r\nStatus: 5.1.1\r\nDiagnostic-Code: ${junk(r, 4000)}\r\n${'\r\n \r\n'.repeat(r.size(2000))}`;
    case 5:
      return `Message-ID: ${r.chance(0.5) ? outboundMessageId(`vic-out-${r.int(99)}`, 'f1f2f3', OWN) : junk(r, 3000)}\r\nFrom: ${junk(r, 3000)}\r\n\r\n${junk(r, 2000)}`;
    case 6:
      return Array.from({ length: r.size(300) }, () => `> ${junk(r, 100).replace(/[\r\n]/g, '')} ${r.chance(0.5) ? ' ' : ''}`).join('\r\n');
    default:
      return `Здравствуйте! ${encodedWord(r)} ${junk(r, 500)}`;
  }
}

/** One hostile message; every 625th is a big one (megabytes). */
function hostile(r: Rnd, i: number): Buffer {
  if (i % 625 === 624) return big(r, i);
  const headers: string[] = [];
  for (const name of ADDRESS_FIELDS) {
    if (!r.chance(0.45)) continue;
    const value = r.chance(0.12)
      ? Array.from({ length: 1 + r.int(60) }, () => encodedWord(r)).join(r.pick([' ', '', '\r\n ', '@']))
      : junk(r, r.chance(0.1) ? 60_000 : 2000);
    headers.push(`${r.chance(0.1) ? name.toUpperCase() : name}:${r.chance(0.9) ? ' ' : ''}${value}`);
  }
  if (r.chance(0.3)) headers.push(`Subject: ${Array.from({ length: r.size(200) }, () => encodedWord(r)).join(' ')}`);
  if (r.chance(0.1)) headers.push(`Received: ${junk(r, 5000)}`, `X-Loop: ${junk(r, 500)}`, `Auto-Submitted: ${junk(r, 100)}`);
  if (r.chance(0.05)) headers.push(...Array.from({ length: r.size(3000) }, (_, k) => `X-H${k}: ${junk(r, 40).replace(/[\r\n]/g, '')}`));
  if (r.chance(0.03)) headers.push(r.bytes(r.size(3000)).toString('latin1')); // a header of binary garbage
  // Mostly a few parts; sometimes hundreds, or a chain nested hundreds deep.
  const b = r.chance(0.02) ? deep(r, 50 + r.int(400)) : body(r, 0, { parts: r.chance(0.1) ? 400 : 12 });
  const sep = r.pick(['\r\n', '\n', '\r\n', '\r\n', '\r']);
  const text = `${headers.join(sep)}${sep}MIME-Version: 1.0${sep}${b}`;
  return r.chance(0.5) ? Buffer.from(text, 'utf8') : Buffer.from(text, 'latin1');
}

function big(r: Rnd, i: number): Buffer {
  const mb = 1 << 20;
  switch (Math.floor(i / 625) % 8) {
    case 0:
      return Buffer.from(`From: ${'A'.repeat(2 * mb)} <big@mail.kz>\r\nSubject: s\r\n\r\nx\r\n`);
    case 1:
      return Buffer.from(`From: a@b.kz\r\nContent-Type: text/plain\r\n\r\n${'ж'.repeat(1.5 * mb)}\r\n`); // a 3 MB line
    case 2:
      return Buffer.from(
        `From: a@b.kz\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${r.bytes(2 * mb).toString('base64')}\r\n--b`,
      );
    case 3:
      return Buffer.concat([Buffer.from('From: a@b.kz\r\n\r\n'), r.bytes(3 * mb)]);
    case 4:
      return Buffer.from(`${'Reply-To: A\r\n'.repeat(200_000)}\r\nx`);
    case 5:
      return Buffer.from(
        `From: a@b.kz\r\nReferences: ${'<a@b> '.repeat(10_000)}\r\nIn-Reply-To: ${'<'.repeat(60_000)}\r\nContent-Type: text/html\r\n\r\n${'<p>x</p>\r\n'.repeat(100_000)}`,
      );
    case 6:
      return r.bytes(2 * mb);
    default:
      return Buffer.from(`From: a@b.kz\r\nContent-Type: text/plain; charset=utf-7\r\n\r\n${'+BBY-'.repeat(400_000)}\r\n`);
  }
}

function expectEnvelope(n: NormalizedEmail, i: number) {
  const env: InboundEnvelope = n.envelope;
  expect(env.channel, `message ${i}`).toBe('email');
  expect(env.externalId.length, `message ${i}`).toBeGreaterThan(2);
  expect(env.externalId.length, `message ${i}`).toBeLessThanOrEqual(520);
  expect(typeof env.sender.address, `message ${i}`).toBe('string');
  expect(env.sender.address.length, `message ${i}`).toBeLessThanOrEqual(320);
  expect(typeof env.text, `message ${i}`).toBe('string');
  expect(n.fingerprint, `message ${i}`).toMatch(/^[0-9a-f]{64}$/);
  for (const a of env.attachments ?? []) if (a.content) expect(Buffer.isBuffer(a.content), `message ${i}`).toBe(true);
  if (n.automated?.includes('the limit for one message') || n.automated?.startsWith('the message could not be read')) {
    expect(env.attachments?.[0]?.filename, `message ${i}`).toBe('message.eml');
  }
}

describe('e-mail parsing of hostile input (through the worker pool)', () => {
  let pool: ParsePool;
  beforeAll(async () => {
    pool = new ParsePool({ deadlineMs: DEADLINE_MS, threads: 2 });
    // Both workers started before anything is timed.
    await Promise.all([1, 2].map(() => pool.normalize(Buffer.from('From: a@b.kz\r\n\r\nx'), opts)));
  });
  afterAll(() => pool?.destroy());

  it(`reads ${COUNT} generated hostile messages, each within its deadline, each into an envelope (seed ${SEED})`, async () => {
    const r = prng(SEED);
    const times = new Array<number>(COUNT);
    const outcomes = new Map<string, number>();
    let next = 0;
    // Two at a time: one per worker, so no message waits in the queue and its time is its own.
    const lane = async () => {
      while (next < COUNT) {
        const i = next++;
        const raw = hostile(r, i);
        const t = performance.now();
        const n = await pool.normalize(raw, opts);
        times[i] = performance.now() - t;
        expectEnvelope(n, i);
        expect(times[i], `message ${i} (FUZZ_SEED=${SEED})`).toBeLessThan(DEADLINE_MS + SLACK_MS);
        const kind = n.automated?.replace(/[\d.]+ (KB|MB|bytes|s)\b/g, 'N $1').replace(/:[\s\S]*$/, '') ?? 'read';
        outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
      }
    };
    await Promise.all([lane(), lane()]);
    const worst = Math.max(...times);
    console.info(
      `[email-fuzz] ${COUNT} messages (seed ${SEED}): worst ${worst.toFixed(0)} ms (message ${times.indexOf(worst)}), ` +
        `median ${[...times].sort((a, b) => a - b)[COUNT >> 1].toFixed(1)} ms; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`,
    );
    // Everything generated is within the caps' reach: none needed the deadline to stop it.
    expect([...outcomes.keys()].filter((k) => k.includes('the limit for one message'))).toEqual([]);
  }, 180_000);

  it('stops a message that stalls the parser at the deadline: unreadable with the reason and the raw message, and the next one is read', async () => {
    const short = new ParsePool({ deadlineMs: 1000, threads: 2 });
    try {
      await short.normalize(Buffer.from('From: a@b.kz\r\n\r\nx'), opts);
      // Four HTML tables just under the 1 MB turned into text: html-to-text takes seconds for each.
      const html = `--b\r\nContent-Type: text/html\r\n\r\n<table>${'<tr><td>x</td><td>y</td></tr>'.repeat(34_000)}</table>\r\n`;
      const stall = Buffer.from(
        `From: Стопор <stall@mail.kz>\r\nMessage-ID: <stall@mail.kz>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n${html.repeat(4)}--b--\r\n`,
      );
      const t = performance.now();
      const n = await short.normalize(stall, opts);
      const ms = performance.now() - t;
      expect(n.automated).toBe('reading the message took longer than 1 s, the limit for one message');
      expect(n.envelope).toMatchObject({ externalId: '<stall@mail.kz>', sender: { address: 'stall@mail.kz' }, noAutoReply: true });
      expect(n.envelope.text).toMatch(
        /^\[reading the message took longer than 1 s, the limit for one message; the original message is attached\]/,
      );
      expect(n.envelope.attachments![0].content!.equals(stall)).toBe(true);
      expect(ms).toBeLessThan(1000 + SLACK_MS);
      // The worker was terminated; the spare reads the next message at once.
      const t2 = performance.now();
      const ok = await short.normalize(Buffer.from('From: Ержан <e@mail.kz>\r\nMessage-ID: <next@mail.kz>\r\n\r\nвопрос'), opts);
      expect(ok).toMatchObject({ automated: null, envelope: { externalId: '<next@mail.kz>', text: 'вопрос' } });
      expect(performance.now() - t2).toBeLessThan(1000);
    } finally {
      await short.destroy();
    }
  }, 60_000);

  it('gives the same envelope as normalizeEmail itself, attachments moved back as Buffers', async () => {
    const pdf = Buffer.alloc(300_000, 7);
    const raw = Buffer.from(
      [
        'From: =?utf-8?B?0JXRgNC20LDQvQ==?= <e@mail.kz>',
        'Message-ID: <same@mail.kz>',
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'см. вложение',
        '--b',
        'Content-Type: application/pdf; name=a.pdf',
        'Content-Transfer-Encoding: base64',
        '',
        pdf.toString('base64'),
        '--b',
        'Content-Type: text/plain; name=s.txt',
        'Content-Disposition: attachment',
        '',
        'small',
        '--b--',
        '',
      ].join('\r\n'),
    );
    const direct = await normalizeEmail(raw, opts);
    const pooled = await pool.normalize(raw, opts);
    expect(pooled).toEqual(direct);
    expect(pooled.envelope.attachments![0].content!.equals(pdf)).toBe(true);
  });
});
