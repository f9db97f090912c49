// The console follows events and does not ask again (#21): in a real browser, a new ticket shows up in the open
// list and its counters, a ticket moved away leaves them, and the page makes no request for the list or the
// counters after its first load. Paging goes by cursor; a search only says when it may be out of date.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { envelope } from '../helpers.ts';
import { e2eSuite, shot, signIn, ticketList } from './harness.ts';

let vic: Vic;
/** Tickets in the regional court before any console opens: more than one page of 50. */
const EARLIER = 55;
const browsers = e2eSuite({
  users: [['op-reg', 'operator']],
  seed: (v) => {
    for (let i = 0; i < EARLIER; i++)
      v.ingest(envelope({ sender: { kind: 'whatsapp', address: `7701444${1000 + i}@c.us`, displayName: `Заявитель ${i}` } }));
  },
  ready: (s) => (vic = s.vic),
});

/** The page's requests for the ticket list and the queue counters, as path and query. */
function listRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/tickets' || u.pathname === '/api/tickets/counts') seen.push(`${u.pathname}${u.search}`);
  });
  return seen;
}

const rows = (page: Page) => ticketList(page).getByRole('link');
const courtCount = (page: Page, n: number) => page.locator('[data-queue-count="court"]', { hasText: new RegExp(`^${n}$`) }).waitFor();
const total = (page: Page, n: number) => page.getByText(`Всего: ${n}`, { exact: true }).waitFor();

describe('a console that follows events', () => {
  it('shows a new ticket and its count, and drops a ticket moved away, without asking for the list again', async () => {
    const page = await browsers.newPage();
    const requests = listRequests(page);
    await signIn(page, 'op-reg', 'password-123');
    await page.getByRole('heading', { name: 'Очередь суда' }).waitFor();
    await courtCount(page, EARLIER);
    await total(page, EARLIER);
    expect(await rows(page).count()).toBe(50);
    expect(requests.some((r) => r.startsWith('/api/tickets?'))).toBe(true);
    expect(requests).toContain('/api/tickets/counts');
    const loaded = requests.length;

    const { ticketId } = vic.ingest(
      envelope({ sender: { kind: 'whatsapp', address: '77014449999@c.us', displayName: 'Новый Заявитель' }, text: 'Где моё дело?' }),
    );
    // On top (the newest), counted in the list and in the queue's counter.
    await rows(page).first().filter({ hasText: 'Новый Заявитель' }).waitFor();
    await total(page, EARLIER + 1);
    await courtCount(page, EARLIER + 1);
    await shot(page, 'live-01-new-ticket');

    // Another court now: it leaves this operator's list and counter.
    vic.tickets.update(vic.store.getUserByLogin('admin')!, ticketId, { courtId: vic.store.getCourtByCode('sko-economic')!.id });
    await rows(page).filter({ hasText: 'Новый Заявитель' }).waitFor({ state: 'detached' });
    await total(page, EARLIER);
    await courtCount(page, EARLIER);
    expect(requests.slice(loaded)).toEqual([]);

    // The next page comes by the cursor of the first: every ticket once.
    const more = page.waitForRequest((r) => new URL(r.url()).searchParams.has('cursor'));
    await page.getByRole('button', { name: 'Показать ещё' }).click();
    await more;
    await page.getByRole('button', { name: 'Показать ещё' }).waitFor({ state: 'detached' });
    expect(await rows(page).count()).toBe(EARLIER);
    expect(new Set(await rows(page).allTextContents()).size).toBe(EARLIER);
  });

  it('tells a search it may be out of date instead of searching again, and searches again when asked', async () => {
    vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77014448888@c.us', displayName: 'Сабит Первый' } }));
    const page = await browsers.newPage();
    await signIn(page, 'op-reg', 'password-123');
    await page.getByRole('searchbox').fill('Сабит');
    await total(page, 1);
    const requests = listRequests(page);

    vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77014448889@c.us', displayName: 'Сабит Второй' } }));
    await page.getByRole('status').filter({ hasText: 'Список мог устареть' }).waitFor();
    expect(requests).toEqual([]);
    await shot(page, 'live-02-search-stale');

    await page.getByRole('button', { name: 'Обновить' }).click();
    await rows(page).filter({ hasText: 'Сабит Второй' }).waitFor();
    await total(page, 2);
    await page.getByRole('status').filter({ hasText: 'Список мог устареть' }).waitFor({ state: 'detached' });
    expect(requests.filter((r) => r.startsWith('/api/tickets?'))).toHaveLength(1);
  });
});
