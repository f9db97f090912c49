// Contacts in the console, in real Chromium: operator A corrects a citizen's name and IIN (a wrong check digit is
// refused in the interface language) while operator B, on the same ticket, sees the new name live; A merges the
// citizen's WhatsApp contact into their e-mail one after a confirmation and sees one history across channels;
// an admin, in Kazakh, undoes the merge.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { envelope } from '../helpers.ts';
import { e2eSuite, shot, signIn, TWO_OPERATORS } from './harness.ts';

let vic: Vic;
let base: string;
let waTicket = 0;
let mailTicket = 0;
const browsers = e2eSuite({
  users: TWO_OPERATORS,
  seed: seedTickets,
  ready: (s) => ({ vic, base } = s),
});

function seedTickets(vic: Vic) {
  waTicket = vic.ingest(
    envelope({
      courtHint: 'sko-regional',
      sender: { kind: 'whatsapp', address: '77015557001@c.us', displayName: 'Ержан' },
      text: 'Когда заседание по моему делу?',
    }),
  ).ticketId;
  mailTicket = vic.ingest(
    envelope({
      channel: 'email',
      courtHint: 'sko-regional',
      sender: { kind: 'email', address: 'erzhan.abenov@example.kz', displayName: 'Абенов Е.' },
      thread: { subject: 'Копия решения' },
      text: 'Прошу выслать копию решения суда.',
    }),
  ).ticketId;
}

async function openTicket(login: string, password: string, id: number): Promise<Page> {
  const page = await browsers.newPage();
  await signIn(page, login, password);
  await page.goto(`${base}/tickets/${id}`);
  await page.locator('[data-link="connected"]').waitFor();
  await panel(page).waitFor();
  return page;
}
const panel = (page: Page) => page.locator('aside.contact');
const contactOf = (ticketId: number) => vic.store.getTicket(ticketId)!.contactId;

describe('contacts in the console', { timeout: 35_000 }, () => {
  it('edits name and IIN: a wrong check digit is refused in Russian; operator B sees the new name live', async () => {
    const a = await openTicket('op-a', 'password-123', waTicket);
    const b = await openTicket('op-b', 'password-123', waTicket);
    await panel(b).locator('.contact-name', { hasText: 'Ержан' }).waitFor();

    await panel(a).getByRole('button', { name: 'Изменить', exact: true }).click();
    await panel(a).getByLabel('ФИО').fill('Ержан Серікұлы Абенов');
    await panel(a).getByLabel('ИИН (12 цифр)').fill('850315300127');
    await panel(a).getByRole('button', { name: 'Сохранить' }).click();
    await panel(a).getByRole('alert').filter({ hasText: 'ИИН указан неверно' }).waitFor();
    expect(vic.store.getContact(contactOf(waTicket))).toMatchObject({ name: 'Ержан', iin: null });

    await panel(a).getByLabel('ИИН (12 цифр)').fill('850315300128');
    const saved = Date.now();
    await panel(a).getByRole('button', { name: 'Сохранить' }).click();
    await panel(a).getByRole('status').filter({ hasText: 'Данные заявителя сохранены' }).waitFor();
    await panel(a).locator('.contact-iin', { hasText: '85********28' }).waitFor();
    await panel(b).locator('.contact-name', { hasText: 'Ержан Серікұлы Абенов' }).waitFor({ timeout: 2000 });
    const live = Date.now() - saved;
    console.info(`contacts: name saved by A → shown to B in ${live} ms`);
    expect(live).toBeLessThan(1000);
    await panel(b).locator('.contact-iin', { hasText: '85********28' }).waitFor();
    expect(vic.store.getContact(contactOf(waTicket))).toMatchObject({ name: 'Ержан Серікұлы Абенов', iin: '850315300128' });
    await shot(a, 'contacts-01-edited');
  });

  it('merges the WhatsApp contact into the e-mail one after a confirmation and shows one history', async () => {
    const a = await openTicket('op-a', 'password-123', mailTicket);
    const p = panel(a);
    await expect(p.locator('.contacts-history li').count()).resolves.toBe(1);
    await p.getByRole('button', { name: 'Объединить с другим контактом' }).click();
    await p.getByRole('textbox', { name: /Найти заявителя/ }).fill('8 701 555 70 01');
    await p.getByRole('button', { name: 'Найти', exact: true }).click();
    const candidate = p.locator('.contacts-candidates li', { hasText: 'Ержан Серікұлы Абенов' });
    await candidate.getByRole('button', { name: 'Объединить', exact: true }).click();
    const confirm = a.getByRole('alertdialog');
    await confirm.filter({ hasText: '«Ержан Серікұлы Абенов» с «Абенов Е.»' }).waitFor();
    // Nothing moves before the confirmation.
    expect(contactOf(waTicket)).not.toBe(contactOf(mailTicket));
    await shot(a, 'contacts-02-confirm');
    await confirm.getByRole('button', { name: 'Да, объединить' }).click();

    await p.getByRole('status').filter({ hasText: 'Заявители объединены' }).waitFor();
    const history = p.locator('.contacts-history');
    await history.locator(`[data-ticket="${waTicket}"]`, { hasText: 'WhatsApp' }).waitFor();
    await history.locator(`[data-ticket="${mailTicket}"]`, { hasText: 'E-mail' }).waitFor();
    // The IIN came with the merged contact (the e-mail one had none); the phone and WhatsApp id too.
    await p.locator('.contact-iin', { hasText: '85********28' }).waitFor();
    await p.getByText('77015557001@c.us').waitFor();
    expect(contactOf(waTicket)).toBe(contactOf(mailTicket));
    await shot(a, 'contacts-03-merged');

    // The history opens the other ticket.
    await history.getByRole('link', { name: vic.store.getTicket(waTicket)!.ref }).click();
    await a.getByRole('list', { name: 'Переписка' }).getByText('Когда заседание по моему делу?').waitFor();
  });

  it('lets an admin undo the merge, in Kazakh', async () => {
    const admin = await openTicket('admin', 'admin-secret-1', mailTicket);
    await admin.getByRole('button', { name: 'Қазақша' }).click();
    const p = panel(admin);
    await p.getByRole('heading', { name: 'Соңғы тәуліктегі біріктірулер' }).waitFor();
    await p.getByRole('heading', { name: 'Өтініш берушінің барлық өтініштері' }).waitFor();
    await shot(admin, 'contacts-04-undo-kk');
    await p.getByRole('button', { name: 'Біріктіруді болдырмау' }).click();
    await p.locator('.contacts-merges', { hasText: 'күші жойылды' }).waitFor();
    await expect.poll(() => p.locator('.contacts-history li').count()).toBe(1);
    expect(contactOf(waTicket)).not.toBe(contactOf(mailTicket));
    expect(
      vic.store
        .getContact(contactOf(waTicket))!
        .identities.map((i) => i.kind)
        .sort(),
    ).toEqual(['phone', 'whatsapp']);
    expect(vic.store.auditOf('contact', contactOf(mailTicket)).map((x) => x.action)).toEqual(
      expect.arrayContaining(['contact.merged', 'contact.merge_undone', 'contact.read']),
    );
  });
});
