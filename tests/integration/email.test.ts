// The e-mail channel against a real Dovecot (IMAP APPEND / LMTP in) and a real SMTP server (out), through a real Vic.
import fs from 'node:fs';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { ChannelAdapter } from '../../src/channels.ts';
import type { Vic } from '../../src/app.ts';
import type { VicEvent } from '../../src/events.ts';
import { createEmailChannel, type EmailConfig } from '../../channels/email/index.ts';
import { Dovecot, SmtpSink, dovecotMissing, emailChannelConfig, useMailServers } from '../support/dovecot.ts';
import { SATURDAY_NIGHT, WORKING, makeVic, until } from '../helpers.ts';

const MAILBOX = 'vic@court.test';

function emailConfig(d: Dovecot, smtp: SmtpSink, over: Partial<EmailConfig> = {}): EmailConfig {
  return { ...emailChannelConfig(d, { user: MAILBOX, smtpPort: smtp.port }), ...over };
}

let n = 0;
function mail(o: { from?: string; subject?: string; body?: string; id?: string; headers?: string[]; charset?: string } = {}) {
  const id = o.id ?? `<m${++n}.${Date.now()}@citizen.kz>`;
  const raw = [
    `From: ${o.from ?? 'Ержан Сапаров <erzhan@citizen.kz>'}`,
    `To: ${MAILBOX}`,
    `Subject: ${o.subject ?? 'Вопрос о заседании'}`,
    `Message-ID: ${id}`,
    'Date: Tue, 01 Dec 2026 10:00:00 +0500',
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${o.charset ?? 'utf-8'}`,
    'Content-Transfer-Encoding: 8bit',
    ...(o.headers ?? []),
    '',
    o.body ?? 'Здравствуйте! Когда будет заседание по делу 2-123/2026?',
    '',
  ].join('\r\n');
  return { id, raw: Buffer.from(raw, 'utf8') };
}

const count = (vic: Vic, sql: string, ...args: unknown[]) => (vic.store.db.prepare(sql).get(...args) as { c: number }).c;
const inbound = (vic: Vic) => count(vic, `SELECT count(*) AS c FROM messages WHERE channel = 'email' AND direction = 'in'`);

describe.skipIf(dovecotMissing)('e-mail channel (Dovecot + SMTP)', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  useMailServers([MAILBOX], (d, s) => ((dovecot = d), (smtp = s)));

  /** A Vic with the channel running on a fresh mailbox folder. */
  async function rig(at = WORKING, imap: Partial<EmailConfig['imap']> = {}) {
    const mailbox = `T${++n}`;
    const c = await dovecot.imap();
    await c.mailboxCreate(mailbox);
    await c.logout();
    const { vic, clock } = await makeVic({}, at);
    const events: (VicEvent & { at: number })[] = [];
    vic.events.on((e) => events.push({ ...e, at: Date.now() }));
    const cfg = emailConfig(dovecot, smtp);
    const channel = createEmailChannel({ ...cfg, imap: { ...cfg.imap, mailbox, ...imap } });
    await vic.addChannel(channel);
    vic.outbox.start();
    const append = (raw: Buffer | Buffer[]) => dovecot.append(Array.isArray(raw) ? raw : [raw], { mailbox });
    return { vic, clock: clock, channel, events, mailbox, append };
  }
  const stop = async (r: { vic: Vic; channel: ChannelAdapter }) => {
    await r.vic.close();
  };

  it('a new e-mail becomes a ticket, with the sender, text and thread headers', async () => {
    const r = await rig();
    expect(r.channel.health().state).toBe('connected');
    const m = mail();
    await r.append(m.raw);
    const ev = await until('ticket.created', () => r.events.find((e) => e.type === 'ticket.created'));
    const msg = r.vic.store.findMessageByExternal('email', m.id)!;
    const ticket = r.vic.store.getTicket(msg.ticketId)!;
    expect(ticket).toMatchObject({ channel: 'email', account: MAILBOX, subject: 'Вопрос о заседании' });
    expect(r.vic.store.getMessage(msg.id)).toMatchObject({
      text: expect.stringContaining('Когда будет заседание') as string,
      subject: 'Вопрос о заседании',
    });
    expect(r.vic.store.contactAddress(ticket.contactId, 'email')).toBe('erzhan@citizen.kz');
    expect(ev.type).toBe('ticket.created');
    await stop(r);
  });

  it('measures the time from APPEND to the ticket event (median of 11)', async () => {
    const r = await rig();
    const times: number[] = [];
    for (let i = 0; i < 11; i++) {
      const m = mail();
      const before = r.events.length;
      const t0 = Date.now();
      await r.append(m.raw);
      const ev = await until('ticket.created', () => r.events.slice(before).find((e) => e.type === 'ticket.created'));
      times.push(ev.at - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.info(
      `[email] APPEND → ticket.created: median ${median} ms (min ${times[0]}, max ${times[times.length - 1]}) over ${times.length}`,
    );
    expect(median).toBeLessThan(2000);
    await stop(r);
  });

  it("joins the citizen's reply to our reply: In-Reply-To, References only, subject only, Outlook-rewritten In-Reply-To", async () => {
    const r = await rig();
    const first = mail({ from: 'Айгуль <aigul@citizen.kz>', subject: 'Вопрос о заседании' });
    await r.append(first.raw);
    const created = await until('ticket', () => r.vic.store.findMessageByExternal('email', first.id));
    const ticket = r.vic.store.getTicket(created.ticketId)!;
    const admin = r.vic.store.getUserByLogin('admin')!;
    const { messageId: replyId } = r.vic.tickets.post(admin, ticket.id, 'reply', 'Заседание назначено на 15 декабря.');
    const sent = await until('our reply at the SMTP server', () => smtp.received.find((m) => m.to.includes('aigul@citizen.kz')));
    const out = await simpleParser(sent.raw);
    expect(out.subject).toBe(`[${ticket.ref}] Re: Вопрос о заседании`);
    expect(out.inReplyTo).toBe(first.id);
    expect(out.from?.value[0]).toMatchObject({ address: MAILBOX, name: 'ВИЦ судов СКО' });
    expect(out.headers.get('auto-submitted')).toBeUndefined();
    const ours = out.messageId!;
    await until('reply marked sent', () => r.vic.store.getMessage(replyId)!.deliveryStatus === 'sent');
    expect(r.vic.store.getMessage(replyId)!.externalId).toBe(ours);

    const replies = [
      mail({
        from: 'aigul@citizen.kz',
        subject: `Re: [${ticket.ref}] Re: Вопрос о заседании`,
        headers: [`In-Reply-To: ${ours}`, `References: ${first.id} ${ours}`],
      }),
      mail({ from: 'aigul@citizen.kz', subject: 'Спасибо', headers: [`References: ${first.id} ${ours}`] }),
      mail({ from: 'aigul@citizen.kz', subject: `Ответ: [${ticket.ref}] Re: Вопрос о заседании` }),
      // Outlook/Exchange: In-Reply-To names its own copy of our message, no References, a Thread-Index.
      mail({
        from: 'aigul@citizen.kz',
        subject: `RE: [${ticket.ref}] Re: Вопрос о заседании`,
        headers: ['In-Reply-To: <AM0PR01MB1234.outlook@eurprd01.prod.outlook.com>', 'Thread-Index: AQHZx1234abcd=='],
      }),
    ];
    for (const m of replies) await r.append(m.raw);
    for (const m of replies) {
      const stored = await until(`reply ${m.id}`, () => r.vic.store.findMessageByExternal('email', m.id));
      expect(stored.ticketId).toBe(ticket.id);
    }
    expect(count(r.vic, 'SELECT count(*) AS c FROM tickets')).toBe(1);
    await stop(r);
  });

  it('stores a message seen twice once: a restart before the watermark moved, and a second copy in the mailbox', async () => {
    const r = await rig();
    const msgs = [mail(), mail(), mail()];
    await r.append(msgs.map((m) => m.raw));
    await until('3 stored', () => inbound(r.vic) === 3);
    const [validity, last] = r.vic.store.getChannelState('email', 'watermark')!.split(':');
    expect(Number(last)).toBe(3);
    // As if the process died after ingest but before the watermark was written.
    await r.channel.stop();
    r.vic.store.setChannelState('email', 'watermark', `${validity}:0`, Date.now());
    await r.channel.start(r.vic.channelContext(r.channel));
    await r.append(msgs[1].raw);
    await until('watermark past the copy', () => r.vic.store.getChannelState('email', 'watermark') === `${validity}:4`);
    expect(inbound(r.vic)).toBe(3);
    expect(count(r.vic, 'SELECT count(*) AS c FROM tickets')).toBe(3);
    await stop(r);
  });

  it('ingests 200 messages appended while stopped, each once, and measures the backlog rate', async () => {
    const r = await rig();
    await r.channel.stop();
    const msgs = Array.from({ length: 200 }, (_, i) => mail({ from: `citizen${i}@mail.kz`, body: `Обращение номер ${i}` }));
    await r.append(msgs.map((m) => m.raw));
    const t0 = Date.now();
    await r.channel.start(r.vic.channelContext(r.channel));
    await until('200 stored', () => inbound(r.vic) >= 200, 60_000);
    const seconds = (Date.now() - t0) / 1000;
    console.info(`[email] backlog: 200 messages in ${seconds.toFixed(2)} s = ${Math.round(200 / seconds)} mails/s`);
    expect(inbound(r.vic)).toBe(200);
    expect(r.events.filter((e) => e.type === 'ticket.created')).toHaveLength(200);
    for (const m of msgs) expect(r.vic.store.findMessageByExternal('email', m.id)).toBeDefined();
    await stop(r);
  });

  it('reconnects after Dovecot restarts mid-run and misses nothing', async () => {
    const r = await rig();
    const before = [mail(), mail(), mail()];
    await r.append(before.map((m) => m.raw));
    // Stopped right away: some of these may not have been fetched yet.
    await dovecot.stop();
    const lost = await until('health degraded', () => {
      const h = r.channel.health();
      return h.state !== 'connected' && h;
    });
    expect(lost.reason).toMatch(/^IMAP connection (lost|failed): .+, retrying in [\d.]+ s$/);
    expect(lost.code).toMatch(/^imap(Lost|Failed)$/);
    await dovecot.resume();
    const after = [mail(), mail()];
    await r.append(after.map((m) => m.raw));
    await until('all 5 stored', () => inbound(r.vic) === 5, 20_000);
    await until('connected again', () => r.channel.health().state === 'connected');
    for (const m of [...before, ...after]) expect(r.vic.store.findMessageByExternal('email', m.id)).toBeDefined();
    const states = r.events.filter((e) => e.type === 'channel.health').map((e) => (e as { health: { state: string } }).health.state);
    expect(states).toContain('connected');
    expect(states.some((s) => s === 'degraded' || s === 'down')).toBe(true);
    await stop(r);
  });

  it('answers off hours once, marked Auto-Submitted, and never answers robots, lists, bounces or itself', async () => {
    const r = await rig(SATURDAY_NIGHT);
    const person = mail({ from: 'Марат <marat@citizen.kz>', subject: 'Вопрос в выходной' });
    const robots = [
      mail({ from: 'marat@citizen.kz', subject: 'Автоответ: Вопрос', headers: ['Auto-Submitted: auto-replied'] }),
      mail({ from: 'news@shop.kz', subject: 'Скидки', headers: ['Precedence: bulk'] }),
      mail({ from: 'list@lists.kz', subject: 'Рассылка', headers: ['List-Id: <news.lists.kz>'] }),
      mail({ from: `ВИЦ <${MAILBOX}>`, subject: 'Loop', headers: [`X-Loop: ${MAILBOX}`] }),
      mail({ from: 'MAILER-DAEMON@mx.citizen.kz', subject: 'Undelivered Mail Returned to Sender' }),
      mail({ from: 'no-reply@egov.kz', subject: 'Уведомление' }),
      mail({ from: 'ooo@citizen.kz', subject: 'Out of office', headers: ['X-Auto-Response-Suppress: All'] }),
    ];
    await r.append([person.raw, ...robots.map((m) => m.raw)]);
    await until('all stored', () => inbound(r.vic) === 1 + robots.length);
    const auto = await until('the off-hours answer', () => smtp.received.find((m) => m.to.includes('marat@citizen.kz')));
    const parsed = await simpleParser(auto.raw);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.headers.get('x-auto-response-suppress')).toBe('All');
    expect(parsed.subject).toMatch(/^\[VIC-\d{4}-\d{5}\] Re: Вопрос в выходной$/);
    const outbound = count(r.vic, `SELECT count(*) AS c FROM messages WHERE direction = 'out'`);
    expect(outbound).toBe(1);
    for (const m of robots) {
      const stored = r.vic.store.findMessageByExternal('email', m.id)!;
      expect(r.vic.store.listMessages(stored.ticketId).filter((x) => x.direction === 'out')).toHaveLength(0);
    }
    await stop(r);
  });

  it('reads windows-1251 and KOI8-R mail (body, subject and name) as proper Cyrillic', async () => {
    const r = await rig();
    const text = 'Прошу сообщить дату рассмотрения дела. Ёлка, щука, ЪЫЬ.';
    const cp1251 = mailIn('windows-1251', encodeCp1251, text, 'Запрос', 'Галина');
    const koi8 = mailIn('koi8-r', encodeKoi8r, text, 'Запрос', 'Борис');
    await r.append([cp1251.raw, koi8.raw]);
    for (const [m, name] of [
      [cp1251, 'Галина'],
      [koi8, 'Борис'],
    ] as const) {
      const stored = await until('stored', () => r.vic.store.findMessageByExternal('email', m.id));
      const row = r.vic.store.getMessage(stored.id)!;
      expect(row.text.trim()).toBe(text);
      expect(row.subject).toBe('Запрос');
      const t = r.vic.store.getTicket(stored.ticketId)!;
      expect(r.vic.store.getContact(t.contactId)!.name).toBe(name);
    }
    await stop(r);
  });

  it('refuses a 25 MB attachment with a note and keeps the text', async () => {
    const r = await rig();
    const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
    const id = `<big.${Date.now()}@citizen.kz>`;
    const raw = await new MailComposer({
      from: 'Дана <dana@citizen.kz>',
      to: MAILBOX,
      subject: 'Документы по делу',
      messageId: id,
      text: 'Направляю документы по делу 2-77/2026.',
      attachments: [{ filename: 'скан.pdf', content: Buffer.alloc(25 * 1024 * 1024, 1), contentType: 'application/pdf' }],
    })
      .compile()
      .build();
    await r.append(raw);
    const stored = await until('stored', () => r.vic.store.findMessageByExternal('email', id), 30_000);
    expect(r.vic.store.getMessage(stored.id)!.text).toContain('Направляю документы');
    const [att] = r.vic.store.listAttachments(stored.ticketId);
    expect(att).toMatchObject({ filename: 'скан.pdf', contentType: 'application/pdf', sha256: null });
    expect(att.droppedReason).toMatch(/^not accepted: the message is \d+ MB, over the 20 MB limit/);
    expect(att.size).toBeGreaterThan(25 * 1024 * 1024 - 1024);
    await stop(r);
  });

  it('stores a malformed message (broken MIME, no From) with what could be read, and goes on', async () => {
    const r = await rig();
    const broken = Buffer.from(
      [
        'Subject: =?utf-8?B?0KHQu9C+0LzQsNC90L3QvtC1?=',
        'Content-Type: multipart/mixed; boundary="zzz"',
        '',
        '--zzz',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Текст письма без конца',
        '--zzz',
        'Content-Type: application/octet-stream; name="x.bin"',
        'Content-Transfer-Encoding: base64',
        '',
        'AAEC!!!not base64',
      ].join('\r\n'),
    );
    const next = mail();
    await r.append([broken, next.raw]);
    await until('both stored', () => inbound(r.vic) === 2);
    const row = r.vic.store.db
      .prepare(`SELECT id, ticket_id AS t, text, subject FROM messages WHERE channel = 'email' AND external_id LIKE '%@no-message-id.vic>'`)
      .get() as { t: number; text: string; subject: string };
    expect(row.text).toContain('Текст письма без конца');
    expect(row.subject).toBe('Сломанное');
    expect(r.vic.store.contactAddress(r.vic.store.getTicket(row.t)!.contactId, 'email')).toBe('unknown-sender@invalid');
    expect(r.vic.store.findMessageByExternal('email', next.id)).toBeDefined();
    expect(r.channel.health().state).toBe('connected');
    await stop(r);
  });

  // The corpus lives beside the project (../shared), never inside it.
  const corpus = new URL('../../../shared/corpus/peer-mail/', import.meta.url);
  it.skipIf(!fs.existsSync(corpus))(
    'stores all 65 messages of the hostile peer-mail corpus, one message each, without stopping',
    async () => {
      const r = await rig();
      const dir = corpus;
      const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.box'))
        .sort();
      expect(files).toHaveLength(65);
      await r.append(files.map((f) => fs.readFileSync(new URL(f, dir))));
      await until('65 stored', () => inbound(r.vic) === 65, 30_000);
      const watermark = r.vic.store.getChannelState('email', 'watermark')!;
      expect(watermark.endsWith(':65')).toBe(true);
      expect(count(r.vic, `SELECT count(DISTINCT external_id) AS c FROM messages WHERE channel = 'email' AND direction = 'in'`)).toBe(65);
      expect(r.channel.health().state).toBe('connected');
      // Mail from mailer-daemons and robots in the corpus got no automatic answer.
      expect(count(r.vic, `SELECT count(*) AS c FROM messages WHERE direction = 'out'`)).toBe(0);
      await stop(r);
    },
  );

  it('retries a reply while SMTP is down and delivers it when it is back; a 5xx fails it at once', async () => {
    const r = await rig();
    const m = mail({ from: 'serik@citizen.kz' });
    const gone = mail({ from: 'gone@citizen.kz' });
    smtp.refuse.set('gone@citizen.kz', '550 5.1.1 <gone@citizen.kz>: Recipient address rejected: User unknown');
    await r.append([m.raw, gone.raw]);
    const t1 = (await until('ticket', () => r.vic.store.findMessageByExternal('email', m.id))).ticketId;
    const t2 = (await until('ticket', () => r.vic.store.findMessageByExternal('email', gone.id))).ticketId;
    const admin = r.vic.store.getUserByLogin('admin')!;

    await smtp.stop();
    const { messageId } = r.vic.tickets.post(admin, t1, 'reply', 'Ваше обращение рассмотрено.');
    const failedOnce = await until('a failed attempt', () => {
      const row = r.vic.store.getOutboxByMessage(messageId)!;
      return row.attempts > 0 && row.status !== 'sending' && row;
    });
    expect(failedOnce.status).toBe('pending');
    expect(r.vic.store.getMessage(messageId)!.deliveryStatus).toBe('queued');
    expect(r.channel.health()).toMatchObject({
      state: 'degraded',
      code: 'smtpFailing',
      reason: expect.stringMatching(/^SMTP delivery failing: /) as string,
    });

    await smtp.resume();
    r.clock.advance(24 * 3_600_000);
    r.vic.outbox.kick();
    await until('delivered', () => r.vic.store.getMessage(messageId)!.deliveryStatus === 'sent');
    expect(smtp.received.some((x) => x.to.includes('serik@citizen.kz'))).toBe(true);
    expect(r.channel.health().state).toBe('connected');

    const { messageId: refused } = r.vic.tickets.post(admin, t2, 'reply', 'Ответ');
    const failed = await until(
      'failed',
      () => r.vic.store.getMessage(refused)!.deliveryStatus === 'failed' && r.vic.store.getMessage(refused)!,
    );
    expect(failed.deliveryError).toMatch(/^550 5\.1\.1 <gone@citizen\.kz>: Recipient address rejected/);
    expect(r.vic.store.getOutboxByMessage(refused)!.attempts).toBe(1);
    smtp.refuse.clear();
    await stop(r);
  });

  it('attaches a bounce of our reply to its ticket and marks the reply failed', async () => {
    const r = await rig();
    const m = mail({ from: 'asel@citizen.kz' });
    await r.append(m.raw);
    const ticketId = (await until('ticket', () => r.vic.store.findMessageByExternal('email', m.id))).ticketId;
    const admin = r.vic.store.getUserByLogin('admin')!;
    const { messageId } = r.vic.tickets.post(admin, ticketId, 'reply', 'Ответ по делу');
    await until('sent', () => r.vic.store.getMessage(messageId)!.deliveryStatus === 'sent');
    const ours = r.vic.store.getMessage(messageId)!.externalId!;
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.citizen.kz>',
      `To: ${MAILBOX}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <dsn.${Date.now()}@mx.citizen.kz>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      "I'm sorry to have to inform you that your message could not be delivered.",
      '',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.citizen.kz',
      '',
      'Final-Recipient: rfc822; asel@citizen.kz',
      'Action: failed',
      'Status: 5.2.2',
      'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full',
      '',
      '--b1',
      'Content-Type: message/rfc822',
      '',
      `From: ${MAILBOX}`,
      'To: asel@citizen.kz',
      `Message-ID: ${ours}`,
      'Subject: whatever',
      '',
      'Ответ по делу',
      '',
      '--b1--',
      '',
    ].join('\r\n');
    await r.append(Buffer.from(dsn));
    await until('reply failed', () => r.vic.store.getMessage(messageId)!.deliveryStatus === 'failed');
    expect(r.vic.store.getMessage(messageId)!.deliveryError).toBe('552 5.2.2 Mailbox full');
    const bounce = r.vic.store.listMessages(ticketId).filter((x) => x.direction === 'in');
    expect(bounce).toHaveLength(2);
    expect(count(r.vic, 'SELECT count(*) AS c FROM tickets')).toBe(1);
    await stop(r);
  });

  it('marks stored mail \\Seen and moves it to a folder when configured', async () => {
    const r = await rig(WORKING, { markSeen: true, moveTo: 'Processed' });
    const m = mail();
    await r.append(m.raw);
    await until('stored', () => r.vic.store.findMessageByExternal('email', m.id));
    await until('moved', async () => (await dovecot.list({ mailbox: r.mailbox })).length === 0);
    const moved = await dovecot.list({ mailbox: 'Processed' });
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.at(-1)!.flags).toContain('\\Seen');
    await stop(r);
  });

  // Last: Dovecot slows down logins from an address after a failed one.
  it('reports a refused login as down, with the reason and the next retry', async () => {
    const r = await rig(WORKING, { password: 'wrong-password' });
    const h = r.channel.health();
    expect(h.state).toBe('down');
    expect(h.reason).toMatch(/^IMAP connection failed: login failed.*, retrying in [\d.]+ s$/);
    await stop(r);
  });
});

