// Admin screens and image previews in a real browser (Debian's Chromium through playwright-core) against a real
// VIC: editing a user (who sees the change live), a court's working hours, and a thumbnail of an image attachment.
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { envelope } from '../helpers.ts';
import { e2eSuite, shot, signIn, ticketList } from './harness.ts';

let vic: Vic;
const browsers = e2eSuite({
  users: [
    ['op-move', 'operator'],
    ['op-pic', 'operator'],
  ],
  ready: (s) => (vic = s.vic),
});
const newPage = () => browsers.newPage();

const focusedId = (page: Awaited<ReturnType<typeof newPage>>) => page.evaluate(() => document.activeElement?.id ?? '');

describe('admin screens', () => {
  it('lets an admin change an operator’s court and role; the operator’s console follows live', async () => {
    const operator = await newPage();
    await signIn(operator, 'op-move', 'password-123');
    await operator.getByRole('heading', { name: 'Очередь суда' }).waitFor();

    const page = await newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('link', { name: 'Пользователи' }).click();
    await page.getByRole('button', { name: 'Изменить: op-move' }).click();
    const form = page.getByRole('form', { name: 'Изменение пользователя op-move' });
    // The form opens with the user's values, the cursor in its first field.
    expect(await form.getByLabel('ФИО').evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await form.getByRole('combobox', { name: /^Суд/ }).inputValue()).toBe(String(vic.store.getCourtByCode('sko-regional')!.id));
    await form.getByLabel('ФИО').fill('Асель Нурланова');
    await form.getByRole('combobox', { name: /^Роль/ }).selectOption({ label: 'Специалист' });
    await form.getByRole('combobox', { name: /^Суд/ }).selectOption({ label: vic.store.getCourtByCode('sko-economic')!.nameRu });
    await form.getByLabel('Внутренний номер SIP').fill('204');
    await form.getByLabel('Русский').uncheck();
    await shot(page, '30-admin-user-edit');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByRole('status').filter({ hasText: 'Изменения пользователя op-move сохранены' }).waitFor();
    const row = page.locator('tr[data-user="op-move"]');
    await row.getByRole('cell', { name: 'Специалист' }).waitFor();
    await row.getByRole('cell', { name: vic.store.getCourtByCode('sko-economic')!.nameRu }).waitFor();
    const id = vic.store.getUserByLogin('op-move')!.id;
    await expect.poll(() => focusedId(page)).toBe(`user-${id}-edit`);
    expect(vic.store.getUser(id)).toMatchObject({ name: 'Асель Нурланова', role: 'specialist', sipExtension: '204', languages: ['kk'] });

    // Escape closes the form unsaved, back on the row's button.
    await page.getByRole('button', { name: 'Изменить: op-move' }).click();
    await page.getByRole('form', { name: 'Изменение пользователя op-move' }).getByLabel('ФИО').fill('Не сохранять');
    await page.keyboard.press('Escape');
    await expect.poll(() => focusedId(page)).toBe(`user-${id}-edit`);
    expect(vic.store.getUser(id)!.name).toBe('Асель Нурланова');
    await shot(page, '31-admin-users-edited');

    // The operator, now a specialist, gets a specialist's console without reloading.
    await operator.getByRole('heading', { name: 'Мои обращения' }).waitFor();
    await operator.getByText('Асель Нурланова').waitFor();
    expect(
      await operator
        .getByRole('navigation')
        .getByRole('link', { name: /Очередь суда/ })
        .count(),
    ).toBe(0);
  });

  it('lets an admin set a court’s working hours per weekday, in Russian and Kazakh, by keyboard', async () => {
    const page = await newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('link', { name: 'Календарь судов' }).click();
    await page.getByRole('combobox', { name: /^Суд/ }).selectOption({ label: vic.store.getCourtByCode('sko-economic')!.nameRu });
    const hours = page.getByRole('form', { name: 'Часы работы' });
    await page.getByText('Действует стандартный график центра.').waitFor();
    expect(await hours.getByLabel('Вторник: конец периода 2').inputValue()).toBe('18:30');

    await hours.getByLabel('Вторник: конец периода 2').fill('20:00');
    // Saturday: a period is added and the cursor goes to it; removed by keyboard, the cursor goes to "add".
    await hours.getByRole('button', { name: 'Суббота: добавить период' }).click();
    await expect.poll(() => focusedId(page)).toBe('hours-6-0-start');
    expect(await hours.getByLabel('Суббота: конец периода 1').inputValue()).toBe('18:00');
    await hours.getByRole('button', { name: 'Суббота: убрать период 1' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedId(page)).toBe('hours-6-add');
    await page.keyboard.press('Enter');
    await hours.getByLabel('Суббота: конец периода 1').fill('13:00');
    // Times are typed as digits, 24-hour, whatever the browser's language; "9:30" becomes "09:30".
    await hours.getByLabel('Суббота: начало периода 1').fill('9:30');
    await page.keyboard.press('Tab');
    expect(await hours.getByLabel('Суббота: начало периода 1').inputValue()).toBe('09:30');

    // An overlap is named in the admin's language and keeps the week from being saved.
    await hours.getByLabel('Понедельник: начало периода 2').fill('12:00');
    await hours.getByText('периоды 09:00–13:00 и 12:00–18:30 пересекаются').waitFor();
    await hours.getByRole('button', { name: 'Сохранить часы' }).click();
    await page.getByRole('alert').filter({ hasText: 'Исправьте отмеченные дни' }).waitFor();
    await expect.poll(() => focusedId(page)).toBe('hours-1-0-start');
    await shot(page, '32-admin-court-hours-invalid');
    await hours.getByLabel('Понедельник: начало периода 2').fill('14:30');

    await hours.getByRole('button', { name: 'Сохранить часы' }).click();
    await page.getByRole('status').filter({ hasText: 'Часы работы сохранены' }).waitFor();
    await page.getByText('Действует собственный график суда.').waitFor();
    const court = vic.store.getCourtByCode('sko-economic')!;
    expect(court.weekHours![2]).toEqual([
      { start: '09:00', end: '13:00' },
      { start: '14:30', end: '20:00' },
    ]);
    expect(court.weekHours![6]).toEqual([{ start: '09:30', end: '13:00' }]);
    expect(court.weekHours![1]).toEqual([
      { start: '09:00', end: '13:00' },
      { start: '14:30', end: '18:30' },
    ]);
    // Routing uses it at once: at 19:00 on a Tuesday the economic court is open.
    expect(vic.calendars.for(court.id).week[2].at(-1)).toEqual({ start: '14:30', end: '20:00' });
    await hours.scrollIntoViewIfNeeded();
    await shot(page, '33-admin-court-hours');

    await page.getByRole('button', { name: 'Қазақша' }).click();
    const kk = page.getByRole('form', { name: 'Жұмыс уақыты' });
    await kk.getByLabel('Сейсенбі: 2-кезеңнің аяқталуы').waitFor();
    await page.getByText('Соттың өз кестесі қолданылады.').waitFor();
    await shot(page, '34-admin-court-hours-kk');
    await page.getByRole('button', { name: 'Русский' }).click();

    await hours.getByRole('button', { name: 'Вернуть стандартные часы' }).click();
    await page.getByText('Действует стандартный график центра.').waitFor();
    expect(vic.store.getCourtByCode('sko-economic')!.weekHours).toBeNull();
  });

  it('shows an image attachment as a thumbnail that opens full size, and never previews a disguised SVG', async () => {
    const page = await newPage();
    await signIn(page, 'op-pic', 'password-123');
    // A real PNG: a piece of this very console.
    const png = await page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 120 } });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>');
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    vic.ingest(
      envelope({
        courtHint: 'sko-regional',
        sender: { kind: 'whatsapp', address: '77015550404@c.us', displayName: 'Дана Ержанова' },
        text: 'Фото квитанции об оплате госпошлины',
        attachments: [
          { filename: 'квитанция.png', contentType: 'image/png', content: png, size: png.length },
          { filename: 'photo.png', contentType: 'image/png', content: svg, size: svg.length },
        ],
      }),
    );
    await ticketList(page)
      .getByRole('link', { name: /Дана Ержанова/ })
      .click();
    const message = page.getByRole('list', { name: 'Переписка' }).getByRole('listitem').filter({ hasText: 'Фото квитанции' });
    const thumb = message.getByRole('link', { name: 'Открыть изображение квитанция.png полностью' });
    await thumb.waitFor();
    await expect.poll(() => thumb.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320);
    const box = (await thumb.locator('img').boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(240);
    expect(box.height).toBeLessThanOrEqual(180);
    // The disguised SVG is refused inline by the server: only its download link stays.
    await expect.poll(() => message.locator('.thumb').count()).toBe(1);
    await message.getByRole('link', { name: /^photo\.png/ }).waitFor();
    expect(await message.getByRole('link', { name: /^квитанция\.png/ }).getAttribute('download')).toBe('квитанция.png');
    await shot(page, '35-ticket-image-thumbnail');

    const [full] = await Promise.all([page.context().waitForEvent('page'), thumb.click()]);
    await full.waitForURL(/\/api\/attachments\/\d+\?inline=1$/);
    const res = await page.request.get(full.url());
    expect(res.headers()['content-type']).toBe('image/png');
    expect(res.headers()['content-security-policy']).toBe("default-src 'none'; sandbox");
    await full.close();
    expect(dialogs).toEqual([]);
  });
});
