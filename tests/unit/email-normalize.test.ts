import { describe, expect, it } from 'vitest';
import { automatedReason, headerValues } from '../../channels/email/guard.ts';
import {
  fingerprint,
  messageIdList,
  normalizeEmail,
  normalizeMessageId,
  unreadable,
  type NormalizeOptions,
} from '../../channels/email/normalize.ts';
import { ourMessageIdPattern, outboundMessageId } from '../../channels/email/smtp.ts';

const OWN = 'vic@sud.kz';
const opts: NormalizeOptions = {
  account: OWN,
  court: 'sko-econ',
  attachmentsMaxBytes: 1000,
  receivedAt: 1_700_000_000_000,
  ourMessageId: ourMessageIdPattern('a1b2c3', OWN),
};
const raw = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');
const plain = (headers: string[], body = 'Здравствуйте!') =>
  raw([
    'From: =?utf-8?B?0JXRgNC20LDQvSDQodCw0L/QsNGA0L7Qsg==?= <Erzhan@Mail.kz>',
    `To: ${OWN}`,
    'Subject: =?utf-8?Q?=D0=92=D0=BE=D0=BF=D1=80=D0=BE=D1=81?=',
    ...headers,
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ]);

describe('normalizeEmail', () => {
  it('builds the envelope: sender and name (RFC 2047), subject, text, thread ids, court', async () => {
    const n = await normalizeEmail(
      plain(['Message-ID: <abc@mail.kz>', 'In-Reply-To: <p1@sud.kz> (your message of Monday)', 'References: <p0@x>\r\n <p1@sud.kz>']),
      opts,
    );
    expect(n.envelope).toMatchObject({
      channel: 'email',
      account: OWN,
      externalId: '<abc@mail.kz>',
      courtHint: 'sko-econ',
      receivedAt: opts.receivedAt,
      sender: { kind: 'email', address: 'Erzhan@Mail.kz', displayName: 'Ержан Сапаров' },
      text: 'Здравствуйте!',
      thread: { messageId: '<abc@mail.kz>', inReplyTo: '<p1@sud.kz>', references: ['<p0@x>', '<p1@sud.kz>'], subject: 'Вопрос' },
    });
    expect(n.envelope.noAutoReply).toBeUndefined();
    expect(n.messageId).toBe('<abc@mail.kz>');
    expect(n.automated).toBeNull();
  });

  it('normalizes Message-IDs written in the usual broken ways', () => {
    expect(normalizeMessageId(' <a@b> ')).toBe('<a@b>');
    expect(normalizeMessageId('a@b')).toBe('<a@b>');
    expect(normalizeMessageId('\r\n <folded@id>')).toBe('<folded@id>');
    expect(normalizeMessageId('')).toBeUndefined();
    expect(normalizeMessageId(`<${'x'.repeat(600)}@b>`)).toBeUndefined();
    expect(messageIdList('<a@b> <c@d>')).toEqual(['<a@b>', '<c@d>']);
    expect(messageIdList(['<a@b>', '<a@b>', 'c@d'])).toEqual(['<a@b>', '<c@d>']);
    expect(messageIdList(undefined)).toEqual([]);
  });

  it('gives a message without Message-ID a stable id from what the sender wrote, not from relay headers', async () => {
    const a = await normalizeEmail(
      raw([
        'Received: from a by b; Tue, 1 Dec 2026',
        'Return-Path: <x@y>',
        'X-Spam-Score: 1',
        'From: a@b.kz',
        'Subject: s',
        '',
        'text',
        '',
      ]),
      opts,
    );
    const b = await normalizeEmail(
      raw(['Received: from c by d; Wed, 2 Dec 2026', 'Received: from e by f', 'From: a@b.kz', 'Subject: s', '', 'text', '']),
      opts,
    );
    const lf = await normalizeEmail(Buffer.from('From: a@b.kz\nSubject: s\n\ntext\n'), opts);
    const other = await normalizeEmail(raw(['From: a@b.kz', 'Subject: s', '', 'other text', '']), opts);
    expect(a.messageId).toBeUndefined();
    expect(a.envelope.externalId).toMatch(/^<[0-9a-f]{40}@no-message-id\.vic>$/);
    expect(b.envelope.externalId).toBe(a.envelope.externalId);
    expect(lf.envelope.externalId).toBe(a.envelope.externalId);
    expect(other.envelope.externalId).not.toBe(a.envelope.externalId);
    expect(fingerprint(raw(['From: a@b.kz', 'Subject: s', 'Message-ID:', '', 'text']))).not.toBe(
      fingerprint(raw(['From: a@b.kz', 'Subject: s', '', 'text'])),
    );
  });

  it('writes text from HTML when a message has only an HTML part, and keeps the HTML', async () => {
    const n = await normalizeEmail(
      raw([
        'From: a@b.kz',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>Прошу <b>перенести</b> заседание</p><script>alert(1)</script>',
        '--b--',
        '',
      ]),
      opts,
    );
    expect(n.envelope.text).toContain('Прошу перенести заседание');
    expect(n.envelope.html).toContain('<b>перенести</b>');
  });

  it('keeps attachments while they fit the per-message limit and records the rest as dropped', async () => {
    const part = (name: string, size: number) => [
      '--b',
      `Content-Type: application/pdf; name="${name}"`,
      'Content-Disposition: attachment',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.alloc(size, 1).toString('base64'),
    ];
    const n = await normalizeEmail(
      raw([
        'From: a@b.kz',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'см. вложения',
        ...part('big.pdf', 1500),
        ...part('a.pdf', 600),
        ...part('b.pdf', 600),
        '--b--',
        '',
      ]),
      opts,
    );
    const [big, a, b] = n.envelope.attachments!;
    expect(big).toMatchObject({
      filename: 'big.pdf',
      content: null,
      size: 1500,
      droppedReason: expect.stringMatching(/^not accepted: .* over the .* limit for one message's attachments$/) as string,
    });
    expect(a).toMatchObject({ filename: 'a.pdf', contentType: 'application/pdf', size: 600 });
    expect(a.content).toHaveLength(600);
    expect(b).toMatchObject({ filename: 'b.pdf', content: null, droppedReason: expect.any(String) as string });
  });

  it('keeps an address with an encoded-word in it as written, so it cannot pose as another address', async () => {
    const n = await normalizeEmail(raw(['From: =?utf-8?Q?boss?=@sud.kz', 'Subject: s', '', 'x']), opts);
    expect(n.envelope.sender.address).toBe('=?utf-8?Q?boss?=@sud.kz');
  });

  it('takes the sender from Sender, Reply-To or Return-Path without From, else a placeholder', async () => {
    expect((await normalizeEmail(raw(['Reply-To: Citizen <c@mail.kz>', 'Subject: s', '', 'x']), opts)).envelope.sender.address).toBe(
      'c@mail.kz',
    );
    expect((await normalizeEmail(raw(['Return-Path: <r@mail.kz>', 'Subject: s', '', 'x']), opts)).envelope.sender.address).toBe(
      'r@mail.kz',
    );
    expect((await normalizeEmail(raw(['Subject: s', '', 'x']), opts)).envelope.sender.address).toBe('unknown-sender@invalid');
  });

  it('marks automated mail noAutoReply and says why', async () => {
    const n = await normalizeEmail(plain(['Message-ID: <v@mail.kz>', 'Auto-Submitted: auto-replied']), opts);
    expect(n.envelope.noAutoReply).toBe(true);
    expect(n.automated).toBe('Auto-Submitted: auto-replied');
  });

  it('links a delivery report to the reply that bounced and reads the reason', async () => {
    const ours = outboundMessageId('vic-out-42', 'a1b2c3', OWN);
    const dsn = (action: string, embedded: string[]) =>
      raw([
        'From: Mail Delivery System <MAILER-DAEMON@mx.kz>',
        'Subject: Undelivered Mail',
        'Message-ID: <dsn1@mx.kz>',
        'In-Reply-To: <something-else@x>',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
        '',
        '--r',
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered.',
        '--r',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.kz',
        '',
        'Final-Recipient: rfc822; c@mail.kz',
        `Action: ${action}`,
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 <c@mail.kz>: Recipient address rejected:',
        ' User unknown in virtual mailbox table',
        '',
        ...embedded,
        '--r--',
        '',
      ]);
    const n = await normalizeEmail(
      dsn('failed', ['--r', 'Content-Type: text/rfc822-headers', '', `Message-ID: ${ours}`, 'Subject: [VIC-2026-00001] Re: x', '']),
      opts,
    );
    expect(n.bounce).toEqual({
      originalMessageId: ours,
      action: 'failed',
      reason: '550 5.1.1 <c@mail.kz>: Recipient address rejected: User unknown in virtual mailbox table',
    });
    expect(n.envelope.thread).toMatchObject({ inReplyTo: ours, references: [ours] });
    expect(n.envelope.noAutoReply).toBe(true);
    const delayed = await normalizeEmail(dsn('delayed', []), opts);
    expect(delayed.bounce).toMatchObject({ action: 'delayed' });
    expect(delayed.bounce!.originalMessageId).toBeUndefined();
    expect(delayed.envelope.thread?.inReplyTo).toBe('<something-else@x>');
  });

  it('links an old-style bounce only through a Message-ID of ours in its text; read receipts are no bounces', async () => {
    const ours = outboundMessageId('vic-out-7', 'a1b2c3', OWN);
    const old = await normalizeEmail(
      raw([
        'From: MAILER-DAEMON@old.kz',
        'Subject: failure notice',
        '',
        'Sorry.',
        '--- Below this line is a copy of the message.',
        `Message-ID: ${ours}`,
        '',
      ]),
      opts,
    );
    expect(old.bounce).toMatchObject({ originalMessageId: ours, action: 'failed' });
    const foreign = await normalizeEmail(
      raw(['From: MAILER-DAEMON@old.kz', 'Subject: failure notice', '', 'Message-ID: <not-ours@elsewhere>', '']),
      opts,
    );
    expect(foreign.bounce).toBeNull();
    expect(foreign.envelope.noAutoReply).toBe(true);
    const receipt = await normalizeEmail(
      raw([
        'From: c@mail.kz',
        'Content-Type: multipart/report; report-type=disposition-notification; boundary="r"',
        '',
        '--r',
        'Content-Type: message/disposition-notification',
        '',
        'Disposition: manual-action/MDN-sent-manually; displayed',
        '--r--',
        '',
      ]),
      opts,
    );
    expect(receipt.bounce).toBeNull();
    expect(receipt.automated).toBe('delivery or read report');
  });

  it('wraps a message that cannot be stored as read: raw original attached, nothing lost', () => {
    const r = raw(['From: Someone <s@mail.kz>', 'Subject: Тема', 'Message-ID: <u1@mail.kz>', '', 'тело']);
    const u = unreadable(r, opts, 'boom');
    expect(u.envelope).toMatchObject({
      externalId: '<u1@mail.kz>',
      sender: { address: 's@mail.kz' },
      noAutoReply: true,
      thread: { subject: 'Тема' },
    });
    expect(u.envelope.text).toMatch(/^\[boom; the original message is attached\]/);
    expect(u.envelope.attachments![0]).toMatchObject({ filename: 'message.eml', contentType: 'message/rfc822', size: r.length });
    expect(unreadable(Buffer.alloc(2000, 65), opts, 'x').envelope.attachments![0]).toMatchObject({
      content: null,
      droppedReason: expect.any(String) as string,
    });
  });
});

describe('hostile headers (issue 14): linear time, size caps, nothing lost', () => {
  // Each case took seconds to hours before (quadratic regexes); the budget is far above what linear code needs.
  const BUDGET_MS = 2000;
  const timed = async <T>(f: () => T | Promise<T>) => {
    const t = performance.now();
    const v = await f();
    return { v, ms: performance.now() - t };
  };

  it('stores a message whose From has a 2 MB display name as unreadable, with the reason, the sender and the raw message', async () => {
    const r = raw([
      `From: ${'A'.repeat(2 * 1024 * 1024)} <citizen@mail.kz>`,
      'Subject: s',
      'Message-ID: <big-from@mail.kz>',
      '',
      'текст',
      '',
    ]);
    const { v: n, ms } = await timed(() => normalizeEmail(r, { ...opts, attachmentsMaxBytes: 4 << 20 }));
    expect(ms).toBeLessThan(BUDGET_MS);
    expect(n.automated).toBe('the From header is 2 MB, over the 64 KB limit for one header');
    expect(n.envelope).toMatchObject({
      externalId: '<big-from@mail.kz>',
      sender: { address: 'citizen@mail.kz' },
      noAutoReply: true,
      thread: { subject: 's' },
    });
    expect(n.envelope.text).toMatch(/^\[the From header is 2 MB, over the 64 KB limit for one header; the original message is attached\]/);
    expect(n.envelope.attachments![0]).toMatchObject({ filename: 'message.eml', contentType: 'message/rfc822', size: r.length });
    expect(n.envelope.attachments![0].content!.equals(r)).toBe(true);
  });

  it('reads Sender, Reply-To and Return-Path of 60 KB without an @ in linear time (no From)', async () => {
    const junk = 'A'.repeat(60_000);
    const r = raw([`Sender: ${junk}`, `Reply-To: <${junk}`, `Return-Path: ${'a@'.repeat(30_000)}`, 'Subject: s', '', 'x']);
    const { v: n, ms } = await timed(() => normalizeEmail(r, opts));
    expect(ms).toBeLessThan(BUDGET_MS);
    expect(n.automated).toBeNull();
    expect(n.envelope.sender.address).toBe(`${'a@'.repeat(160)}`);
  });

  it('refuses a 100 KB Reply-To without @ (and no From) at once: unreadable, with the reason', async () => {
    const r = raw([`Reply-To: ${'A'.repeat(100_000)}`, 'Subject: s', '', 'x']);
    const { v: n, ms } = await timed(() => normalizeEmail(r, opts));
    expect(ms).toBeLessThan(BUDGET_MS);
    expect(n.automated).toBe('the Reply-To header is 98 KB, over the 64 KB limit for one header');
    expect(n.envelope.sender.address).toBe('unknown-sender@invalid');
  });

  it('wraps an unreadable message in linear time whatever its From, Message-ID and Subject', () => {
    const r = raw([
      `From: ${'A'.repeat(150_000)}`,
      `Message-ID: ${'<'.repeat(50_000)}`,
      `Subject: ${'=?utf-8?q?a?='.repeat(5000)}`,
      '',
      'x',
    ]);
    const t = performance.now();
    const u = unreadable(r, opts, 'boom');
    expect(performance.now() - t).toBeLessThan(BUDGET_MS);
    expect(u.envelope.sender.address).toBe('unknown-sender@invalid');
    expect(u.envelope.externalId).toMatch(/@no-message-id\.vic>$/);
  });

  it('refuses a header block over 256 KB or over 10,000 lines, naming the limit', async () => {
    const many = (n: number, line: string) => Array.from({ length: n }, () => line);
    expect((await normalizeEmail(raw(['From: a@b.kz', ...many(5000, `X-Pad: ${'p'.repeat(60)}`), '', 'x']), opts)).automated).toMatch(
      /^the header is 3\d\d KB, over the 256 KB limit$/,
    );
    expect((await normalizeEmail(raw(['From: a@b.kz', ...many(12_000, 'X: y'), '', 'x']), opts)).automated).toBe(
      'the header has more than 10000 lines',
    );
  });

  it('keeps a message whose HTML is too long to turn into text: the HTML is kept and the text says why', async () => {
    const html = '<p>x</p>'.repeat(300_000);
    const n = await normalizeEmail(raw(['From: a@b.kz', 'Content-Type: text/html; charset=utf-8', '', html]), opts);
    expect(n.envelope.html).toHaveLength(html.length);
    expect(n.envelope.text).toMatch(
      /^\[the HTML of this message could not be turned into text \(HTML too long for parsing \d+ bytes\); it is kept as HTML\]$/,
    );
  });
});

describe('loop and noise guard', () => {
  const lines = (...hs: string[]) => hs.map((line) => ({ key: line.slice(0, line.indexOf(':')).toLowerCase(), line }));
  const why = (hs: string[], from = 'citizen@mail.kz') => automatedReason(lines(...hs), from, OWN);

  it('lets mail a person wrote through', () => {
    expect(why([])).toBeNull();
    expect(why(['Auto-Submitted: no'])).toBeNull();
    expect(why(['Precedence: first-class'])).toBeNull();
    expect(why(['X-Loop: other@robot.kz'])).toBeNull();
    expect(why([], 'replyer@mail.kz')).toBeNull();
  });

  it('recognises robots, lists, reports, loops and ourselves', () => {
    expect(why(['Auto-Submitted: auto-generated; owner-email="x@y"'])).toBe('Auto-Submitted: auto-generated');
    expect(why(['Precedence: bulk'])).toBe('Precedence: bulk');
    expect(why(['Precedence: junk'])).toBe('Precedence: junk');
    expect(why(['Precedence: list'])).toBe('Precedence: list');
    expect(why(['X-Loop: VIC@sud.kz'])).toBe('X-Loop names us');
    expect(why(['List-Id: <news.egov.kz>'])).toBe('mailing list');
    expect(why(['List-Unsubscribe: <mailto:u@x>'])).toBe('mailing list');
    expect(why(['X-Auto-Response-Suppress: All'])).toBe('X-Auto-Response-Suppress');
    expect(why(['X-Autoreply: yes'])).toBe('x-autoreply');
    expect(why(['Content-Type: multipart/report; report-type=delivery-status'])).toBe('delivery or read report');
    expect(why(['Return-Path: < >'])).toBe('empty Return-Path (bounce)');
    expect(why(['X-Spam-Flag: YES'])).toBe('marked as spam');
    expect(why(['X-Spam-Status: Yes, score=9.4 required=5.0'])).toBe('marked as spam');
    expect(why(['X-Spam-Flag: NO', 'X-Spam-Status: No, score=0.1'])).toBeNull();
    expect(why([], 'VIC@sud.kz')).toBe('our own address');
    for (const robot of [
      'MAILER-DAEMON@mx.kz',
      'postmaster@mx.kz',
      'noreply@egov.kz',
      'no-reply@x.kz',
      'do_not_reply@x.kz',
      'bounces+123@list.kz',
    ]) {
      expect(why([], robot)).toMatch(/^robot sender /);
    }
  });

  it('reads folded header values', () => {
    expect(headerValues(lines('Precedence:\r\n bulk'), 'Precedence')).toEqual(['bulk']);
  });
});
