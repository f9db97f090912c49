import { describe, expect, it } from 'vitest';
import { extractCaseNumbers, normalizeCaseNumber, suggestSpecialists } from '../../routing/escalation.ts';

describe('case numbers', () => {
  it.each([
    ['5999-25-00-2/417', '5999-25-00-2/417'],
    ['№ 5999-25-00-2/417', '5999-25-00-2/417'],
    ['№5999 - 25 - 00 - 2 / 417', '5999-25-00-2/417'],
    ['7599-24-00-2А/8554', '7599-24-00-2А/8554'],
    ['7599-24-00-2A/8554', '7599-24-00-2А/8554'],
    ['7599–24–00–2а/08554', '7599-24-00-2А/8554'],
  ])('normalizes %s', (raw, want) => {
    expect(normalizeCaseNumber(raw)).toBe(want);
  });

  it('does not take dates, phone numbers or amounts for case numbers', () => {
    for (const s of ['2025-11-30', '+7 701 234 56 78', '12/417', '5999-25-2/417']) expect(normalizeCaseNumber(s)).toBeNull();
  });

  it('finds every case number in a citizen’s text, once each', () => {
    expect(extractCaseNumbers('по делу № 5999-25-00-2/417 и 7599-24-00-2a/8554, ещё раз 5999-25-00-2/417')).toEqual([
      '5999-25-00-2/417',
      '7599-24-00-2А/8554',
    ]);
  });
});

describe('specialist suggestion', () => {
  const staff = [
    { userId: 10, courtId: 1, active: true, load: 3 },
    { userId: 11, courtId: 1, active: true, load: 0 },
    { userId: 12, courtId: 2, active: true, load: 0 },
    { userId: 13, courtId: 1, active: false, load: 0 },
  ];
  it('puts the specialist handling the case first, then the court’s others by load', () => {
    const dir = new Map([['5999-25-00-2/417', 10]]);
    expect(suggestSpecialists({ courtId: 1, caseNumbers: ['5999-25-00-2/417'] }, dir, staff)).toEqual([
      { userId: 10, reason: 'case', caseNumber: '5999-25-00-2/417' },
      { userId: 11, reason: 'court' },
    ]);
  });
  it('never suggests an inactive specialist, even for their case', () => {
    const dir = new Map([['5999-25-00-2/417', 13]]);
    expect(suggestSpecialists({ courtId: 1, caseNumbers: ['5999-25-00-2/417'] }, dir, staff).map((s) => s.userId)).toEqual([11, 10]);
  });
});
