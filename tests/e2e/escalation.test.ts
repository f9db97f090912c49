// Escalation in a real browser, two people at once: the operator (one browser context) escalates a ticket to the
// specialist handling its case, the specialist (another context, signed in all along) sees it arrive without reload,
// answers the citizen, and the operator sees the signed answer live. Also: canned answers with placeholders filled,
// and the operator's alert when the specialist does not pick a ticket up in time.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { hashPassword } from '../../src/auth.ts';
import type { ManualClock } from '../../src/clock.ts';
import { addUser, envelope, makeVic } from '../helpers.ts';
import { Browsers, buildUiIfStale, closeAfterSuite, FakeWhatsApp, openSuite, shot, signIn, SUITE_SETUP_MS, ticketList } from './harness.ts';

const CASE = '5999-25-00-2/417';
const TITLE = 'Секретарь судебного заседания';

let vic: Vic;
let clock: ManualClock;
let base: string;
let wa: FakeWhatsApp;
let operatorId = 0;
const browsers = new Browsers(() => base);

async function addSpecialist(login: string, name: string, title: string) {
  const courtId = vic.store.getCourtByCode('sko-regional')!.id;
  return vic.store.createUser(
    { login, name, role: 'specialist', title, courtId, passwordHash: await hashPassword('password-123') },
    vic.clock.now(),
  );
}

/** The admin's cookie, for set-up through the API as the admin would do it. */
async function adminFetch(url: string, init: { method: string; body: string; type: string }) {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'admin', password: 'admin-secret-1' }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const res = await fetch(`${base}${url}`, { method: init.method, headers: { cookie, 'content-type': init.type }, body: init.body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  buildUiIfStale();
  ({ vic, clock } = await makeVic());
  operatorId = (await addUser(vic, 'op-esc', 'operator', 'sko-regional')).id;
  // Created first, so by load and id alone this one would be suggested first: the case must win.
  await addSpecialist('spec-office', 'Асель Канцелярия', 'Специалист канцелярии');
  await addSpecialist('spec-judge', 'Жанар Секретарь', TITLE);
  wa = new FakeWhatsApp();
  await vic.addChannel(wa);
  base = await openSuite(vic, browsers);
}, SUITE_SETUP_MS);

closeAfterSuite(browsers, () => vic);

