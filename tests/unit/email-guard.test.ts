// The loop guard recognises the centre's own address however a sender writes it (issue 14, item 9), while the
// sender shown on the ticket stays what was written.
import { describe, expect, it } from 'vitest';
import { automatedReason, comparableAddress } from '../../channels/email/guard.ts';
import { normalizeEmail, type NormalizeOptions } from '../../channels/email/normalize.ts';
import { ourMessageIdPattern } from '../../channels/email/smtp.ts';

const OWN = 'vic@court.test';
const opts: NormalizeOptions = { account: OWN, attachmentsMaxBytes: 1 << 20, receivedAt: 1_700_000_000_000, ourMessageId: ourMessageIdPattern('a1b2c3', OWN) };
const mail = (from: string, extra: string[] = []) =>
  Buffer.from([`From: ${from}`, `To: ${OWN}`, 'Subject: loop?', 'Message-ID: <loop@court.test>', ...extra, '', 'text', ''].join('\r\n'));

describe('loop guard: our own address', () => {
  const ours = [
    '=?utf-8?q?vic?=@court.test',
    '=?UTF-8?Q?VIC?=@Court.Test',
    '=?utf-8?b?dmlj?=@court.test',
    '"ВИЦ" <=?utf-8?q?vic?=@court.test>',
    'vic@=?utf-8?q?court?=.test',
    '=?utf-8?q?v?= =?utf-8?q?ic?=@court.test',
    '=?utf-8?q?vic=40court=2Etest?=',
    '< VIC@COURT.TEST >',
    'vic @ court.test',
    '"vic"@court.test',
    'vic(the centre)@court.test',
    'ВИЦ <vic@court.test.>',
  ];
  for (const from of ours) {
    it(`is recognised written as ${from}, and gets no automatic answer`, async () => {
      const n = await normalizeEmail(mail(from), opts);
      expect(n.automated).toBe('our own address');
      expect(n.envelope.noAutoReply).toBe(true);
    });
  }

  it('keeps the sender shown as written: an encoded word in an address cannot pose as another address', async () => {
    const n = await normalizeEmail(mail('=?utf-8?Q?boss?=@sud.kz'), opts);
    expect(n.envelope.sender.address).toBe('=?utf-8?Q?boss?=@sud.kz');
    expect(n.automated).toBeNull();
    const own = await normalizeEmail(mail('=?utf-8?q?vic?=@court.test'), opts);
    expect(own.envelope.sender.address).toBe('=?utf-8?q?vic?=@court.test');
  });

  it('is not fooled by our address in a display name or a comment', async () => {
    for (const from of ['"vic@court.test" <citizen@mail.kz>', '=?utf-8?q?vic=40court=2Etest?= <citizen@mail.kz>', 'citizen(vic@court.test)@mail.kz']) {
      const n = await normalizeEmail(mail(from), opts);
      expect(n.automated, from).toBeNull();
    }
    expect((await normalizeEmail(mail('vic@court.test.kz'), opts)).automated).toBeNull();
    expect((await normalizeEmail(mail('xvic@court.test'), opts)).automated).toBeNull();
  });

  it('reads X-Loop written with encoded words, and robots written with encoded words', async () => {
    expect((await normalizeEmail(mail('citizen@mail.kz', ['X-Loop: =?utf-8?q?VIC?=@court.test']), opts)).automated).toBe('X-Loop names us');
    expect((await normalizeEmail(mail('=?utf-8?q?MAILER-DAEMON?=@mx.kz'), opts)).automated).toBe('robot sender mailer-daemon');
  });

  it('compares normalized addresses', () => {
    expect(comparableAddress('=?utf-8?q?VIC?=@Court.Test')).toBe(OWN);
    expect(comparableAddress(' <vic@court.test> ')).toBe(OWN);
    expect(comparableAddress('"ВИЦ судов" <vic@court.test>')).toBe(OWN);
    expect(automatedReason([{ key: 'from', line: 'From: =?utf-8?q?vic?=@court.test' }], '=?utf-8?q?vic?=@court.test', OWN)).toBe('our own address');
  });

  it('stays fast on a hostile From: 60 KB of encoded words and brackets', () => {
    const from = `${'=?utf-8?q?a?= ('.repeat(4000)}<${'<'.repeat(2000)}`;
    const t = performance.now();
    expect(automatedReason([{ key: 'from', line: `From: ${from}` }], from, OWN)).toBeNull();
    expect(performance.now() - t).toBeLessThan(1000);
  });
});
