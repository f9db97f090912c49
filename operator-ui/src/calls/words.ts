// Durations and call-back results in the interface language, for the queue and the conversation's call lines.
import { isKey, type T } from '../i18n.tsx';

/** "45 с", "2 мин 05 с". */
export function durationText(t: T, ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? t('calls.minutes', { m: Math.floor(s / 60), s: String(s % 60).padStart(2, '0') }) : t('calls.seconds', { s });
}

/** A call-back attempt's result (an unknown one as the server wrote it). */
export function resultText(t: T, result: string): string {
  const key = `calls.result.${result}`;
  return isKey(key) ? t(key) : result;
}
