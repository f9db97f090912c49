// The citizen's rating (src/csat/): who is asked and when, which replies are a rating (and make no ticket), the
// survey page's token (forged, expired, spent), the figures per court and operator, the audited read, the comment
// under retention, surveys following a contact merge, and the console told live.
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { csatFor, latestSurveyOfContact, surveyOfTicket } from '../../src/csat/store.ts';
import { parseRating, replyBody } from '../../src/csat/reply.ts';
import { signToken } from '../../src/csat/token.ts';
import type { InboundEnvelope } from '../../src/envelope.ts';
import { RetentionJob } from '../../src/retention/job.ts';
import { MARKERS } from '../../src/retention/policy.ts';
import { exportSubjects } from '../../src/retention/subject.ts';
import { SATURDAY_NIGHT, WORKING, addUser, envelope, makeVic, nextEvent, serve } from '../helpers.ts';

const SECRET = 'test-secret-of-the-survey-links-0123456789';
const CSAT: Partial<Config> = { CSAT_ENABLED: true, CSAT_SECRET: SECRET, PUBLIC_ORIGIN: ['https://vic.sud.kz'] };
const DAY = 86_400_000;

let n = 0;
/** A new citizen's WhatsApp (or e-mail) ticket, answered by `by` (default: admin); returns its id. */
function answered(vic: Vic, over: Partial<InboundEnvelope> = {}, by = vic.store.getUserByLogin('admin')!): number {
  const { ticketId } = vic.ingest(envelope({ sender: { kind: 'whatsapp', address: `7701${String(++n).padStart(7, '0')}@c.us` }, ...over }));
  vic.tickets.post(by, ticketId, 'reply', 'Заседание назначено на 10 декабря в 10:00.');
  return ticketId;
}
async function resolve(vic: Vic, ticketId: number) {
  vic.tickets.resolve(vic.store.getUserByLogin('admin')!, ticketId);
  await new Promise((r) => setImmediate(r));
}
/** The survey question queued on the ticket (its outbox payload), if any. */
function question(vic: Vic, ticketId: number) {
  const m = vic.store.db.prepare(`SELECT id FROM messages WHERE ticket_id = ? AND auto = 'csat' ORDER BY id LIMIT 1`).get(ticketId) as
    { id: number } | undefined;
  if (!m) return undefined;
  const row = vic.store.getOutboxByMessage(m.id)!;
  return { ...row, payload: JSON.parse(row.payload) as { to: string; text: string; subject?: string } };
}
const tickets = (vic: Vic) => (vic.store.db.prepare('SELECT count(*) AS c FROM tickets').get() as { c: number }).c;
const reply = (vic: Vic, ticketId: number, text: string, over: Partial<InboundEnvelope> = {}) => {
  const t = vic.store.getTicket(ticketId)!;
  const address = vic.store.contactAddress(t.contactId, t.channel)!;
  return vic.ingest(
    envelope({
      channel: t.channel as 'whatsapp',
      sender: { kind: t.channel as 'whatsapp', address },
      text,
      receivedAt: vic.clock.now(),
      ...over,
    }),
  );
};

describe('which replies are a rating', () => {
  it('a score alone, in digits or Russian/Kazakh words, with thanks at most; anything more is a message', () => {
    for (const [text, score] of [
      ['5', 5],
      [' 3 ', 3],
      ['5 спасибо', 5],
      ['Рахмет, 4!', 4],
      ['пять', 5],
      ['бес', 5],
      ['үш', 3],
      ['5/5', 5],
      ['4 из 5 👍', 4],
      ['Спасибо большое! 5', 5],
    ] as const)
      expect(parseRating(text), text).toBe(score);
    for (const text of ['3 но у меня ещё вопрос…', '6', '0', '35', 'Спасибо', '5 и 4', 'Дело 2-5/2026', 'Когда заседание?', ''])
      expect(parseRating(text), text).toBeNull();
  });

  it('an e-mail reply is read above the quoted original', () => {
    expect(replyBody('4\r\n\r\nВт, 1 дек. 2026 г. в 10:00, ВИЦ <vic@court.test> пишет:\r\n> Оцените ответ: 1 2 3 4 5')).toBe('4');
    expect(replyBody('5 спасибо\n\nOn Tue, Dec 1, 2026 at 10:00 AM VIC wrote:\n> 1 — очень плохо')).toBe('5 спасибо');
    expect(replyBody('3\n-- \nЕржан')).toBe('3');
  });
});

