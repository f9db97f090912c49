// The admin's audit screen in a real browser (Debian's Chromium through playwright-core) against a real VIC: an
// operator's search by phone and ticket read show up with user, filters, IP and court time, found by user,
// action, ticket and date; citizen text is shown as text; pages stay put while the log grows; and an admin passes
// an escalated ticket on for an absent specialist, which the log then shows for that ticket.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { SESSION_COOKIE, hashPassword, openSession } from '../../src/auth.ts';
import type { UserRow } from '../../src/store/index.ts';
import { envelope, makeVic } from '../helpers.ts';
import { Browsers, buildUiIfStale, closeAfterSuite, openSuite, shot, signIn, SUITE_SETUP_MS } from './harness.ts';

let vic: Vic;
let base: string;
let op: UserRow;
let away: UserRow;
let colleague: UserRow;
const browsers = new Browsers(() => base);
const PHONE = '+77015550101';

beforeAll(async () => {
  buildUiIfStale();
  ({ vic } = await makeVic());
  const passwordHash = await hashPassword('password-123');
  const courtId = vic.store.getCourtByCode('sko-regional')!.id;
  const user = (login: string, name: string, role: UserRow['role']) =>
    vic.store.getUser(vic.store.createUser({ login, name, role, courtId, passwordHash }, vic.clock.now()))!;
  op = user('op-audit', 'Айгерим Оператор', 'operator');
  away = user('spec-away', 'Жанар Секретарь', 'specialist');
  colleague = user('spec-colleague', 'Асель Канцелярия', 'specialist');
  base = await openSuite(vic, browsers);
}, SUITE_SETUP_MS);

closeAfterSuite(browsers, () => vic);

/** The admin on the audit screen. */
async function auditScreen(): Promise<Page> {
  const page = await browsers.newPage();
  await signIn(page, 'admin', 'admin-secret-1');
  await page.getByRole('link', { name: 'Журнал аудита' }).click();
  await page.getByRole('heading', { name: 'Журнал аудита' }).waitFor();
  return page;
}
const filters = (page: Page) => page.getByRole('form', { name: 'Фильтры журнала' });
const rowsOf = (page: Page) => page.getByRole('table', { name: 'Журнал аудита' }).locator('tbody tr');
const cells = (page: Page) =>
  rowsOf(page).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));

