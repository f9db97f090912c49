// Keyboard-first work and bulk actions in a real browser (Debian's Chromium through playwright-core) against a
// real VIC: the skip link, j/k and Enter in the list, `/` to search, `c` to claim, `r` and the canned answers
// typed with `/` or `#`, Ctrl+Shift+Enter to reply and resolve, `?` in both languages; and operator A resolving
// three out-of-scope tickets at once while operator B watches them leave the queue.
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { envelope, until } from '../helpers.ts';
import { e2eSuite, FakeWhatsApp, shot, signIn, ticketList, TWO_OPERATORS } from './harness.ts';

let vic: Vic;
let base: string;
let n = 0;
const wa = () => `7701666${String(++n).padStart(4, '0')}@c.us`;

const CANNED = [
  ['Часы работы', 'ru', 'Здравствуйте, {name}! Канцелярия работает с 09:00 до 18:30.'],
  ['Принято', 'ru', 'Ваше обращение {ref} принято.'],
  ['Жұмыс уақыты', 'kk', 'Сәлеметсіз бе, {name}! Кеңсе 09:00-ден 18:30-ға дейін жұмыс істейді.'],
  ['Қабылданды', 'kk', '{ref} өтінішіңіз қабылданды.'],
] as const;

const browsers = e2eSuite({
  users: [...TWO_OPERATORS, ['op-kbd', 'operator', 'sko-economic']],
  channels: [new FakeWhatsApp()],
  seed: (v) => CANNED.forEach(([title, lang, text]) => v.store.saveCanned({ title, lang, text }, v.clock.now())),
  ready: (s) => ({ vic, base } = s),
});

