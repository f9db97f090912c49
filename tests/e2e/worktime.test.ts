// The reply-by countdown in working time (#16), in Chromium with the server's clock and the browser's set to a
// working day (playwright's page.clock): a ticket received ten minutes before lunch shows two working hours left on
// its row and in its header, not the three and a half on the wall clock; over lunch both stand still and say so;
// after lunch they run on, turn amber under a quarter left and red when late, the delay in working time too. A
// ticket received ten minutes before the end of the day stands still overnight; checked in Kazakh. The periods are
// loaded again when the link comes back; only when they cannot be loaded does the countdown run in wall time.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { workingMsBetween } from '../../routing/calendar/index.ts';
import type { Vic } from '../../src/app.ts';
import { envelope } from '../helpers.ts';
import { e2eSuite, shot, signIn, type Suite } from './harness.ts';

/** Court time (Asia/Almaty, UTC+5) on Tuesday 1 December 2026, or another day, as an instant. */
const at = (time: string, date = '2026-12-01') => Date.parse(`${date}T${time}:00+05:00`);
const BEFORE_LUNCH = 'Гульнара Касымова';
const BEFORE_CLOSING = 'Ерлан Тлеубаев';

let vic: Vic;
let clock: Suite['clock'];
let court = 0;
/** Reply-by times by citizen. */
const due: Record<string, number> = {};

const browsers = e2eSuite({
  users: [['op-wt', 'operator']],
  ready: (s) => {
    ({ vic, clock } = s);
    court = vic.store.getCourtByCode('sko-regional')!.id;
    // Each arrives when the server's clock says: ten minutes before lunch, ten minutes before closing.
    for (const [name, time, phone] of [
      [BEFORE_LUNCH, '12:50', '77015550301'],
      [BEFORE_CLOSING, '18:20', '77015550302'],
    ]) {
      clock.set(at(time));
      const { ticketId } = vic.ingest(
        envelope({
          courtHint: 'sko-regional',
          receivedAt: at(time),
          sender: { kind: 'whatsapp', address: `${phone}@c.us`, displayName: name },
          text: 'Когда будет рассмотрено моё заявление?',
        }),
      );
      due[name] = vic.store.getTicket(ticketId)!.firstResponseDueAt!;
    }
    clock.set(at('12:50'));
  },
});