describe('the survey', () => {
  it("goes once, on the ticket's channel and in its language, after the answer is resolved; Kazakh and Russian when mixed", async () => {
    const { vic } = await makeVic(CSAT);
    const kk = answered(vic, { text: 'Сәлеметсіз бе, менің ісім бойынша сот отырысы қашан болады?' });
    const ru = answered(vic);
    const mixed = answered(vic, { text: 'Здравствуйте. Сот отырысы қашан? Когда будет заседание?' });
    for (const id of [kk, ru, mixed]) await resolve(vic, id);
    const texts = [kk, ru, mixed].map((id) => question(vic, id)?.payload.text ?? '');
    expect(texts[0]).toContain('1-ден');
    expect(texts[0]).not.toContain('Оцените');
    expect(texts[1]).toContain('Оцените, пожалуйста');
    expect(texts[1]).not.toContain('1-ден');
    expect(texts[1]).toContain(vic.store.getTicket(ru)!.ref);
    const lang = vic.store.getTicket(mixed)!.language;
    if (lang !== 'kk' && lang !== 'ru') expect(texts[2]).toMatch(/1-ден[\s\S]*Оцените/);
    expect(question(vic, ru)).toMatchObject({ status: 'pending', payload: { to: expect.stringContaining('@c.us') as string } });
    // Reopened and resolved again: not asked twice.
    vic.tickets.reopen(vic.store.getUserByLogin('admin')!, ru);
    await resolve(vic, ru);
    expect(vic.store.db.prepare(`SELECT count(*) AS c FROM messages WHERE ticket_id = ? AND auto = 'csat'`).get(ru)).toEqual({ c: 1 });
    await vic.close();
  });

  it('is not sent for an appeal turned away, automated mail, a phone call, an unanswered ticket, or when off', async () => {
    const { vic } = await makeVic(CSAT);
    const admin = vic.store.getUserByLogin('admin')!;
    const appeal = answered(vic);
    vic.tickets.markAppeal(admin, appeal, 'Обжалование решения');
    await resolve(vic, appeal);
    const robot = answered(vic, {
      channel: 'email',
      sender: { kind: 'email', address: 'noreply@bank.kz' },
      noAutoReply: true,
      text: 'Ваша заявка принята',
    });
    await resolve(vic, robot);
    const call = vic.ingest(
      envelope({
        channel: 'sip',
        externalId: 'call-1@pbx',
        sender: { kind: 'phone', address: '+77015550000' },
        text: '',
        call: { callId: 'call-1@pbx', from: '+77015550000', to: '+77152000000', outcome: 'missed', startedAt: WORKING },
      }),
    ).ticketId;
    await resolve(vic, call);
    const silent = vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77019990000@c.us' } })).ticketId;
    await resolve(vic, silent);
    for (const id of [appeal, robot, call, silent]) {
      expect(question(vic, id), `ticket ${id}`).toBeUndefined();
      expect(surveyOfTicket(vic.store, id)).toBeUndefined();
    }
    expect(vic.csat.skipReason(vic.store.getTicket(robot)!, { status: 'open' })).toBe('automated');
    expect(vic.csat.skipReason(vic.store.getTicket(call)!, { status: 'open' })).toBe('channel');
    await vic.close();

    const off = await makeVic();
    const id = answered(off.vic);
    await resolve(off.vic, id);
    expect(question(off.vic, id)).toBeUndefined();
    await off.vic.close();
  });

  it("refuses to start switched on without the links' secret and address", async () => {
    await expect(makeVic({ CSAT_ENABLED: true })).rejects.toThrow(/CSAT_SECRET and PUBLIC_ORIGIN/);
  });

  it('asks a contact at most once a week (CSAT_MIN_INTERVAL_DAYS)', async () => {
    const { vic, clock } = await makeVic(CSAT);
    const sender = { kind: 'whatsapp' as const, address: '77015551234@c.us' };
    const first = answered(vic, { sender });
    await resolve(vic, first);
    expect(question(vic, first)).toBeDefined();
    clock.advance(6 * DAY); // the next Monday: past the reopen window (a new ticket), within the week
    const second = answered(vic, { sender, text: 'Ещё вопрос: как получить копию решения?' });
    await resolve(vic, second);
    expect(question(vic, second)).toBeUndefined();
    clock.advance(2 * DAY); // Wednesday, 8 days after the first
    const third = answered(vic, { sender, text: 'Как оплатить госпошлину?' });
    await resolve(vic, third);
    expect(question(vic, third)).toBeDefined();
    await vic.close();
  });

  it("resolved at night: queued at once, sent at the court's next opening", async () => {
    const { vic } = await makeVic(CSAT, SATURDAY_NIGHT);
    const id = answered(vic);
    await resolve(vic, id);
    const q = question(vic, id)!;
    // Monday 2026-11-30 09:00 in Petropavl (UTC+5).
    expect(new Date(q.nextAttemptAt).toISOString()).toBe('2026-11-30T04:00:00.000Z');
    await vic.close();
  });
});

