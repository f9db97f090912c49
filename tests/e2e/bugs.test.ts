// Rough edges of the console's working day (#16), each in a real browser against a real VIC: the escalation
// question's own style, an overrule shown with who decided and why (and told to the citizen), the new-user form
// while a save is running, the Kazakh word for deactivating a user, a long case number in its field, and one
// read of a ticket per opening.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { overruleReply } from '../../routing/scope/appeal-reply.ts';
import type { Vic } from '../../src/app.ts';
import type { UserRow } from '../../src/store/index.ts';
import { addUser, envelope } from '../helpers.ts';
import { e2eSuite, FakeWhatsApp, shot, signIn, ticketList } from './harness.ts';

let vic: Vic;
let base: string;
const wa = new FakeWhatsApp();
let opA: UserRow;
let specialist: UserRow;
const browsers = e2eSuite({
  users: [
    ['op-bugs-a', 'operator'],
    ['op-bugs-b', 'operator'],
    ['spec-bugs', 'specialist', 'sko-regional', { name: 'Жанар Секретарь', title: 'Секретарь' }],
  ],
  channels: [wa],
  ready: (s) => {
    ({ vic, base } = s);
    ({ 'op-bugs-a': opA, 'spec-bugs': specialist } = s.users);
  },
});

let phone = 77015559000;
const ticketFrom = (name: string, text: string) =>
  vic.ingest(envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: `${phone++}@c.us`, displayName: name }, text }))
    .ticketId;

