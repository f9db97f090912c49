// The appeal filter in the console (Debian's Chromium through playwright-core, a real VIC): why it decided, the
// operator's "this is an appeal" with its confirmation, and the admin page's figures and decisions.
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { appealReply } from '../../routing/scope/appeal-reply.ts';
import { scopeModel } from '../../routing/scope/index.ts';
import { envelope } from '../helpers.ts';
import { e2eSuite, FakeWhatsApp, shot, signIn, ticketList } from './harness.ts';

let vic: Vic;
let base: string;
const browsers = e2eSuite({
  users: [['op-scope', 'operator']],
  channels: [new FakeWhatsApp()],
  ready: (s) => ({ vic, base } = s),
});

describe('the appeal filter in the console', () => {
  it('shows why a message was filtered out, in Russian and Kazakh', async () => {
    const { ticketId } = vic.ingest(
      envelope({
        courtHint: 'sko-regional',
        sender: { kind: 'whatsapp', address: '77015550601@c.us', displayName: 'Болат' },
        text: 'Не согласен с решением суда, прошу отменить решение',
      }),
    );
    const page = await browsers.newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.goto(`${base}/tickets/${ticketId}`);
    const why = page.locator('[data-scope-why]');
    await why.getByText('Почему фильтр так решил').click();
    await why.locator('dd', { hasText: 'несогласие с судебным актом' }).waitFor();
    await why.locator('dd', { hasText: 'обжалование судебного акта' }).waitFor();
    const explanation = vic.store.scopeExplanation(ticketId)!;
    expect(await why.locator('[data-feature]').count()).toBe(explanation.contributions.length);
    await why.locator('[data-feature] .up').first().waitFor();
    await why.getByText(`Модель ${scopeModel().id}`).waitFor();
    await shot(page, 'scope-01-why');
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await why.getByText('Сүзгі неге осылай шешті').waitFor();
    await why.locator('dd', { hasText: 'сот актісімен келіспеу' }).waitFor();
    await page.getByRole('button', { name: 'Русский' }).click();
  });

  it('lets an operator mark a ticket as an appeal after confirming, which answers the citizen once', async () => {
    const { ticketId } = vic.ingest(
      envelope({
        courtHint: 'sko-regional',
        sender: { kind: 'whatsapp', address: '77015550602@c.us', displayName: 'Дина' },
        text: 'Здравствуйте, когда будет заседание по моему делу?',
      }),
    );
    const ref = vic.store.getTicket(ticketId)!.ref;
    const page = await browsers.newPage();
    await signIn(page, 'op-scope', 'password-123');
    await ticketList(page).getByRole('link', { name: /Дина/ }).click();
    const actions = page.getByRole('group', { name: 'Действия' });
    await actions.getByRole('button', { name: 'Это обжалование' }).click();
    const form = page.getByRole('form', { name: 'Отметить как обжалование судебного акта' });
    await form.getByText(/стандартный ответ о порядке обжалования/).waitFor();
    // Nothing happens before the confirmation.
    expect(vic.store.getTicket(ticketId)!.status).toBe('open');
    await form.getByLabel('Причина').fill('Оспаривает решение, написал в следующем звонке');
    await form.getByRole('button', { name: 'Подтвердить: это обжалование' }).click();
    await page.locator('.ticket-head .badge', { hasText: 'Вне компетенции' }).waitFor();
    const conversation = page.getByRole('list', { name: 'Переписка' });
    await conversation.getByRole('listitem').filter({ hasText: 'Автоответ' }).filter({ hasText: ref }).waitFor();
    await actions.getByRole('button', { name: 'Это не обжалование — взять в работу' }).waitFor();
    expect(await actions.getByRole('button', { name: 'Это обжалование' }).count()).toBe(0);
    expect(
      vic.store
        .listMessages(ticketId)
        .filter((m) => m.auto === 'appeal')
        .map((m) => m.text),
    ).toEqual([appealReply('ru', ref)]);
    await shot(page, 'scope-02-marked');
  });

  it('shows an admin the filter’s figures and the operators’ decisions, linked to their tickets', async () => {
    const page = await browsers.newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('link', { name: 'Фильтр обжалований' }).click();
    await page.getByRole('heading', { name: 'Фильтр обжалований' }).waitFor();
    const figure = (name: string) => page.locator(`[data-figure="${name}"]`);
    await figure('classified').getByText('2', { exact: true }).waitFor();
    expect(await figure('filtered').textContent()).toBe('1');
    expect(await figure('marked').textContent()).toBe('1');
    expect(await figure('overruled').textContent()).toMatch(/^0 \(0\.0 %/);
    expect(await page.locator('[data-model-id]').textContent()).toBe(scopeModel().id);
    const decision = page.getByRole('table', { name: 'Последние решения операторов' }).locator('tbody tr');
    expect(await decision.count()).toBe(1);
    await decision.getByText('Оспаривает решение, написал в следующем звонке').waitFor();
    await decision.getByText('op-scope').waitFor();
    await shot(page, 'scope-03-admin');
    await decision.getByRole('link').click();
    await page.locator('.ticket-head .badge', { hasText: 'Вне компетенции' }).waitFor();
  });
});
