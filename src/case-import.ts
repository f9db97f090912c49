// The case directory import (POST /api/case-assignments): `case_number,court,judge,specialist_login` lines from
// the court's case-management export. Idempotent: the same file twice changes nothing.
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

export interface ImportReport {
  new: number;
  updated: number;
  unchanged: number;
  errors: { line: number; error: string }[];
}

type Line = { line: number; fields: string[] } | { line: number; error: string };

/** The non-empty lines of the file with their numbers (1-based, as an editor shows them), each parsed alone. */
function* lines(csv: string): Generator<Line> {
  let start = csv.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let n = 1; start <= csv.length; n++) {
    let end = csv.indexOf('\n', start);
    if (end < 0) end = csv.length;
    const len = end - start - (csv.charCodeAt(end - 1) === 13 ? 1 : 0);
    if (len > CASE_IMPORT_LIMITS.lineChars) {
      yield { line: n, error: `the line is ${len} characters long; a line may have at most ${CASE_IMPORT_LIMITS.lineChars}` };
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
const CSV_ERRORS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quote (") opened on this line is not closed on it',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text after a closing quote (a quote inside a quoted field is written "")',
};

function parseLine(line: number, text: string): Line {
  try {
    return { line, fields: parse(text, CSV)[0] };
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    return { line, error: CSV_ERRORS[e.code] ?? `not a CSV line (${e.code})` };
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

function fieldError(caseRaw: string, courtRaw: string, judge: string, login: string): string | null {
  const L = CASE_IMPORT_LIMITS;
  for (const [name, v, max] of [
    ['case_number', caseRaw, L.caseNumberChars],
    ['court', courtRaw, L.courtChars],
    ['judge', judge, L.judgeChars],
    ['specialist_login', login, L.loginChars],
  ] as const) {
    if (v.length > max) return `${name} is ${v.length} characters long; at most ${max}`;
  }
  return null;
}

export async function importCaseDirectory(d: { store: Store; clock: Clock }, user: UserRow, csv: string): Promise<ImportReport> {
  const { store, clock } = d;
  const report: ImportReport = { new: 0, updated: 0, unchanged: 0, errors: [] };
  // Errors past the listed ones: how many, from which line.
  const unlisted = { line: 0, count: 0 };
  const fail = (line: number, error: string) => {
    if (report.errors.length < CASE_IMPORT_LIMITS.errorsListed) report.errors.push({ line, error });
    else if (unlisted.count++ === 0) unlisted.line = line;
  };

  const over = tooManyLines(csv);
  if (over !== undefined) {
    fail(
      over,
      `the file has more than ${CASE_IMPORT_LIMITS.lines - 1} cases; nothing was imported: split it into files of at most ${CASE_IMPORT_LIMITS.lines - 1} lines`,
    );
    return report;
  }
  const all = lines(csv);
  const first = all.next();
  const header = first.done ? undefined : first.value;
  if (!header || !('fields' in header) || HEADER.some((h, i) => header.fields[i]?.toLowerCase() !== h)) {
    fail(header?.line ?? 1, `the header must be ${HEADER.join(',')}`);
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
        if ('error' in row) {
          fail(row.line, row.error);
          continue;
        }
        if (row.fields.length !== 4) {
          fail(row.line, `expected 4 fields, found ${row.fields.length}`);
          continue;
        }
        const [caseRaw, courtRaw, judge, login] = row.fields as [string, string, string, string];
        const tooLong = fieldError(caseRaw, courtRaw, judge, login);
        if (tooLong) {
          fail(row.line, tooLong);
          continue;
        }
        const caseNumber = normalizeCaseNumber(caseRaw);
        const courtId = courtOf(courtRaw);
        const specialistId = specialistOf(login);
        const error = !caseNumber
          ? `"${caseRaw}" is not a case number (like 5999-25-00-2/417)`
          : courtId === undefined
            ? `unknown court "${courtRaw}"`
            : specialistId === undefined
              ? `"${login}" is not an active specialist`
              : null;
        if (error) fail(row.line, error);
        else
          report[
            store.upsertCaseAssignment(
              { caseNumber: caseNumber!, courtId: courtId!, judge: judge || null, specialistId: specialistId! },
              clock.now(),
            )
          ]++;
      }
    });
    if (!done) await nextTurn();
  }
  const errors = report.errors.length + unlisted.count;
  if (unlisted.count)
    report.errors.push({
      line: unlisted.line,
      error: `and ${unlisted.count} more lines with errors from this line on (the first ${CASE_IMPORT_LIMITS.errorsListed} are listed)`,
    });
  store.audit({
    at: clock.now(),
    userId: user.id,
    action: 'cases.imported',
    details: { new: report.new, updated: report.updated, errors },
  });
  return report;
}