describe('the reply', () => {
  it('"3" is the rating: no ticket created or reopened; "3 но у меня ещё вопрос…" reopens the ticket as usual', async () => {
    const { vic } = await makeVic(CSAT);
    const id = answered(vic);
    await resolve(vic, id);
    const before = tickets(vic);
    const messages = vic.store.db.prepare('SELECT count(*) AS c FROM messages WHERE ticket_id = ?');
    const count = (messages.get(id) as { c: number }).c;
    const r = reply(vic, id, '3');
    expect(r).toMatchObject({ ticketId: id, ticketCreated: false });
    expect(tickets(vic)).toBe(before);
    expect(vic.store.getTicket(id)!.status).toBe('resolved');
    expect(surveyOfTicket(vic.store, id)).toMatchObject({ score: 3, answeredVia: 'whatsapp' });
    // Only the thanks was added (the rating itself is no message).
    expect((messages.get(id) as { c: number }).c).toBe(count + 1);
    // The same delivery again changes nothing.
    expect(reply(vic, id, '3', { externalId: surveyOfTicket(vic.store, id)!.replyExternalId! })).toMatchObject({ duplicate: true });
    expect(tickets(vic)).toBe(before);

    const other = answered(vic);
    await resolve(vic, other);
    const r2 = reply(vic, other, '3 но у меня ещё вопрос…');
    expect(r2.ticketId).toBe(other);
    expect(vic.store.getTicket(other)!.status).not.toBe('resolved');
    expect(surveyOfTicket(vic.store, other)!.score).toBeNull();
    await vic.close();
  });

  it('on WhatsApp the next message shortly after the rating is its comment, a question is not', async () => {
    const { vic, clock } = await makeVic(CSAT);
    const id = answered(vic);
    await resolve(vic, id);
    reply(vic, id, '4');
    clock.advance(60_000);
    const before = tickets(vic);
    reply(vic, id, 'Ответили быстро, но пришлось ждать звонка');
    expect(surveyOfTicket(vic.store, id)).toMatchObject({ score: 4, comment: 'Ответили быстро, но пришлось ждать звонка' });
    expect(vic.store.getTicket(id)!.status).toBe('resolved');
    reply(vic, id, 'А когда заседание по второму делу?');
    expect(vic.store.getTicket(id)!.status).not.toBe('resolved');
    expect(tickets(vic)).toBe(before);
    await vic.close();
  });

  it('after the survey expired, a digit is a message like any other', async () => {
    const { vic, clock } = await makeVic(CSAT);
    const id = answered(vic);
    await resolve(vic, id);
    clock.advance(15 * DAY);
    const before = tickets(vic);
    reply(vic, id, '5');
    expect(tickets(vic)).toBe(before + 1);
    expect(surveyOfTicket(vic.store, id)!.score).toBeNull();
    await vic.close();
  });
});

