// Two operators of one court on one ticket, in two browser contexts at once: each sees the other viewing and typing
// (event to screen timed), a reply from the one who does not hold the ticket is refused with the offer to take it
// over (nothing typed is lost), taking a ticket over asks first, and its holder is told live. One check in Kazakh.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Vic } from '../../src/app.ts';
import { envelope, until } from '../helpers.ts';
import { e2eSuite, FakeWhatsApp, shot, signIn, ticketList, TWO_OPERATORS } from './harness.ts';

let vic: Vic;
let base: string;
let aId = 0;
let bId = 0;
const browsers = e2eSuite({
  users: TWO_OPERATORS,
  channels: [new FakeWhatsApp()],
  ready: (s) => {
    ({ vic, base } = s);
    aId = s.users['op-a'].id;
    bId = s.users['op-b'].id;
  },
});

/** Two operators' pages. Waits are generous on a busy machine; the realtime figures have their own bound. */
async function twoPages() {
  const pages = await Promise.all([browsers.newPage(), browsers.newPage()]);
  for (const p of pages) p.context().setDefaultTimeout(15_000);
  return pages;
}

/** A citizen's new ticket, held by A (whoever automatic assignment picked). */
function ticketHeldByA(name: string, phone: string) {
  const { ticketId } = vic.ingest(
    envelope({ sender: { kind: 'whatsapp', address: `${phone}@c.us`, displayName: name }, text: 'Когда заседание?' }),
  );
  if (vic.store.getTicket(ticketId)!.assigneeId !== aId) vic.tickets.claim(vic.store.getUser(aId)!, ticketId);
  return ticketId;
}

/** Milliseconds from `since` until `what` is on the page. */
async function msUntilShown(what: ReturnType<Page['locator']>, since: number) {
  await what.waitFor({ timeout: 3000 });
  return Date.now() - since;
}

const outgoing = (ticketId: number) => vic.store.listMessages(ticketId).filter((m) => m.direction === 'out');

