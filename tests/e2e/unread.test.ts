// Unread marks, notifications and drafts in real Chromium, with operator A (two contexts: two devices), operator
// B and a specialist signed in at once: the specialist's answer while A looks at another ticket gives A an unread
// mark and a notification within a second (measured), both survive a reload and clear when A opens the ticket (on
// A's other device too); B gets the mark, not A's notification. A draft typed on one device is restored on the
// other after switching tickets, and gone once sent. The bell in Kazakh.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import type { UserRow } from '../../src/store/index.ts';
import { envelope } from '../helpers.ts';
import { e2eSuite, FakeWhatsApp, shot, signIn, ticketList, TWO_OPERATORS } from './harness.ts';

let vic: Vic;
let opA: UserRow;
let spec: UserRow;
const browsers = e2eSuite({
  users: [...TWO_OPERATORS, ['spec', 'specialist']],
  channels: [new FakeWhatsApp()],
  ready: (s) => {
    vic = s.vic;
    ({ 'op-a': opA, spec } = s.users);
  },
});

/** A WhatsApp ticket of the court, held by A. */
function ticketOf(name: string, phone: string, text: string): number {
  const { ticketId } = vic.ingest(
    envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: `${phone}@c.us`, displayName: name }, text }),
  );
  vic.tickets.claim(opA, ticketId);
  return ticketId;
}
/** Signed-in pages, one context each, opened one after another: a loaded machine times out opening them at once. */
async function pages(logins: string[]): Promise<Page[]> {
  const out: Page[] = [];
  for (const login of logins) {
    const page = await browsers.newPage();
    // Sign-in hashes with argon2: slow while other suites run.
    page.context().setDefaultTimeout(15_000);
    await signIn(page, login, 'password-123');
    out.push(page);
  }
  return out;
}
const row = (page: Page, name: string) => ticketList(page).getByRole('link', { name: new RegExp(name) });
const unreadRow = (page: Page, name: string) => ticketList(page).locator('a.unread', { hasText: name });
const bell = (page: Page) => page.locator('[data-bell-count]');
const bellCount = async (page: Page) => Number(await bell(page).getAttribute('data-bell-count'));

