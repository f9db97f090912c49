// The case directory import screen, the console's words for server errors, and labels for stored codes, in a real
// browser (Debian's Chromium through playwright-core) against a real VIC: an admin checks a CSV with one bad line
// (the line's error in Russian, then in Kazakh), applies it and the directory has the good lines; a 409 reads in
// Kazakh, not in the server's English; no raw code ("sko-regional", "mixed", "mailbox") shows in lists and panels.
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import type { ChannelAdapter } from '../../src/channels.ts';
import { envelope, WORKING } from '../helpers.ts';
import { e2eSuite, shot, signIn, ticketList } from './harness.ts';

let vic: Vic;
let base: string;

/** An e-mail channel as the admin's channel page sees it: its account field is "mailbox". */
const mail: ChannelAdapter = {
  name: 'email',
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
  health: () => ({ state: 'connected', since: WORKING, details: { mailbox: 'vic@sud.kz' } }),
};

/** WhatsApp while its phone is not paired: replies wait, and the outbox says why in the message row (in English). */
const unpaired: ChannelAdapter = {
  name: 'whatsapp',
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
  health: () => ({ state: 'pairing', since: WORKING }),
  canSend: () => false,
  send: () => Promise.resolve({ externalId: 'never' }),
};

const browsers = e2eSuite({
  users: [
    ['secretary', 'specialist'],
    ['clerk', 'specialist', 'sko-economic'],
    ['op-reg', 'operator'],
  ],
  channels: [mail, unpaired],
  ready: (s) => ({ vic, base } = s),
});
const newPage = () => browsers.newPage();

const CSV = [
  'case_number,court,judge,specialist_login',
  '5999-26-00-2/101,sko-regional,Иванов И.И.,secretary',
  '7599-26-00-2/102,no-such-court,Петров П.П.,secretary',
  '7599-26-00-2/103,sko-economic,,clerk',
  '',
].join('\n');