describe('collision', () => {
  it('shows who views and types; refuses the reply of who does not hold the ticket, offering to take it over; tells the holder', async () => {
    const [a, b] = await twoPages();
    await Promise.all([signIn(a, 'op-a', 'password-123'), signIn(b, 'op-b', 'password-123')]);
    const id = ticketHeldByA('Ерлан Ахметов', '77015550301');
    const ref = vic.store.getTicket(id)!.ref;
    const rowOf = (p: Page) => ticketList(p).getByRole('link', { name: /Ерлан Ахметов/ });
    await Promise.all([rowOf(a).waitFor(), rowOf(b).waitFor()]);

    // A opens the ticket: B's list marks the row, timed from A's ticket view being loaded.
    const loaded = a.waitForResponse((r) => r.url().endsWith(`/api/tickets/${id}`)).then(() => Date.now());
    await rowOf(a).click();
    const marker = b.locator(`[data-presence-marker="${id}"]`);
    const viewMs = await msUntilShown(marker, await loaded);
    console.info(`A opens the ticket → marker in B's list: ${viewMs} ms`);
    expect(viewMs).toBeLessThan(1000);
    expect(await marker.getAttribute('aria-label')).toBe('Открыто у: op-a');

    // B opens it too: each sees the other.
    await rowOf(b).click();
    await b.getByRole('status').filter({ hasText: 'Также смотрит: op-a' }).waitFor();
    await a.getByRole('status').filter({ hasText: 'Также смотрит: op-b' }).waitFor();
    expect(await b.locator(`[data-presence-marker="${id}"]`).count()).toBe(1);

    // A types: B sees it, timed from the first keystroke.
    const aBox = a.getByRole('textbox', { name: 'Текст ответа' });
    const bBox = b.getByRole('textbox', { name: 'Текст ответа' });
    await aBox.click();
    const keyed = Date.now();
    await aBox.pressSequentially('З');
    const typingMs = await msUntilShown(b.locator('[data-presence="typing"]', { hasText: 'op-a печатает…' }), keyed);
    console.info(`A's keystroke → "op-a печатает…" on B's screen: ${typingMs} ms`);
    expect(typingMs).toBeLessThan(1000);
    await aBox.pressSequentially('аседание 10 декабря в 10:00.');

    // B types an answer at the same time; A sees that too.
    await bBox.fill('Заседание отложено.');
    await bBox.press('End');
    await bBox.press('Space');
    await a.locator('[data-presence="typing"]', { hasText: 'op-b печатает…' }).waitFor();
    await shot(b, 'collision-01-both-typing');

    // A sends (A holds the ticket): it goes out, and A no longer shows as typing.
    await aBox.press('Control+Enter');
    await until('A’s reply stored', () => outgoing(id).length === 1);
    await b.locator('[data-presence="typing"]').waitFor({ state: 'detached' });

    // B sends too: refused, in words, with B's text kept and the offer to take the ticket over.
    await bBox.press('Control+Enter');
    const offer = b.getByRole('alert').filter({ hasText: 'Ответ не отправлен: обращение ведёт другой оператор.' });
    await offer.getByText('Сейчас его ведёт op-a; ваш текст сохранён.').waitFor();
    expect(await bBox.inputValue()).toBe('Заседание отложено. ');
    expect(outgoing(id).map((m) => m.authorId)).toEqual([aId]);
    await shot(b, 'collision-02-reply-refused');

    // B takes it over and sends: the reply goes out, B holds the ticket, A is told at once.
    const posted = b
      .waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/api/tickets/${id}/messages`) && r.status() === 201)
      .then(() => Date.now());
    await offer.getByRole('button', { name: 'Забрать и отправить' }).click();
    const notice = a.locator(`[data-takeover="${id}"]`);
    const toldMs = await msUntilShown(notice, await posted);
    console.info(`B takes over and sends → notice on A's screen: ${toldMs} ms`);
    expect(toldMs).toBeLessThan(1000);
    expect(await notice.textContent()).toContain(`Обращение ${ref} забрал(а) op-b`);
    await offer.waitFor({ state: 'detached' });
    expect(await bBox.inputValue()).toBe('');
    expect(outgoing(id).map((m) => m.authorId)).toEqual([aId, bId]);
    expect(vic.store.getTicket(id)!.assigneeId).toBe(bId);
    await a.locator('.ticket-head .facts').getByText('op-b').waitFor();
    await shot(a, 'collision-03-holder-told');
  }, 65_000);

  it('in Kazakh: taking a held ticket over asks first, and typing ends 5 s after the last keystroke', async () => {
    const [a, b] = await twoPages();
    await Promise.all([signIn(a, 'op-a', 'password-123'), signIn(b, 'op-b', 'password-123')]);
    const id = ticketHeldByA('Гүлнар Сейітова', '77015550302');
    const ref = vic.store.getTicket(id)!.ref;
    await b.getByRole('button', { name: 'Қазақша' }).click();
    await Promise.all([a.goto(`${base}/tickets/${id}`), b.goto(`${base}/tickets/${id}`)]);
    await b.getByRole('status').filter({ hasText: 'Сондай-ақ қарап отыр: op-a' }).waitFor();

    // The holder's typing, then silence: the mark goes after about 5 s.
    const aBox = a.getByRole('textbox', { name: 'Текст ответа' });
    await aBox.pressSequentially('Сәлеметсіз бе');
    const lastKey = Date.now();
    const typing = b.locator('[data-presence="typing"]', { hasText: 'op-a жазып жатыр…' });
    await typing.waitFor();
    await typing.waitFor({ state: 'detached', timeout: 10_000 });
    const quietMs = Date.now() - lastKey;
    console.info(`typing mark gone ${quietMs} ms after the last keystroke`);
    expect(quietMs).toBeGreaterThan(4000);
    expect(quietMs).toBeLessThan(8000);

    // "Take" on A's ticket asks, naming A; cancelling leaves it with A.
    const actions = b.getByRole('group', { name: 'Әрекеттер' });
    await actions.getByRole('button', { name: 'Өзіме алу', exact: true }).click();
    const ask = actions.getByRole('group', { name: 'Өзіме алу' });
    await ask.getByText('Өтінішті op-a жүргізіп отыр. Өзіңізге аласыз ба?').waitFor();
    await shot(b, 'collision-04-takeover-ask-kk');
    await ask.getByRole('button', { name: 'Болдырмау' }).click();
    await ask.waitFor({ state: 'detached' });
    expect(vic.store.getTicket(id)!.assigneeId).toBe(aId);

    await actions.getByRole('button', { name: 'Өзіме алу', exact: true }).click();
    const claimed = b.waitForResponse((r) => r.url().endsWith(`/api/tickets/${id}/claim`) && r.status() === 200).then(() => Date.now());
    await ask.getByRole('button', { name: 'Иә, өзіме алу' }).click();
    const notice = a.locator(`[data-takeover="${id}"]`);
    const toldMs = await msUntilShown(notice, await claimed);
    console.info(`B takes the ticket over → notice on A's screen: ${toldMs} ms`);
    expect(toldMs).toBeLessThan(1000);
    expect(await notice.textContent()).toContain(`Обращение ${ref} забрал(а) op-b`);
    expect(vic.store.getTicket(id)!.assigneeId).toBe(bId);
    expect(vic.store.auditOf('ticket', id).some((e) => e.action === 'ticket.claimed' && e.userId === bId)).toBe(true);

    // A leaves the ticket: B no longer sees A on it.
    await a.locator(`[data-takeover="${id}"]`).getByRole('button', { name: 'Скрыть' }).click();
    await a.getByRole('navigation').getByRole('link').first().click();
    await a.locator('.ticket-head').waitFor({ state: 'detached' });
    await b.getByRole('status').filter({ hasText: 'op-a' }).waitFor({ state: 'detached' });
  }, 65_000);
});
