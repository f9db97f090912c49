// Threading of our replies, as the citizen's mail program sees them: the headers of what reaches the SMTP server,
// with and without our off-hours auto-reply in the thread, and the citizen's answers coming back through Dovecot.
import { simpleParser, type ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { createEmailChannel } from '../../channels/email/index.ts';
import { Dovecot, SmtpSink, dovecotMissing, emailChannelConfig, useMailServers } from '../support/dovecot.ts';
import { SATURDAY_NIGHT, WORKING, makeVic, until } from '../helpers.ts';

const MAILBOX = 'vic@court.test';

let n = 0;
function mail(from: string, subject: string, headers: string[] = []) {
  const id = `<t${++n}.${Date.now()}@citizen.kz>`;
  const raw = [
    `From: ${from}`,
    `To: ${MAILBOX}`,
    `Subject: ${subject}`,
    `Message-ID: ${id}`,
    'Date: Tue, 01 Dec 2026 10:00:00 +0500',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    ...headers,
    '',
    `Письмо ${n}`,
    '',
  ].join('\r\n');
  return { id, raw: Buffer.from(raw, 'utf8') };
}

const refsOf = (m: ParsedMail) => (Array.isArray(m.references) ? m.references : m.references ? [m.references] : []);

describe.skipIf(dovecotMissing)('reply threading (Dovecot + SMTP)', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  useMailServers([MAILBOX], (d, s) => ((dovecot = d), (smtp = s)));

  /** A Vic with the e-mail channel on a fresh folder; `citizen` is this test's own correspondent. */
  async function rig(at: number) {
    const mailbox = `T${++n}`;
    const c = await dovecot.imap();
    await c.mailboxCreate(mailbox);
    await c.logout();
    const { vic } = await makeVic({}, at);
    const channel = createEmailChannel(
      emailChannelConfig(dovecot, {
        user: MAILBOX,
        smtpPort: smtp.port,
        mailbox,
        from: `ВИЦ <${MAILBOX}>`,
        attachmentsMaxBytes: 1024 * 1024,
      }),
    );
    await vic.addChannel(channel);
    vic.outbox.start();
    const citizen = `citizen${n}@citizen.kz`;
    const admin = vic.store.getUserByLogin('admin')!;
    let seen = 0;
    return {
      vic,
      citizen,
      /** Delivers the citizen's mail through Dovecot and waits until it is stored; returns its ticket. */
      async receive(m: { id: string; raw: Buffer }) {
        await dovecot.append([m.raw], { mailbox });
        return (await until(`${m.id} stored`, () => vic.store.findMessageByExternal('email', m.id))).ticketId;
      },
      /** The next mail to the citizen as the SMTP server received it. */
      async nextSent(): Promise<ParsedMail> {
        const raw = await until('mail to the citizen', () => smtp.received.filter((r) => r.to.includes(citizen))[seen]);
        seen++;
        return simpleParser(raw.raw);
      },
      reply: (ticketId: number, text: string) => vic.tickets.post(admin, ticketId, 'reply', text),
      note: (ticketId: number, text: string) => vic.tickets.post(admin, ticketId, 'note', text),
    };
  }
  const ticketCount = (vic: Vic) => (vic.store.db.prepare('SELECT count(*) AS c FROM tickets').get() as { c: number }).c;

  it("after an off-hours auto-reply, the operator answers the citizen's message, with the chain from the root", async () => {
    const r = await rig(SATURDAY_NIGHT);
    const a = mail(`Марат <${r.citizen}>`, 'Вопрос в выходной');
    const ticketId = await r.receive(a);
    const auto = await r.nextSent();
    expect(auto.headers.get('auto-submitted')).toBe('auto-replied');
    expect(auto.inReplyTo).toBe(a.id);
    const b = auto.messageId!;

    r.note(ticketId, 'Проверить дело в канцелярии');
    r.reply(ticketId, 'Ответ оператора');
    const c = await r.nextSent();
    expect(c.text).toContain('Ответ оператора');
    expect(c.inReplyTo).toBe(a.id);
    expect(refsOf(c)).toEqual([a.id]);
    expect(refsOf(c)).not.toContain(b);

    // The citizen answers our reply: it joins the ticket, and the next reply answers it, the whole chain kept.
    const ref = r.vic.store.getTicket(ticketId)!.ref;
    const a2 = mail(r.citizen, `Re: [${ref}] Re: Вопрос в выходной`, [`In-Reply-To: ${c.messageId}`, `References: ${a.id} ${c.messageId}`]);
    expect(await r.receive(a2)).toBe(ticketId);
    r.reply(ticketId, 'Второй ответ');
    const d = await r.nextSent();
    expect(d.inReplyTo).toBe(a2.id);
    expect(refsOf(d)).toEqual([a.id, c.messageId, a2.id]);
    expect(ticketCount(r.vic)).toBe(1);
    await r.vic.close();
  });

  it('a citizen who answered the auto-reply itself gets a reply to that answer, the auto-reply kept in the chain', async () => {
    const r = await rig(SATURDAY_NIGHT);
    const a = mail(r.citizen, 'Заседание');
    const ticketId = await r.receive(a);
    const b = (await r.nextSent()).messageId!;
    const a2 = mail(r.citizen, 'Re: Заседание', [`In-Reply-To: ${b}`, `References: ${a.id} ${b}`]);
    expect(await r.receive(a2)).toBe(ticketId);
    r.reply(ticketId, 'Ответ');
    const c = await r.nextSent();
    expect(c.inReplyTo).toBe(a2.id);
    expect(refsOf(c)).toEqual([a.id, b, a2.id]);
    await r.vic.close();
  });

  it('in working hours: replies and notes between, a follow-up that dropped References still keeps the root', async () => {
    const r = await rig(WORKING);
    const a = mail(r.citizen, 'Копия решения');
    const ticketId = await r.receive(a);
    r.reply(ticketId, 'Первый ответ');
    const c1 = await r.nextSent();
    expect(c1.headers.get('auto-submitted')).toBeUndefined();
    expect([c1.inReplyTo, refsOf(c1)]).toEqual([a.id, [a.id]]);

    // A new message with only our reference in the subject (a program that keeps no References).
    const ref = r.vic.store.getTicket(ticketId)!.ref;
    const a2 = mail(r.citizen, `[${ref}] ещё вопрос`);
    expect(await r.receive(a2)).toBe(ticketId);
    r.note(ticketId, 'заметка');
    r.reply(ticketId, 'Второй ответ');
    const c2 = await r.nextSent();
    expect(c2.inReplyTo).toBe(a2.id);
    expect(refsOf(c2)).toEqual([a.id, a2.id]);

    // Our own two replies in a row: the second still answers the citizen, not our first.
    r.reply(ticketId, 'Дополнение');
    const c3 = await r.nextSent();
    expect([c3.inReplyTo, refsOf(c3)]).toEqual([a2.id, [a.id, a2.id]]);

    const a3 = mail(r.citizen, `Re: [${ref}] Re: Копия решения`, [`In-Reply-To: ${c3.messageId}`]);
    expect(await r.receive(a3)).toBe(ticketId);
    expect(ticketCount(r.vic)).toBe(1);
    await r.vic.close();
  });
});
