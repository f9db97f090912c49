// The canned answers' previews in the composer, in a real browser (Debian's Chromium through playwright-core)
// against a real VIC: the `/` list shows each answer filled in for the ticket (the contact's name, the ticket's
// reference) exactly as it is inserted, in Russian and in Kazakh; a name that is not known is dropped from the
// preview as from the text; the select picker inserts the same text; and " #" typed right after an insert lands
// after it and opens the list again.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Vic } from '../../src/app.ts';
import { addUser, envelope, makeVic } from '../helpers.ts';
import { Browsers, buildUiIfStale, closeAfterSuite, FakeWhatsApp, openSuite, shot, signIn } from './harness.ts';

let vic: Vic;
let base: string;
const browsers = new Browsers(() => base);
let n = 0;
const wa = () => `7701777${String(++n).padStart(4, '0')}@c.us`;

const RU_QUESTION = 'Здравствуйте, подскажите, пожалуйста, часы работы канцелярии суда.';
const KK_QUESTION = 'Сәлеметсіз бе, сот кеңсесінің жұмыс уақытын айтыңызшы, өтінемін.';

beforeAll(async () => {
  buildUiIfStale();
  ({ vic } = await makeVic());
  await addUser(vic, 'op-canned', 'operator', 'sko-regional');
  await vic.addChannel(new FakeWhatsApp());
  for (const [title, lang, text] of [
    ['Часы работы', 'ru', 'Здравствуйте, {name}! Канцелярия работает с 09:00 до 18:30.'],
    ['Принято', 'ru', 'Ваше обращение {ref} принято.'],
    ['Жұмыс уақыты', 'kk', 'Сәлеметсіз бе, {name}! Кеңсе 09:00-ден 18:30-ға дейін жұмыс істейді.'],
    ['Қабылданды', 'kk', '{ref} өтінішіңіз қабылданды.'],
  ] as const)
    vic.store.saveCanned({ title, lang, text }, vic.clock.now());
  base = await openSuite(vic, browsers);
}, 60_000);

closeAfterSuite(browsers, () => vic);

/** A WhatsApp ticket from a citizen with this display name (none: the contact has no name); its id and reference. */
function ticketFrom(name: string | null, text: string) {
  const id = vic.ingest(
    envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: wa(), ...(name ? { displayName: name } : {}) }, text }),
  ).ticketId;
  return { id, ref: vic.store.getTicket(id)!.ref };
}

async function openComposer(page: Page, ticket: { id: number; ref: string }) {
  await page.goto(`${base}/tickets/${ticket.id}`);
  await page.getByRole('heading', { name: new RegExp(ticket.ref) }).waitFor();
  await page.locator('.composer textarea').click();
}

/** The answers' previews in the open list, without their titles. */
const previews = (list: Locator) => list.getByRole('option').locator('span').allTextContents();
const waitForComposerText = (page: Page, text: string) =>
  page.waitForFunction((t) => document.querySelector<HTMLTextAreaElement>('.composer textarea')?.value === t, text);

describe('canned answer previews', () => {
  it('previews the answers filled in with the contact’s name and the ticket’s reference, as inserted (Russian)', async () => {
    const ticket = ticketFrom('Мадина Ержанова', RU_QUESTION);
    expect(vic.store.getTicket(ticket.id)!.language).toBe('ru');
    const page = await browsers.newPage();
    await signIn(page, 'op-canned', 'password-123');
    await openComposer(page, ticket);

    await page.keyboard.type('/');
    const list = page.getByRole('listbox', { name: 'Шаблоны ответов' });
    await list.waitFor();
    const taken = `Ваше обращение ${ticket.ref} принято.`;
    const hours = 'Здравствуйте, Мадина Ержанова! Канцелярия работает с 09:00 до 18:30.';
    // The old list showed the stored text: "Ваше обращение {ref} принято.", "Здравствуйте, {name}! …".
    expect(await previews(list)).toEqual([taken, hours]);
    await shot(page, 'canned-01-preview-ru');

    // Enter inserts exactly the previewed text; " #" typed at once goes after it and opens the list again.
    await page.keyboard.press('Enter');
    await page.keyboard.type(' #');
    await waitForComposerText(page, `${taken} #`);
    await list.waitFor();
    expect(await previews(list)).toEqual([taken, hours]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitForComposerText(page, `${taken} ${hours}`);
    await list.waitFor({ state: 'detached' });
  }, 60_000);

  it('previews the Kazakh answers filled in, in the Kazakh interface', async () => {
    const ticket = ticketFrom('Айгүл Серікова', KK_QUESTION);
    expect(vic.store.getTicket(ticket.id)!.language).toBe('kk');
    const page = await browsers.newPage();
    await signIn(page, 'op-canned', 'password-123');
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await openComposer(page, ticket);

    await page.keyboard.type('#');
    const list = page.getByRole('listbox', { name: 'Жауап үлгілері' });
    await list.waitFor();
    const hours = 'Сәлеметсіз бе, Айгүл Серікова! Кеңсе 09:00-ден 18:30-ға дейін жұмыс істейді.';
    const taken = `${ticket.ref} өтінішіңіз қабылданды.`;
    expect(await previews(list)).toEqual([hours, taken]);
    await shot(page, 'canned-02-preview-kk');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitForComposerText(page, taken);
  }, 60_000);

  it('drops an unknown name from the preview as from the text, and the select inserts the same text', async () => {
    const ticket = ticketFrom(null, RU_QUESTION);
    expect(vic.store.getTicket(ticket.id)!.contactName).toBeNull();
    const page = await browsers.newPage();
    await signIn(page, 'op-canned', 'password-123');
    await openComposer(page, ticket);

    await page.keyboard.type('/час');
    const list = page.getByRole('listbox', { name: 'Шаблоны ответов' });
    await list.waitFor();
    const hours = 'Здравствуйте! Канцелярия работает с 09:00 до 18:30.';
    expect(await previews(list)).toEqual([hours]);
    await page.keyboard.press('Enter');
    await waitForComposerText(page, hours);

    // The select picker: the same filled text, the cursor after it, so " #" typed at once opens the list.
    await page.locator('.composer textarea').fill('');
    await page.getByRole('combobox', { name: 'Шаблон ответа' }).selectOption({ label: 'Принято' });
    await page.keyboard.type(' #');
    await waitForComposerText(page, `Ваше обращение ${ticket.ref} принято. #`);
    await list.waitFor();
  }, 60_000);
});
