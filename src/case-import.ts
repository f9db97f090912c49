// The case directory import (POST /api/case-assignments): `case_number,court,judge,specialist_login` lines from
// the court's case-management export. Idempotent: the same file twice changes nothing. A dry run (the console's
// preview) reads the same way and writes nothing.
//
// Each line's error has a kind and its values besides the English text, so the console shows it in its own language.
//
// The file is read line by line (a field never holds a line break here) and each line within the length limit is
// parsed on its own by csv-parse, so a broken line (an unclosed quote, a million commas) is reported with its
// number and every other line is still imported. One csv-parse Parser over the whole body cannot do that: an
// unclosed quote runs on into the following lines and, past max_record_size, the rest of the chunk is dropped.
// Rows are written in slices of a few milliseconds with the event loop free between them: a 100,000-line file
// never holds up the console, ingest or the outbox.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CsvError, parse, type Options } from 'csv-parse/sync';
import { normalizeCaseNumber } from '../routing/escalation.ts';
import type { Clock } from './clock.ts';
import type { Store, UserRow } from './store/index.ts';

export const CASE_IMPORT_LIMITS = {
  /** Lines in one file, the header included; split a larger directory into several files. */
  lines: 100_001,
  /** Characters in one line. */
  lineChars: 1000,
  caseNumberChars: 64,
  courtChars: 64,
  judgeChars: 200,
  loginChars: 64,
  /** Errors listed one by one; the rest are counted in a last entry. */
  errorsListed: 200,
} as const;

/** Milliseconds of rows written in one transaction, after which other work runs. */
const SLICE_MS = 10;
const HEADER = ['case_number', 'court', 'judge', 'specialist_login'];

/** Why a line was not imported, with the values its text names (the console's `import.err.<kind>` texts). */
const ERROR_TEXT = {
  lineTooLong: (p) => `the line is ${p.len} characters long; a line may have at most ${p.max}`,
  quoteNotClosed: () => 'a quote (") opened on this line is not closed on it',
  textAfterQuote: () => 'text after a closing quote (a quote inside a quoted field is written "")',
  notCsv: (p) => `not a CSV line (${p.code})`,
  tooManyLines: (p) => `the file has more than ${p.max} cases; nothing was imported: split it into files of at most ${p.max} lines`,
  header: (p) => `the header must be ${p.header}`,
  fieldCount: (p) => `expected 4 fields, found ${p.found}`,
  fieldTooLong: (p) => `${p.field} is ${p.len} characters long; at most ${p.max}`,
  caseNumber: (p) => `"${p.value}" is not a case number (like 5999-25-00-2/417)`,
  unknownCourt: (p) => `unknown court "${p.value}"`,
  notSpecialist: (p) => `"${p.value}" is not an active specialist`,
  more: (p) => `and ${p.count} more lines with errors from this line on (the first ${p.listed} are listed)`,
} satisfies Record<string, (p: Record<string, string | number>) => string>;
export type ImportErrorKind = keyof typeof ERROR_TEXT;
export type ImportParams = Record<string, string | number>;

export interface ImportError {
  line: number;
  /** In English, for scripts and logs; the console words it from kind and params. */
  error: string;
  kind: ImportErrorKind;
  params: ImportParams;
}

/** A line that would be (or was) imported, as the preview shows it. */
export interface ImportPreviewRow {
  line: number;
  caseNumber: string;
  court: string;
  judge: string | null;
  specialist: string;
  change: 'new' | 'updated' | 'unchanged';
}

export interface ImportReport {
  new: number;
  updated: number;
  unchanged: number;
  errors: ImportError[];
  /** Dry run only: whether anything was written (never), and the first valid lines. */
  dryRun?: true;
  preview?: ImportPreviewRow[];
}

/** Valid lines shown in a dry run's preview. */
const PREVIEW_ROWS = 20;

type Failure = { kind: ImportErrorKind; params: ImportParams };
type Line = { line: number; fields: string[] } | ({ line: number } & Failure);

/** The non-empty lines of the file with their numbers (1-based, as an editor shows them), each parsed alone. */
function* lines(csv: string): Generator<Line> {
  let start = csv.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let n = 1; start <= csv.length; n++) {
    let end = csv.indexOf('\n', start);
    if (end < 0) end = csv.length;
    const len = end - start - (csv.charCodeAt(end - 1) === 13 ? 1 : 0);
    if (len > CASE_IMPORT_LIMITS.lineChars) {
      yield { line: n, kind: 'lineTooLong', params: { len, max: CASE_IMPORT_LIMITS.lineChars } };
    } else {
      const text = csv.slice(start, start + len);
      if (text.trim()) yield parseLine(n, text);
    }
    start = end + 1;
  }
}

const CSV: Options = {
  // One line at a time: naming the delimiter keeps a lone \r inside a line from starting a record, and spares the
  // discovery of it on every call (two thirds of csv-parse's time on a short line).
  record_delimiter: '\n',
  // The count is checked with the other field errors, in words.
  relax_column_count: true,
  // A quote inside an unquoted field is kept as text (Иванов "Ваня"), as exports written by hand have it.
  relax_quotes: true,
  trim: true,
};
const CSV_ERRORS: Record<string, ImportErrorKind> = {
  CSV_QUOTE_NOT_CLOSED: 'quoteNotClosed',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'textAfterQuote',
};

function parseLine(line: number, text: string): Line {
  try {
    return { line, fields: parse(text, CSV)[0] };
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    const kind = CSV_ERRORS[e.code];
    return kind ? { line, kind, params: {} } : { line, kind: 'notCsv', params: { code: e.code } };
  }
}

