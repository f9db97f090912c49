// XLSX of the report tables (exceljs): the very tables the CSV export writes (tables.ts: same columns, headers and
// figures), as typed cells: numbers stay numbers, with a format by their kind (working minutes, shares as percent,
// a mean score, local dates as dates), a bold frozen header row and columns wide enough to read.
//
// Built in memory, not streamed: a workbook is one summary's tables (at most a year of days, a few dozen operators,
// ten sheets for a month of one court: some tens of kilobytes), and the summary they come from is in memory already;
// exceljs's streaming writer would only add a second code path for no memory saved.
import ExcelJS, { type Workbook } from 'exceljs';
import type { Cell, CellKind, Lang, ReportTable } from './tables.ts';

/** One sheet: a table (an export's, or a section of the monthly summary) under an optional title row. */
export interface SheetSpec {
  table: Omit<ReportTable, 'key'>;
  title?: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Excel number formats by kind; '@' keeps text text, even a name that looks like a formula when edited. */
const NUM_FMT: Record<CellKind | 'text', string> = {
  count: '#,##0',
  minutes: '#,##0.0',
  // Shares are fractions to four decimals (0.5714): shown as 57.14 %, the stored number the CSV's.
  share: '0.00%',
  mean: '0.00',
  date: 'dd.mm.yyyy',
  text: '@',
};

/** Characters Excel refuses in a sheet name, and its length limit. */
const SHEET_NAME_BAD = /[\\/?*[\]:]/g;
const SHEET_NAME_MAX = 31;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function kindOf(table: SheetSpec['table'], row: number, col: number, value: Cell): CellKind | 'text' {
  const kind = table.rowKinds?.[row] ?? table.columns[col].kind;
  // A date column's "total" label is text.
  if (typeof value === 'string') return kind === 'date' && ISO_DATE.test(value) ? 'date' : 'text';
  return kind ?? 'count';
}

/**
 * A cell's value: a local date (`YYYY-MM-DD`, already the court's day) becomes a date. Excel dates carry no time
 * zone and exceljs writes a Date's UTC wall clock, so that day's UTC midnight shows the court's date, whatever the
 * server's zone.
 */
function valueOf(value: Cell, kind: CellKind | 'text'): string | number | Date | null {
  if (kind === 'date' && typeof value === 'string') return new Date(`${value}T00:00:00Z`);
  return value;
}

/** Roughly how many characters a value takes on screen. */
function shownLength(value: Cell, kind: CellKind | 'text'): number {
  if (value === null) return 0;
  if (kind === 'date') return 10;
  if (kind === 'share') return 8;
  return String(value).length + (kind === 'count' ? Math.floor(String(value).length / 3) : 0);
}

function addSheet(wb: Workbook, { table, title }: SheetSpec, lang: Lang, used: Set<string>) {
  // Excel compares sheet names without case; a repeated one gets a number.
  const base = table.title[lang].replace(SHEET_NAME_BAD, ' ').trim().slice(0, SHEET_NAME_MAX);
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, SHEET_NAME_MAX - 4)} (${i})`;
  used.add(name.toLowerCase());
  const headerRow = title === undefined ? 1 : 2;
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: headerRow }] });
  if (title !== undefined) {
    const t = ws.getRow(1).getCell(1);
    t.value = title;
    t.font = { bold: true, size: 13 };
  }
  const header = ws.getRow(headerRow);
  table.columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c[lang];
    cell.font = { bold: true };
    cell.alignment = { wrapText: true, vertical: 'top' };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } };
  });
  const widths = table.columns.map((c) => Math.min(c[lang].length, 24));
  table.rows.forEach((cells, r) => {
    const row = ws.getRow(headerRow + 1 + r);
    cells.forEach((value, col) => {
      const kind = kindOf(table, r, col, value);
      widths[col] = Math.max(widths[col], shownLength(value, kind));
      const v = valueOf(value, kind);
      if (v === null) return;
      const cell = row.getCell(col + 1);
      cell.value = v;
      cell.numFmt = NUM_FMT[kind];
    });
  });
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = Math.min(60, Math.max(8, w + 2))));
}

/** A workbook of the sheets, as the bytes of an .xlsx file. */
export async function xlsxOf(sheets: SheetSpec[], lang: Lang, created: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'VIC';
  wb.created = created;
  wb.modified = created;
  const used = new Set<string>();
  for (const s of sheets) addSheet(wb, s, lang, used);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
