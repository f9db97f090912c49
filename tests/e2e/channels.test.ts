// The Channels page says why a channel is not working in the interface language (from the channel's reason code),
// not in the provider's English; that English stays behind "details" for the IT person. In real Chromium, in
// Kazakh: a WhatsApp channel whose phone went offline, then lost live; an e-mail channel whose login is refused.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ChannelAdapter, ChannelHealth } from '../../src/channels.ts';
import { WORKING } from '../helpers.ts';
import { e2eSuite, FakeWhatsApp, shot, signIn } from './harness.ts';

const wa = new FakeWhatsApp();
const IMAP_REFUSED = 'IMAP connection failed: login failed (AUTHENTICATIONFAILED Authentication failed.), retrying in 8 s';
const mailHealth: ChannelHealth = {
  state: 'down',
  code: 'imapLoginFailed',
  reason: IMAP_REFUSED,
  since: WORKING,
  details: { mailbox: 'vic@sud.kz' },
};
const mail: ChannelAdapter = {
  name: 'email',
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
  health: () => mailHealth,
};

const browsers = e2eSuite({ channels: [wa, mail] });

const card = (page: Page, heading: string) => page.locator('section.channel').filter({ has: page.getByRole('heading', { name: heading }) });

describe('channel health on the Channels page', () => {
  it('says why in Kazakh, keeps the provider’s English under details, and follows a change live', async () => {
    const offline = 'WhatsApp Web is TIMEOUT (phone offline or network lost)';
    wa.setHealth({ state: 'degraded', code: 'waPhoneOffline', reason: offline, since: WORKING });

    const page = await browsers.newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await page.getByRole('link', { name: 'Арналар' }).click();

    const whatsapp = card(page, 'WhatsApp');
    await whatsapp.getByText('Ақаулармен жұмыс істейді', { exact: true }).waitFor();
    await whatsapp.getByText('Орталықтың телефоны желіде емес немесе байланыс үзілді').waitFor();
    const email = card(page, 'E-mail');
    await email.getByText('Пошта сервері логинді немесе құпиясөзді қабылдамады').waitFor();
    // The English is nowhere on the page until IT opens the details.
    const main = page.locator('main');
    for (const english of ['phone offline', 'TIMEOUT', 'login failed', 'IMAP']) expect(await main.innerText()).not.toContain(english);
    await shot(page, 'channels-01-reasons-kk');

    await whatsapp.getByText('IT маманына арналған толық мәлімет').click();
    await whatsapp.getByText(offline).waitFor();
    await email.getByText('IT маманына арналған толық мәлімет').click();
    await email.getByText(IMAP_REFUSED).waitFor();

    // WhatsApp drops the session: the card follows without a reload, its last problem in Kazakh too.
    wa.setHealth({
      state: 'down',
      code: 'waDisconnected',
      reason: 'disconnected: CONFLICT',
      since: WORKING,
      details: { lastProblem: { code: 'waDisconnected', reason: 'disconnected: CONFLICT', at: WORKING } },
    });
    await whatsapp.getByText('Жұмыс істемейді', { exact: true }).waitFor();
    await whatsapp.locator('[data-health-reason="waDisconnected"]').getByText('WhatsApp байланысты үзді').waitFor();
    await whatsapp
      .locator('[data-health-facts]')
      .getByText(/^WhatsApp байланысты үзді, \d\d\.\d\d\.\d{4} \d\d:\d\d$/)
      .waitFor();
    await whatsapp.getByText('disconnected: CONFLICT').first().waitFor();
    await shot(page, 'channels-02-details-kk');

    await page.getByRole('button', { name: 'Русский' }).click();
    await whatsapp.getByText('WhatsApp разорвал соединение').first().waitFor();
    await email.getByText('Почтовый сервер не принял логин или пароль').waitFor();
  }, 25_000);
});