describe('the audit screen', () => {
  it('finds an operator’s search by phone and ticket read by user, action, ticket and date, in court time with the IP', async () => {
    const { ticketId } = vic.ingest(
      envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: `${PHONE.slice(1)}@c.us`, displayName: 'Ержан' } }),
    );
    const ref = vic.store.getTicket(ticketId)!.ref;

    // The operator's console asks these when the phone is typed in the search box and the ticket opened.
    const cookie = operatorCookie();
    expect(
      (
        await fetch(`${base}/api/tickets?queue=court&q=${encodeURIComponent(PHONE)}`, { headers: { cookie } }).then(
          (r) => r.json() as Promise<{ total: number }>,
        )
      ).total,
    ).toBe(1);
    expect((await fetch(`${base}/api/tickets/${ticketId}`, { headers: { cookie } })).status).toBe(200);

    const page = await auditScreen();
    await filters(page).getByRole('combobox', { name: 'Пользователь' }).selectOption({ label: 'Айгерим Оператор (op-audit)' });
    await filters(page).getByRole('combobox', { name: 'Действие' }).selectOption('ticket.list');
    await filters(page).getByRole('button', { name: 'Показать' }).click();
    // The server's clock stands at 10:00 in Petropavl on 1 December 2026.
    const search = rowsOf(page).filter({ hasText: `q: ${PHONE}` });
    await search.waitFor();
    expect((await search.locator('td').allTextContents()).map((s) => s.trim())).toEqual([
      '01.12.2026 10:00',
      'Айгерим Оператор (op-audit)',
      'ticket.list',
      '',
      expect.stringContaining(`q: ${PHONE}`),
      '127.0.0.1',
    ]);
    expect((await cells(page)).every((c) => c[2] === 'ticket.list' && c[1] === 'Айгерим Оператор (op-audit)')).toBe(true);
    await shot(page, '40-audit-search-by-phone');

    // By ticket reference, any user and action: the operator's read of it, linked to the ticket.
    await filters(page).getByRole('combobox', { name: 'Пользователь' }).selectOption('');
    await filters(page).getByRole('combobox', { name: 'Действие' }).selectOption('');
    await filters(page).getByRole('textbox', { name: 'Обращение' }).fill(ref);
    await filters(page).getByRole('button', { name: 'Показать' }).click();
    const read = rowsOf(page).filter({ hasText: 'ticket.read' });
    await read.waitFor();
    expect(await read.getByRole('link', { name: ref }).getAttribute('href')).toBe(`/tickets/${ticketId}`);
    expect(await read.locator('td').first().textContent()).toBe('01.12.2026 10:00');

    // Dates are court days: nothing on 2 December, the read on 1 December.
    await filters(page).getByLabel('С даты').fill('2026-12-02');
    await filters(page).getByRole('button', { name: 'Показать' }).click();
    await page.getByText('Записей нет').waitFor();
    await filters(page).getByLabel('С даты').fill('2026-12-01');
    await filters(page).getByLabel('По дату').fill('2026-12-01');
    await filters(page).getByRole('button', { name: 'Показать' }).click();
    await rowsOf(page).filter({ hasText: 'ticket.read' }).waitFor();
  });

  it('is in Kazakh too', async () => {
    const page = await auditScreen();
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await page.getByRole('heading', { name: 'Аудит журналы' }).waitFor();
    await page.getByRole('columnheader', { name: 'IP мекенжайы' }).waitFor();
    await page.getByRole('form', { name: 'Журнал сүзгілері' }).getByRole('button', { name: 'Көрсету' }).waitFor();
    await page.getByRole('button', { name: 'Русский' }).click();
  });

  it('shows search texts and typed logins as text, never as markup', async () => {
    const xss = '<img src=x onerror="window.__xss=1">';
    const cookie = operatorCookie();
    await fetch(`${base}/api/tickets?q=${encodeURIComponent(xss)}`, { headers: { cookie } });
    await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: '<script>window.__xss=2</script>', password: 'nope' }),
    });

    const page = await auditScreen();
    await rowsOf(page)
      .filter({ hasText: `q: ${xss}` })
      .waitFor();
    const failed = rowsOf(page).filter({ hasText: 'auth.login_failed' });
    expect(await failed.locator('td.pre').textContent()).toBe('login: <script>window.__xss=2</script>');
    expect(await failed.locator('td').nth(1).textContent()).toBe('система');
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  });

  it('pages through the log without repeats while it grows', async () => {
    for (let i = 0; i < 120; i++)
      vic.store.audit({ at: vic.clock.now(), userId: op.id, action: 'ticket.note', entity: 'ticket', entityId: 10_000 + i });
    const page = await auditScreen();
    await filters(page).getByRole('combobox', { name: 'Действие' }).selectOption('ticket.note');
    await filters(page).getByRole('button', { name: 'Показать' }).click();
    const pager = page.getByRole('group', { name: 'Страницы журнала' });
    await pager.getByText('Записи 1–50').waitFor();
    const seen: string[] = [];
    const collect = async () => seen.push(...(await rowsOf(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-audit')!))));
    await collect();
    expect(await pager.getByRole('button', { name: 'Назад' }).isDisabled()).toBe(true);
    for (const range of ['Записи 51–100', 'Записи 101–120']) {
      // Someone writes meanwhile: the pages already counted do not move.
      vic.store.audit({ at: vic.clock.now(), userId: op.id, action: 'ticket.note', entity: 'ticket', entityId: 99_999 });
      await pager.getByRole('button', { name: 'Далее' }).click();
      await pager.getByText(range).waitFor();
      await collect();
    }
    expect(await pager.getByRole('button', { name: 'Далее' }).isDisabled()).toBe(true);
    expect(new Set(seen).size).toBe(120);
    await shot(page, '41-audit-last-page');
  });

  it('lets an admin pass an escalated ticket on for a specialist who is away, and shows it for that ticket', async () => {
    const { ticketId } = vic.ingest(envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: '77015550303@c.us' } }));
    vic.escalations.escalate(op, ticketId, away.id, 'Когда заседание?', false);
    const ref = vic.store.getTicket(ticketId)!.ref;

    const page = await auditScreen();
    await page.goto(`${base}/tickets/${ticketId}`);
    await page.getByRole('button', { name: 'Передать другому специалисту' }).click();
    const form = page.getByRole('form', { name: 'Передать другому специалисту' });
    await form.getByRole('combobox', { name: 'Кому' }).selectOption({ label: colleague.name });
    await form.getByRole('button', { name: 'Передать другому специалисту' }).click();
    await expect.poll(() => vic.store.getTicket(ticketId)!.specialistId).toBe(colleague.id);
    // The operator who asked keeps the question.
    expect(vic.store.listEscalations(ticketId).find((e) => e.status === 'open')).toMatchObject({
      fromUserId: op.id,
      toUserId: colleague.id,
    });

    await page.getByRole('link', { name: 'Журнал аудита' }).click();
    await filters(page).getByRole('textbox', { name: 'Обращение' }).fill(ref);
    await filters(page).getByRole('button', { name: 'Показать' }).click();
    const passed = rowsOf(page).filter({ hasText: 'ticket.escalation_passed' });
    await passed.waitFor();
    expect(await passed.locator('td').nth(1).textContent()).toBe('Administrator (admin)');
  });
});

/** The operator's session cookie, as sign-in would set it (the browser signs in through the form elsewhere). */
const operatorCookie = () => `${SESSION_COOKIE}=${openSession(vic.store, op.id, vic.clock.now(), 3_600_000)}`;