describe('escalation in the console', () => {
  it('suggests the case’s specialist, who sees the ticket live, answers signed, and the operator sees the answer', async () => {
    const csv = `case_number,court,judge,specialist_login\n№ ${CASE},sko-regional,Судья Ахметов,spec-judge\n`;
    const imported = await adminFetch('/api/case-assignments', { method: 'POST', type: 'text/csv', body: csv });
    expect(imported).toMatchObject({ status: 200, body: { new: 1, errors: [] } });

    const [op, spec] = await Promise.all([browsers.newPage(), browsers.newPage()]);
    await Promise.all([signIn(op, 'op-esc', 'password-123'), signIn(spec, 'spec-judge', 'password-123')]);
    // The specialist's workspace: only their own tickets and the resolved ones, and their own figures.
    await spec.getByRole('heading', { name: 'Мои обращения' }).waitFor();
    const specNav = spec.getByRole('navigation').getByRole('link');
    expect(await specNav.allInnerTexts()).toEqual([
      expect.stringMatching(/^Мои обращения/),
      expect.stringMatching(/^Решённые/),
      'Мои показатели',
    ]);
    await spec.getByText('Обращений нет').waitFor();

    const r = vic.ingest(
      envelope({
        sender: { kind: 'whatsapp', address: '77015550404@c.us', displayName: 'Серик Нурланов' },
        text: `Добрый день! Когда будет готово решение по делу № ${CASE}?`,
      }),
    );
    await ticketList(op)
      .getByRole('link', { name: /Серик Нурланов/ })
      .click();
    await op.getByRole('list', { name: 'Переписка' }).getByText(`№ ${CASE}`, { exact: false }).waitFor();

    await op.getByRole('button', { name: 'Эскалировать специалисту' }).click();
    const dialog = op.getByRole('dialog', { name: /Эскалация обращения/ });
    const suggestions = dialog.getByRole('list', { name: 'Предлагаемые специалисты' }).getByRole('listitem');
    await suggestions.first().getByText(`ведёт дело № ${CASE}`).waitFor();
    expect(await suggestions.count()).toBe(2);
    await suggestions.first().getByText('Жанар Секретарь').waitFor();
    expect(await suggestions.first().getByRole('radio').isChecked()).toBe(true);
    await suggestions.nth(1).getByText('Асель Канцелярия').waitFor();
    expect(await dialog.getByRole('checkbox', { name: /Сообщить заявителю/ }).isChecked()).toBe(true);
    await dialog.getByLabel('Вопрос специалисту').fill('Заявитель спрашивает о сроке изготовления мотивированного решения.');
    await shot(op, '20-escalation-dialog');
    await dialog.getByRole('button', { name: 'Передать специалисту' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const head = op.locator('.ticket-head');
    await head
      .getByRole('definition')
      .filter({ hasText: `Жанар Секретарь (${TITLE})` })
      .waitFor();
    expect(await head.getByRole('term').filter({ hasText: 'У специалиста' }).count()).toBe(1);
    const timeline = op.getByRole('list', { name: 'Эскалации' });
    await timeline.getByRole('listitem').filter({ hasText: 'у специалиста' }).getByText('Заявитель спрашивает о сроке').waitFor();

    // The specialist's list, without reload.
    const row = ticketList(spec).getByRole('link', { name: /Серик Нурланов/ });
    await row.waitFor();
    await spec.locator('[data-queue-count="mine"]', { hasText: '1' }).waitFor();
    await shot(spec, '21-specialist-list');
    await row.click();
    const question = spec.getByRole('region', { name: 'Вопрос от op-esc' });
    await question.getByText('Заявитель спрашивает о сроке изготовления мотивированного решения.').waitFor();
    // Nothing of the operators' actions; the specialist's own instead.
    expect(await spec.getByRole('button', { name: 'Взять себе' }).count()).toBe(0);
    await spec.getByRole('button', { name: 'Передать другому специалисту' }).waitFor();
    await spec.getByText(`Ответ будет подписан: «${TITLE}».`).waitFor();
    const box = spec.getByRole('textbox', { name: 'Текст ответа' });
    await box.fill('Мотивированное решение будет готово 15.12.2026.');
    await box.press('Control+Enter');
    await shot(spec, '22-specialist-ticket');

    // The operator sees the answer, signed with the specialist's role, without reload.
    const answer = op
      .getByRole('list', { name: 'Переписка' })
      .getByRole('listitem')
      .filter({ hasText: 'Мотивированное решение будет готово 15.12.2026.' });
    await answer.getByText(`— ${TITLE}`, { exact: false }).waitFor();
    await answer.getByText('Жанар Секретарь', { exact: true }).waitFor();
    await answer.locator('[data-delivery="sent"]').waitFor();
    // Picked up and answered, in the operator's timeline too.
    await timeline.getByRole('listitem').filter({ hasText: 'у специалиста' }).getByText('ответ', { exact: true }).waitFor();
    await shot(op, '23-operator-sees-answer');
    const ref = vic.store.getTicket(r.ticketId)!.ref;
    const sent = wa.sent.filter((m) => m.ticketRef === ref).map((m) => m.text);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toContain('передано ответственному специалисту');
    expect(sent[1]).toBe(`Мотивированное решение будет готово 15.12.2026.\n\n— ${TITLE}`);

    // The specialist hands it back: it leaves their list, and the operator's timeline says it was answered.
    await spec.getByRole('button', { name: 'Вернуть оператору' }).click();
    await spec.getByLabel('Комментарий (необязательно)').fill('Ответила заявителю');
    await spec.getByRole('form', { name: 'Вернуть оператору' }).getByRole('button', { name: 'Вернуть оператору' }).click();
    await spec.getByText('Выберите обращение в списке').waitFor();
    await spec.getByText('Обращений нет').waitFor();
    await timeline.getByRole('listitem').filter({ hasText: 'отвечено' }).waitFor();
    expect(await head.getByRole('term').filter({ hasText: 'У специалиста' }).count()).toBe(0);
    await op.getByRole('button', { name: 'Эскалировать специалисту' }).waitFor();
  });

  it('inserts a canned answer in the ticket’s language with the reference and the name filled in', async () => {
    const page = await browsers.newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('link', { name: 'Шаблоны ответов' }).click();
    const form = page.getByRole('form', { name: 'Новый шаблон' });
    for (const [title, lang, text] of [
      ['Принято (рус.)', 'русский', 'Здравствуйте, {name}! Ваше обращение {ref} принято, ответ придёт в течение дня.'],
      ['Қабылданды (қаз.)', 'казахский', 'Сәлеметсіз бе, {name}! {ref} өтінішіңіз қабылданды.'],
    ] as const) {
      await form.getByLabel('Название').fill(title);
      await form.getByLabel('Язык').selectOption({ label: lang });
      await form.getByLabel('Текст').fill(text);
      await form.getByRole('button', { name: 'Добавить' }).click();
      await page.getByRole('cell', { name: title, exact: true }).waitFor();
    }
    await shot(page, '24-admin-canned');

    const r = vic.ingest(
      envelope({
        sender: { kind: 'whatsapp', address: '77015550505@c.us', displayName: 'Мадина Ержанова' },
        text: 'Здравствуйте, подскажите, пожалуйста, часы работы канцелярии суда.',
      }),
    );
    const ticket = vic.store.getTicket(r.ticketId)!;
    expect(ticket.language).toBe('ru');
    await page.goto(`${base}/tickets/${r.ticketId}`);
    const picker = page.getByRole('combobox', { name: 'Шаблон ответа' });
    // A Russian ticket: only the Russian answer is offered.
    await picker.waitFor();
    expect(await picker.locator('option').evaluateAll((os) => os.map((o) => o.textContent))).toEqual([
      'Вставить шаблон…',
      'Принято (рус.)',
    ]);
    const box = page.getByRole('textbox', { name: 'Текст ответа' });
    await box.fill('Добрый день. ');
    await picker.selectOption({ label: 'Принято (рус.)' });
    const expected = `Добрый день. Здравствуйте, Мадина Ержанова! Ваше обращение ${ticket.ref} принято, ответ придёт в течение дня.`;
    await page.waitForFunction(([text]) => document.querySelector<HTMLTextAreaElement>('.composer textarea')?.value === text, [expected]);
    await shot(page, '25-canned-inserted');
    await box.press('Control+Enter');
    await page.getByRole('list', { name: 'Переписка' }).getByText(expected).waitFor();
  });

  it('alerts the operator when the specialist does not pick the ticket up in time', async () => {
    const page = await browsers.newPage();
    await signIn(page, 'op-esc', 'password-123');
    const r = vic.ingest(
      envelope({ sender: { kind: 'whatsapp', address: '77015550606@c.us', displayName: 'Ануар Беков' }, text: `Вопрос по делу ${CASE}` }),
    );
    const op = vic.store.getUser(operatorId)!;
    const specialist = vic.store.getUserByLogin('spec-office')!;
    vic.escalations.escalate(op, r.ticketId, specialist.id, 'Уточните, пожалуйста, дату заседания', false);
    const due = vic.store.listEscalations(r.ticketId)[0].pickupDueAt!;
    clock.set(due + 60_000);
    expect(vic.escalations.checkTimers()).toBeGreaterThan(0);
    const alert = page.getByRole('alert').filter({ hasText: 'Специалист Асель Канцелярия не взял в работу обращение' });
    await alert.waitFor();
    await shot(page, '26-escalation-alert');
    await alert.getByRole('link', { name: 'Открыть' }).click();
    await page.getByRole('heading', { name: /Ануар Беков/ }).waitFor();
    expect(await alert.count()).toBe(0);
  });

  it('pops the caller up on the console of the operator whose phone rings, until the call is answered', async () => {
    const page = await browsers.newPage();
    await signIn(page, 'op-esc', 'password-123');
    const from = '+77015550707';
    const r = vic.ingest(
      envelope({
        channel: 'sip',
        externalId: 'call-7@pbx',
        sender: { kind: 'phone', address: from, displayName: 'Гульнара Сейткали' },
        text: '',
        call: { callId: 'call-7@pbx', from, to: '+77152000000', outcome: 'ringing', startedAt: clock.now() },
      }),
    );
    vic.calls.screenPop(operatorId, 'call-7@pbx');
    const pop = page.getByRole('alert').filter({ hasText: 'Входящий звонок' });
    await pop.getByText(`Звонит ${from}`).waitFor();
    const ref = vic.store.getTicket(r.ticketId)!.ref;
    await pop.getByText('Гульнара Сейткали', { exact: true }).waitFor();
    await pop.getByRole('link', { name: `Открыть обращение ${ref}` }).waitFor();
    await shot(page, '27-screen-pop');
    vic.calls.progress('call-7@pbx', { outcome: 'answered', operatorUserId: operatorId, answeredAt: clock.now() });
    await pop.waitFor({ state: 'detached' });
  });

  it('lets an admin add and remove a court’s own day off', async () => {
    const page = await browsers.newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('link', { name: 'Календарь судов' }).click();
    await page
      .getByRole('main')
      .getByLabel(/^Суд/)
      .selectOption({ label: vic.store.getCourtByCode('sko-regional')!.nameRu });
    await page.getByLabel('Год').fill('2026');
    const daysOff = page.getByRole('region', { name: 'Нерабочие будние дни' });
    await daysOff.getByText('16.12.2026').waitFor(); // Independence Day
    expect(await daysOff.getByText('02.12.2026').count()).toBe(0);
    const form = page.getByRole('form', { name: 'Сохранить день' });
    await form.getByLabel('Дата').fill('2026-12-02');
    await form.getByLabel('Примечание').fill('Дезинфекция здания');
    await form.getByRole('button', { name: 'Сохранить день' }).click();
    await page.getByRole('cell', { name: 'Дезинфекция здания' }).waitFor();
    await daysOff.getByText('02.12.2026').waitFor();
    await shot(page, '28-admin-calendar');
    await page.getByRole('button', { name: 'Убрать: 02.12.2026' }).click();
    await page.getByRole('cell', { name: 'Дезинфекция здания' }).waitFor({ state: 'detached' });
    expect(await daysOff.getByText('02.12.2026').count()).toBe(0);
  });
});
