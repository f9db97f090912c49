// The XLSX exports, fetched over HTTP and read back with exceljs: one table (the CSV's, cell for cell, typed) and
// the monthly summary of one court (a sheet a section, in Kazakh and Russian). The data is a hand-built December
// 2026 in one court (Asia/Almaty, UTC+5; the default calendar: Mon–Fri 09:00–13:00 and 14:30–18:30; Wednesday
// 16 December is Independence Day), tests/support/reports-december.ts (the figures test's) less T5, T6 and T11; the
// expected numbers are worked out by hand below, in working minutes.
import ExcelJS, { type Worksheet } from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { TABLE_KEYS } from '../../src/reports/tables.ts';
import { addUser, makeVic, serve } from '../helpers.ts';
import { AS_OF, DECEMBER_STAFF, insertDecember } from '../support/reports-december.ts';

/** A read worker starting on a busy machine can take most of the default 20 s. */
const SLOW = 90_000;

/** The month in one place: the seeded regional court (A) and the city court (B). */
function build(vic: Vic) {
  const { store } = vic;
  const db = store.db;
  const courtA = store.getCourtByCode('sko-regional')!.id;
  const courtB = store.getCourtByCode('petropavl-city-2')!.id;
  db.prepare(`UPDATE courts SET sla_first_response_min = 120`).run();
  const user = (login: string, name: string, role: 'operator' | 'specialist') =>
    store.createUser({ login, name, role, passwordHash: 'x', courtId: courtA }, 0);
  const users = { op1: user('op1', DECEMBER_STAFF.op1, 'operator'), op2: user('op2', DECEMBER_STAFF.op2, 'operator') };
  const specialist = user('sp', DECEMBER_STAFF.specialist, 'specialist');
  insertDecember(db, { courtA, courtB, ...users, specialist }, [5, 6, 11]);
  // Topics (the list migrations seed): the hearing date on T1, T3 (and T10, another court's: not counted), a copy
  // of the act on T2, "documents" on T4 and then switched off (still shown: it has a ticket this month), the
  // complaint about staff switched off with none (left out); the other active ones show 0.
  const topic = (nameRu: string) => store.listTopics().find((t) => t.nameRu === nameRu)!.id;
  for (const t of [1, 3, 10]) store.setTicketTopics(t, [topic('Дата судебного заседания')], users.op1, 0);
  store.setTicketTopics(2, [topic('Копия судебного акта')], users.op2, 0);
  store.setTicketTopics(4, [topic('Документы')], users.op2, 0);
  store.updateTopic(topic('Документы'), { active: false }, 0);
  store.updateTopic(topic('Жалоба на сотрудников'), { active: false }, 0);
  return { courtA, courtB, users };
}

async function setUp() {
  // One read worker: the reports run there, and starting it is most of each test's time.
  const { vic } = await makeVic({ READ_WORKERS: 1 }, AS_OF);
  const data = build(vic);
  await addUser(vic, 'op', 'operator');
  await addUser(vic, 'sup-a', 'supervisor', 'sko-regional');
  await addUser(vic, 'sup-b', 'supervisor', 'petropavl-city-2');
  const server = await serve(vic);
  const cookie = async (login: string, password = 'password-123') => (await server.login(login, password)).cookie;
  return { vic, ...data, base: server.base, admin: await cookie('admin', 'admin-secret-1'), cookie };
}

async function download(base: string, cookie: string, url: string) {
  const res = await fetch(`${base}${url}`, { headers: { cookie } });
  const bytes = await res.arrayBuffer();
  return { res, bytes };
}

async function workbook(base: string, cookie: string, url: string) {
  const { res, bytes } = await download(base, cookie, url);
  expect(res.status, url).toBe(200);
  expect(res.headers.get('content-type')).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes);
  return { wb, disposition: res.headers.get('content-disposition') ?? '' };
}

type Value = string | number | Date | null;
/** A sheet's values, row by row (exceljs counts from 1), as plain values. */
function grid(ws: Worksheet): Value[][] {
  return Array.from({ length: ws.rowCount }, (_, r) =>
    Array.from({ length: ws.columnCount }, (_, c) => (ws.getRow(r + 1).getCell(c + 1).value ?? null) as Value),
  );
}
/** The row whose first cell is `label`. */
const rowOf = (ws: Worksheet, label: string) => grid(ws).find((r) => r[0] === label);

