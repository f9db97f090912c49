import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/channels.ts';
import { emailMessageId, outboundFor, replySubject } from '../../src/outbound.ts';
import { classifySmtpError, composeMail, ourMessageIdPattern, outboundMessageId } from '../../channels/email/smtp.ts';
import { envelope, makeVic } from '../helpers.ts';

const cfg = { from: 'ВИЦ судов СКО <vic@sud.kz>', address: 'vic@sud.kz' };
const msg = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  messageId: 42,
  ticketRef: 'VIC-2026-00042',
  channel: 'email',
  account: 'vic@sud.kz',
  to: 'citizen@mail.kz',
  text: 'Ответ',
  subject: '[VIC-2026-00042] Re: Вопрос',
  inReplyTo: '<q2@mail.kz>',
  references: ['<q1@mail.kz>', '<q2@mail.kz>'],
  idempotencyKey: 'vic-out-42',
  ...over,
});

describe('outbound e-mail', () => {
  it('has a Message-ID of our own that stays the same on every retry and is recognised as ours', () => {
    const id = outboundMessageId('vic-out-42', 'a1b2c3', 'vic@sud.kz');
    expect(id).toBe('<vic-out-42.a1b2c3@sud.kz>');
    expect(outboundMessageId('vic-out-42', 'a1b2c3', 'vic@sud.kz')).toBe(id);
    expect(outboundMessageId('vic-out-42', 'ffffff', 'vic@sud.kz')).not.toBe(id);
    expect(ourMessageIdPattern('a1b2c3', 'vic@sud.kz').test(id)).toBe(true);
    expect(ourMessageIdPattern('a1b2c3', 'vic@sud.kz').test('<vic-out-42.a1b2c3@other.kz>')).toBe(false);
  });

  it('threads a reply and marks only automatic answers Auto-Submitted (RFC 3834)', () => {
    const reply = composeMail(msg(), cfg, '<id@sud.kz>');
    expect(reply).toMatchObject({
      from: cfg.from,
      to: 'citizen@mail.kz',
      subject: '[VIC-2026-00042] Re: Вопрос',
      text: 'Ответ',
      messageId: '<id@sud.kz>',
      inReplyTo: '<q2@mail.kz>',
      references: ['<q1@mail.kz>', '<q2@mail.kz>'],
      headers: { 'X-Loop': 'vic@sud.kz' },
    });
    expect(reply.headers).not.toHaveProperty('Auto-Submitted');
    const auto = composeMail(msg({ auto: 'off-hours', inReplyTo: undefined, references: undefined }), cfg, '<id@sud.kz>');
    expect(auto.headers).toEqual({ 'X-Loop': 'vic@sud.kz', 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' });
    expect(auto).not.toHaveProperty('inReplyTo');
  });

  it('tells permanent SMTP refusals (5xx) from temporary trouble', () => {
    expect(
      classifySmtpError(
        Object.assign(new Error("Can't send mail - all recipients were rejected"), {
          code: 'EENVELOPE',
          responseCode: 550,
          response: '550 5.1.1 <x@y>: User unknown',
        }),
      ),
    ).toEqual({ permanent: true, reason: '550 5.1.1 <x@y>: User unknown' });
    expect(
      classifySmtpError(Object.assign(new Error('x'), { code: 'EENVELOPE', responseCode: 452, response: '452 4.2.2 Mailbox full' })),
    ).toEqual({ permanent: false, reason: '452 4.2.2 Mailbox full' });
    expect(classifySmtpError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' }))).toEqual({
      permanent: false,
      reason: 'connect ECONNREFUSED 127.0.0.1:25',
    });
    // Our credentials are wrong: fixing the configuration helps, so the outbox keeps the message.
    expect(
      classifySmtpError(
        Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Authentication failed' }),
      ).permanent,
    ).toBe(false);
  });

  it('writes the reply subject as [ref] Re: the subject without our tag and the Re:/Fwd: chain', () => {
    expect(replySubject('VIC-2026-00042', 'Вопрос о заседании')).toBe('[VIC-2026-00042] Re: Вопрос о заседании');
    expect(replySubject('VIC-2026-00042', 'Re: [VIC-2026-00042] Re: Вопрос')).toBe('[VIC-2026-00042] Re: Вопрос');
    expect(replySubject('VIC-2026-00042', 'RE: Ответ: FW: Вопрос [VIC-2026-00042]')).toBe('[VIC-2026-00042] Re: Вопрос');
    expect(replySubject('VIC-2026-00042', 'Отвод судьи: прошу рассмотреть')).toBe('[VIC-2026-00042] Re: Отвод судьи: прошу рассмотреть');
    expect(replySubject('VIC-2026-00042', 'AW: Re[2]: Termin')).toBe('[VIC-2026-00042] Re: Termin');
    expect(replySubject('VIC-2026-00042', null)).toBe('[VIC-2026-00042] Re: VIC');
  });

  it('answers the Message-ID itself when the message it answers was stored as <id>#<fingerprint>', async () => {
    expect(emailMessageId('<a@b>#0123456789abcdef')).toBe('<a@b>');
    expect(emailMessageId('<a@b>')).toBe('<a@b>');
    const { vic } = await makeVic();
    const r = vic.ingest(
      envelope({
        channel: 'email',
        externalId: '<dup@mail.kz>#00aa11bb22cc33dd',
        sender: { kind: 'email', address: 'c@mail.kz' },
        thread: { messageId: '<dup@mail.kz>', references: ['<root@mail.kz>'], subject: 'Re: Вопрос' },
      }),
    );
    const out = outboundFor(vic.store, vic.store.getTicket(r.ticketId)!, 99, 'Ответ');
    expect(out).toMatchObject({
      to: 'c@mail.kz',
      inReplyTo: '<dup@mail.kz>',
      references: ['<root@mail.kz>', '<dup@mail.kz>'],
      subject: expect.stringMatching(/^\[VIC-\d{4}-\d{5}\] Re: Вопрос$/) as string,
    });
  });
});
