import { describe, expect, it } from 'vitest';
import { iinCheckDigit, iinProblem, maskIin } from '../../src/iin.ts';

const TODAY = Date.parse('2026-12-01T05:00:00Z');

describe('IIN (Kazakhstan individual identification number)', () => {
  it('takes a check digit from the first weights (1..11) when their remainder is not 10', () => {
    // 8·1+5·2+0·3+3·4+1·5+5·6+3·7+0·8+0·9+1·10+2·11 = 118 ≡ 8 (mod 11)
    expect(iinCheckDigit('85031530012')).toBe(8);
    expect(iinProblem('850315300128', TODAY)).toBeNull();
    expect(iinProblem('850315300127', TODAY)).toBe('checksum');
  });

  it('takes the second weights (3..11, 1, 2) when the first remainder is 10', () => {
    // First: 175 ≡ 10; second: 3·8+4·5+5·0+6·3+7·1+8·5+9·3+10·0+11·1+1·8+2·0 = 155 ≡ 1
    expect(iinCheckDigit('85031530180')).toBe(1);
    expect(iinProblem('850315301801', TODAY)).toBeNull();
    expect(iinProblem('850315301800', TODAY)).toBe('checksum');
  });

  it('refuses a number whose second remainder is 10 too: no check digit exists', () => {
    expect(iinCheckDigit('99123130041')).toBeNull();
    for (let d = 0; d <= 9; d++) expect(iinProblem(`99123130041${d}`, TODAY)).toBe('checksum');
  });

  it('wants exactly 12 digits', () => {
    for (const s of ['', '85031530012', '8503153001288', '85031530012a', ' 850315300128', '８５０３１５３００１２８'])
      expect(iinProblem(s, TODAY)).toBe('format');
  });

  it('checks the birth date and the century digit', () => {
    const withCheck = (first11: string) => `${first11}${iinCheckDigit(first11) ?? 'x'}`;
    // Valid checksums, impossible persons: 7th digit 0 or 7..9, 31 April, 29 February of a common year, month 13.
    for (const first11 of ['85031500012', '85031570012', '85043130012', '01022950012', '85131530012', '85000030012']) {
      const iin = withCheck(first11);
      expect(iinProblem(iin, TODAY), iin).toBe('date');
    }
    // 29 February 2000 (a leap year, century digit 5) exists; a birth after today does not yet.
    expect(iinProblem(withCheck('00022950012'), TODAY)).toBeNull();
    expect(iinProblem(withCheck('27010150012'), TODAY)).toBe('date');
    // The same digits read in the 1900s (3) are a past date.
    expect(iinProblem(withCheck('27010130012'), TODAY)).toBeNull();
  });

  it('masks all but the first and last two digits', () => {
    expect(maskIin('850315300128')).toBe('85********28');
    expect(maskIin(null)).toBeNull();
  });
});
