// The loop guard recognises the centre's own address however a sender writes it (issue 14, item 9), while the
// sender shown on the ticket stays what was written.
import { describe, expect, it } from 'vitest';
import { automatedReason, comparableAddress } from '../../channels/email/guard.ts';
import { normalizeEmail, type NormalizeOptions } from '../../channels/email/normalize.ts';
import { ourMessageIdPattern } from '../../channels/email/smtp.ts';

const OWN = 'vic@court.test';
const opts: NormalizeOptions = {
  account: OWN,
  attachmentsMaxBytes: 1 << 20,
  receivedAt: 1_700_000_000_000,
  ourMessageId: ourMessageIdPattern('a1b2c3', OWN),
};
const mail = (from: string, extra: string[] = []) =>
  Buffer.from([`From: ${from}`, `To: ${OWN}`, 'Subject: loop?', 'Message-ID: <loop@court.test>', ...extra, '', 'text', ''].join('\r\n'));

describe('loop guard: our own address', () => {
  // As written, and the sender shown for it (null: whatever mailparser makes of it): never decoded, so an encoded
  // word cannot pose as another address.
  const ours: [string, string | null][] = [
    ['=?utf-8?q?vic?=@court.test', '=?utf-8?q?vic?=@court.test'],
    ['=?UTF-8?Q?VIC?=@Court.Test', '=?UTF-8?Q?VIC?=@Court.Test'],
    ['=?utf-8?b?dmlj?=@court.test', '=?utf-8?b?dmlj?=@court.test'],
    ['"ВИЦ" <=?utf-8?q?vic?=@court.test>', '=?utf-8?q?vic?=@court.test'],
    ['vic@=?utf-8?q?court?=.test', 'vic@=?utf-8?q?court?=.test'],
    ['=?utf-8?q?v?= =?utf-8?q?ic?=@court.test', null],
    ['=?utf-8?q?vic=40court=2Etest?=', 'unknown-sender@invalid'],
    ['< VIC @ COURT.TEST >', 'VIC @ COURT.TEST'],
    ['vic @ court.test', 'vic @ court.test'],
    ['"vic"@court.test', '"vic"@court.test'],
    ['vic(the centre)@court.test', 'vic(the centre)@court.test'],
    ['ВИЦ <vic@court.test.>', 'vic@court.test.'],
  ];
  for (const [from, shown] of ours) {
    it(`is recognised written as ${from}, and gets no automatic answer`, async () => {
      const n = await normalizeEmail(mail(from), opts);
      expect(n.automated).toBe('our own address');
      expect(n.envelope.noAutoReply).toBe(true);
      if (shown) expect(n.envelope.sender.address).toBe(shown);
    });
  }

  it('reads X-Loop written with encoded words, and robots written with encoded words', async () => {
    expect((await normalizeEmail(mail('citizen@mail.kz', ['X-Loop: =?utf-8?q?VIC?=@court.test']), opts)).automated).toBe('X-Loop names us');
    expect((await normalizeEmail(mail('=?utf-8?q?MAILER-DAEMON?=@mx.kz'), opts)).automated).toBe('robot sender mailer-daemon');
  });

  it('compares normalized addresses, and is not fooled by our address in a display name or a comment', async () => {
    expect(comparableAddress('=?utf-8?q?VIC?=@Court.Test')).toBe(OWN);
    expect(comparableAddress(' <vic@court.test> ')).toBe(OWN);
    expect(comparableAddress('"ВИЦ судов" <vic@court.test>')).toBe(OWN);
    expect(comparableAddress('"vic@court.test" <citizen@mail.kz>')).toBe('citizen@mail.kz');
    expect(automatedReason([{ key: 'from', line: 'From: =?utf-8?q?vic?=@court.test' }], '=?utf-8?q?vic?=@court.test', OWN)).toBe(
      'our own address',
    );
    for (const from of [
      '"vic@court.test" <citizen@mail.kz>',
      '=?utf-8?q?vic=40court=2Etest?= <citizen@mail.kz>',
      'citizen(vic@court.test)@mail.kz',
      'vic@court.test.kz',
      'xvic@court.test',
    ]) {
      expect((await normalizeEmail(mail(from), opts)).automated, from).toBeNull();
    }
    const boss = await normalizeEmail(mail('=?utf-8?Q?boss?=@sud.kz'), opts);
    expect(boss.envelope.sender.address).toBe('=?utf-8?Q?boss?=@sud.kz');
    // A hostile From costs the guard no more than reading it: 60 KB of encoded words and brackets.
    const hostile = `${'=?utf-8?q?a?= ('.repeat(4000)}<${'<'.repeat(2000)}`;
    const t = performance.now();
    expect(automatedReason([{ key: 'from', line: `From: ${hostile}` }], hostile, OWN)).toBeNull();
    expect(comparableAddress(hostile)).not.toBe(OWN);
    expect(performance.now() - t).toBeLessThan(1000);
  });
});