/** The line number of the first line past the limit, when the file has too many. */
function tooManyLines(csv: string): number | undefined {
  let count = 0;
  for (let start = 0, n = 1; start < csv.length; n++) {
    let end = csv.indexOf('\n', start);
    if (end < 0) end = csv.length;
    for (let i = start; i < end; i++) {
      const c = csv.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) {
        if (++count > CASE_IMPORT_LIMITS.lines) return n;
        break;
      }
    }
    start = end + 1;
  }
  return undefined;
}

function fieldError(caseRaw: string, courtRaw: string, judge: string, login: string): Failure | null {
  const L = CASE_IMPORT_LIMITS;
  for (const [name, v, max] of [
    ['case_number', caseRaw, L.caseNumberChars],
    ['court', courtRaw, L.courtChars],
    ['judge', judge, L.judgeChars],
    ['specialist_login', login, L.loginChars],
  ] as const) {
    if (v.length > max) return { kind: 'fieldTooLong', params: { field: name, len: v.length, max } };
  }
  return null;
}

export async function importCaseDirectory(
  d: { store: Store; clock: Clock },
  user: UserRow,
  csv: string,
  opts: { dryRun?: boolean } = {},
): Promise<ImportReport> {
  const { store, clock } = d;
  const dryRun = !!opts.dryRun;
  const report: ImportReport = { new: 0, updated: 0, unchanged: 0, errors: [], ...(dryRun ? { dryRun: true, preview: [] } : {}) };
  // Errors past the listed ones: how many, from which line.
  const unlisted = { line: 0, count: 0 };
  const fail = (line: number, kind: ImportErrorKind, params: ImportParams = {}) => {
    if (report.errors.length < CASE_IMPORT_LIMITS.errorsListed) report.errors.push({ line, error: ERROR_TEXT[kind](params), kind, params });
    else if (unlisted.count++ === 0) unlisted.line = line;
  };
  // A dry run writes nothing, so a case repeated in the file is compared with its earlier line here, as the
  // real import would compare it with the row that line wrote.
  const seen = new Map<string, string>();
  const change = (a: { caseNumber: string; courtId: number; judge: string | null; specialistId: number }) => {
    if (!dryRun) return store.upsertCaseAssignment(a, clock.now());
    const key = JSON.stringify([a.courtId, a.judge, a.specialistId]);
    const before = seen.get(a.caseNumber);
    seen.set(a.caseNumber, key);
    if (before !== undefined) return before === key ? 'unchanged' : 'updated';
    return store.caseAssignmentChange(a);
  };

  const over = tooManyLines(csv);
  if (over !== undefined) {
    fail(over, 'tooManyLines', { max: CASE_IMPORT_LIMITS.lines - 1 });
    return report;
  }
  const all = lines(csv);
  const first = all.next();
  const header = first.done ? undefined : first.value;
  if (!header || !('fields' in header) || HEADER.some((h, i) => header.fields[i]?.toLowerCase() !== h)) {
    fail(header?.line ?? 1, 'header', { header: HEADER.join(',') });
    return report;
  }

  // Looked up once per import: the same few courts and specialists recur on every line.
  const courts = new Map<string, number | undefined>();
  const specialists = new Map<string, number | undefined>();
  const courtOf = (raw: string) => {
    if (!courts.has(raw)) courts.set(raw, (/^\d{1,9}$/.test(raw) ? store.getCourt(Number(raw)) : store.getCourtByCode(raw))?.id);
    return courts.get(raw);
  };
  const specialistOf = (login: string) => {
    if (!specialists.has(login)) {
      const u = store.getUserByLogin(login);
      specialists.set(login, u && u.role === 'specialist' && u.active ? u.id : undefined);
    }
    return specialists.get(login);
  };

  for (let done = false; !done;) {
    const until = performance.now() + SLICE_MS;
    store.tx(() => {
      while (performance.now() < until) {
        const next = all.next();
        if (next.done) return void (done = true);
        const row = next.value;
        if (!('fields' in row)) {
          fail(row.line, row.kind, row.params);
          continue;
        }
        if (row.fields.length !== 4) {
          fail(row.line, 'fieldCount', { found: row.fields.length });
          continue;
        }
        const [caseRaw, courtRaw, judge, login] = row.fields as [string, string, string, string];
        const tooLong = fieldError(caseRaw, courtRaw, judge, login);
        if (tooLong) {
          fail(row.line, tooLong.kind, tooLong.params);
          continue;
        }
        const caseNumber = normalizeCaseNumber(caseRaw);
        const courtId = courtOf(courtRaw);
        const specialistId = specialistOf(login);
        if (!caseNumber) fail(row.line, 'caseNumber', { value: caseRaw });
        else if (courtId === undefined) fail(row.line, 'unknownCourt', { value: courtRaw });
        else if (specialistId === undefined) fail(row.line, 'notSpecialist', { value: login });
        else {
          const c = change({ caseNumber, courtId, judge: judge || null, specialistId });
          report[c]++;
          if (report.preview && report.preview.length < PREVIEW_ROWS)
            report.preview.push({ line: row.line, caseNumber, court: courtRaw, judge: judge || null, specialist: login, change: c });
        }
      }
    });
    if (!done) await nextTurn();
  }
  const errors = report.errors.length + unlisted.count;
  if (unlisted.count) {
    const params = { count: unlisted.count, listed: CASE_IMPORT_LIMITS.errorsListed };
    report.errors.push({ line: unlisted.line, error: ERROR_TEXT.more(params), kind: 'more', params });
  }
  store.audit({
    at: clock.now(),
    userId: user.id,
    action: dryRun ? 'cases.previewed' : 'cases.imported',
    details: { new: report.new, updated: report.updated, errors },
  });
  return report;
}