describe('unread marks and notifications', () => {
  it('marks the specialist’s answer unread for A within a second, keeps it over a reload, clears it when opened', async () => {
    const t1 = ticketOf('Алия Серикова', '77015550101', 'Когда будет заседание по моему делу?');
    ticketOf('Болат Ахметов', '77015550102', 'Где получить копию решения?');
    vic.escalations.escalate(opA, t1, spec.id, 'Уточните дату заседания', false);

    const [a, a2, b, s] = await pages(['op-a', 'op-a', 'op-b', 'spec']);
    // A reads the escalated ticket, then works on the other one; B looks at the first.
    await row(a, 'Алия Серикова').click();
    await a.getByRole('list', { name: 'Переписка' }).getByText('Когда будет заседание').waitFor();
    await row(a, 'Болат Ахметов').click();
    await a.getByRole('list', { name: 'Переписка' }).getByText('Где получить копию').waitFor();
    await row(a2, 'Болат Ахметов').waitFor();
    expect(await unreadRow(a, 'Алия Серикова').count()).toBe(0);
    await row(b, 'Алия Серикова').click();
    await b.getByRole('list', { name: 'Переписка' }).getByText('Когда будет заседание').waitFor();
    // Both of A's tickets read, nothing for A yet.
    await a.locator('[data-bell-count="0"]').waitFor();
    const before = 0;

    // The specialist answers.
    await row(s, 'Алия Серикова').click();
    const box = s.getByRole('textbox', { name: 'Текст ответа' });
    await box.fill('Заседание назначено на 15 декабря.');
    // Event to screen: from the moment the server announces the answer.
    let emitted = 0;
    const off = vic.events.on((e) => {
      if (e.type === 'message.created' && e.ticket.id === t1 && e.message.authorId === spec.id) emitted = Date.now();
    });
    await box.press('Control+Enter');
    await unreadRow(a, 'Алия Серикова').waitFor();
    const markMs = Date.now() - emitted;
    await a.locator(`[data-bell-count="${before + 1}"]`).waitFor();
    const bellMs = Date.now() - emitted;
    off();
    console.info(`specialist's answer (server event) → A's unread mark ${markMs} ms, bell ${bellMs} ms`);
    expect(markMs).toBeLessThan(1000);
    expect(bellMs).toBeLessThan(1000);
    // The unread count of A's own queue, beside its counter.
    await a.locator('[data-unread-mine="1"]').waitFor();
    // A's other device too; B sees the answer (B has the ticket open), but gets no notification of A's.
    await unreadRow(a2, 'Алия Серикова').waitFor();
    await b.getByRole('list', { name: 'Переписка' }).getByText('Заседание назначено на 15 декабря.').waitFor();
    expect(await unreadRow(b, 'Алия Серикова').count()).toBe(0);
    expect(await bellCount(b)).toBe(0);

    await bell(a).click();
    const panel = a.getByRole('dialog', { name: 'Уведомления' });
    await panel.locator('[data-notification="answer"]', { hasText: 'Специалист spec ответил(а) по обращению' }).waitFor();
    // Listed once: by the notification, not again as a new message.
    expect(await panel.locator('[data-notification="message"]').count()).toBe(0);
    await shot(a, '70-unread-bell');
    await bell(a).click();

    // A reload keeps the mark and the notification (the server holds them).
    await a.reload();
    await a.locator('[data-link="connected"]').waitFor();
    await unreadRow(a, 'Алия Серикова').waitFor();
    expect(await bellCount(a)).toBe(before + 1);

    // Opening the ticket clears it, here and on A's other device.
    await row(a, 'Алия Серикова').click();
    await a.getByRole('list', { name: 'Переписка' }).getByText('Заседание назначено на 15 декабря.').waitFor();
    await a.locator(`[data-bell-count="${before}"]`).waitFor();
    await a.locator('[data-unread-mine]').waitFor({ state: 'detached' });
    await row(a, 'Болат Ахметов').click();
    expect(await unreadRow(a, 'Алия Серикова').count()).toBe(0);
    await ticketList(a2).locator('a:not(.unread)', { hasText: 'Алия Серикова' }).waitFor();
    await a2.locator(`[data-bell-count="${before}"]`).waitFor();
  }, 90_000);

  it('restores A’s draft on A’s other device after switching tickets, and deletes it when sent; the bell in Kazakh', async () => {
    const t3 = ticketOf('Серик Жумабаев', '77015550103', 'Прошу перенести заседание');
    ticketOf('Дана Ким', '77015550104', 'Как подать апелляцию?');
    const [a, a2] = await pages(['op-a', 'op-a']);

    await row(a, 'Серик Жумабаев').click();
    const draft = 'Здравствуйте, Серик! Ваше ходатайство о переносе передано судье.';
    await a.getByRole('textbox', { name: 'Текст ответа' }).fill(draft);
    // Switching at once: the pending save goes out as the composer closes.
    await row(a, 'Дана Ким').click();
    await a.getByRole('list', { name: 'Переписка' }).getByText('Как подать апелляцию?').waitFor();
    await expect.poll(() => vic.store.getDraft(opA.id, t3)?.text, { timeout: 3000 }).toBe(draft);

    await row(a2, 'Серик Жумабаев').click();
    const box2 = a2.getByRole('textbox', { name: 'Текст ответа' });
    await expect.poll(() => box2.inputValue(), { timeout: 3000 }).toBe(draft);
    // Typing goes on the other device, saved about a second later.
    await box2.press('End');
    await box2.pressSequentially(' Ждите');
    await expect.poll(() => vic.store.getDraft(opA.id, t3)?.text, { timeout: 3000 }).toBe(`${draft} Ждите`);
    await box2.press('Control+Enter');
    await a2.getByRole('list', { name: 'Переписка' }).getByText('Ждите', { exact: false }).waitFor();
    await expect.poll(() => vic.store.getDraft(opA.id, t3), { timeout: 3000 }).toBeUndefined();
    // Still gone after the debounce would have fired.
    await a2.waitForTimeout(1500);
    expect(vic.store.getDraft(opA.id, t3)).toBeUndefined();
    await row(a, 'Серик Жумабаев').click();
    await a.getByRole('list', { name: 'Переписка' }).getByText('Ждите', { exact: false }).waitFor();
    expect(await a.getByRole('textbox', { name: 'Текст ответа' }).inputValue()).toBe('');

    // Kazakh: the bell and an assignment by B's colleague, the admin, arriving live.
    await a2.getByRole('button', { name: 'Қазақша' }).click();
    const t5 = vic.ingest(
      envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: '77015550105@c.us', displayName: 'Ерлан Оспанов' } }),
    ).ticketId;
    // Held by B, then given to A by the admin (the routing may have handed it to A already).
    vic.tickets.claim(vic.store.getUserByLogin('op-b')!, t5);
    const sentAt = Date.now();
    vic.tickets.assign(vic.store.getUserByLogin('admin')!, t5, opA.id);
    await a2.locator('.bell-count').waitFor();
    await bell(a2).click();
    const panel = a2.getByRole('dialog', { name: 'Хабарландырулар' });
    await panel.locator('[data-notification="assigned"]', { hasText: 'сізге' }).waitFor();
    console.info(`assignment → A's bell (kk) ${Date.now() - sentAt} ms`);
    expect(await bell(a2).getAttribute('aria-label')).toMatch(/^Хабарландырулар: \d+$/);
    await shot(a2, '71-unread-bell-kk');
    await a2.getByRole('button', { name: 'Русский' }).click();
  }, 35_000);
});
