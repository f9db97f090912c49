// The console's words for the server's errors: every code in src/errors.ts has an `error.<CODE>` text in Russian
// and Kazakh (tests/unit/error-texts.test.ts holds that). The server's message is English and is never shown: an
// unknown code gets a generic text in the interface language.
import { isKey, type T } from './i18n.tsx';
import { channelLabel } from './labels.ts';

export function errorText(t: T, e: unknown): string {
  const { code, status } = (e ?? {}) as { code?: unknown; status?: unknown };
  if (code === 'NETWORK') return t('error.network');
  if (typeof code === 'string') {
    const key = `error.${code}`;
    if (isKey(key)) return t(key);
  }
  return typeof status === 'number' && status > 0 ? t('import.error.status', { status }) : t('import.error.unknown');
}

/**
 * Why an outgoing message waits or failed, as src/outbox.ts stores it (English, in the message row): the known
 * reasons in the interface language; anything else (a provider's own words) as it came.
 */
export function deliveryErrorText(t: T, reason: string): string {
  const waiting = /^waiting: the (\w+) channel is not connected \((\w+)\)$/.exec(reason);
  if (waiting) return t('import.delivery.waiting', { channel: channelLabel(t, waiting[1]) });
  const mute = /^the (\w+) channel cannot send messages$/.exec(reason);
  if (mute) return t('import.delivery.cannotSend', { channel: channelLabel(t, mute[1]) });
  const expired = /^not delivered within (\d+) h: (.*)$/s.exec(reason);
  if (expired) return t('import.delivery.expired', { hours: expired[1], reason: deliveryErrorText(t, expired[2]) });
  return reason;
}