describe('the survey page', () => {
  it('rates once; a forged, expired or spent link gets a page saying so in Kazakh and Russian and changes nothing', async () => {
    const { vic, clock } = await makeVic(CSAT);
    const id = answered(vic, { channel: 'email', sender: { kind: 'email', address: 'erzhan@citizen.kz' }, thread: { subject: 'Вопрос' } });
    await resolve(vic, id);
    const q = question(vic, id)!;
    expect(q.payload.subject).toContain(vic.store.getTicket(id)!.ref);
    const links = [...q.payload.text.matchAll(/https:\/\/vic\.sud\.kz(\/csat\/\S+)/g)].map((m) => m[1]);
    expect(links).toHaveLength(5);
    const s = await serve(vic);
    const page = (path: string, form?: Record<string, string>) =>
      fetch(`${s.base}${path}`, form ? { method: 'POST', body: new URLSearchParams(form) } : {}).then(async (r) => ({
        status: r.status,
        html: await r.text(),
        csp: r.headers.get('content-security-policy') ?? '',
      }));
    const four = links.find((l) => l.endsWith('?s=4'))!;
    const path = four.replace(/\?s=4$/, '');

    // Opening the link rates nothing (mail scanners open links): it shows the form with 4 chosen.
    const shown = await page(four);
    expect(shown.status).toBe(200);
    expect(shown.html).toMatch(/value="4" required checked/);
    expect(shown.html).not.toContain('<script');
    expect(shown.csp).toMatch(/^default-src 'none'; style-src 'nonce-/);
    expect(surveyOfTicket(vic.store, id)!.score).toBeNull();

    // A forged token (another survey's id, or a changed signature): refused before anything is read.
    const [sid, exp, sig] = path.slice('/csat/'.length).split('.');
    for (const forged of [`/csat/${Number(sid) + 1}.${exp}.${sig}`, `/csat/${sid}.${exp}.${sig.slice(0, -2)}AA`, '/csat/<script>']) {
      const r = await page(forged, { score: '1' });
      expect(r.status, forged).toBe(403);
      expect(r.html).toContain('Ссылка недействительна');
      expect(r.html).toContain('Сілтеме жарамсыз');
      expect(r.html).not.toContain('<script>');
    }
    expect(surveyOfTicket(vic.store, id)!.score).toBeNull();

    const posted = await page(path, { score: '4', comment: 'Спасибо, всё понятно <b>' });
    expect(posted.status).toBe(200);
    expect(posted.html).toContain('Спасибо за оценку');
    expect(surveyOfTicket(vic.store, id)).toMatchObject({ score: 4, comment: 'Спасибо, всё понятно <b>', answeredVia: 'page' });
    const audit = vic.store.db.prepare(`SELECT count(*) AS c FROM audit_log WHERE action = 'csat.rated' AND entity_id = ?`).get(id);
    expect(audit).toEqual({ c: 1 });

    // Spent: the second answer changes nothing.
    const again = await page(path, { score: '1' });
    expect(again.status).toBe(409);
    expect(again.html).toMatch(/уже оценён/);
    expect(again.html).toMatch(/бағаланып қойған/);
    expect(surveyOfTicket(vic.store, id)!.score).toBe(4);

    // Expired: a valid signature past its date.
    const other = answered(vic, { channel: 'email', sender: { kind: 'email', address: 'marat@citizen.kz' } });
    await resolve(vic, other);
    const survey = surveyOfTicket(vic.store, other)!;
    clock.advance(15 * DAY);
    const expired = await page(`/csat/${signToken(SECRET, survey.id, survey.expiresAt)}`, { score: '5' });
    expect(expired.status).toBe(410);
    expect(expired.html).toContain('Срок для оценки истёк');
    expect(expired.html).toContain('Бағалау мерзімі өтіп кетті');
    expect(surveyOfTicket(vic.store, other)!.score).toBeNull();
  });
});

describe('figures and the ticket view', () => {
  it('csatFor counts per score and the mean, per court and per operator; the ticket read is audited', async () => {
    const { vic } = await makeVic(CSAT);
    const ainur = await addUser(vic, 'ainur', 'operator');
    const bolat = await addUser(vic, 'bolat', 'operator');
    const scores: [number, typeof ainur][] = [
      [5, ainur],
      [4, ainur],
      [2, bolat],
    ];
    const ids: number[] = [];
    for (const [score, by] of scores) {
      const id = answered(vic, {}, by);
      ids.push(id);
      await resolve(vic, id);
      reply(vic, id, String(score));
    }
    const unanswered = answered(vic, {}, bolat);
    await resolve(vic, unanswered);
    const period = { from: WORKING - DAY, to: WORKING + DAY };
    const court = vic.store.getCourtByCode('sko-regional')!.id;
    expect(csatFor(vic.store, { ...period })).toEqual({ counts: { 1: 0, 2: 1, 3: 0, 4: 1, 5: 1 }, rated: 3, mean: 11 / 3, sent: 4 });
    expect(csatFor(vic.store, { ...period, operatorId: ainur.id })).toMatchObject({ counts: { 4: 1, 5: 1 }, mean: 4.5, sent: 2 });
    expect(csatFor(vic.store, { ...period, courtId: court, operatorId: bolat.id })).toMatchObject({ rated: 1, mean: 2, sent: 2 });
    expect(csatFor(vic.store, { from: WORKING + DAY, to: WORKING + 2 * DAY })).toMatchObject({ rated: 0, mean: null, sent: 0 });
    expect(latestSurveyOfContact(vic.store, vic.store.getTicket(ids[0])!.contactId)!.score).toBe(5);

    const s = await serve(vic);
    const { api } = await s.login('ainur', 'password-123');
    const r = await api.get(`/api/tickets/${ids[0]}/csat`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ csat: { score: 5, answeredVia: 'whatsapp', operators: [{ id: ainur.id, name: 'ainur' }] } });
    const audited = vic.store.db
      .prepare(`SELECT user_id AS userId FROM audit_log WHERE action = 'csat.read' AND entity_id = ?`)
      .all(ids[0]);
    expect(audited).toEqual([{ userId: ainur.id }]);
  });
});