const focusedHref = (page: import('playwright-core').Page) => page.evaluate(() => document.activeElement?.getAttribute('href') ?? null);
const blur = (page: import('playwright-core').Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

describe('keyboard-first console', () => {
  it('reaches, moves through and opens tickets from the keyboard, claims with c, searches with /', async () => {
    const page = await browsers.newPage();
    await signIn(page, 'op-kbd', 'password-123');
    // Away: new tickets stay unassigned (not handed to this operator automatically), for `c` to claim one.
    const me = vic.store.getUserByLogin('op-kbd')!;
    await page.getByRole('button', { name: 'Отошёл' }).click();
    await until('away', () => vic.store.getPresence(me.id)?.status === 'away');
    const ids = ['Первый', 'Второй', 'Третий'].map(
      (name) =>
        vic.ingest(
          envelope({ courtHint: 'sko-economic', sender: { kind: 'whatsapp', address: wa(), displayName: name }, text: 'Когда заседание?' }),
        ).ticketId,
    );
    // Listed newest first: third, second, first.
    const [first, second, third] = ids.map((id) => `/tickets/${id}`);
    // A fresh page, its focus nowhere yet.
    await page.reload();
    await page.locator('[data-link="connected"]').waitFor();
    await ticketList(page)
      .getByRole('link', { name: /Третий/ })
      .waitFor();
    expect(vic.store.getTicket(ids[1])!.assigneeId).toBeNull();

    // One Tab reaches the skip link, Enter puts the focus on the first ticket.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Перейти к списку обращений');
    await page.keyboard.press('Enter');
    expect(await focusedHref(page)).toMatch(new RegExp(`^${third}\\b`));
    await page.keyboard.press('j');
    expect(await focusedHref(page)).toMatch(new RegExp(`^${second}\\b`));
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await focusedHref(page)).toMatch(new RegExp(`^${first}\\b`));
    await page.keyboard.press('k');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowDown');
    expect(await focusedHref(page)).toMatch(new RegExp(`^${second}\\b`));
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === second);
    await page.getByRole('heading', { name: /Второй/ }).waitFor();

    // `/`: to the search box, the slash not typed into it.
    await blur(page);
    await page.keyboard.press('/');
    const search = page.getByRole('searchbox');
    expect(await search.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await search.inputValue()).toBe('');
    // Letters typed there are text, not shortcuts.
    await page.keyboard.type('cr');
    expect(await search.inputValue()).toBe('cr');
    expect(vic.store.getTicket(ids[1])!.assigneeId).toBeNull();
    await search.fill('');

    // `c` claims the open ticket.
    await blur(page);
    await page.keyboard.press('c');
    await until('claimed', () => vic.store.getTicket(ids[1])!.assigneeId === me.id);
    await page.getByRole('button', { name: 'Взять себе' }).waitFor({ state: 'detached' });

    // `n` and `r`: the composer as a note, then as a reply, with the cursor in it.
    await page.keyboard.press('n');
    await page.getByRole('textbox', { name: 'Текст заметки' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
    await blur(page);
    await page.keyboard.press('r');
    await page.getByRole('textbox', { name: 'Текст ответа' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
    // `e` opens the escalation dialog; Escape closes it.
    await blur(page);
    await page.keyboard.press('e');
    await page.locator('dialog.esc-dialog[open]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('dialog.esc-dialog[open]').waitFor({ state: 'detached' });
  }, 25_000);

  it('offers canned answers in the ticket’s language from `/` and `#`, and replies and resolves with Ctrl+Shift+Enter', async () => {
    const ru = vic.ingest(
      envelope({
        courtHint: 'sko-regional',
        sender: { kind: 'whatsapp', address: wa(), displayName: 'Мадина Ержанова' },
        text: 'Здравствуйте, подскажите, пожалуйста, часы работы канцелярии суда.',
      }),
    ).ticketId;
    const kk = vic.ingest(
      envelope({
        courtHint: 'sko-regional',
        sender: { kind: 'whatsapp', address: wa(), displayName: 'Айгүл Серікова' },
        text: 'Сәлеметсіз бе, сот кеңсесінің жұмыс уақытын айтыңызшы, өтінемін.',
      }),
    ).ticketId;
    expect(vic.store.getTicket(ru)!.language).toBe('ru');
    expect(vic.store.getTicket(kk)!.language).toBe('kk');

    const page = await browsers.newPage();
    await signIn(page, 'op-a', 'password-123');

    // A Russian ticket: `/` plus a word filters the Russian answers; Enter puts it in place of the typed word.
    await page.goto(`${base}/tickets/${ru}`);
    await page.getByRole('heading', { name: /Мадина Ержанова/ }).waitFor();
    await page.keyboard.press('r');
    await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
    await page.keyboard.type('Добрый день. /час');
    const box = page.getByRole('textbox', { name: 'Текст ответа' });
    expect(await box.inputValue()).toBe('Добрый день. /час');
    const list = page.getByRole('listbox', { name: 'Шаблоны ответов' });
    await list.waitFor();
    expect(await list.getByRole('option').allTextContents()).toEqual([expect.stringContaining('Часы работы')]);
    await page.keyboard.press('Enter');
    const ruTicket = vic.store.getTicket(ru)!;
    expect(ruTicket.contactName).toBe('Мадина Ержанова');
    const ruText = 'Добрый день. Здравствуйте, Мадина Ержанова! Канцелярия работает с 09:00 до 18:30.';
    await page.waitForFunction((text) => document.querySelector<HTMLTextAreaElement>('.composer textarea')?.value === text, ruText);
    await list.waitFor({ state: 'detached' });
    // Escape closes the list and leaves the typed text.
    await page.keyboard.type(' #');
    await list.waitFor();
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'detached' });
    expect(await box.inputValue()).toBe(`${ruText} #`);
    await box.fill('');

    // A Kazakh ticket: `#` offers only the Kazakh answers; ↓ then Enter takes the second.
    await page.goto(`${base}/tickets/${kk}`);
    await page.getByRole('heading', { name: /Айгүл Серікова/ }).waitFor();
    await page.keyboard.press('r');
    await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
    await page.keyboard.type('#');
    await list.waitFor();
    expect(await list.getByRole('option').evaluateAll((os) => os.map((o) => o.getAttribute('data-canned-lang')))).toEqual(['kk', 'kk']);
    await shot(page, 'keyboard-01-canned');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const kkTicket = vic.store.getTicket(kk)!;
    const kkText = `${kkTicket.ref} өтінішіңіз қабылданды.`;
    await page.waitForFunction((text) => document.querySelector<HTMLTextAreaElement>('.composer textarea')?.value === text, kkText);

    // Ctrl+Shift+Enter: the reply goes out and the ticket is resolved.
    await box.press('Control+Shift+Enter');
    await page.getByRole('list', { name: 'Переписка' }).getByText(kkText).waitFor();
    await until('resolved', () => vic.store.getTicket(kk)!.status === 'resolved');
    await page.locator('.ticket-head').getByText('Решено', { exact: true }).waitFor();
    const sent = vic.store.listMessages(kk).filter((m) => m.direction === 'out' && !m.auto);
    expect(sent.map((m) => m.text)).toEqual([kkText]);
    expect(vic.store.searchAudit({ action: 'ticket.resolved', ticketId: kk, limit: 5, offset: 0 }).items).toHaveLength(1);
  }, 25_000);

  it('asks for the canned answers again on `/` when loading them failed, instead of offering none until a reload', async () => {
    const id = vic.ingest(
      envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: wa() }, text: 'Подскажите часы работы канцелярии суда.' }),
    ).ticketId;
    const page = await browsers.newPage();
    await signIn(page, 'op-a', 'password-123');
    // The server is unreachable for the answers while the ticket opens.
    let refused = 0;
    await page.route('**/api/canned', (route) => (refused++, route.abort('connectionrefused')));
    await page.goto(`${base}/tickets/${id}`);
    await page.getByRole('textbox', { name: 'Текст ответа' }).waitFor();
    await until('the answers refused', () => refused >= 1);
    await page.unroute('**/api/canned');
    await page.keyboard.press('r');
    await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
    await page.keyboard.type('/час');
    await page
      .getByRole('listbox', { name: 'Шаблоны ответов' })
      .getByRole('option', { name: /Часы работы/ })
      .waitFor();
  }, 25_000);

  it('lists the shortcuts on `?`, in Russian and in Kazakh', async () => {
    const page = await browsers.newPage();
    await signIn(page, 'op-a', 'password-123');
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Сочетания клавиш' });
    await dialog.getByText('Взять обращение себе').waitFor();
    await dialog.getByText('Ответить и закрыть как решённое').waitFor();
    await shot(page, 'keyboard-02-help');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await blur(page);
    await page.keyboard.press('?');
    const kk = page.getByRole('dialog', { name: 'Пернелер тіркесімдері' });
    await kk.getByText('Өтінішті өзіме алу').waitFor();
    await kk.getByText('Жауап беріп, шешілді деп жабу').waitFor();
    await shot(page, 'keyboard-03-help-kk');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Русский' }).click();
  });
});

