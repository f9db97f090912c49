// The phone in the console, against the drachtio double: a citizen's call rings the operator and their call panel
// pops with the caller, the state and a running timer (and comes back after a reload); the operator moves it to a
// specialist by keyboard, whose panel pops in turn, and the specialist hangs up from the console. A phone ticket's
// composer offers a WhatsApp message to the number and the call-back instead of a text reply, and the call-back's
// result lands on the ticket (with a warning while the PBX is unreachable). A missed call is a task in the
// callbacks queue, counted in the navigation; "no answer, try again at…" and "done"; the missed call's line; the
// notice of being set away after unanswered rings. One check in Kazakh.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Vic } from '../../src/app.ts';
import type { ManualClock } from '../../src/clock.ts';
import { createSipChannel, type SipChannel } from '../../channels/sip/index.ts';
import { doubleConfig, FakeDrachtio, sdpOffer } from '../support/fake-drachtio.ts';
import { until } from '../helpers.ts';
import { ARTIFACTS, e2eSuite, FakeWhatsApp, shot, signIn } from './harness.ts';

const CALLER = { from: '"Ержан Серікұлы" <sip:87012345678@pbx.court.local>', pai: '<sip:+77012345678@pbx.court.local>' };
const NUMBER = '+77012345678';
const SPECIALIST = { name: 'Жанар Секретарь', title: 'Секретарь судебного заседания' };

let vic: Vic;
let clock: ManualClock;
let fake: FakeDrachtio;
const wa = new FakeWhatsApp();
let sip: SipChannel;
let base: string;
let opId = 0;
/** The ticket of the first test's call. */
let phoneTicket = 0;
const browsers = e2eSuite({
  users: [
    ['op-call', 'operator'],
    ['spec-call', 'specialist', 'sko-regional', SPECIALIST],
  ],
  channels: [wa],
  seed: async (v, users) => {
    wa.setHealth({ state: 'connected', since: v.clock.now() });
    v.store.updateUser(users['op-call'].id, { sipExtension: '201' });
    v.store.updateUser(users['spec-call'].id, { sipExtension: '301' });
    fake = new FakeDrachtio('cymru');
    const port = await fake.listen();
    sip = createSipChannel(
      doubleConfig(port),
      // A quick keep-alive: the PBX's failing OPTIONS (degraded) show within a second.
      { keepAliveMs: 300 },
    );
    await v.addChannel(sip);
    await fake.ready();
    await until('the SIP link', () => sip.health().state === 'connected');
  },
  ready: (s) => {
    ({ vic, clock, base } = s);
    opId = s.users['op-call'].id;
  },
});
// The double's socket is the suite's: closed after the browsers and Vic (afterAll hooks run in reverse order).
afterAll(async () => {
  await fake?.close();
});

/** A console on the server's clock (the panel's timer counts from the server's times), signed in. */
async function open(login: string): Promise<Page> {
  const page = await browsers.newPage();
  page.context().setDefaultTimeout(10_000);
  await page.clock.install({ time: clock.now() });
  await signIn(page, login, 'password-123');
  return page;
}

const DOCS = path.resolve(import.meta.dirname, '../../docs');

/** Saved for the suite's artifacts and, as docs/console-<name>.png, for the docs (docs/sip.md, docs/callbacks.md). */
async function docShot(page: Page, name: string) {
  await shot(page, `calls-${name}`);
  fs.copyFileSync(path.join(ARTIFACTS, `calls-${name}.png`), path.join(DOCS, `console-${name}.png`));
}

