// The report page (Debian's Chromium through playwright-core, a real VIC): an admin sees the server's figures,
// opens the tickets behind a number (a page, then "show more") and one ticket, and downloads a table as CSV and
// XLSX and the monthly summary; a supervisor sees their own court only, in Russian and Kazakh; an operator sees
// their own figures and the ratings of their answers ("Мои показатели").
// The data: December 2026 in two courts (Asia/Almaty, UTC+5), "now" Thursday 3 December 12:00.
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import type { ManualClock } from '../../src/clock.ts';
import { recordRating, surveyOfTicket } from '../../src/csat/store.ts';
import type { UserRow } from '../../src/store/index.ts';
import { envelope } from '../helpers.ts';
import { e2eSuite, FakeWhatsApp, shot, signIn } from './harness.ts';

const REGIONAL = 'sko-regional';
const CITY = 'petropavl-city-2';
/** A local wall-clock time in the courts' zone. */
const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+05:00`);
/** Tickets nobody answered, on the morning of 1 December: more than one page of the drill-down (50). */
const BULK = 50;

let vic: Vic;
let base: string;
/** The tickets the test opens by name. */
const refs: Record<string, string> = {};

function seed(v: Vic, users: Record<string, UserRow>) {
  const clock = v.clock as ManualClock;
  let phone = 77015551000;
  const arrive = (court: string, local: string, name: string) => {
    clock.set(at(local));
    return v.ingest(envelope({ courtHint: court, sender: { kind: 'whatsapp', address: `${phone++}@c.us`, displayName: name } })).ticketId;
  };
  const answer = (op: UserRow, id: number, local: string) => {
    clock.set(at(local));
    v.tickets.claim(op, id);
    v.tickets.post(op, id, 'reply', 'Заседание назначено на 10 декабря.');
  };
  for (let i = 0; i < BULK; i++) arrive(REGIONAL, `2026-12-01 09:${String(i).padStart(2, '0')}`, `Гражданин ${i + 1}`);
  // Answered in 20 minutes, resolved, surveyed and rated 5.
  const a = arrive(REGIONAL, '2026-12-01 10:00', 'Марат');
  answer(users['op-r'], a, '2026-12-01 10:20');
  clock.set(at('2026-12-01 10:40'));
  const before = v.store.getTicket(a)!;
  v.csat.survey(v.tickets.resolve(users['op-r'], a), before);
  recordRating(v.store, surveyOfTicket(v.store, a)!, { score: 5, comment: null, via: 'whatsapp', externalId: 'r-1', now: clock.now() });
  const c = arrive(CITY, '2026-12-02 10:00', 'Дина');
  answer(users['op-c'], c, '2026-12-02 10:10');
  const b = arrive(REGIONAL, '2026-12-02 11:00', 'Ерлан');
  answer(users['op-r'], b, '2026-12-02 11:45');
  arrive(CITY, '2026-12-03 09:30', 'Сауле');
  arrive(REGIONAL, '2026-12-03 11:00', 'Арман');
  clock.set(at('2026-12-03 12:00'));
  refs.answered = v.store.getTicket(b)!.ref;
}

const browsers = e2eSuite({
  users: [
    ['op-r', 'operator', REGIONAL, { name: 'Айгерим Сейтова' }],
    ['op-c', 'operator', CITY, { name: 'Дмитрий Ковалёв' }],
    ['chief', 'supervisor', CITY, { name: 'Председатель суда' }],
  ],
  channels: [new FakeWhatsApp()],
  seed,
  ready: (s) => ({ vic, base } = s),
});

interface Summary {
  tickets: { received: number; firstResponse: { count: number; medianMin: number | null; p90Min: number | null } };
  days: { date: string; received: number }[];
}

/** The server's summary with the page's cookies (the same viewer, the same filters as the page's defaults). */
async function serverSummary(page: Page, query = ''): Promise<Summary> {
  const res = await page.request.get(`${base}/api/reports/summary${query}`);
  expect(res.status()).toBe(200);
  return (await res.json()) as Summary;
}

/** The value cell of a row of the overview table. */
const overview = (page: Page, row: string) => page.locator(`[data-table="overview"] tr[data-row="${row}"] td`);
const minutesText = (x: number | null) => (x === null ? '—' : String(x).replace('.', ','));

/** Clicks a download link and answers the file's path and suggested name. */
async function download(page: Page, linkName: string) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: linkName }).click()]);
  return { path: await file.path(), name: file.suggestedFilename() };
}

describe('the report page', () => {
  it("shows an admin the server's figures and charts, and the tickets behind a number, a page at a time, down to one ticket", async () => {
    const page = await browsers.newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('navigation').getByRole('link', { name: 'Отчёты' }).click();
    await page.getByRole('heading', { name: 'Отчёты', level: 1 }).waitFor();
    await page.getByText('Период: 01.12.2026 — 31.12.2026', { exact: false }).waitFor();

    const s = await serverSummary(page);
    expect(s.tickets.received).toBe(BULK + 5);
    await overview(page, 'received').getByText(String(s.tickets.received), { exact: true }).waitFor();
    expect(await overview(page, 'answered').textContent()).toBe(String(s.tickets.firstResponse.count));
    expect(await overview(page, 'frMedian').textContent()).toBe(minutesText(s.tickets.firstResponse.medianMin));
    expect(await overview(page, 'frP90').textContent()).toBe(minutesText(s.tickets.firstResponse.p90Min));
    // Per day, and one row per court (every court: an admin).
    const dec1 = s.days.find((d) => d.date === '2026-12-01')!;
    expect(await page.locator('[data-table="days"] tr[data-row="2026-12-01"] td').first().textContent()).toBe(String(dec1.received));
    expect(await page.locator('[data-table="courts"] tbody tr').count()).toBe(2);
    // The rating given, in its table; the charts are images named by their text alternative.
    expect(await page.locator('[data-table="ratings"] tr[data-row="5"] td').textContent()).toBe('1');
    for (const name of ['volume', 'response', 'arrivals', 'ratings']) {
      const chart = page.locator(`[data-chart="${name}"]`);
      expect(await chart.getAttribute('role')).toBe('img');
      await chart.locator('svg').first().waitFor();
    }
    expect(await page.locator('[data-chart="arrivals"]').getAttribute('aria-label')).toContain('Тепловая карта');
    await shot(page, 'reports-01-admin');

    // The number opens its tickets: 50, then the rest.
    await overview(page, 'received').getByRole('link').click();
    await page.getByRole('heading', { name: 'Поступило обращений: обращения' }).waitFor();
    await page.getByText(`Всего ${BULK + 5}, показано 50`).waitFor();
    expect(await page.locator('tr[data-ticket]').count()).toBe(50);
    await page.getByRole('button', { name: 'Показать ещё' }).click();
    await page.getByText(`Всего ${BULK + 5}, показано ${BULK + 5}`).waitFor();
    const ids = await page.locator('tr[data-ticket]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket')));
    expect(new Set(ids).size).toBe(BULK + 5);
    expect(await page.getByRole('button', { name: 'Показать ещё' }).count()).toBe(0);
    await shot(page, 'reports-02-drill');
    // Who looked at the citizens behind the number is recorded.
    const reads = vic.store.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'reports.tickets_read'`).get() as { n: number };
    expect(reads.n).toBeGreaterThanOrEqual(2);

    await page.getByRole('link', { name: refs.answered }).click();
    await page.locator('#ticket-title').getByText(refs.answered, { exact: false }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/tickets\/\d+$/);
    // Back to the list, and from it back to the report.
    await page.goBack();
    await page.getByRole('link', { name: '← К отчёту' }).click();
    await page.getByRole('heading', { name: 'Отчёты', level: 1 }).waitFor();
  }, 60_000);

  it('downloads a table as CSV and XLSX and the monthly summary, with the figures on the screen', async () => {
    const page = await browsers.newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.goto(`${base}/reports`);
    const s = await serverSummary(page);
    await overview(page, 'received').getByText(String(s.tickets.received), { exact: true }).waitFor();

    const csv = await download(page, 'Скачать таблицу «Сводка» в CSV');
    expect(csv.name).toBe('vic-overview-2026-12-01_2026-12-31.csv');
    expect(fs.readFileSync(csv.path, 'utf8')).toContain(`Поступило обращений;${s.tickets.received}\r\n`);

    const xlsx = await download(page, 'Скачать таблицу «Сводка» в XLSX');
    expect(xlsx.name).toBe('vic-overview-2026-12-01_2026-12-31.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx.path);
    const received: unknown[] = [];
    wb.worksheets[0].eachRow((row) => {
      if (row.getCell(1).value === 'Поступило обращений') received.push(row.getCell(2).value);
    });
    expect(received).toEqual([s.tickets.received]);

    // The monthly summary is one court's: it is offered once a court is chosen.
    await page.getByRole('combobox', { name: 'Суд' }).selectOption({ label: vic.store.getCourtByCode(REGIONAL)!.nameRu });
    await page.getByRole('button', { name: 'Показать' }).click();
    await overview(page, 'received')
      .getByText(String(BULK + 3), { exact: true })
      .waitFor();
    const monthly = await download(page, 'Месячная сводка 12.2026 (XLSX)');
    expect(monthly.name).toBe(`vic-monthly-${REGIONAL}-2026-12.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(monthly.path);
    expect(book.worksheets.length).toBeGreaterThan(1);
  }, 60_000);

  it('shows an operator their own figures and the ratings of their answers, in Kazakh too', async () => {
    const page = await browsers.newPage();
    await signIn(page, 'op-r', 'password-123');
    await page.getByRole('navigation').getByRole('link', { name: 'Мои показатели' }).click();
    await page.getByRole('heading', { name: 'Мои показатели', level: 1 }).waitFor();
    const res = await page.request.get(`${base}/api/reports/mine`);
    expect(res.status()).toBe(200);
    const mine = (await res.json()) as Summary & { ratings: { rated: number; mean: number } };
    const cell = (figure: string) => page.locator(`tr[data-figure="${figure}"] td`);
    await cell('received').getByText(String(mine.tickets.received), { exact: true }).waitFor();
    // Their two answers, in 20 and 45 working minutes (the median of two is the first); the 5 given to the first.
    expect(mine.tickets.firstResponse).toMatchObject({ count: 2, medianMin: 20, p90Min: 45 });
    expect(await cell('answered').textContent()).toBe('2');
    expect(await cell('frMedian').textContent()).toBe('20');
    expect(mine.ratings).toMatchObject({ rated: 1, mean: 5 });
    expect(await cell('ratingMean').textContent()).toBe('5');
    expect(await cell('score5').textContent()).toBe('1');
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await page.getByRole('heading', { name: 'Менің көрсеткіштерім', level: 1 }).waitFor();
    await page.locator('tr[data-figure="ratingMean"] th').getByText('Орташа баға').waitFor();
    await page.getByRole('button', { name: 'Русский' }).click();
  }, 60_000);

  it('shows a supervisor their own court only, and in Kazakh', async () => {
    const page = await browsers.newPage();
    await signIn(page, 'chief', 'password-123');
    // Their home page is the report.
    await page.getByRole('heading', { name: 'Отчёты', level: 1 }).waitFor();
    const city = vic.store.getCourtByCode(CITY)!;
    const court = page.getByRole('combobox', { name: 'Суд' });
    expect(await court.locator('option').allTextContents()).toEqual([city.nameRu]);
    const s = await serverSummary(page);
    expect(s.tickets.received).toBe(2);
    await overview(page, 'received').getByText('2', { exact: true }).waitFor();
    expect(await page.locator('[data-table="courts"]').count()).toBe(0);
    expect(await page.getByRole('combobox', { name: 'Оператор' }).locator('option').allTextContents()).toEqual([
      'Все операторы',
      'Дмитрий Ковалёв',
    ]);

    // Their tickets are listed, not opened: a supervisor handles none.
    await overview(page, 'received').getByRole('link').click();
    await page.getByText('Всего 2, показано 2').waitFor();
    expect(await page.locator('tr[data-ticket]').getByRole('link').count()).toBe(0);
    await page.getByRole('link', { name: '← К отчёту' }).click();

    await page.getByRole('button', { name: 'Қазақша' }).click();
    await page.getByRole('heading', { name: 'Есептер', level: 1 }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Сот' }).locator('option').allTextContents()).toEqual([city.nameKk]);
    await page.locator('[data-table="overview"] tr[data-row="received"] th').getByText('Түскен өтініштер').waitFor();
    expect(await page.locator('[data-chart="volume"]').getAttribute('aria-label')).toContain('Күндер бойынша');
    await shot(page, 'reports-03-supervisor-kk');
    await page.getByRole('button', { name: 'Русский' }).click();
  }, 60_000);
});
