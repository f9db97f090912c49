// The routing's own assignment in real Chromium, operator A and the admin signed in at once: a citizen's new
// message routed automatically to A shows in A's bell (above an older stored notification: one list, newest first)
// and as an unread row within a second (measured from the server's event), with one beep and one desktop
// notification; it survives a reload and clears when A opens the ticket. The admin's bell stays empty. The same in
// Kazakh.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import type { UserRow } from '../../src/store/index.ts';
import { envelope } from '../helpers.ts';
import { e2eSuite, FakeWhatsApp, shot, signIn, ticketList, type Suite } from './harness.ts';

let vic: Vic;
let clock: Suite['clock'];
let opA: UserRow;
const browsers = e2eSuite({
  users: [['op-a', 'operator']],
  channels: [new FakeWhatsApp()],
  ready: (s) => {
    ({ vic, clock } = s);
    opA = s.users['op-a'];
  },
});

/**
 * Sound and desktop notifications as the page asks for them: the Web Audio oscillators started and the
 * notifications' titles, with the console in the background (so a notification is due) and permission granted.
 */
function recordAlerts() {
  const w = window as unknown as { beeps: number; notes: string[]; AudioContext: unknown; Notification: unknown };
  w.beeps = 0;
  w.notes = [];
  const node = { connect: (next: unknown) => next, gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} } };
  w.AudioContext = class {
    state = 'running';
    currentTime = 0;
    destination = {};
    resume = () => Promise.resolve();
    createGain = () => node;
    createOscillator = () => ({ ...node, frequency: { value: 0 }, start: () => w.beeps++, stop() {} });
  };
  w.Notification = class {
    static permission = 'granted';
    static requestPermission = () => Promise.resolve('granted');
    constructor(title: string) {
      w.notes.push(title);
    }
    close() {}
  };
  document.hasFocus = () => false;
}
const alerts = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { beeps: number; notes: string[] };
    return { beeps: w.beeps, notes: [...w.notes] };
  });

async function signedIn(login: string, record = false): Promise<Page> {
  const page = await browsers.newPage();
  // Sign-in hashes with argon2: slow while other suites run.
  page.context().setDefaultTimeout(15_000);
  if (record) {
    await page.context().addInitScript(recordAlerts);
    await page.reload();
  }
  await signIn(page, login, login === 'admin' ? 'admin-secret-1' : 'password-123');
  return page;
}

async function presence(page: Page, name: string) {
  const button = page.getByRole('group', { name: 'Мой статус' }).getByRole('button', { name, exact: true });
  await button.click();
  await page.getByRole('group', { name: 'Мой статус' }).locator('button[aria-pressed="true"]', { hasText: name }).waitFor();
}
const bell = (page: Page) => page.locator('[data-bell-count]');
const unreadRow = (page: Page, name: string) => ticketList(page).locator('a.unread', { hasText: name });
const readRow = (page: Page, name: string) => ticketList(page).locator('a:not(.unread)', { hasText: name });

/**
 * A citizen writes, a minute after what happened before (so the bell's order is by time); the ticket's server event
 * time is returned with it, for the event-to-screen figure.
 */
function citizenWrites(name: string, phone: string, text: string): { id: number; ref: string; emitted: () => number } {
  clock.set(clock.now() + 60_000);
  let at = 0;
  const off = vic.events.on((e) => {
    if (e.type === 'ticket.created' && e.ticket.contactName === name) at = Date.now();
  });
  const { ticketId } = vic.ingest(
    envelope({
      courtHint: 'sko-regional',
      sender: { kind: 'whatsapp', address: `${phone}@c.us`, displayName: name },
      text,
      receivedAt: clock.now(),
    }),
  );
  off();
  return { id: ticketId, ref: vic.store.getTicket(ticketId)!.ref, emitted: () => at };
}