describe('the rating kept with the ticket', () => {
  it("the retention job replaces the citizen's comment with the ticket's messages and keeps the score; the export shows it", async () => {
    const { vic, clock } = await makeVic({ ...CSAT, RETENTION_MESSAGE_TEXT_DAYS: 180 });
    const rate = async (score: string, comment: string) => {
      const id = answered(vic);
      await resolve(vic, id);
      reply(vic, id, score);
      clock.advance(60_000);
      reply(vic, id, comment);
      return id;
    };
    const old = await rate('4', 'Ответили быстро, спасибо Айгерим');
    clock.advance(100 * DAY);
    const recent = await rate('2', 'Долго ждал ответа');
    clock.advance(81 * DAY);
    const job = new RetentionJob({ store: vic.store, clock, config: vic.config, attachments: vic.attachments, log: vic.log });
    await job.run();
    expect(vic.store.listMessages(old).every((m) => m.text === MARKERS.retention)).toBe(true);
    expect(surveyOfTicket(vic.store, old)).toMatchObject({
      score: 4,
      comment: MARKERS.retention,
      answeredVia: 'whatsapp',
      replyExternalId: null,
      commentExternalId: null,
    });
    expect(surveyOfTicket(vic.store, recent)).toMatchObject({ score: 2, comment: 'Долго ждал ответа' });
    // The citizen's own export shows the rating with the ticket.
    const exported = exportSubjects(vic.store, [vic.store.getTicket(recent)!.contactId], { userId: null, login: 'cli' }, clock.now());
    expect(exported.contacts[0].tickets[0].rating).toMatchObject({ score: 2, comment: 'Долго ждал ответа', answeredVia: 'whatsapp' });
    const all = csatFor(vic.store, { from: WORKING - DAY, to: clock.now() });
    expect(all).toMatchObject({ counts: { 2: 1, 4: 1 }, rated: 2, sent: 2 });
    await vic.close();
  });

  it("a merge moves the merged contact's surveys to the kept one (a rating from either identity counts), undo moves them back", async () => {
    const { vic, clock } = await makeVic(CSAT);
    const admin = vic.store.getUserByLogin('admin')!;
    const wa = answered(vic);
    await resolve(vic, wa);
    clock.advance(60_000);
    const mail = answered(vic, { channel: 'email', sender: { kind: 'email', address: 'aigerim@citizen.kz' } });
    await resolve(vic, mail);
    const [kept, merged] = [wa, mail].map((id) => vic.store.getTicket(id)!.contactId);
    const mergeId = vic.store.tx(() => vic.store.mergeContacts(kept, merged, admin.id, clock.now()));
    expect(surveyOfTicket(vic.store, mail)!.contactId).toBe(kept);

    // The kept contact's latest survey is the e-mail one; a WhatsApp "5" still rates the WhatsApp survey.
    const before = tickets(vic);
    expect(reply(vic, wa, '5')).toMatchObject({ ticketId: wa, ticketCreated: false });
    expect(reply(vic, mail, '3')).toMatchObject({ ticketId: mail, ticketCreated: false });
    expect(surveyOfTicket(vic.store, wa)).toMatchObject({ score: 5, answeredVia: 'whatsapp' });
    expect(surveyOfTicket(vic.store, mail)).toMatchObject({ score: 3, answeredVia: 'email' });
    expect(tickets(vic)).toBe(before);

    vic.store.tx(() => vic.store.undoMerge(mergeId, admin.id, clock.now()));
    expect(surveyOfTicket(vic.store, mail)!.contactId).toBe(merged);
    expect(surveyOfTicket(vic.store, wa)!.contactId).toBe(kept);
    await vic.close();
  });
});