describe('case directory import', () => {
  it('checks a CSV (the bad line’s error in Russian, then Kazakh), writes nothing until applied, then imports the good lines', async () => {
    const page = await newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('link', { name: 'Импорт дел' }).click();
    await page.getByRole('heading', { name: 'Импорт справочника дел' }).waitFor();
    await page.getByLabel('Файл CSV').setInputFiles({ name: 'cases.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByRole('button', { name: 'Проверить' }).click();

    const summary = page.locator('[data-import-summary="checked"]');
    await summary.filter({ hasText: 'Будет добавлено: 2, изменено: 0, без изменений: 0. Строк с ошибками: 1' }).waitFor();
    const bad = page.locator('tr[data-error-line="3"]');
    await bad.filter({ hasText: 'неизвестный суд «no-such-court»' }).waitFor();
    // The preview names the court; the first lines are listed with what would happen to them.
    const first = page.locator('tr[data-preview-line="2"]');
    await first.filter({ hasText: vic.store.getCourtByCode('sko-regional')!.nameRu }).waitFor();
    await first.filter({ hasText: 'новое' }).waitFor();
    expect(await page.locator('main').innerText()).not.toMatch(/unknown court|sko-regional/);
    expect(vic.store.caseDirectory(['5999-26-00-2/101', '7599-26-00-2/103']).size).toBe(0);
    await shot(page, '60-case-import-checked');

    await page.getByRole('button', { name: 'Қазақша' }).click();
    await bad.filter({ hasText: 'белгісіз сот: «no-such-court»' }).waitFor();
    await page
      .locator('tr[data-preview-line="2"]')
      .filter({ hasText: vic.store.getCourtByCode('sko-regional')!.nameKk })
      .waitFor();
    await summary.filter({ hasText: 'Қосылады: 2' }).waitFor();
    await shot(page, '61-case-import-checked-kk');

    await page.getByRole('button', { name: 'Қолдану' }).click();
    await page.locator('[data-import-summary="applied"]').filter({ hasText: 'Импорт орындалды: қосылды 2' }).waitFor();
    await page.locator('tr[data-error-line="3"]').filter({ hasText: 'белгісіз сот' }).waitFor();
    const directory = vic.store.caseDirectory(['5999-26-00-2/101', '7599-26-00-2/102', '7599-26-00-2/103']);
    expect([...directory]).toEqual([
      ['5999-26-00-2/101', vic.store.getUserByLogin('secretary')!.id],
      ['7599-26-00-2/103', vic.store.getUserByLogin('clerk')!.id],
    ]);
    // The same file again changes nothing, and the check says so.
    await page.getByRole('button', { name: 'Тексеру' }).click();
    await summary.filter({ hasText: 'Қосылады: 0, өзгертіледі: 0, өзгеріссіз: 2' }).waitFor();
    await page.locator('tr[data-preview-line="4"]').filter({ hasText: 'өзгеріссіз' }).waitFor();
  });
});

describe('server errors and stored codes in the console’s words', () => {
  it('shows a 409 in Kazakh (never the server’s English message)', async () => {
    const page = await newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await page.getByRole('link', { name: 'Соттар', exact: true }).click();
    const form = page.locator('.card form');
    await form.getByLabel('Коды').fill('sko-regional');
    await form.getByLabel('Орысша атауы').fill('Дубликат');
    await form.getByLabel('Қазақша атауы').fill('Көшірме');
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/courts') && r.request().method() === 'POST');
    await form.getByRole('button', { name: 'Қосу' }).click();
    const r = await answered;
    expect(r.status()).toBe(409);
    expect(((await r.json()) as { error: { message: string } }).error.message).toBe('A court with this code exists');
    await page.getByRole('alert').filter({ hasText: 'Мұндай коды бар сот бұрыннан бар' }).waitFor();
    expect(await page.locator('main').innerText()).not.toContain('A court with this code exists');
    await shot(page, '62-error-kk');
  });

  it('names courts, languages and the e-mail account instead of their codes in the list, the ticket and the channels', async () => {
    const { ticketId } = vic.ingest(
      envelope({
        channel: 'email',
        account: 'mailbox',
        sender: { kind: 'email', address: 'citizen@mail.kz', displayName: 'Дана Омарова' },
        text: 'Сәлеметсіз бе! Подскажите, когда заседание?',
      }),
    );
    // Whatever the detector made of the text, the contact's language is "mixed" here.
    const contactId = vic.store.getTicket(ticketId)!.contactId;
    vic.store.db.prepare(`UPDATE contacts SET language = 'mixed' WHERE id = ?`).run(contactId);

    const page = await newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.goto(`${base}/?queue=all`);
    const row = ticketList(page).getByRole('link', { name: /Дана Омарова/ });
    await row.waitFor();
    const court = vic.store.getCourt(vic.store.getTicket(ticketId)!.courtId)!;
    await row.filter({ hasText: court.nameRu }).waitFor();
    const listText = await ticketList(page).innerText();
    for (const raw of [court.code, 'mailbox', 'mixed']) expect(listText).not.toContain(raw);

    await row.click();
    const panel = page.locator('aside.contact');
    await panel.getByText('смешанный (русский и казахский)').waitFor();
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await panel.getByText('аралас (орыс және қазақ тілдері)').waitFor();
    await page.getByText('Сәлеметсіз бе!').first().waitFor();
    const shown = await page.locator('body').innerText();
    for (const raw of [court.code, 'mailbox', 'mixed']) expect(shown).not.toContain(raw);
    await shot(page, '63-ticket-labels-kk');

    await page.getByRole('link', { name: 'Арналар' }).click();
    const card = page.locator('section.channel').filter({ has: page.getByRole('heading', { name: 'E-mail' }) });
    await card.getByText('Пошта жәшігі').waitFor();
    await card.getByText('vic@sud.kz').waitFor();
    expect(await page.locator('main').innerText()).not.toContain('mailbox');
  });

  it('says why a reply waits in the interface language, not the outbox’s English', async () => {
    const { ticketId } = vic.ingest(
      envelope({ sender: { kind: 'whatsapp', address: '77015550999@c.us', displayName: 'Ержан Беков' }, text: 'Где моё дело?' }),
    );
    const { messageId } = vic.tickets.post(vic.store.getUserByLogin('op-reg')!, ticketId, 'reply', 'Ваше дело в работе.', {
      takeOver: true,
    });
    await expect.poll(() => vic.store.getMessage(messageId)!.deliveryError).toMatch(/^waiting: the whatsapp channel is not connected/);

    const page = await newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.goto(`${base}/tickets/${ticketId}?queue=all`);
    const reply = page.locator(`[data-message-id="${messageId}"]`);
    await reply.getByText('последняя ошибка: ждёт отправки: канал WhatsApp не подключён').waitFor();
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await reply.getByText('соңғы қате: жіберуді күтуде: WhatsApp арнасы қосылмаған').waitFor();
    expect(await page.locator('body').innerText()).not.toMatch(/not connected|waiting:/);
  });
});
