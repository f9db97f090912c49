import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultCalendar } from '../../routing/calendar/index.ts';
import { runCalendarCommand } from '../../src/cli/calendar.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}

afterEach(() => vi.restoreAllMocks());

describe('vic calendar', () => {
  it('prints the weekdays off of a year, one date a line', async () => {
    const io = capture();
    expect(await runCalendarCommand(['days-off', '2026'])).toBe(0);
    expect(io.out()).toBe(
      [
        '2026-01-01',
        '2026-01-02',
        '2026-01-07',
        '2026-03-09',
        '2026-03-23',
        '2026-03-24',
        '2026-03-25',
        '2026-05-01',
        '2026-05-07',
        '2026-05-11',
        '2026-05-27',
        '2026-07-06',
        '2026-10-26',
        '2026-12-16',
      ].join('\n') + '\n',
    );
    expect(io.err()).toBe('');
  });

  it('prints working weekends, nothing for a year without any', async () => {
    const io = capture();
    expect(await runCalendarCommand(['working-weekends', '2025'])).toBe(0);
    expect(await runCalendarCommand(['working-weekends', '2026'])).toBe(0);
    expect(io.out()).toBe('2025-01-05\n');
  });

  it('applies a court calendar when a loader is given', async () => {
    const io = capture();
    const load = (id: string) => (id === '7' ? defaultCalendar([{ date: '2026-06-13', kind: 'working' }]) : undefined);
    expect(await runCalendarCommand(['working-weekends', '2026', '--court', '7'], load)).toBe(0);
    expect(io.out()).toBe('2026-06-13\n');
    expect(await runCalendarCommand(['working-weekends', '2026', '--court', '8'], load)).toBe(2);
    expect(io.err()).toContain('unknown court "8"');
  });

  it('falls back to the national calendar without a loader', async () => {
    const io = capture();
    expect(await runCalendarCommand(['--court', '7', 'working-weekends', '2025'])).toBe(0);
    expect(io.out()).toBe('2025-01-05\n');
    expect(io.err()).toContain('national calendar');
  });

  it('warns when the year only has provisional data', async () => {
    const io = capture();
    expect(await runCalendarCommand(['days-off', '2028'])).toBe(0);
    expect(io.err()).toContain('provisional');
    expect(io.out().trim().split('\n')).toContain('2028-05-05');
  });

  it.each([
    [[]],
    [['days-off']],
    [['days-off', '26']],
    [['days-off', 'next']],
    [['days-off', '1999']],
    [['holidays', '2026']],
    [['days-off', '2026', 'extra']],
    [['days-off', '2026', '--court']],
    [['days-off', '2026', '--verbose']],
  ])('rejects %j with exit code 2 and one line of explanation', async (args) => {
    const io = capture();
    expect(await runCalendarCommand(args)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/^[^\n]*(missing|invalid|unknown|unexpected|needs)[^\n]*\n$/);
  });
});
