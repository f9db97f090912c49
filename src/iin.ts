// Kazakhstan's individual identification number (ЖСН/ИИН): YYMMDD, a century-and-sex digit, four serial digits
// and a check digit. A typo in an IIN read out on the phone ties the citizen to someone else's cases, so the
// console refuses one that cannot exist.

/** Why an IIN is refused: not 12 digits, a wrong check digit, or no such birth date. */
export type IinProblem = 'format' | 'checksum' | 'date';

const FIRST = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/** The check digit of the first 11 digits, or null when none exists (the second remainder is 10 too). */
export function iinCheckDigit(first11: string): number | null {
  const d = [...first11].map(Number);
  const sum = (w: number[]) => w.reduce((s, k, i) => s + k * d[i], 0) % 11;
  const r = sum(FIRST);
  if (r !== 10) return r;
  const r2 = sum(SECOND);
  return r2 === 10 ? null : r2;
}

/** The century the 7th digit gives (1, 2: the 1800s; 3, 4: the 1900s; 5, 6: the 2000s); null for any other. */
function century(digit: number): number | null {
  return digit >= 1 && digit <= 6 ? 1800 + 100 * Math.floor((digit - 1) / 2) : null;
}

/** What is wrong with `iin`, or null when it may be a person's IIN (born by `today`, epoch ms). */
export function iinProblem(iin: string, today = Date.now()): IinProblem | null {
  if (!/^\d{12}$/.test(iin)) return 'format';
  if (iinCheckDigit(iin.slice(0, 11)) !== Number(iin[11])) return 'checksum';
  const c = century(Number(iin[6]));
  if (c === null) return 'date';
  const [year, month, day] = [c + Number(iin.slice(0, 2)), Number(iin.slice(2, 4)), Number(iin.slice(4, 6))];
  const born = Date.UTC(year, month - 1, day);
  const d = new Date(born);
  // Date.UTC rolls 31 April over to 1 May: a date that does not come back as written does not exist.
  if (month < 1 || month > 12 || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return 'date';
  return born > today ? 'date' : null;
}

/** How an IIN is shown and audited: its first and last two digits (as the ticket view shows it). */
export const maskIin = (iin: string | null): string | null => (iin ? `${iin.slice(0, 2)}********${iin.slice(-2)}` : null);