describe('the console hears of a rating', () => {
  it('csat.changed reaches those who see the ticket, for a rating, a comment and the page; not another court or a supervisor', async () => {
    const { vic, clock } = await makeVic(CSAT);
    const eco = answered(vic, { courtHint: 'sko-economic' });
    const reg = answered(vic);
    const mail = answered(vic, { channel: 'email', sender: { kind: 'email', address: 'dana@citizen.kz' } });
    for (const id of [eco, reg, mail]) await resolve(vic, id);
    await addUser(vic, 'op-reg', 'operator', 'sko-regional');
    await addUser(vic, 'op-eco', 'operator', 'sko-economic');
    await addUser(vic, 'sup', 'supervisor', 'sko-regional');
    const s = await serve(vic);
    const heard = new Map<string, number[]>();
    const socketOf = async (login: string) => {
      const socket = await s.socket((await s.login(login, 'password-123')).cookie);
      heard.set(login, []);
      socket.on('csat.changed', (p: { ticketId: number }) => heard.get(login)!.push(p.ticketId));
      return socket;
    };
    const [opReg, opEco, supervisor] = [await socketOf('op-reg'), await socketOf('op-eco'), await socketOf('sup')];

    reply(vic, eco, '5');
    reply(vic, reg, '4');
    clock.advance(60_000);
    reply(vic, reg, 'Всё понятно');
    const survey = surveyOfTicket(vic.store, mail)!;
    const page = await fetch(`${s.base}/csat/${signToken(SECRET, survey.id, survey.expiresAt)}`, {
      method: 'POST',
      body: new URLSearchParams({ score: '5' }),
    });
    expect(page.status).toBe(200);

    // session.changed comes after every event sent before it on the same connection: nothing else is on its way.
    const last = [opReg, opEco, supervisor].map((sock) => nextEvent(sock, 'session.changed'));
    for (const u of ['op-reg', 'op-eco', 'sup']) vic.events.emit({ type: 'user.changed', userId: vic.store.getUserByLogin(u)!.id });
    await Promise.all(last);
    expect(heard.get('op-reg')).toEqual([reg, reg, mail]);
    expect(heard.get('op-eco')).toEqual([eco]);
    expect(heard.get('sup')).toEqual([]);
  });
});