describe('the routing’s assignment in the bell', () => {
  it('shows a routed message in A’s bell and as unread within a second, keeps it over a reload, clears it when opened', async () => {
    const admin = await signedIn('admin');
    const a = await signedIn('op-a', true);
    await a.locator('[data-bell-count="0"]').waitFor();

    // An older, stored notification: the admin gave A a ticket by hand (A was not there to be routed to yet).
    await presence(a, 'Отошёл');
    const older = citizenWrites('Болат Ахметов', '77015550401', 'Где получить копию решения?');
    expect(vic.store.getTicket(older.id)!.assigneeId).toBeNull();
    vic.tickets.assign(vic.store.getUserByLogin('admin')!, older.id, opA.id);
    await a.locator('[data-bell-count="1"]').waitFor();
    // Back: the stored assignment a minute older than what comes next.
    await presence(a, 'На месте');
    clock.set(clock.now() + 60_000);
    const before = await alerts(a);

    // The citizen writes; the routing gives the new ticket to A (the only operator at work).
    const t = citizenWrites('Алия Серикова', '77015550402', 'Когда будет заседание по моему делу?');
    expect(vic.store.getTicket(t.id)!.assigneeId).toBe(opA.id);
    await a.locator('[data-bell-count="2"]').waitFor();
    const bellMs = Date.now() - t.emitted();
    await unreadRow(a, 'Алия Серикова').waitFor();
    const rowMs = Date.now() - t.emitted();
    console.info(`routed ticket (server event) → A's bell ${bellMs} ms, unread row ${rowMs} ms`);
    expect(bellMs).toBeLessThan(1000);
    expect(rowMs).toBeLessThan(1000);
    expect(
      vic.store.listNotifications(opA.id, 10).items.map((n) => n.ticketId),
      'no row stored for it',
    ).toEqual([older.id]);

    // One beep and one desktop notification, saying it is A's (the console's "new ticket" alert stays silent).
    const title = `Новое сообщение: ${t.ref} — назначено вам`;
    await expect.poll(async () => (await alerts(a)).notes.slice(before.notes.length)).toEqual([title]);
    await a.waitForTimeout(500);
    const after = await alerts(a);
    expect(after.notes.slice(before.notes.length)).toEqual([title]);
    expect(after.beeps - before.beeps).toBe(1);

    // The bell lists it first, above the older assignment.
    await bell(a).click();
    const panel = a.getByRole('dialog', { name: 'Уведомления' });
    const entries = panel.locator('[data-notification]');
    await expect
      .poll(() => entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-notification'))))
      .toEqual(['routed', 'assigned']);
    expect(await entries.first().textContent()).toContain(title);
    await shot(a, '72-notify-routed');
    await bell(a).click();

    // The admin sees the ticket, not A's news.
    await ticketList(admin)
      .getByRole('link', { name: /Алия Серикова/ })
      .waitFor();
    expect(await bell(admin).getAttribute('data-bell-count')).toBe('0');

    // A reload keeps it: the read marks say the ticket is unread.
    await a.reload();
    await a.locator('[data-link="connected"]').waitFor();
    await unreadRow(a, 'Алия Серикова').waitFor();
    expect(await bell(a).getAttribute('data-bell-count')).toBe('2');
    await bell(a).click();
    await a.getByRole('dialog', { name: 'Уведомления' }).locator('[data-notification="routed"]', { hasText: t.ref }).waitFor();
    await bell(a).click();

    // Opening it from the list clears it, and it stays cleared over a reload.
    await ticketList(a)
      .getByRole('link', { name: /Алия Серикова/ })
      .click();
    await a.getByRole('list', { name: 'Переписка' }).getByText('Когда будет заседание').waitFor();
    await a.locator('[data-bell-count="1"]').waitFor();
    // Back to the list alone (an open ticket is never marked), loaded afresh.
    await a.goto(new URL(a.url()).origin);
    await a.locator('[data-link="connected"]').waitFor();
    await readRow(a, 'Алия Серикова').waitFor();
    await unreadRow(a, 'Болат Ахметов').waitFor();
    expect(await bell(a).getAttribute('data-bell-count')).toBe('1');
  }, 120_000);

  it('says it in Kazakh', async () => {
    const a = await signedIn('op-a', true);
    await a.getByRole('button', { name: 'Қазақша' }).click();
    const t = citizenWrites('Ерлан Оспанов', '77015550403', 'Сот отырысы қашан болады?');
    expect(vic.store.getTicket(t.id)!.assigneeId).toBe(opA.id);
    await a.getByRole('list', { name: 'Өтініштер тізімі' }).locator('a.unread', { hasText: 'Ерлан Оспанов' }).waitFor();
    console.info(`routed ticket (server event) → A's unread row (kk) ${Date.now() - t.emitted()} ms`);
    await bell(a).click();
    const panel = a.getByRole('dialog', { name: 'Хабарландырулар' });
    await panel.locator('[data-notification="routed"]', { hasText: `Жаңа хабарлама: ${t.ref} — сізге тағайындалды` }).waitFor();
    await expect.poll(async () => (await alerts(a)).notes).toContain(`Жаңа хабарлама: ${t.ref} — сізге тағайындалды`);
    await shot(a, '73-notify-routed-kk');
    await a.getByRole('button', { name: 'Русский' }).click();
  }, 120_000);
});
