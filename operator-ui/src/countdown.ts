// Times in the ticket list as an operator reads them at a glance: "5 мин назад", and the time left to the reply-by
// time, counted down live in the court's working time (working-time.ts: the server's calendar as intervals), so it
// stands still over lunch, evenings and days off, as the server's deadline does.
import { useEffect, useState } from 'react';
import type { useI18n } from './i18n.tsx';
import type { DueReading } from './working-time.ts';

type T = ReturnType<typeof useI18n>['t'];

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** "только что", "5 мин назад", "3 ч назад", "2 дн назад"; null past a week (the row shows the date instead). */
export function relativeTime(t: T, at: number, now: number): string | null {
  const ago = Math.max(0, now - at);
  if (ago < MIN) return t('list.justNow');
  if (ago < HOUR) return t('list.minutesAgo', { n: Math.floor(ago / MIN) });
  if (ago < DAY) return t('list.hoursAgo', { n: Math.floor(ago / HOUR) });
  if (ago < 7 * DAY) return t('list.daysAgo', { n: Math.floor(ago / DAY) });
  return null;
}

/** "1 ч 05 мин", under an hour "14:05" (minutes and seconds), so that it visibly counts down. */
export function span(t: T, ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s >= 3600) return t('list.hoursMinutes', { h: Math.floor(s / 3600), m: String(Math.floor((s % 3600) / 60)).padStart(2, '0') });
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The countdown in full words (for its title), and short (on the row: "1 ч 05 мин", "−0:42" when late). */
export const dueText = (t: T, r: DueReading): string => t(r.level === 'over' ? 'list.overdueBy' : 'list.dueIn', { d: span(t, r.left) });
export const dueShort = (t: T, r: DueReading): string => `${r.level === 'over' ? '−' : ''}${span(t, r.left)}`;

/** The current time, renewed every `ms`: one timer for the whole list, not one per row. */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
