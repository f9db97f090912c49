// The citizen's rating through the real e-mail path: the survey reaches the SMTP server after the ticket is
// resolved, marked `Auto-Submitted: auto-generated`, and the citizen answers it by the link (the survey page) or by
// a reply through Dovecot, which is thanked in their language (`auto-replied`); a reply that is more than a score
// reopens the ticket as any message does.
import { simpleParser, type ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { createEmailChannel } from '../../channels/email/index.ts';
import { surveyOfTicket } from '../../src/csat/store.ts';
import { Dovecot, SmtpSink, dovecotMissing, emailChannelConfig, useMailServers } from '../support/dovecot.ts';
import { makeVic, serve, until } from '../helpers.ts';

const MAILBOX = 'vic@court.test';
const CSAT = { CSAT_ENABLED: true, CSAT_SECRET: 'test-secret-of-the-survey-links-0123456789', PUBLIC_ORIGIN: ['https://vic.sud.kz'] };

let n = 0;
function mail(from: string, subject: string, body: string, headers: string[] = []) {
  const id = `<csat${++n}.${Date.now()}@citizen.kz>`;
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
    body,
    '',
  ].join('\r\n');
  return { id, raw: Buffer.from(raw, 'utf8') };
}

describe.skipIf(dovecotMissing)('CSAT by e-mail (Dovecot + SMTP)', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  useMailServers([MAILBOX], (d, s) => ((dovecot = d), (smtp = s)));

  async function rig() {
    const mailbox = `C${++n}`;
    const c = await dovecot.imap();
    await c.mailboxCreate(mailbox);
    await c.logout();
    const { vic } = await makeVic(CSAT);
    await vic.addChannel(
      createEmailChannel(emailChannelConfig(dovecot, { user: MAILBOX, smtpPort: smtp.port, mailbox, from: `ВИЦ <${MAILBOX}>` })),
    );
    const server = await serve(vic); // starts the outbox too
    const admin = vic.store.getUserByLogin('admin')!;
    const seen = new Map<string, number>();
    return {
      vic,
      server,
      async receive(m: { id: string; raw: Buffer }) {
        await dovecot.append([m.raw], { mailbox });
        return (await until(`${m.id} stored`, () => vic.store.findMessageByExternal('email', m.id))).ticketId;
      },
      append: (m: { raw: Buffer }) => dovecot.append([m.raw], { mailbox }),
      async nextSent(to: string): Promise<ParsedMail> {
        const k = seen.get(to) ?? 0;
        const raw = await until(`mail ${k + 1} to ${to}`, () => smtp.received.filter((r) => r.to.includes(to))[k]);
        seen.set(to, k + 1);
        return simpleParser(raw.raw);
      },
      /** A citizen's question, answered and resolved: returns the ticket, the answer and the survey mail. */
      async answeredAndResolved(citizen: string, question = 'Здравствуйте! Как получить копию решения суда?', subject = 'Копия решения') {
        const a = mail(`Гражданин <${citizen}>`, subject, question);
        const ticketId = await this.receive(a);
        vic.tickets.post(admin, ticketId, 'reply', 'Копию можно получить в канцелярии суда.');
        const answer = await this.nextSent(citizen);
        vic.tickets.resolve(admin, ticketId);
        return { ticketId, answer, survey: await this.nextSent(citizen), first: a };
      },
      /** The citizen's reply to the survey mail. */
      rating(citizen: string, survey: ParsedMail, text: string) {
        return mail(citizen, `Re: ${survey.subject}`, `${text}\r\n\r\nВИЦ <${MAILBOX}> писал:\r\n> Оцените, пожалуйста: 1 2 3 4 5`, [
          `In-Reply-To: ${survey.messageId}`,
        ]);
      },
    };
  }
  const ticketCount = (vic: Vic) => (vic.store.db.prepare('SELECT count(*) AS c FROM tickets').get() as { c: number }).c;

  it('the survey mail carries five links, marked auto-generated; the page records the rating once', async () => {
    const r = await rig();
    const { ticketId, answer, survey } = await r.answeredAndResolved('aigerim@citizen.kz');
    const ref = r.vic.store.getTicket(ticketId)!.ref;
    expect(survey.subject).toContain(`[${ref}]`);
    // RFC 3834: no person wrote it, and it answers no message; the operator's answer is a person's.
    expect(survey.headers.get('auto-submitted')).toBe('auto-generated');
    expect(answer.headers.has('auto-submitted')).toBe(false);
    expect(survey.text).toContain('Оцените, пожалуйста');
    const links = [...(survey.text ?? '').matchAll(/https:\/\/vic\.sud\.kz(\/csat\/\S+)/g)].map((m) => m[1]);
    expect(links.map((l) => l.slice(-4))).toEqual(['?s=5', '?s=4', '?s=3', '?s=2', '?s=1']);
    const page = await fetch(`${r.server.base}${links[0]}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(ref);
    const post = await fetch(`${r.server.base}${links[0].replace(/\?s=5$/, '')}`, {
      method: 'POST',
      body: new URLSearchParams({ score: '5', comment: 'Быстро и понятно' }),
    });
    expect(post.status).toBe(200);
    expect(surveyOfTicket(r.vic.store, ticketId)).toMatchObject({ score: 5, comment: 'Быстро и понятно', answeredVia: 'page' });
    expect(r.vic.store.getTicket(ticketId)!.status).toBe('resolved');
  });

  it('a reply "4" to the survey is the rating, no ticket; "3 но у меня ещё вопрос…" reopens the ticket', async () => {
    const r = await rig();
    const one = await r.answeredAndResolved('bolat@citizen.kz');
    const before = ticketCount(r.vic);
    const four = mail(
      'bolat@citizen.kz',
      `Re: ${one.survey.subject}`,
      `4\r\n\r\nВИЦ <${MAILBOX}> писал:\r\n> Оцените, пожалуйста: 1 2 3 4 5`,
      [`In-Reply-To: ${one.survey.messageId}`, `References: ${one.first.id} ${one.survey.messageId}`],
    );
    await r.append(four);
    await until('the rating', () => surveyOfTicket(r.vic.store, one.ticketId)?.score === 4);
    expect(surveyOfTicket(r.vic.store, one.ticketId)).toMatchObject({ answeredVia: 'email', replyExternalId: four.id });
    expect(r.vic.store.findMessageByExternal('email', four.id)).toBeUndefined();
    expect(ticketCount(r.vic)).toBe(before);
    expect(r.vic.store.getTicket(one.ticketId)!.status).toBe('resolved');
    // Thanked in the ticket's language, in its thread, as an automatic answer.
    const thanks = await r.nextSent('bolat@citizen.kz');
    expect(thanks.text).toContain('Спасибо за оценку!');
    expect(thanks.text).not.toContain('рахмет');
    expect(thanks.subject).toContain(`[${r.vic.store.getTicket(one.ticketId)!.ref}]`);
    expect(thanks.headers.get('auto-submitted')).toBe('auto-replied');

    const two = await r.answeredAndResolved('dana@citizen.kz');
    const more = mail('dana@citizen.kz', `Re: ${two.survey.subject}`, '3 но у меня ещё вопрос: где получить исполнительный лист?', [
      `In-Reply-To: ${two.survey.messageId}`,
    ]);
    expect(await r.receive(more)).toBe(two.ticketId);
    expect(r.vic.store.getTicket(two.ticketId)!.status).not.toBe('resolved');
    expect(surveyOfTicket(r.vic.store, two.ticketId)!.score).toBeNull();
    expect(ticketCount(r.vic)).toBe(before + 1);
  });

  it("a Kazakh citizen's rating by reply is thanked in Kazakh", async () => {
    const r = await rig();
    const citizen = 'erlan@citizen.kz';
    const { ticketId, survey } = await r.answeredAndResolved(
      citizen,
      'Сәлеметсіз бе, менің ісім бойынша сот отырысы қашан болады?',
      'Сот отырысы',
    );
    expect(survey.text).toContain('бағалаңызшы');
    await r.append(r.rating(citizen, survey, 'бес, рахмет'));
    await until('the rating', () => surveyOfTicket(r.vic.store, ticketId)?.score === 5);
    const thanks = await r.nextSent(citizen);
    expect(thanks.text).toContain('Бағаңызға рахмет!');
    expect(thanks.text).not.toContain('Спасибо');
    expect(thanks.headers.get('auto-submitted')).toBe('auto-replied');
  });
});
