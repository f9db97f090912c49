// What search indexes and matches: text folded onto the scope filter's ASCII skeleton (routing/scope/normalize.ts),
// so "Қазақ", "казак" and "qazaq" are one word, case and Kazakh letters folded alike at index and at query time.
// Unlike the skeleton, digits stay digits (case numbers, sums and dates are searched for) and punctuation only
// separates words. Also the keys of the exact indexes: phone tails, e-mail addresses and case numbers.
import { normalize } from '../routing/scope/normalize.ts';

const DIGITS = /(\d+)/;
const PUNCT = /[?!.,]/g;
const SPACES = /\s+/;

/** The words of `text` as search sees them: folded letters and digit runs, separated by single spaces. */
export function searchText(text: string): string {
  let out = '';
  // The skeleton turns each digit run into "0": runs are cut out and kept as they are.
  for (const [k, part] of text.split(DIGITS).entries()) out += k % 2 ? ` ${part} ` : normalize(part).replace(PUNCT, ' ');
  return out.split(SPACES).filter(Boolean).join(' ');
}

/** At most this many words of a query are searched for: more only cost time (each is a separate index lookup). */
export const MAX_TERMS = 6;
/**
 * The last word is matched as a prefix (the word being typed, or an inflection: "постановлен" finds
 * "постановления") from this length on. Shorter prefixes ("суд*") expand to every word they begin, and the index
 * reads all of those words' entries before it can return the newest match.
 */
export const MIN_PREFIX = 4;

export interface QueryWord {
  word: string;
  /** The word being typed: words it begins match too. */
  prefix: boolean;
}

/** A user's words, all of which must occur. Only [a-z0-9] (searchText's output): no FTS5 syntax from the user. */
export function queryWords(q: string): QueryWord[] {
  const words = [...new Set(searchText(q).split(' ').filter(Boolean))].slice(0, MAX_TERMS);
  return words.map((word, k) => ({ word, prefix: k === words.length - 1 && word.length >= MIN_PREFIX }));
}

/** The FTS5 query of the words: each a quoted string, a prefix one followed by "*". */
export const ftsMatch = (words: QueryWord[]) => words.map((w) => `"${w.word}"${w.prefix ? '*' : ''}`).join(' ');

/** The digits of a phone number as said: "8 701 123 45 67" → "77011234567" (8 is Kazakhstan's trunk prefix). */
export function phoneDigits(q: string): string {
  const d = q.replace(/\D/g, '');
  return d.length === 11 && d.startsWith('8') ? `7${d.slice(1)}` : d;
}

/** A phone reversed, the key of `phone_tails`: a tail of the number is a prefix of it. */
export const reversed = (s: string) => [...s].reverse().join('');

/** A case number's key: letters and digits only, lower-cased ("7599-26-00-2/101" → "7599260021 01" without the space). */
export function caseKey(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}