// Cyrillic in the two legacy 8-bit charsets, without a charset library.
const KOI8R = 'юабцдефгхийклмнопярстужвьызшэщчъЮАБЦДЕФГХИЙКЛМНОПЯРСТУЖВЬЫЗШЭЩЧЪ';
function encodeKoi8r(s: string): Buffer {
  return Buffer.from(
    [...s].map((ch) => (ch === 'ё' ? 0xa3 : ch === 'Ё' ? 0xb3 : KOI8R.includes(ch) ? 0xc0 + KOI8R.indexOf(ch) : ch.charCodeAt(0))),
  );
}
function encodeCp1251(s: string): Buffer {
  return Buffer.from(
    [...s].map((ch) => {
      const c = ch.charCodeAt(0);
      if (c >= 0x410 && c <= 0x44f) return c - 0x410 + 0xc0;
      return ch === 'ё' ? 0xb8 : ch === 'Ё' ? 0xa8 : c;
    }),
  );
}
/** A message written entirely in a legacy charset: body 8bit, subject and name as RFC 2047 B-words. */
function mailIn(charset: string, encode: (s: string) => Buffer, text: string, subject: string, name: string) {
  const id = `<${charset}.${++n}.${Date.now()}@citizen.kz>`;
  const word = (s: string) => `=?${charset}?B?${encode(s).toString('base64')}?=`;
  const head = [
    `From: ${word(name)} <user.${charset}@citizen.kz>`,
    `To: ${MAILBOX}`,
    `Subject: ${word(subject)}`,
    `Message-ID: ${id}`,
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${charset}`,
    'Content-Transfer-Encoding: 8bit',
    '',
    '',
  ].join('\r\n');
  return { id, raw: Buffer.concat([Buffer.from(head), encode(text), Buffer.from('\r\n')]) };
}
