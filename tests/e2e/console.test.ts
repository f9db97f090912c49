// The operator console in a real browser (Debian's Chromium through playwright-core) against a real VIC:
// messages are ingested through the pipeline and must show up live, without reload.
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { envelope } from '../helpers.ts';
import { e2eSuite, FakeWhatsApp, QR, shot, signIn, ticketList } from './harness.ts';

let vic: Vic;
let base: string;
const wa = new FakeWhatsApp();
const browsers = e2eSuite({
  users: [
    ['op-reg', 'operator'],
    ['op-eco', 'operator', 'sko-economic'],
    // Never signed in, so never picked by automatic assignment: only an admin hands it tickets.
    ['op-spare', 'operator'],
  ],
  channels: [wa],
  ready: (s) => ({ vic, base } = s),
});
const newPage = () => browsers.newPage();

describe('operator console', () => {
  it('says so when the password is wrong', async () => {
    const page = await newPage();
    await page.getByLabel('Логин').fill('op-reg');
    await page.getByLabel('Пароль').fill('not-the-password');
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('alert').filter({ hasText: 'Неверный логин или пароль' }).waitFor();
    await shot(page, '01-login-error');
  });

  let regionalTicketId = 0;

  it('shows a new WhatsApp ticket live, replies with Ctrl+Enter and follows delivery; a note is not sent', async () => {
    const page = await newPage();
    await signIn(page, 'op-reg', 'password-123');
    await page.getByRole('heading', { name: 'Очередь суда' }).waitFor();

    const r = vic.ingest(
      envelope({
        sender: { kind: 'whatsapp', address: '77015550101@c.us', displayName: 'Айгерим Сапарова' },
        text: 'Когда заседание по делу 2-123/2026?',
      }),
    );
    regionalTicketId = r.ticketId;
    const row = ticketList(page).getByRole('link', { name: /Айгерим Сапарова/ });
    // Within a second of ingest, without reload.
    await row.waitFor({ timeout: 1000 });
    await page.locator('[data-queue-count="court"]', { hasText: '1' }).waitFor();
    await shot(page, '02-court-queue');

    await row.click();
    const conversation = page.getByRole('list', { name: 'Переписка' });
    await conversation.getByText('Когда заседание по делу 2-123/2026?').waitFor();
    await page.getByText('+77015550101').or(page.getByText('77015550101@c.us')).first().waitFor();

    wa.hold();
    const box = page.getByRole('textbox', { name: 'Текст ответа' });
    await box.fill('Заседание назначено на 10.12.2026 в 10:00.');
    await box.press('Control+Enter');
    const reply = conversation.getByRole('listitem').filter({ hasText: 'Заседание назначено на 10.12.2026 в 10:00.' });
    await reply.locator('[data-delivery="queued"]', { hasText: 'В очереди' }).waitFor();
    expect(await box.inputValue()).toBe('');
    await shot(page, '03-reply-queued');

    wa.release();
    await reply.locator('[data-delivery="sent"]', { hasText: 'Отправлено' }).waitFor();
    const replyId = Number(await reply.getAttribute('data-message-id'));
    wa.ctx.reportDelivery(`wa-${replyId}`, 'delivered');
    await reply.locator('[data-delivery="delivered"]', { hasText: 'Доставлено' }).waitFor();

    await page.getByRole('radio', { name: 'Внутренняя заметка' }).check();
    const noteBox = page.getByRole('textbox', { name: 'Текст заметки' });
    await noteBox.fill('Уточнить у секретаря судьи');
    await noteBox.press('Control+Enter');
    const note = conversation.getByRole('listitem').filter({ hasText: 'Уточнить у секретаря судьи' });
    await note.getByText('Заметка', { exact: true }).waitFor();
    const noteId = Number(await note.getAttribute('data-message-id'));
    expect(vic.store.getOutboxByMessage(noteId)).toBeUndefined();
    expect(wa.sent.map((m) => m.text)).toEqual(['Заседание назначено на 10.12.2026 в 10:00.']);
    // Court time (UTC+5): the ticket came in at 10:00 on 1 December 2026.
    await conversation.getByText('01.12.2026 10:00').first().waitFor();
    await shot(page, '04-ticket');
  });

  it('never shows a court’s ticket to an operator of another court, in the list or by URL', async () => {
    expect(regionalTicketId).toBeGreaterThan(0);
    const page = await newPage();
    await signIn(page, 'op-eco', 'password-123');
    // The regional ticket changes first, then the economic court's own ticket arrives: once that one is listed,
    // the regional one would have been too.
    vic.ingest(
      envelope({ sender: { kind: 'whatsapp', address: '77015550101@c.us', displayName: 'Айгерим Сапарова' }, text: 'Ещё вопрос по делу' }),
    );
    vic.ingest(
      envelope({
        courtHint: 'sko-economic',
        channel: 'email',
        sender: { kind: 'email', address: 'buh@dala.kz', displayName: 'ТОО Дала' },
        thread: { subject: 'Госпошлина' },
        text: 'Как оплатить госпошлину?',
      }),
    );
    await ticketList(page)
      .getByRole('link', { name: /ТОО Дала/ })
      .waitFor();
    expect(await page.getByText('Айгерим Сапарова').count()).toBe(0);
    for (const [queue, label] of [
      ['mine', 'Мои обращения'],
      ['unassigned', 'Не распределены'],
      ['resolved', 'Решённые'],
    ]) {
      await Promise.all([
        page.waitForResponse((res) => res.url().includes(`queue=${queue}`) && res.url().includes('limit=50')),
        page
          .getByRole('navigation')
          .getByRole('link', { name: new RegExp(label) })
          .click(),
      ]);
      expect(await page.getByText('Айгерим Сапарова').count()).toBe(0);
    }
    await page.goto(`${base}/tickets/${regionalTicketId}`);
    await page.getByRole('alert').filter({ hasText: 'Это обращение вам недоступно' }).waitFor();
    expect(await page.getByText('Когда заседание').count()).toBe(0);
    await shot(page, '05-other-court-forbidden');
  });

  it('shows a script sent by a citizen as text and never runs it', async () => {
    const page = await newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(page, 'op-reg', 'password-123');
    const payload = '<img src=x onerror=alert(1)> <script>alert(2)</script> <b>жирный</b>';
    const r = vic.ingest(
      envelope({ sender: { kind: 'whatsapp', address: '77015550202@c.us', displayName: '<i>Хакер</i>' }, text: payload }),
    );
    const mail = vic.ingest(
      envelope({
        channel: 'email',
        sender: { kind: 'email', address: 'x@example.kz' },
        thread: { subject: '<img src=x onerror=alert(3)>' },
        text: '',
        html: '<p>Письмо</p><img src=x onerror="alert(4)"><script>alert(5)</script>',
      }),
    );
    await ticketList(page)
      .getByRole('link', { name: /<i>Хакер<\/i>/ })
      .click();
    const conversation = page.getByRole('list', { name: 'Переписка' });
    await conversation.getByText(payload).waitFor();
    expect(await page.locator('.ticket-pane img, .ticket-pane b, .ticket-pane i, .ticket-pane script').count()).toBe(0);

    expect(mail.ticketId).not.toBe(r.ticketId);
    await page.goto(`${base}/tickets/${mail.ticketId}`);
    await page.getByText('Письмо только в HTML — оно не показывается из соображений безопасности').waitFor();
    await page.getByText('<img src=x onerror=alert(3)>').first().waitFor();
    expect(await page.locator('.ticket img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await shot(page, '06-script-as-text');
  });

  it('lets staff retry a failed auto-reply, overrule an appeal verdict, assign and resolve', async () => {
    const page = await newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /Вне компетенции/ })
      .click();
    await page.getByRole('heading', { name: 'Вне компетенции' }).waitFor();

    wa.failNext = 'the number is not on WhatsApp';
    vic.ingest(
      envelope({
        sender: { kind: 'whatsapp', address: '77015550303@c.us', displayName: 'Болат' },
        text: 'Не согласен с решением суда, прошу отменить решение и пересмотреть дело',
      }),
    );
    await ticketList(page).getByRole('link', { name: /Болат/ }).click();
    const autoReply = page.getByRole('list', { name: 'Переписка' }).getByRole('listitem').filter({ hasText: 'Автоответ' });
    await autoReply.getByText('the number is not on WhatsApp').waitFor();
    await autoReply.locator('[data-delivery="failed"]').waitFor();
    await autoReply.getByRole('button', { name: 'Отправить снова' }).click();
    await autoReply.locator('[data-delivery="sent"]').waitFor();

    const actions = page.getByRole('group', { name: 'Действия' });
    await actions.getByRole('button', { name: 'Это не обжалование — взять в работу' }).click();
    await actions.getByLabel('Причина').fill('Вопрос о сроках, не обжалование');
    await actions.getByRole('button', { name: 'Это не обжалование — взять в работу' }).click();
    const head = page.locator('.ticket-head');
    await head.locator('.badge', { hasText: 'Открыто' }).waitFor();
    await page.locator('[data-queue-count="out-of-scope"]', { hasText: '0' }).waitFor();

    await actions.getByLabel('Назначить оператору').selectOption({ label: 'op-spare' });
    await actions.getByRole('button', { name: 'Назначить', exact: true }).click();
    await head.getByRole('definition').filter({ hasText: 'op-spare' }).waitFor();
    await actions.getByRole('button', { name: 'Закрыть как решённое' }).click();
    await head.locator('.badge', { hasText: 'Решено' }).waitFor();
    await actions.getByRole('button', { name: 'Открыть снова' }).waitFor();
    await shot(page, '10-admin-ticket-resolved');
    // A tablet held upright: the list and the open ticket take turns.
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.getByRole('button', { name: 'Закрыть', exact: true }).click();
    await page.getByRole('heading', { name: 'Вне компетенции' }).waitFor();
    await shot(page, '11-tablet-list');
  });

  it('switches the interface to Kazakh and remembers it', async () => {
    const page = await newPage();
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await page.getByRole('heading', { name: 'Консольге кіру' }).waitFor();
    await page.getByLabel('Логин').fill('op-reg');
    await page.getByLabel('Құпиясөз').fill('password-123');
    await page.getByRole('button', { name: 'Кіру' }).click();
    await page.getByRole('heading', { name: 'Сот кезегі' }).waitFor();
    await page.getByRole('link', { name: /Менің өтініштерім/ }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Сот кезегі' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('kk');
    await shot(page, '07-kazakh');
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('heading', { name: 'Очередь суда' }).waitFor();
  });

  it('lets an admin create an operator who can then sign in, and pair WhatsApp by QR', async () => {
    const page = await newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('link', { name: 'Пользователи' }).click();
    const form = page.getByRole('form', { name: 'Новый пользователь' });
    await form.getByLabel('Логин').fill('op-new');
    await form.getByLabel('ФИО').fill('Новый Оператор');
    await form.getByLabel('Суд').selectOption({ label: vic.store.getCourtByCode('petropavl-city-2')!.nameRu });
    await form.getByLabel('Пароль (не короче 8 символов)').fill('new-password-1');
    await form.getByRole('button', { name: 'Создать' }).click();
    await page.getByRole('status').filter({ hasText: 'Пользователь op-new создан' }).waitFor();
    await page.getByRole('cell', { name: 'Новый Оператор' }).waitFor();
    await shot(page, '08-admin-users');

    await page.getByRole('link', { name: 'Каналы' }).click();
    const qr = page.getByRole('img', { name: 'QR-код для привязки WhatsApp' });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toBe(QR);
    await shot(page, '09-admin-channels-qr');
    await page.getByRole('button', { name: 'Перезапустить' }).click();
    await page.getByText('Подключён', { exact: true }).waitFor();
    expect(await qr.count()).toBe(0);

    await page.getByRole('button', { name: 'Выйти' }).click();
    await signIn(page, 'op-new', 'new-password-1');
    await page.getByRole('heading', { name: 'Очередь суда' }).waitFor();
    await page.getByText('Новый Оператор').waitFor();
  });
});