const panel = (page: Page) => page.getByRole('region', { name: 'Текущий звонок' });
const boxesOverlap = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('calls in the console', () => {
  it('pops the call panel for the operator, moves the call to a specialist whose panel pops, who hangs up', async () => {
    const started = Date.now();
    const [op, spec] = await Promise.all([open('op-call'), open('spec-call')]);
    // The operator is rung only while their console is open.
    await until('the operator online', () => vic.store.getPresence(opId)!.connections > 0);

    const call = fake.call(CALLER);
    const invite = await fake.nextInvite();
    expect(invite.msg.uri).toBe('sip:201@pbx.court.local');
    invite.respond(180);
    const card = panel(op).getByRole('article', { name: 'Входящий звонок' });
    await card.getByText(NUMBER).waitFor();
    await card.getByText('Ержан Серікұлы').waitFor();
    await card.getByText('Звонит', { exact: true }).waitFor();

    invite.respond(200, sdpOffer('operator', 50000));
    await call.waitFinal();
    await call.ack();
    await invite.dialog!.waitFor('ACK');
    await card.getByText('Разговор', { exact: true }).waitFor();
    const timer = card.getByRole('timer', { name: 'Длительность' });
    const first = await timer.textContent();
    expect(first).toMatch(/^\d+:\d\d$/);
    // It runs: the text changes as the seconds pass.
    await op.waitForFunction((before) => document.querySelector('.call-timer')?.textContent !== before, first);
    // A reload during the call brings the panel back (GET /api/calls/live), the caller's name with it.
    await op.reload();
    await card.getByText('Разговор', { exact: true }).waitFor();
    await card.getByText('Ержан Серікұлы').waitFor();

    // The ticket opens from the panel; the panel stays beside it, off the composer.
    phoneTicket = vic.store.getCall(call.callId)!.ticketId;
    const ref = vic.store.getTicket(phoneTicket)!.ref;
    await card.getByRole('link', { name: `Открыть обращение ${ref}` }).click();
    await op.getByRole('heading', { name: /Ержан Серікұлы/ }).waitFor();
    const composer = op.locator('.composer');
    await composer.waitFor();
    expect(boxesOverlap((await panel(op).boundingBox())!, (await composer.boundingBox())!)).toBe(false);
    await docShot(op, 'call-panel');

    // By keyboard: the list opens on the first suggestion, Escape closes it back onto its button.
    const transfer = card.getByRole('button', { name: 'Перевести специалисту' });
    await transfer.focus();
    await op.keyboard.press('Enter');
    const suggested = card.getByRole('list', { name: 'Кому перевести звонок' }).getByRole('button', { name: new RegExp(SPECIALIST.name) });
    await suggested.waitFor();
    expect(await suggested.evaluate((el) => el === document.activeElement)).toBe(true);
    await op.keyboard.press('Escape');
    await suggested.waitFor({ state: 'detached' });
    expect(await transfer.evaluate((el) => el === document.activeElement)).toBe(true);
    await op.keyboard.press('Enter');
    await suggested.waitFor();
    await op.keyboard.press('Enter');
    await card.getByRole('status').getByText(`Переводим звонок: ${SPECIALIST.name}`).waitFor();

    const toSpec = await fake.nextInvite();
    expect(toSpec.msg.uri).toBe('sip:301@pbx.court.local');
    toSpec.respond(180);
    const specCard = panel(spec).getByRole('article', { name: 'Переведённый звонок' });
    await specCard.getByText(NUMBER).waitFor();
    await specCard.getByText('Звонит', { exact: true }).waitFor();
    toSpec.respond(200, sdpOffer('specialist', 60000));
    await call.dialog!.waitFor('INVITE'); // the caller is re-bridged to the specialist
    await toSpec.dialog!.waitFor('ACK');
    await invite.dialog!.waitFor('BYE'); // the operator is released: their panel goes
    await card.waitFor({ state: 'detached' });
    await specCard.getByText('Разговор', { exact: true }).waitFor();
    await shot(spec, 'calls-specialist-panel');

    await specCard.getByRole('button', { name: `Завершить звонок с ${NUMBER}` }).click();
    await call.dialog!.waitFor('BYE');
    await specCard.waitFor({ state: 'detached' });
    await until('the call ended', () => vic.store.getCall(call.callId)!.outcome === 'ended');
    console.log(`calls e2e: call panel, transfer and hang-up in ${Date.now() - started} ms`);
  }, 60_000);

  it('offers WhatsApp and the call-back instead of a text reply on a phone ticket; the result lands on the ticket; degraded warns', async () => {
    const started = Date.now();
    const op = await open('op-call');
    await op.goto(`${base}/tickets/${phoneTicket}`);
    await op.getByRole('heading', { name: /Ержан Серікұлы/ }).waitFor();
    const composer = op.locator('.composer');
    // No text reply reaches a caller: a WhatsApp message to the number, a note, and the call-back are offered.
    await composer.getByText('Заявитель звонил по телефону').waitFor();
    expect(await composer.getByRole('radio', { name: 'Ответ заявителю' }).count()).toBe(0);
    await composer.getByRole('radio', { name: 'Внутренняя заметка' }).waitFor();
    expect(await composer.getByRole('radio', { name: 'Написать в WhatsApp' }).isChecked()).toBe(true);
    await composer.getByRole('textbox').fill('Перезвоним вам сегодня до 17:00.');
    await composer.getByRole('button', { name: 'Отправить' }).click();
    await until('the WhatsApp message sent', () => wa.sent.find((m) => m.text === 'Перезвоним вам сегодня до 17:00.'));
    expect(wa.sent.at(-1)).toMatchObject({ channel: 'whatsapp', to: '77012345678@c.us' });

    // The PBX stops answering OPTIONS: the call-back still goes, with a warning.
    fake.optionsStatus = 503;
    await until('the PBX unreachable', () => sip.health().state === 'degraded', 5000);
    await composer.getByRole('button', { name: 'Перезвонить' }).click();
    await composer.getByRole('status').getByText('Звоним на ваш телефон…', { exact: false }).waitFor();
    await composer.getByRole('alert').getByText('АТС сейчас не отвечает на проверки связи', { exact: false }).waitFor();
    const toOperator = await fake.nextInvite();
    expect(toOperator.msg.uri).toBe('sip:201@pbx.court.local');
    toOperator.respond(200, sdpOffer('operator', 50000));
    const toCitizen = await fake.nextInvite();
    expect(toCitizen.msg.uri).toBe(`sip:${NUMBER}@trunk.court.local`);
    toCitizen.respond(486);
    await composer.getByRole('status').getByText('Звонок завершён: занято', { exact: false }).waitFor();
    await op.getByRole('list', { name: 'Переписка' }).getByText(`Обратный звонок на ${NUMBER}: занято`).waitFor();
    fake.optionsStatus = 200;
    await shot(op, 'calls-call-back-result');
    console.log(`calls e2e: call-back in ${Date.now() - started} ms`);
  }, 40_000);

  it('counts a missed call in the callbacks queue, "done" takes it off; the away notice; in Kazakh', async () => {
    const started = Date.now();
    const op = await open('op-call');
    await until('the operator online', () => vic.store.getPresence(opId)!.connections > 0);
    const counter = op.locator('[data-callbacks-count]');
    const before = Number(await counter.getAttribute('data-callbacks-count'));
    // Another citizen; the operator's phone is busy, nobody else is there: a missed call.
    const call = fake.call({ from: '"Айгуль Нурлановна" <sip:87017770011@pbx.court.local>' });
    (await fake.nextInvite()).respond(486);
    expect((await call.waitFinal()).status).toBe(486);
    await op.locator(`[data-callbacks-count="${before + 1}"]`).waitFor();

    await op.getByRole('link', { name: /Обратные звонки/ }).click();
    const task = op.getByRole('list', { name: 'Задачи обратного звонка' }).getByRole('listitem', { name: /Айгуль Нурлановна/ });
    await task.getByText('+77017770011', { exact: false }).first().waitFor();
    await task.getByText('op-call').waitFor(); // whose phone rang
    await task.locator('.due').waitFor(); // the working-time countdown
    const ticketId = vic.store.getCall(call.callId)!.ticketId;

    // "No answer, try again at…": the attempt is recorded, the due time moves (court time).
    await task.getByRole('button', { name: 'Не дозвонились, повторить в…' }).click();
    await task.getByLabel('Когда повторить').fill('2026-12-01T15:30');
    await task.getByRole('button', { name: 'Перенести' }).click();
    await task.getByText('— не ответил').waitFor();
    await task.getByText('01.12.2026 15:30').waitFor();
    expect(vic.store.getCall(call.callId)!.callbackDueAt).toBe(Date.parse('2026-12-01T10:30:00Z'));
    await docShot(op, 'callbacks-queue');

    // Kazakh: the navigation and the task's actions.
    await op.getByRole('button', { name: 'Қазақша' }).click();
    await op.getByRole('link', { name: /Кері қоңыраулар/ }).waitFor();
    const taskKk = op.getByRole('list', { name: 'Кері қоңырау тапсырмалары' }).getByRole('listitem', { name: /Айгуль Нурлановна/ });
    await taskKk.getByText('— жауап бермеді').waitFor(); // the attempt, in Kazakh
    await taskKk.getByRole('button', { name: 'Дайын' }).click();
    await op.locator(`[data-callbacks-count="${before}"]`).waitFor();
    await taskKk.waitFor({ state: 'detached' });
    expect(vic.store.getCall(call.callId)!.callbackDoneAt).not.toBeNull();
    await op.getByRole('button', { name: 'Русский' }).click();

    // The missed call's line on its ticket, worded in the interface language: who called, the wait, whose phone rang.
    await op.goto(`${base}/tickets/${ticketId}`);
    await op.getByRole('list', { name: 'Переписка' }).getByText('Пропущенный звонок с +77017770011; ждал 0 с; звонило: op-call').waitFor();

    // Rings left unanswered set the operator away (as src/phone-hooks.ts does): said plainly, with the way back.
    vic.store.setPresenceStatus(opId, 'away');
    vic.events.emit({ type: 'call.rona', userId: opId, at: clock.now() });
    const notice = panel(op).getByRole('alert');
    await notice.getByText('ваш статус сменён на «Отошёл»', { exact: false }).waitFor();
    expect(await op.getByRole('group', { name: 'Мой статус' }).getByRole('button', { name: 'Отошёл' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await notice.getByRole('button', { name: 'Я на месте' }).click();
    await notice.waitFor({ state: 'detached' });
    expect(vic.store.getPresence(opId)!.status).toBe('available');
    console.log(`calls e2e: callbacks queue in ${Date.now() - started} ms`);
  }, 40_000);
});