/** The browser's clock fixed at `ms` (timers keep running, so the console's one-second tick reads it). */
async function open(ms: number, before?: (page: Page) => Promise<unknown>): Promise<Page> {
  const page = await browsers.newPage();
  await before?.(page);
  page.context().setDefaultTimeout(15_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.clock.setFixedTime(ms);
  await page.reload();
  await signIn(page, 'op-wt', 'password-123');
  return page;
}

const rowDue = (page: Page, name: string) => page.locator('ul.tickets a', { hasText: name }).locator('.due');
const headDue = (page: Page) =>
  page.locator('header.ticket-head .facts div', { has: page.locator('dt', { hasText: /^Ответить до|^Жауап беру/ }) });
const left = (due: Locator) => due.locator('.due-left').textContent();

/** "2 ч 00 мин", "29:00", "−5:00": as the console writes a span of working time. */
function written(ms: number, hours = 'ч'): string {
  const s = Math.abs(ms) / 1000;
  const text =
    s >= 3600
      ? `${Math.floor(s / 3600)} ${hours} ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} мин`
      : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return ms < 0 ? `−${text}` : text;
}
/** What the server's calendar says is left (negative: late), written. */
function serverLeft(name: string, now: number, hours?: string): string {
  const cal = vic.calendars.for(court);
  const d = due[name];
  return written(now < d ? workingMsBetween(cal, new Date(now), new Date(d)) : -workingMsBetween(cal, new Date(d), new Date(now)), hours);
}

async function expectBoth(due: Locator[], text: string, level: 'ok' | 'soon' | 'over', paused: boolean) {
  for (const d of due) {
    await expect.poll(() => left(d)).toBe(text);
    expect(await d.getAttribute('class')).toBe(`due due-${level}`);
    expect(await d.getAttribute('data-paused')).toBe(paused ? '' : null);
    expect(await d.getAttribute('data-count')).toBe('working');
  }
}

describe('the reply-by countdown in working time', () => {
  it('counts working time before and after lunch, stands still over lunch, turns amber and red', async () => {
    clock.set(at('12:50'));
    const page = await open(at('12:50'));
    const row = rowDue(page, BEFORE_LUNCH);
    expect(due[BEFORE_LUNCH]).toBe(at('16:20'));
    // Two working hours left, where the wall clock has three and a half.
    await expect.poll(() => left(row)).toBe('2 ч 00 мин');
    expect(serverLeft(BEFORE_LUNCH, at('12:50'))).toBe('2 ч 00 мин');
    expect(await row.getAttribute('title')).toBe('ответить через 2 ч 00 мин · Ответить до 01.12.2026 16:20');

    // The ticket's header: the date, and the same countdown beside it.
    await page.locator('ul.tickets a', { hasText: BEFORE_LUNCH }).click();
    const head = headDue(page);
    await expect.poll(() => head.locator('dd').textContent()).toMatch(/^01\.12\.2026 16:20/);
    const both = [row, head.locator('.due')];
    await expectBoth(both, '2 ч 00 мин', 'ok', false);

    await page.clock.setFixedTime(at('12:55'));
    await expectBoth(both, serverLeft(BEFORE_LUNCH, at('12:55')), 'ok', false);
    expect(serverLeft(BEFORE_LUNCH, at('12:55'))).toBe('1 ч 55 мин');

    // Lunch: ten minutes were used before it, 1 h 50 stays left until 14:30, and the console says why.
    for (const time of ['13:05', '14:10']) {
      await page.clock.setFixedTime(at(time));
      await expectBoth(both, '1 ч 50 мин', 'ok', true);
    }
    expect(await row.getAttribute('title')).toBe(
      'ответить через 1 ч 50 мин · часы стоят: нерабочее время, отсчёт продолжится 01.12.2026 14:30 · Ответить до 01.12.2026 16:20',
    );
    expect(await head.locator('.due-paused-note').textContent()).toBe('часы стоят: нерабочее время');
    await shot(page, 'worktime-lunch');

    await page.clock.setFixedTime(at('14:40'));
    await expectBoth(both, '1 ч 40 мин', 'ok', false);
    expect(await head.locator('.due-paused-note').count()).toBe(0);
    // Under a quarter of the two working hours: amber.
    await page.clock.setFixedTime(at('15:51'));
    await expectBoth(both, '29:00', 'soon', false);
    // Late by five minutes: red.
    await page.clock.setFixedTime(at('16:25'));
    await expectBoth(both, serverLeft(BEFORE_LUNCH, at('16:25')), 'over', false);
    expect(await left(row)).toBe('−5:00');
    expect(await row.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(179, 38, 30)');
    await shot(page, 'worktime-late');
  }, 90_000);

  it('stands still overnight, the delay too; in Kazakh', async () => {
    clock.set(at('18:20'));
    const page = await open(at('18:20'));
    const evening = rowDue(page, BEFORE_CLOSING);
    const late = rowDue(page, BEFORE_LUNCH);
    // Due tomorrow at 10:50: ten minutes today, 1 h 50 tomorrow morning.
    expect(due[BEFORE_CLOSING]).toBe(at('10:50', '2026-12-02'));
    await expect.poll(() => left(evening)).toBe('2 ч 00 мин');
    await expect.poll(() => left(late)).toBe(serverLeft(BEFORE_LUNCH, at('18:20')));
    expect(await left(late)).toBe('−2 ч 00 мин');

    await page.clock.setFixedTime(at('18:40'));
    await expectBoth([evening], '1 ч 50 мин', 'ok', true);
    // The delay, 16:20–18:30, stops with the day: 2 h 10 of working time, not 2 h 20.
    await expectBoth([late], '−2 ч 10 мин', 'over', true);
    await page.clock.setFixedTime(at('23:30'));
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await expectBoth([evening], '1 сағ 50 мин', 'ok', true);
    expect(await evening.getAttribute('title')).toBe(
      'жауап беруге 1 сағ 50 мин қалды · сағат тоқтап тұр: жұмыстан тыс уақыт, санау 02.12.2026 09:00 қайта басталады · 02.12.2026 10:50 дейін жауап беру',
    );
    await shot(page, 'worktime-night-kk');

    // The next morning it runs on from where it stood.
    await page.clock.setFixedTime(at('09:30', '2026-12-02'));
    await expectBoth([evening], serverLeft(BEFORE_CLOSING, at('09:30', '2026-12-02'), 'сағ'), 'ok', false);
    expect(await left(evening)).toBe('1 сағ 20 мин');
    await expectBoth([late], '−2 ч 40 мин'.replace('ч', 'сағ'), 'over', false);
  }, 90_000);

  it('loads the working periods again when the link comes back', async () => {
    const page = await open(at('12:50'));
    const loads = () => page.waitForResponse((r) => new URL(r.url()).pathname === '/api/working-hours' && r.ok());
    await expect.poll(() => left(rowDue(page, BEFORE_LUNCH))).toBe('2 ч 00 мин');
    await page.context().setOffline(true);
    await page.locator('[data-link="offline"]').waitFor();
    const again = loads();
    await page.context().setOffline(false);
    await page.locator('[data-link="connected"]').waitFor();
    await again;
  }, 60_000);

  it('counts wall time, and says so, only when the periods cannot be loaded', async () => {
    const page = await open(at('12:50'), (p) => p.route('**/api/working-hours', (r) => r.abort()));
    const row = rowDue(page, BEFORE_LUNCH);
    await expect.poll(() => row.getAttribute('title')).toContain('рабочий календарь не загрузился: отсчёт по обычным часам');
    expect(await left(row)).toBe('3 ч 30 мин');
    expect(await row.getAttribute('data-count')).toBe('wall');
  }, 60_000);
});
