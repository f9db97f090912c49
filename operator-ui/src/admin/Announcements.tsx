// What callers hear on the phone (issue #18): every announcement message in Kazakh and Russian, and the hold music
// (one row, no language), with its length and whether the shipped recording or an admin's plays; a player; an upload
// of a replacement WAV (the server checks it and its refusal is shown here in the interface language) and the way
// back to the standard recording.
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

/** The accessible names of one cell's controls. */
interface Labels {
  player: string;
  replace: string;
  reset: string;
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

/** The address of one message in one language, or of the music (no language). */
const addressOf = (e: Pick<Entry, 'lang' | 'message'>) =>
  e.lang === null ? '/api/announcements/music' : `/api/announcements/${e.lang}/${e.message}`;
const keyOf = (e: Pick<Entry, 'lang' | 'message'>) => `${e.lang ?? '-'}/${e.message}`;

/** The upload is a raw audio/wav body (the one route that takes it), so not through api.ts, which sends JSON. */
async function upload(e: Entry, file: File): Promise<Entry> {
  let res: Response;
  try {
    res = await fetch(addressOf(e), {
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

/** One playing file: its length and origin, a player, replace and reset, and what happened last to it. */
function SoundCell(props: {
  e: Entry;
  labels: Labels;
  note: Note | null;
  onPick: (e: Entry, ev: ChangeEvent<HTMLInputElement>) => void;
  onReset: (e: Entry) => void;
}) {
  const { t } = useI18n();
  const { e, labels, note } = props;
  const seconds = (ms: number) =>
    t('announcements.seconds', {
      // A decimal comma in both languages, as in Kazakhstan (browsers without Kazakh number data would print a point).
      s: (ms / 1000).toLocaleString('ru-RU', { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    });
  return (
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
      <audio controls preload="none" aria-label={labels.player} src={`${addressOf(e)}.wav?v=${e.uploadedAt ?? 'default'}`} />
      <span className="action-row">
        <label className="file-button">
          {t('announcements.replace')}
          <input
            className="sr-only"
            type="file"
            accept=".wav,audio/wav"
            aria-label={labels.replace}
            onChange={(ev) => props.onPick(e, ev)}
          />
        </label>
        {e.source === 'upload' && (
          <button type="button" aria-label={labels.reset} onClick={() => props.onReset(e)}>
            {t('announcements.reset')}
          </button>
        )}
      </span>
      {note?.kind === 'error' && (
        <span role="alert" className="error">
          {note.text}
        </span>
      )}
      {note?.kind === 'ok' && <span role="status">{note.text}</span>}
    </div>
  );
}

export function AdminAnnouncements() {
  const { t } = useI18n();
  const [items, setItems] = useState<Entry[] | null>(null);
  const [limits, setLimits] = useState({ maxBytes: 1024 * 1024, musicMaxBytes: 10 * 1024 * 1024 });
  const [note, setNote] = useState<Note | null>(null);
  const { busy, error, run } = useAction();
  // Loaded once: this page's own changes update the rows from the answers.
  useEffect(() => {
    void run(async () => {
      const r = await api.get<{ items: Entry[]; maxBytes: number; musicMaxBytes: number }>('/api/announcements');
      setItems(r.items);
      setLimits({ maxBytes: r.maxBytes, musicMaxBytes: r.musicMaxBytes });
    });
  }, []);

  const replace = (item: Entry) => setItems((list) => list && list.map((e) => (keyOf(e) === keyOf(item) ? item : e)));

  const pick = async (e: Entry, ev: ChangeEvent<HTMLInputElement>) => {
    const input = ev.target;
    const file = input.files?.[0];
    if (!file) return;
    setNote(null);
    try {
      // Said at once for a file the server would refuse unread.
      const [max, code] =
        e.lang === null ? [limits.musicMaxBytes, 'VIC_ANNOUNCEMENT_MUSIC_TOO_LARGE'] : [limits.maxBytes, 'VIC_ANNOUNCEMENT_TOO_LARGE'];
      if (file.size > max) throw new ApiError(413, code, 'too large');
      replace(await upload(e, file));
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
      replace((await api.del<{ item: Entry }>(addressOf(e))).item);
      setNote({ key: keyOf(e), kind: 'ok', text: t('announcements.restored') });
    } catch (err) {
      setNote({ key: keyOf(e), kind: 'error', text: errorText(t, err) });
    }
  };

  const cell = (e: Entry, labels: Labels) => (
    <SoundCell
      e={e}
      labels={labels}
      note={note?.key === keyOf(e) ? note : null}
      onPick={(x, ev) => void pick(x, ev)}
      onReset={(x) => void reset(x)}
    />
  );
  const messages = items ? [...new Set(items.filter((e) => e.lang !== null).map((e) => e.message))] : [];
  const music = items?.find((e) => e.lang === null);
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
                    const names = { name, lang: t(`announcements.langName.${l}`) };
                    return (
                      <td key={l} data-lang={l} data-source={e.source}>
                        {cell(e, {
                          player: t('announcements.player', names),
                          replace: t('announcements.replaceLabel', names),
                          reset: t('announcements.resetLabel', names),
                        })}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
            {music && (
              <tr data-message="music">
                <th scope="row">
                  {t('announcements.msg.music')}
                  <div className="muted">{t('announcements.musicHint')}</div>
                </th>
                {/* No words, so no language: one cell across both columns. */}
                <td colSpan={LANGS.length} data-source={music.source}>
                  {cell(music, {
                    player: t('announcements.musicPlayer'),
                    replace: t('announcements.musicReplaceLabel'),
                    reset: t('announcements.musicResetLabel'),
                  })}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </main>
  );
}
