import { describe, expect, it } from 'vitest';
import { offHoursReply } from '../../routing/off-hours-reply.ts';

const opens = { date: '2026-03-26', time: '09:00' };
const KAZAKH = /Өтінішіңіз/;
const RUSSIAN = /Ваше обращение/;

describe('offHoursReply', () => {
  it('answers in Kazakh', () => {
    const text = offHoursReply('kk', 'VIC-2026-00042', opens);
    expect(text).toMatch(KAZAKH);
    expect(text).not.toMatch(RUSSIAN);
    expect(text).toContain('VIC-2026-00042');
    expect(text).toContain('26.03.2026');
    expect(text).toContain('09:00');
    expect(text).toContain('Астана уақыты бойынша');
    expect(text).toContain('жұмыс күндері');
  });

  it('answers in Russian', () => {
    const text = offHoursReply('ru', 'VIC-2026-00042', opens);
    expect(text).toMatch(RUSSIAN);
    expect(text).not.toMatch(KAZAKH);
    expect(text).toContain('VIC-2026-00042');
    expect(text).toContain('26.03.2026 в 09:00');
    expect(text).toContain('по времени Астаны');
    expect(text).toContain('в рабочие дни');
  });

  it.each(['mixed', 'unknown'] as const)('answers %s in Kazakh, then Russian', (lang) => {
    const text = offHoursReply(lang, 'VIC-2026-00042', opens);
    expect(text.search(KAZAKH)).toBeGreaterThanOrEqual(0);
    expect(text.search(RUSSIAN)).toBeGreaterThan(text.search(KAZAKH));
    expect(text.match(/VIC-2026-00042/g)).toHaveLength(2);
    expect(text.match(/26\.03\.2026/g)).toHaveLength(2);
  });
});