const ticketReads = (userId: number, ticketId: number) =>
  (
    vic.store.db
      .prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'ticket.read' AND entity = 'ticket' AND entity_id = ? AND user_id = ?`)
      .get(ticketId, userId) as { n: number }
  ).n;

/** Counts the page's GET /api/tickets/:id (the ticket itself, not its sub-resources). */
function countTicketGets(page: Page, ticketId: number): () => number {
  let n = 0;
  page.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname === `/api/tickets/${ticketId}`) n++;
  });
  return () => n;
}

// Two or three Chromium contexts each: on a busy machine a test takes longer than the default 20 s.
describe('rough edges of the console', { timeout: 30_000 }, () => {
  it('styles the escalation question apart from the citizen’s messages', async () => {
    const id = ticketFrom('Серік', 'Сәлеметсіз бе, іс бойынша отырыс қашан болады?');
    vic.escalations.escalate(opA, id, specialist.id, 'Отырыстың күнін нақтылаңызшы', false);
    const page = await browsers.newPage();
    await signIn(page, 'op-bugs-a', 'password-123');
    await page.goto(`${base}/tickets/${id}`);
    const conversation = page.getByRole('list', { name: 'Переписка' });
    const escalation = conversation.locator('.msg-escalation');
    await escalation.getByText('Отырыстың күнін нақтылаңызшы').waitFor();
    const style = (el: Element) => {
      const s = getComputedStyle(el);
      return { background: s.backgroundColor, borderStyle: s.borderTopStyle, maxWidth: s.maxWidth };
    };
    const citizen = await conversation.locator('.msg-in').first().evaluate(style);
    const question = await escalation.evaluate(style);
    expect(question).toEqual({ background: 'rgb(243, 238, 251)', borderStyle: 'dashed', maxWidth: 'none' });
    expect(question.background).not.toBe(citizen.background);
    expect(citizen.borderStyle).toBe('solid');
    await shot(page, 'bugs-01-escalation-style');
  });

  it('after an overrule shows who took the ticket and why, live for a colleague, and tells the citizen in Kazakh', async () => {
    const id = ticketFrom('Бауыржан', 'Сот мені жазықсыз соттады, үкімді жойыңдар! Қайта қарауды сұраймын');
    const before = vic.store.getTicket(id)!;
    expect(before).toMatchObject({ status: 'out_of_scope', scopeVerdict: 'appeal', language: 'kk' });
    const score = before.scopeScore!.toFixed(2);

    const [a, b] = await Promise.all([browsers.newPage(), browsers.newPage()]);
    await signIn(a, 'op-bugs-a', 'password-123');
    await signIn(b, 'op-bugs-b', 'password-123');
    await Promise.all([a.goto(`${base}/tickets/${id}`), b.goto(`${base}/tickets/${id}`)]);
    const fact = (p: Page) =>
      p.locator('.ticket-head .facts div').filter({ has: p.locator('dt', { hasText: /^(Фильтр обжалований|Шағым сүзгісі)$/ }) });
    await fact(b).getByText(`обжалование судебного акта (${score})`).waitFor();
    await a.getByRole('button', { name: 'Қазақша' }).click();
    await fact(a).getByText(`сот актісіне шағым (${score})`).waitFor();

    await a.getByRole('group', { name: 'Әрекеттер' }).getByRole('button', { name: 'Бұл шағым емес — жұмысқа алу' }).click();
    const form = a.getByRole('form', { name: 'Шағым сүзгісінің шешімін болдырмау' });
    await form.getByLabel('Себебі').fill('Үкімнің көшірмесін сұрайды');
    // The event leaves the server as the overrule's answer does: timed from that answer to B's screen.
    const answered = a
      .waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/api/tickets/${id}/scope`))
      .then(() => Date.now());
    await form.getByRole('button', { name: 'Бұл шағым емес — жұмысқа алу' }).click();

    // A, in Kazakh: the decision with who and why instead of the filter's stale score.
    await fact(a).locator('[data-scope-decision="overrule"]').getByText('Үкімнің көшірмесін сұрайды').waitFor();
    const shown = (await fact(a).locator('dd').textContent())!;
    expect(shown).toMatch(/^орталықтың құзыретінде — op-bugs-a шешімімен, \d\d\.\d\d\.\d{4} \d\d:\d\d: /);
    expect(shown).not.toContain(score);
    // B, in Russian, who did nothing: the same, live.
    await fact(b).locator('[data-scope-decision="overrule"]').getByText('Үкімнің көшірмесін сұрайды').waitFor();
    const took = Date.now() - (await answered);
    console.info(`overrule → colleague's screen: ${took} ms`);
    expect(took).toBeLessThan(1000);
    expect(await fact(b).locator('dd').textContent()).toMatch(/^в компетенции центра — по решению op-bugs-a от /);
    expect(await fact(b).locator('dd').textContent()).not.toContain(score);
    await shot(a, 'bugs-02-overruled-kk');

    // The citizen is told, in Kazakh, once; both consoles show the notice.
    const notice = overruleReply('kk', before.ref);
    await b.getByRole('list', { name: 'Переписка' }).getByText(notice).waitFor();
    await a.getByRole('list', { name: 'Хат алмасу' }).getByText(notice).waitFor();
    await expect.poll(() => wa.sent.filter((m) => m.ticketRef === before.ref).map((m) => m.text)).toContain(notice);
    expect(vic.store.listMessages(id).filter((m) => m.auto === 'overrule')).toHaveLength(1);
    await a.getByRole('button', { name: 'Русский' }).click();
  });

  it('keeps a second new user typed while the first is still being created, and clears an old success on a new error', async () => {
    const page = await browsers.newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('link', { name: 'Пользователи' }).click();
    const form = page.getByRole('form', { name: 'Новый пользователь' });
    // The first save is held in flight until the second user is typed.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/users', async (route) => {
      if (route.request().method() === 'POST' && (route.request().postDataJSON() as { login: string }).login === 'first-user') await held;
      await route.continue();
    });
    const fill = async (login: string, name: string) => {
      await form.getByLabel('Логин').fill(login);
      await form.getByLabel('ФИО').fill(name);
      await form.getByLabel(/^Пароль/).fill('password-123');
    };
    await fill('first-user', 'Первый Пользователь');
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/users'));
    await form.getByRole('button', { name: 'Создать' }).click();
    await sent;
    expect(await form.getByRole('button', { name: 'Создать' }).isDisabled()).toBe(true);
    await fill('second-user', 'Второй Пользователь');
    release();
    await page.getByRole('status').filter({ hasText: 'Пользователь first-user создан' }).waitFor();
    await page.locator('tr[data-user="first-user"]').waitFor();
    // What was typed meanwhile is still there.
    expect(await form.getByLabel('Логин').inputValue()).toBe('second-user');
    expect(await form.getByLabel('ФИО').inputValue()).toBe('Второй Пользователь');
    await form.getByRole('button', { name: 'Создать' }).click();
    await page.getByRole('status').filter({ hasText: 'Пользователь second-user создан' }).waitFor();
    expect(vic.store.getUserByLogin('second-user')?.name).toBe('Второй Пользователь');
    expect(await form.getByLabel('Логин').inputValue()).toBe('');

    // A refused save: its error alone, not beside the earlier success.
    await fill('second-user', 'Ещё раз');
    await form.getByRole('button', { name: 'Создать' }).click();
    await form.getByRole('alert').waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'создан' }).count()).toBe(0);
    expect(await form.getByLabel('Логин').inputValue()).toBe('second-user');
    await shot(page, 'bugs-03-user-form-error');
  });

  it('names deactivating a user in Kazakh as stopping the account, not erasing it', async () => {
    await addUser(vic, 'op-bugs-off', 'operator', 'sko-regional');
    const page = await browsers.newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await page.getByRole('link', { name: 'Пайдаланушылар' }).click();
    const row = page.locator('tr[data-user="op-bugs-off"]');
    await row.getByRole('button', { name: 'Белсенділігін тоқтату: op-bugs-off' }).click();
    await row.getByRole('cell', { name: 'Белсенді емес' }).waitFor();
    await row.getByRole('button', { name: 'Белсендіру: op-bugs-off' }).waitFor();
    expect(vic.store.getUserByLogin('op-bugs-off')!.active).toBe(false);
    expect(
      await page
        .getByRole('main')
        .getByText(/Өшіру|Өшірілген/)
        .count(),
    ).toBe(0);
    await shot(page, 'bugs-04-deactivate-kk');
    await row.getByRole('button', { name: 'Белсендіру: op-bugs-off' }).click();
    await row.getByRole('cell', { name: 'Белсенді', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Русский' }).click();
  });

  it('shows a whole case number in its field', async () => {
    const id = ticketFrom('Ольга', 'Когда будет готово решение?');
    const page = await browsers.newPage();
    await signIn(page, 'op-bugs-a', 'password-123');
    await page.goto(`${base}/tickets/${id}`);
    await page.getByRole('heading', { name: /Ольга/ }).waitFor();
    // The header may fold the form into its "more" menu.
    const more = page.locator('.ticket-head').getByRole('button', { name: 'Ещё действия' });
    if (await more.count()) await more.click();
    const field = page.locator('.ticket-head').getByLabel('№ дела');
    for (const n of ['7599-26-00-2/101', '7599-24-00-2А/8554']) {
      await field.fill(n);
      const { scroll, client } = await field.evaluate((el: HTMLInputElement) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      expect(scroll, n).toBeLessThanOrEqual(client);
    }
    await shot(page, 'bugs-05-case-number');
  });

  it('reads a ticket once per opening, from the list and from its address', async () => {
    const fromList = ticketFrom('Тимур', 'Другая сторона подала апелляцию? Как узнать?');
    const page = await browsers.newPage();
    await signIn(page, 'op-bugs-b', 'password-123');
    const userId = vic.store.getUserByLogin('op-bugs-b')!.id;
    const gets = countTicketGets(page, fromList);
    await ticketList(page).getByRole('link', { name: /Тимур/ }).click();
    await page.getByRole('list', { name: 'Переписка' }).getByText('Другая сторона подала апелляцию?').waitFor();
    // Anything late (a second effect, a reload on connect) has had time to happen.
    await page.waitForTimeout(700);
    expect(gets()).toBe(1);
    expect(ticketReads(userId, fromList)).toBe(1);

    const direct = ticketFrom('Людмила', 'Во сколько начинается приём граждан?');
    const directGets = countTicketGets(page, direct);
    await page.goto(`${base}/tickets/${direct}`);
    await page.getByRole('list', { name: 'Переписка' }).getByText('Во сколько начинается приём граждан?').waitFor();
    await page.locator('[data-link="connected"]').waitFor();
    await page.waitForTimeout(700);
    expect(directGets()).toBe(1);
    expect(ticketReads(userId, direct)).toBe(1);
  });
});
