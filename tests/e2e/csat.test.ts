// The citizen's rating in the console (Debian's Chromium through playwright-core, a real VIC): the ticket's
// header shows the score, how it was given and the comment, in Russian and Kazakh; "asked, no answer yet" while
// the survey waits; a rating and a comment arriving while the ticket is open show without reopening it; and the
// read is audited.
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { recordComment, recordRating, surveyOfTicket } from '../../src/csat/store.ts';
import { envelope } from '../helpers.ts';
import { e2eSuite, FakeWhatsApp, shot, signIn } from './harness.ts';

let vic: Vic;
let base: string;
const browsers = e2eSuite({
  users: [['op-csat', 'operator', 'sko-regional', { name: 'Айгерим Сейтова' }]],
  channels: [new FakeWhatsApp()],
  ready: (s) => ({ vic, base } = s),
});

/** A WhatsApp ticket answered by the operator, resolved and surveyed (the survey as the resolution queues it). */
function surveyed(address: string, name: string): number {
  const { ticketId } = vic.ingest(envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address, displayName: name } }));
  const op = vic.store.getUserByLogin('op-csat')!;
  vic.tickets.claim(op, ticketId);
  vic.tickets.post(op, ticketId, 'reply', 'Заседание назначено на 10 декабря в 10:00.');
  const before = vic.store.getTicket(ticketId)!;
  const resolved = vic.tickets.resolve(op, ticketId);
  expect(vic.csat.survey(resolved, before)).toHaveProperty('surveyId');
  return ticketId;
}

describe('the rating on the ticket', () => {
  it('shows the score and comment in Russian and Kazakh, and "no answer yet" while the survey waits', async () => {
    const rated = surveyed('77015550701@c.us', 'Марат');
    const s = surveyOfTicket(vic.store, rated)!;
    recordRating(vic.store, s, { score: 4, comment: null, via: 'whatsapp', externalId: 'r-1', now: vic.clock.now() });
    recordComment(vic.store, s.id, 'Ответили понятно, <b>спасибо</b>', 'r-2');
    const waiting = surveyed('77015550702@c.us', 'Дина');

    const page = await browsers.newPage();
    await signIn(page, 'op-csat', 'password-123');
    await page.goto(`${base}/tickets/${rated}`);
    const badge = page.locator('[data-csat="4"]');
    await badge.getByText('Оценка гражданина: 4 из 5').waitFor();
    await badge.getByText('через WhatsApp', { exact: false }).waitFor();
    // The citizen's text is shown as text, never as markup.
    expect(await badge.locator('q').textContent()).toBe('Ответили понятно, <b>спасибо</b>');
    expect(await badge.getAttribute('title')).toContain('Айгерим Сейтова');
    await shot(page, 'csat-01-rated');
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await badge.getByText('Азаматтың бағасы: 5-тен 4').waitFor();
    await badge.getByText('WhatsApp арқылы', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Русский' }).click();

    await page.goto(`${base}/tickets/${waiting}`);
    await page.locator('[data-csat="pending"]').getByText('Опрос об оценке отправлен, ответа нет').waitFor();

    const op = vic.store.getUserByLogin('op-csat')!;
    const reads = vic.store.db.prepare(`SELECT entity_id AS id FROM audit_log WHERE action = 'csat.read' AND user_id = ?`).all(op.id);
    expect(reads).toEqual(expect.arrayContaining([{ id: rated }, { id: waiting }]));
  });

  it('a rating and a comment arriving while the ticket is open show without reopening it (in Kazakh)', async () => {
    const id = surveyed('77015550703@c.us', 'Ерлан');
    const page = await browsers.newPage();
    await signIn(page, 'op-csat', 'password-123');
    await page.goto(`${base}/tickets/${id}`);
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await page.locator('[data-csat="pending"]').getByText('Бағалау сауалы жіберілді, жауап жоқ').waitFor();
    // What the CSAT service writes and announces when the citizen's "5" and comment arrive (this suite runs with
    // CSAT off: tests/integration/csat.test.ts checks the service's side, the event to those who see the ticket).
    const s = surveyOfTicket(vic.store, id)!;
    const told = () => vic.events.emit({ type: 'csat.changed', ticket: vic.store.getTicket(id)! });
    recordRating(vic.store, s, { score: 5, comment: null, via: 'whatsapp', externalId: 'r-5', now: vic.clock.now() });
    told();
    const badge = page.locator('[data-csat="5"]');
    await badge.getByText('Азаматтың бағасы: 5-тен 5').waitFor();
    recordComment(vic.store, s.id, 'Рахмет, бәрі түсінікті', 'r-6');
    told();
    await badge.locator('q', { hasText: 'Рахмет, бәрі түсінікті' }).waitFor();
    await shot(page, 'csat-02-live-kk');
    await page.getByRole('button', { name: 'Русский' }).click();
  });
});