describe('bulk actions', () => {
  it('resolves three out-of-scope tickets at once; operator B sees them leave the queue live', async () => {
    const ids = ['Болат', 'Дина', 'Ерлан', 'Жанна'].map(
      (name) =>
        vic.ingest(
          envelope({
            courtHint: 'sko-regional',
            sender: { kind: 'whatsapp', address: wa(), displayName: name },
            text: 'Не согласен с решением суда, прошу отменить решение',
          }),
        ).ticketId,
    );
    for (const id of ids) expect(vic.store.getTicket(id)!.status).toBe('out_of_scope');
    const [a, b] = [await browsers.newPage(), await browsers.newPage()];
    await signIn(a, 'op-a', 'password-123');
    await signIn(b, 'op-b', 'password-123');
    for (const p of [a, b]) {
      await p.goto(`${base}/?queue=out-of-scope`);
      await ticketList(p).getByRole('link').nth(3).waitFor();
    }
    const refs = ids.map((id) => vic.store.getTicket(id)!.ref);
    const rows = (p: typeof a) => p.locator('.tickets > li');
    expect(await rows(b).count()).toBe(4);

    // Newest first: Жанна, Ерлан, Дина, Болат. A click, then Shift+click two rows down: three selected.
    await a.getByRole('checkbox', { name: `Выбрать ${refs[3]}` }).click();
    await a.getByRole('checkbox', { name: `Выбрать ${refs[1]}` }).click({ modifiers: ['Shift'] });
    await a.getByText('Выбрано: 3').waitFor();
    expect(await a.getByRole('checkbox', { name: `Выбрать ${refs[0]}` }).isChecked()).toBe(false);
    await shot(a, 'keyboard-04-bulk-selected');

    // B's screen notes the moment the three rows are gone; the clock is this machine's, as the test's.
    await b.evaluate(() => {
      const w = window as unknown as { goneAt?: number };
      new MutationObserver(() => {
        if (w.goneAt === undefined && document.querySelectorAll('.tickets > li').length === 1) w.goneAt = Date.now();
      }).observe(document.body, { childList: true, subtree: true });
    });
    // A's screen notes the click on "Apply" and when the outcome shows; both browsers read this machine's clock.
    await a.evaluate(() => {
      const w = window as unknown as { clickedAt?: number; answeredAt?: number };
      document.addEventListener(
        'click',
        (e) => {
          if ((e.target as Element).closest('.bulk-bar button[type="submit"]')) w.clickedAt = Date.now();
        },
        true,
      );
      new MutationObserver(() => {
        if (w.answeredAt === undefined && document.querySelector('[data-bulk-outcome]')) w.answeredAt = Date.now();
      }).observe(document.body, { childList: true, subtree: true });
    });
    await a.getByRole('form', { name: 'Действия с выбранными обращениями' }).getByRole('button', { name: 'Применить' }).click();
    await b.waitForFunction(() => (window as unknown as { goneAt?: number }).goneAt !== undefined);
    await a.locator('[data-bulk-outcome]').waitFor();
    const goneAt = await b.evaluate(() => (window as unknown as { goneAt: number }).goneAt);
    const { clickedAt, answeredAt } = await a.evaluate(() => {
      const w = window as unknown as { clickedAt: number; answeredAt: number };
      return { clickedAt: w.clickedAt, answeredAt: w.answeredAt };
    });
    console.info(
      `bulk resolve of 3 tickets: A's click → gone from operator B's out-of-scope queue in ${goneAt - clickedAt} ms (A's own outcome shown after ${answeredAt - clickedAt} ms)`,
    );
    expect(goneAt - clickedAt).toBeLessThan(1000);
    await a.locator('[data-bulk-outcome]', { hasText: 'Выполнено: 3 из 3' }).waitFor();
    await ticketList(b).getByRole('link', { name: /Болат/ }).waitFor();
    for (const id of ids.slice(1)) expect(vic.store.getTicket(id)!.status).toBe('resolved');
    const audited = vic.store
      .searchAudit({ action: 'ticket.resolved', limit: 50, offset: 0 })
      .items.filter((x) => ids.includes(x.entityId!));
    expect(audited.map((x) => [x.entityId, x.userLogin]).sort()).toEqual(
      ids
        .slice(1)
        .map((id) => [id, 'op-a'])
        .sort(),
    );
    await shot(a, 'keyboard-05-bulk-done');
  }, 35_000);

  it('says which tickets failed, in Kazakh: one resolved meanwhile by operator B', async () => {
    const ids = ['Гүлнар', 'Нұрлан'].map(
      (name) =>
        vic.ingest(
          envelope({
            courtHint: 'sko-regional',
            sender: { kind: 'whatsapp', address: wa(), displayName: name },
            text: 'Как оплатить госпошлину?',
          }),
        ).ticketId,
    );
    const refs = ids.map((id) => vic.store.getTicket(id)!.ref);
    const [a, b] = [await browsers.newPage(), await browsers.newPage()];
    await signIn(a, 'op-a', 'password-123');
    await signIn(b, 'op-b', 'password-123');
    // "All": a resolved ticket stays listed, so it stays selected.
    await a.goto(`${base}/?queue=all&q=${encodeURIComponent('госпошлину')}`);
    await a.getByRole('button', { name: 'Қазақша' }).click();
    await a.getByRole('checkbox', { name: `${refs[0]} таңдау` }).waitFor();
    await a.getByText('Беттегінің бәрін таңдау').click();
    for (const ref of refs) expect(await a.getByRole('checkbox', { name: `${ref} таңдау` }).isChecked()).toBe(true);

    await b.goto(`${base}/tickets/${ids[0]}`);
    await b.getByRole('button', { name: 'Закрыть как решённое' }).click();
    await until('B resolved it', () => vic.store.getTicket(ids[0])!.status === 'resolved');

    await a.getByRole('button', { name: 'Қолдану' }).click();
    const outcome = a.locator('[data-bulk-outcome]');
    await outcome.getByText('Орындалды: 2 ішінен 1', { exact: true }).waitFor();
    await outcome.getByRole('listitem').filter({ hasText: refs[0] }).waitFor();
    expect(await outcome.getByRole('listitem').count()).toBe(1);
    expect(vic.store.getTicket(ids[1])!.status).toBe('resolved');
    await shot(a, 'keyboard-06-bulk-failed-kk');
    await a.getByRole('button', { name: 'Русский' }).click();
  }, 30_000);
});
