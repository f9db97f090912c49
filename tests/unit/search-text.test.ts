import { describe, expect, it } from 'vitest';
import { ftsMatch, phoneDigits, queryWords, searchText } from '../../src/search-text.ts';

describe('search text folding', () => {
  it('folds Kazakh letters, case and Kazakh Latin onto the same words', () => {
    expect(searchText('ҚАЗАҚ')).toBe(searchText('казак'));
    expect(searchText('Қазақ')).toBe(searchText('qazaq'));
    expect(searchText('Шешім көшірмесі')).toBe(searchText('шешим коширмеси'));
    expect(searchText('Ёлка')).toBe(searchText('елка'));
    expect(searchText('Қазақ')).not.toBe(searchText('казахи'));
  });

  it('keeps digit runs whole and drops punctuation', () => {
    expect(searchText('Іс нөмірі 5999-25-00-2/417, сумма 15000!')).toBe('is nomiri 5999 25 00 2 417 suma 15000');
  });

  it('builds a query of quoted words only, the last a prefix from four letters on', () => {
    const words = queryWords('Копию "приговора" NOT и* постановлен');
    expect(ftsMatch(words)).toBe('"kopiu" "prigovora" "not" "i" "postanovlen"*');
    expect(ftsMatch(queryWords('суд'))).toBe('"sud"');
    expect(queryWords('"*"*"*')).toEqual([]);
    expect(queryWords('a b c d e f g h i j k l')).toHaveLength(6);
  });

  it('reads a phone number as said, with the trunk prefix 8', () => {
    expect(phoneDigits('8 (701) 123-45-67')).toBe('77011234567');
    expect(phoneDigits('+7 701 123 45 67')).toBe('77011234567');
    expect(phoneDigits('123 45 67')).toBe('1234567');
  });
});
