// Words for the codes the server stores (channel names, the channel's account fields, language codes, court codes):
// the console shows these, never the raw code. An unknown code is shown as it is rather than hidden.
import { createContext, useCallback, useContext } from 'react';
import type { CourtRow } from './api.ts';
import { useI18n, type Key, type Lang, type T } from './i18n.tsx';
import { courtName } from './ui.tsx';

const CHANNELS = new Set(['whatsapp', 'email', 'sip', 'web']);
/** Fields of a channel's health details (src/channels.ts ChannelHealth.details) with a label of their own. */
const ACCOUNT_FIELDS = new Set(['mailbox', 'drachtio', 'sip', 'liveCalls', 'waState', 'lastProblem', 'nextRetryAt']);

export function channelLabel(t: T, channel: string): string {
  return CHANNELS.has(channel) ? t(`channel.${channel}` as Key) : channel;
}

/** A field of a channel's account (e.g. "mailbox": the e-mail address the channel reads). */
export function accountLabel(t: T, field: string): string {
  return ACCOUNT_FIELDS.has(field) ? t(`import.account.${field}` as Key) : field;
}

export function languageLabel(t: T, code: string | null | undefined): string {
  if (!code) return t('import.lang.unknown');
  if (code === 'ru' || code === 'kk') return t(`lang.${code}`);
  return code === 'mixed' ? t('import.lang.mixed') : code;
}

/** A court by id or code, named in the interface language; the code only while the courts are not loaded. */
export function courtLabel(lang: Lang, courts: readonly CourtRow[], idOrCode: number | string | null | undefined): string {
  if (idOrCode === null || idOrCode === undefined) return '';
  const c = courts.find((x) => (typeof idOrCode === 'number' ? x.id === idOrCode : x.code === idOrCode));
  return c ? courtName(c, lang) : String(idOrCode);
}

/** The courts the console loaded once, for rows and panels deep in the tree that only hold a court's id or code. */
export const CourtsContext = createContext<readonly CourtRow[]>([]);

export function useCourtLabel(): (idOrCode: number | string | null | undefined) => string {
  const { lang } = useI18n();
  const courts = useContext(CourtsContext);
  return useCallback((idOrCode) => courtLabel(lang, courts, idOrCode), [lang, courts]);
}