/** A CSV line's fields: `;` between, a field with `"` quoted (no field of this data set holds a `;`). */
const csvFields = (line: string) => line.split(';').map((f) => (f.startsWith('"') ? f.slice(1, -1).replaceAll('""', '"') : f));

/** What a CSV field is as a typed cell: a number (decimal comma), a date, empty, or text (without the CSV's formula guard). */
function fromCsv(field: string): Value {
  if (field === '') return null;
  if (/^-?\d+(,\d+)?$/.test(field)) return Number(field.replace(',', '.'));
  if (/^\d{4}-\d{2}-\d{2}$/.test(field)) return new Date(`${field}T00:00:00Z`);
  return /^'[=+\-@]/.test(field) ? field.slice(1) : field;
}

const Q = (courtId: number) => `courtId=${courtId}&period=month&from=2026-12-01`;

describe('XLSX exports', () => {
  it(
    'writes every table of the CSV export cell for cell, numbers as numbers and days as dates, under a bold frozen header',
    async () => {
      const { vic, base, admin, courtA, users } = await setUp();
      // A name Excel would take for a formula.
      vic.store.db.prepare(`UPDATE users SET name = ? WHERE id = ?`).run('=HYPERLINK("x")', users.op1);
      for (const table of TABLE_KEYS) {
        const csv = new TextDecoder().decode((await download(base, admin, `/api/reports/export.csv?${Q(courtA)}&table=${table}`)).bytes);
        const expected = csv
          .replace(/^\uFEFF/, '')
          .split('\r\n')
          .slice(0, -1)
          .map(csvFields);
        const { wb, disposition } = await workbook(base, admin, `/api/reports/export.xlsx?${Q(courtA)}&table=${table}`);
        expect(disposition).toBe(`attachment; filename=vic-${table}-2026-12-01_2026-12-31.xlsx`);
        expect(wb.worksheets).toHaveLength(1);
        const ws = wb.worksheets[0];
        const rows = grid(ws);
        expect(rows[0], table).toEqual(expected[0]);
        expect(rows.slice(1), table).toEqual(expected.slice(1).map((r) => r.map(fromCsv)));
        expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
        expect(ws.getRow(1).getCell(1).font.bold).toBe(true);
      }

      const { wb } = await workbook(base, admin, `/api/reports/export.xlsx?${Q(courtA)}&table=days&lang=kk`);
      const days = wb.worksheets[0];
      expect(days.name).toBe('Күндер бойынша');
      expect(grid(days)[0]).toEqual(['Күні', 'Түскен өтініштер', 'email', 'sip', 'whatsapp', 'Күн соңындағы қалдық']);
      // The holiday: T7 (a call) arrived; T2, T4 and T7 were left at its end.
      const holiday = days.getRow(17);
      expect(holiday.getCell(1).value).toEqual(new Date('2026-12-16T00:00:00Z'));
      expect(holiday.getCell(1).type).toBe(ExcelJS.ValueType.Date);
      expect(holiday.getCell(1).numFmt).toBe('dd.mm.yyyy');
      expect([2, 4, 6].map((c) => holiday.getCell(c).value)).toEqual([1, 1, 3]);
      expect(holiday.getCell(2).type).toBe(ExcelJS.ValueType.Number);

      const overview = (await workbook(base, admin, `/api/reports/export.xlsx?${Q(courtA)}`)).wb.worksheets[0];
      expect(overview.name).toBe('Сводка');
      // Answered T3 45, T7 60, T9 60, T1 120, T2 360: the median the 3rd = 60 minutes; 4 of 7 judged within 120.
      const median = overview.getRow(4);
      expect([median.getCell(1).value, median.getCell(2).value, median.getCell(2).numFmt]).toEqual([
        'Первый ответ, медиана (мин рабочего времени)',
        60,
        '#,##0.0',
      ]);
      expect(rowOf(overview, 'Доля ответов в пределах норматива')).toEqual(['Доля ответов в пределах норматива', 0.5714]);
      expect(overview.getRow(6).getCell(2).numFmt).toBe('0.00%');
      // The figures' names are read whole: the column is as wide as the longest.
      expect(overview.getColumn(1).width).toBeGreaterThanOrEqual('Первый ответ, медиана (мин рабочего времени)'.length);

      const operators = (await workbook(base, admin, `/api/reports/export.xlsx?${Q(courtA)}&table=operators`)).wb.worksheets[0];
      const name = operators.getRow(2).getCell(1);
      expect(name.value).toBe('=HYPERLINK("x")');
      expect(name.type).toBe(ExcelJS.ValueType.String);
      expect(name.numFmt).toBe('@');
    },
    SLOW,
  );

  it(
    "writes one court's month a sheet a section, in Kazakh and in Russian, with the hand-computed figures",
    async () => {
      const { base, admin, courtA } = await setUp();
      const kk = await workbook(base, admin, `/api/reports/monthly.xlsx?courtId=${courtA}&month=2026-12&lang=kk`);
      expect(kk.disposition).toBe('attachment; filename=vic-monthly-sko-regional-2026-12.xlsx');
      expect(kk.wb.worksheets.map((w) => w.name)).toEqual([
        'Өтініштер',
        'Жауап беру уақыты',
        'Мерзімдердің сақталуы',
        'Қалдық',
        'Мамандарға беру',
        'Құзыреттен тыс',
        'Қоңыраулар мен кері қоңыраулар',
        'Жұмыстан тыс уақыт және тілдер',
        'Азаматтардың бағалары',
        'Өтініш тақырыптары',
      ]);
      for (const ws of kk.wb.worksheets) {
        expect(ws.getRow(1).getCell(1).value).toBe('Солтүстік Қазақстан облыстық соты — 2026 жылғы желтоқсан');
        expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
        expect(ws.getRow(2).getCell(1).font.bold).toBe(true);
      }
      const response = kk.wb.getWorksheet('Жауап беру уақыты')!;
      // Answered 5: median 60, p90 the 5th = 360, 4 of 7 within; resolved T7 90, T9 90, T3 120, T1 360: median 90, p90 360.
      expect(rowOf(response, 'Барлық арналар')).toEqual(['Барлық арналар', 5, 60, 360, 0.5714, 4, 90, 360]);
      expect(response.getRow(3).getCell(3).type).toBe(ExcelJS.ValueType.Number);
      // Email: T2 (360) answered, T4 unanswered and over; T12 turned away: 0 of 2 within; nothing resolved.
      expect(rowOf(response, 'email')).toEqual(['email', 1, 360, 360, 0, 0, null, null]);

      const ru = await workbook(base, admin, `/api/reports/monthly.xlsx?courtId=${courtA}&month=2026-12&lang=ru`);
      expect(ru.wb.worksheets.map((w) => w.name)).toEqual([
        'Обращения',
        'Время ответа',
        'Соблюдение сроков',
        'Остаток',
        'Передача специалистам',
        'Вне компетенции',
        'Звонки и перезвоны',
        'Нерабочее время и языки',
        'Оценки граждан',
        'Темы обращений',
      ]);
      const sheet = (name: string) => grid(ru.wb.getWorksheet(name)!);
      expect(sheet('Обращения')[0][0]).toBe('Северо-Казахстанский областной суд — декабрь 2026');
      expect(sheet('Обращения')[1]).toEqual(['Дата', 'Поступило обращений', 'email', 'sip', 'whatsapp']);
      // Received: T1 T2 T3 T4 T7 T8 T9 T12 (not T10: another court's); email T2 T4 T12, sip T7 T8, whatsapp T1 T3 T9.
      expect(sheet('Обращения').at(-1)).toEqual(['Итого', 8, 3, 2, 3]);
      expect(sheet('Обращения')[2]).toEqual([new Date('2026-12-01T00:00:00Z'), 1, 0, 0, 1]);
      // With a reply-by time: T1 T2 T3 T4 T7 T8; breached T2, T4, T8.
      expect(sheet('Соблюдение сроков').slice(2)).toEqual([
        ['Норматив первого ответа (мин рабочего времени)', 120],
        ['Ответ в пределах норматива', 4],
        ['Ответ сверх норматива или нет ответа', 3],
        ['Доля ответов в пределах норматива', 0.5714],
        ['Нарушения срока ответа', 3],
        ['Доля нарушений срока ответа', 0.5],
      ]);
      // 1st: T3 came and went. 5th: T1, T4. 7th: T1 resolved. 16th: T2, T4, T7. 17th: T7 resolved. 28th: + T8.
      const backlog = Object.fromEntries(
        sheet('Остаток')
          .slice(2)
          .map(([d, n]) => [(d as Date).toISOString().slice(0, 10), n]),
      );
      expect(backlog).toMatchObject({
        '2026-12-01': 0,
        '2026-12-05': 2,
        '2026-12-07': 1,
        '2026-12-16': 3,
        '2026-12-17': 2,
        '2026-12-28': 3,
      });
      // E1 picked up in 180, answered in 270; E2 picked up in 25, returned: pick-up median 25, p90 180.
      expect(sheet('Передача специалистам')[2]).toEqual(['Все специалисты', 2, 1, 1, 0, 0, 25, 180, 270, 270]);
      expect(sheet('Передача специалистам')[3]).toEqual(['Секретарь', 2, 1, 1, 0, 0, 25, 180, 270, 270]);
      // Out of scope now: T12 (1 of 8). Filtered: T9, overruled by OP2 (1 of 1). Marked: T12.
      expect(sheet('Вне компетенции').slice(2)).toEqual([
        ['Поступило обращений', 8],
        ['Вне компетенции', 1],
        ['Доля вне компетенции', 0.125],
        ['Отсеяно фильтром', 1],
        ['Возвращено операторами в работу', 1],
        ['Доля возвращённых из отсеянных', 1],
        ['Отмечено операторами как вне компетенции', 1],
      ]);
      expect(sheet('Звонки и перезвоны').slice(2)).toEqual([
        ['Пропущенные звонки', 2],
        ['Перезвонили', 1],
        ['Перезвонили в срок', 1],
        ['Перезвон просрочен', 1],
        ['Ждут перезвона (срок не истёк)', 0],
        ['Доля перезвонов', 0.5],
      ]);
      // Off hours: T4 (Saturday) and T7 (the holiday), 2 of 8; T8 at 17:00 on a Monday is working time.
      expect(sheet('Нерабочее время и языки').slice(2)).toEqual([
        ['Поступило обращений', 8],
        ['Поступило вне рабочего времени', 2],
        ['Доля вне рабочего времени', 0.25],
        ['Язык обращения: казахский', 3],
        ['Язык обращения: русский', 3],
        ['Язык обращения: не определён', 2],
      ]);
      expect(sheet('Оценки граждан').slice(2)).toEqual([
        ['Отправлено опросов', 3],
        ['Оценок', 2],
        ['Средняя оценка граждан', 4],
        ['Оценка «5»', 1],
        ['Оценка «4»', 0],
        ['Оценка «3»', 1],
        ['Оценка «2»', 0],
        ['Оценка «1»', 0],
      ]);
      expect(sheet('Темы обращений').slice(1)).toEqual([
        ['Тема', 'Поступило обращений'],
        ['Дата судебного заседания', 2],
        ['Копия судебного акта', 1],
        ['Smart Sot / участие по видеосвязи', 0],
        ['Государственная пошлина', 0],
        ['Статус дела', 0],
        ['Документы', 1],
      ]);
      expect(ru.wb.getWorksheet('Оценки граждан')!.getRow(5).getCell(2).numFmt).toBe('0.00');
    },
    SLOW,
  );

  it(
    'refuses an operator and a supervisor of another court, and lets a supervisor download their own court',
    async () => {
      const { base, courtA, cookie } = await setUp();
      const monthly = `/api/reports/monthly.xlsx?courtId=${courtA}&month=2026-12`;
      const table = `/api/reports/export.xlsx?${Q(courtA)}&table=days`;
      const op = await cookie('op');
      for (const url of [monthly, table]) {
        const { res, bytes } = await download(base, op, url);
        expect(res.status).toBe(403);
        expect(JSON.parse(new TextDecoder().decode(bytes))).toMatchObject({ error: { code: 'VIC_FORBIDDEN' } });
      }
      const other = await cookie('sup-b');
      for (const url of [monthly, table]) {
        const { res, bytes } = await download(base, other, url);
        expect(res.status).toBe(403);
        expect(JSON.parse(new TextDecoder().decode(bytes))).toMatchObject({ error: { code: 'VIC_FORBIDDEN_COURT' } });
      }
      const own = await cookie('sup-a');
      const { wb } = await workbook(base, own, `${monthly}&lang=kk`);
      expect(rowOf(wb.getWorksheet('Өтініштер')!, 'Барлығы')).toEqual(['Барлығы', 8, 3, 2, 3]);
      expect((await download(base, own, `/api/reports/monthly.xlsx?courtId=${courtA}&month=2026-13`)).res.status).toBe(400);
      expect((await download(base, own, `/api/reports/monthly.xlsx?month=2026-12`)).res.status).toBe(400);
    },
    SLOW,
  );
});
