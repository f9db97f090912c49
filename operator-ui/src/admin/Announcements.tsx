// What callers hear on the phone (issue #18): every announcement message in Kazakh and Russian, with its length and
// whether the shipped recording or an admin's plays; a player; an upload of a replacement WAV (the server checks it
// and its refusal is shown here in the interface language) and the way back to the standard recording.
import { useEffect, useState, type ChangeEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { errorText } from '../errors-text.ts';
import { courtTime } from '../format.ts';
import { isKey, useI18n, type T } from '../i18n.tsx';
import { ErrorLine } from '../ui.tsx';
import { useAction } from '../util.ts';
import './announcements.css';
import type { AnnouncementEntry as Entry } from '../../../src/announcement-uploads.ts';

type Lang = 'kk' | 'ru';
const LANGS: readonly Lang[] = ['kk', 'ru'];

/** What happened last in one cell: shown beside its controls, not at the top of a long table. */
interface Note {
  key: string;
  kind: 'ok' | 'error';
  text: string;
}

/** The message's name in the interface language: numbers, days and hours are one label with the value. */
function messageName(t: T, message: string): string {
  const number = /^number-(\d)$/.exec(message);
  if (number) return t('announcements.msg.number', { n: number[1] });
  const time = /^time-(\d\d)$/.exec(message);
  if (time) return t('announcements.msg.time', { time: `${time[1]}:00` });
  const key = `announcements.msg.${message}`;
  return isKey(key) ? t(key) : message;
}

/** The upload is a raw audio/wav body (the one route that takes it), so not through api.ts, which sends JSON. */
async function upload(lang: Lang, message: string, file: File): Promise<Entry> {
  let res: Response;
  try {
    res = await fetch(`/api/announcements/${lang}/${message}`, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'content-type': 'audio/wav' },
      body: file,
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network');
  }
  const json = (await res.json().catch(() => null)) as { item?: Entry; error?: { code: string; message: string } } | null;
  if (res.ok && json?.item) return json.item;
  throw new ApiError(res.status, json?.error?.code ?? `HTTP_${res.status}`, json?.error?.message ?? res.statusText);
}

export function AdminAnnouncements() {
  const { t } = useI18n();
  const [items, setItems] = useState<Entry[] | null>(null);
  const [maxBytes, setMaxBytes] = useState(1024 * 1024);
  const [note, setNote] = useState<Note | null>(null);
  const { busy, error, run } = useAction();
  // Loaded once: this page's own changes update the rows from the answers.
  useEffect(() => {
    void run(async () => {
      const r = await api.get<{ items: Entry[]; maxBytes: number }>('/api/announcements');
      setItems(r.items);
      setMaxBytes(r.maxBytes);
    });
  }, []);

  const replace = (item: Entry) =>
    setItems((list) => list && list.map((e) => (e.lang === item.lang && e.message === item.message ? item : e)));
  const keyOf = (e: Pick<Entry, 'lang' | 'message'>) => `${e.lang}/${e.message}`;

  const pick = async (e: Entry, ev: ChangeEvent<HTMLInputElement>) => {
    const input = ev.target;
    const file = input.files?.[0];
    if (!file) return;
    setNote(null);
    try {
      // Said at once for a file the server would refuse unread.
      if (file.size > maxBytes) throw new ApiError(413, 'VIC_ANNOUNCEMENT_TOO_LARGE', 'too large');
      replace(await upload(e.lang, e.message, file));
      setNote({ key: keyOf(e), kind: 'ok', text: t('announcements.saved') });
    } catch (err) {
      setNote({ key: keyOf(e), kind: 'error', text: t('announcements.refused', { file: file.name, reason: errorText(t, err) }) });
    } finally {
      // The same file picked again (after converting it) must fire a change again.
      input.value = '';
    }
  };

  const reset = async (e: Entry) => {
    setNote(null);
    try {
      replace((await api.del<{ item: Entry }>(`/api/announcements/${e.lang}/${e.message}`)).item);
      setNote({ key: keyOf(e), kind: 'ok', text: t('announcements.restored') });
    } catch (err) {
      setNote({ key: keyOf(e), kind: 'error', text: errorText(t, err) });
    }
  };

  const seconds = (ms: number) =>
    t('announcements.seconds', {
      // A decimal comma in both languages, as in Kazakhstan (browsers without Kazakh number data would print a point).
      s: (ms / 1000).toLocaleString('ru-RU', { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    });

  const messages = items ? [...new Set(items.map((e) => e.message))] : [];
  return (
    <main className="admin announcements" aria-labelledby="announcements-title" aria-busy={busy}>
      <h1 id="announcements-title">{t('admin.announcements')}</h1>
      <p className="muted">{t('announcements.hint')}</p>
      <ErrorLine error={error} />
      {items && (
        <table aria-labelledby="announcements-title">
          <thead>
            <tr>
              <th>{t('announcements.message')}</th>
              {LANGS.map((l) => (
                <th key={l}>{t(`announcements.col.${l}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {messages.map((message) => {
              const name = messageName(t, message);
              return (
                <tr key={message} data-message={message}>
                  <th scope="row">{name}</th>
                  {LANGS.map((l) => {
                    const e = items.find((x) => x.lang === l && x.message === message);
                    if (!e) return <td key={l} />;
                    const labels = { name, lang: t(`announcements.langName.${l}`) };
                    const cellNote = note?.key === keyOf(e) ? note : null;
                    return (
                      <td key={l} data-lang={l} data-source={e.source}>
                        <div className="announcement-cell">
                          <span>
                            {e.durationMs === null ? (
                              <span className="error">{t('announcements.broken')}</span>
                            ) : (
                              <span data-duration-ms={e.durationMs}>{seconds(e.durationMs)}</span>
                            )}
                            {' · '}
                            {e.source === 'upload'
                              ? t('announcements.uploaded', { name: e.uploadedBy?.name ?? '—', time: courtTime(e.uploadedAt) })
                              : t('announcements.default')}
                          </span>
                          {/* Loaded when played, not 90 files at once; the address changes with each upload. */}
                          <audio
                            controls
                            preload="none"
                            aria-label={t('announcements.player', labels)}
                            src={`/api/announcements/${l}/${message}.wav?v=${e.uploadedAt ?? 'default'}`}
                          />
                          <span className="action-row">
                            <label className="file-button">
                              {t('announcements.replace')}
                              <input
                                className="sr-only"
                                type="file"
                                accept=".wav,audio/wav"
                                aria-label={t('announcements.replaceLabel', labels)}
                                onChange={(ev) => void pick(e, ev)}
                              />
                            </label>
                            {e.source === 'upload' && (
                              <button type="button" aria-label={t('announcements.resetLabel', labels)} onClick={() => void reset(e)}>
                                {t('announcements.reset')}
                              </button>
                            )}
                          </span>
                          {cellNote?.kind === 'error' && (
                            <span role="alert" className="error">
                              {cellNote.text}
                            </span>
                          )}
                          {cellNote?.kind === 'ok' && <span role="status">{cellNote.text}</span>}
                        </div>
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </main>
  );
}
