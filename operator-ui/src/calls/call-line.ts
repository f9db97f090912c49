// A call's line in the conversation, worded in the interface language from the call itself (the ticket's
// `calls`, matched by the message's id; src/callbacks.ts `callDetails` adds whom it rang by name and the wait).
// The stored text (the ticket's language, written by src/callbacks-lines.ts) is what shows for a line no call
// explains, e.g. a call-back made from another ticket.
import type { CallEntry, MessageRow } from '../api.ts';
import { isKey, type T } from '../i18n.tsx';
import type { CallDetailExtra } from './types.ts';
import { durationText, resultText } from './words.ts';

/** A ticket's call as GET /api/tickets/:id gives it (the extras absent from an older server). */
export type CallDetail = CallEntry & Partial<Pick<CallDetailExtra, 'rungUsers' | 'waitedMs'>>;

const MISSED: Record<string, 'calls.line.missed' | 'calls.line.abandoned' | 'calls.line.offHours'> = {
  missed: 'calls.line.missed',
  abandoned: 'calls.line.abandoned',
  rejected_off_hours: 'calls.line.offHours',
};

/** The readable line of a call's entry, or null when the message is not one (or its call is not known here). */
export function callLineText(t: T, m: MessageRow, calls: CallDetail[]): string | null {
  const c = calls.find((x) => x.messageId === m.id);
  if (!c || (m.auto !== 'call' && m.text)) return null;
  if (c.callbackResult) return t('calls.line.result', { number: c.to, result: resultText(t, c.callbackResult) });
  // The adapter names the calls it places to call a citizen back so; from is then the operator's extension.
  if (c.callId.startsWith('callback-')) return t('calls.line.callBack', { number: c.to });
  const missed = MISSED[c.outcome];
  if (!missed) {
    // "Звонок с …: принят / завершён"; while it rings the line alone.
    const outcome = `call.${c.outcome}`;
    const line = t('calls.line.call', { number: c.from });
    return c.outcome !== 'ringing' && isKey(outcome) ? `${line}: ${t(outcome)}` : line;
  }
  const parts = [t(missed, { number: c.from })];
  if (c.outcome !== 'rejected_off_hours') {
    if (c.waitedMs !== null && c.waitedMs !== undefined) parts.push(t('calls.line.waited', { d: durationText(t, c.waitedMs) }));
    // Without the names (an older server) whom it rang is left out rather than guessed.
    const names = c.rungUsers?.map((u) => u.name).filter(Boolean);
    if (names) parts.push(names.length ? t('calls.line.rung', { names: names.join(', ') }) : t('calls.line.rungNobody'));
  }
  return parts.join('; ');
}
