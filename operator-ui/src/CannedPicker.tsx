// Canned answers from the keyboard: typing `/` or `#` at the start of a word in the composer opens the answers
// in the ticket's language, filtered by what follows; arrows move, Enter (or Tab) puts the answer in place of
// the typed word, Escape closes. It listens on the composer's own text area (given by ref), ahead of the
// composer's keys, so Enter picks instead of anything else while the list is open. Each answer is previewed
// filled in for this ticket, exactly as it will be inserted.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { api, type CannedRow, type TicketDetail } from './api.ts';
import { cannedLang, fillCanned } from './canned.ts';
import { useI18n } from './i18n.tsx';

/** The answers, fetched once per page load (admins edit them rarely; a reload brings changes). A failed load is
 * forgotten, so the next `/` asks again instead of offering nothing until a reload. */
let cache: Promise<CannedRow[]> | null = null;
const loadCanned = () =>
  (cache ??= api.get<{ items: CannedRow[] }>('/api/canned').then(
    (r) => r.items,
    (e: unknown) => {
      cache = null;
      throw e;
    },
  ));

/** The word being typed at the cursor when it starts with / or #: where it starts, and the filter after the sign. */
function triggerAt(el: HTMLTextAreaElement): { start: number; query: string } | null {
  const caret = el.selectionStart;
  if (caret !== el.selectionEnd) return null;
  const before = el.value.slice(0, caret);
  const start = Math.max(before.lastIndexOf(' '), before.lastIndexOf('\n'), before.lastIndexOf('\t')) + 1;
  const word = before.slice(start);
  return /^[/#]/.test(word) ? { start, query: word.slice(1).toLocaleLowerCase() } : null;
}

interface Props {
  box: RefObject<HTMLTextAreaElement | null>;
  ticket: TicketDetail;
  /** Inserts the chosen answer, filled in, in place of the text area's selection (set here to the typed word). */
  onPick: (text: string) => void;
}

export function CannedSuggest({ box, ticket, onPick }: Props) {
  const { t } = useI18n();
  /** null until loaded (or after a failed load): the list says it is loading instead of "no answers". */
  const [items, setItems] = useState<CannedRow[] | null>(null);
  const [open, setOpen] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  /** Escape closes the list for this word; typing on in it does not open it again. */
  const dismissed = useRef<number | null>(null);
  const lang = cannedLang(ticket);

  const load = () =>
    loadCanned().then(setItems, () => {
      // Still null: the next opening of the list asks again.
    });
  useEffect(() => void load(), []);

  const shown =
    open && items
      ? items
          .filter((c) => lang === null || c.lang === lang)
          .filter((c) => !open.query || c.title.toLocaleLowerCase().includes(open.query) || c.text.toLocaleLowerCase().includes(open.query))
          .slice(0, 8)
      : [];

  // The listeners read the latest state through a ref: they are attached once.
  const state = useRef({ open, shown, active, onPick, ticket, items, load });
  state.current = { open, shown, active, onPick, ticket, items, load };

  const pick = (c: CannedRow) => {
    const el = box.current;
    const o = state.current.open;
    if (!el || !o) return;
    el.setSelectionRange(o.start, el.selectionStart);
    setOpen(null);
    state.current.onPick(fillCanned(c.text, state.current.ticket));
  };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const look = () => {
      const found = triggerAt(el);
      if (!found || found.start === dismissed.current) {
        if (!found) dismissed.current = null;
        setOpen(null);
        return;
      }
      setOpen((o) => (o && o.start === found.start && o.query === found.query ? o : found));
      setActive(0);
      if (state.current.items === null) void state.current.load();
    };
    const onKey = (e: KeyboardEvent) => {
      const s = state.current;
      if (!s.open) return;
      const stop = () => {
        e.preventDefault();
        e.stopPropagation();
      };
      if (e.key === 'Escape') {
        stop();
        dismissed.current = s.open.start;
        setOpen(null);
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (s.shown.length === 0) return;
        stop();
        const n = s.shown.length;
        setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
      } else if ((e.key === 'Enter' || e.key === 'Tab') && !e.ctrlKey && !e.metaKey && !e.shiftKey && s.shown.length > 0) {
        stop();
        pick(s.shown[Math.min(s.active, s.shown.length - 1)]);
      }
    };
    const onBlur = () => setOpen(null);
    el.addEventListener('input', look);
    el.addEventListener('click', look);
    el.addEventListener('keydown', onKey);
    el.addEventListener('blur', onBlur);
    return () => {
      el.removeEventListener('input', look);
      el.removeEventListener('click', look);
      el.removeEventListener('keydown', onKey);
      el.removeEventListener('blur', onBlur);
    };
  }, [box]);

  // The text area announces the list to screen readers while it is open.
  const listId = `canned-suggest-${ticket.id}`;
  const activeId = shown.length > 0 ? `${listId}-${shown[Math.min(active, shown.length - 1)].id}` : null;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.setAttribute('aria-expanded', String(open !== null));
    if (open) el.setAttribute('aria-controls', listId);
    else el.removeAttribute('aria-controls');
    if (activeId) el.setAttribute('aria-activedescendant', activeId);
    else el.removeAttribute('aria-activedescendant');
  }, [open, activeId]);

  if (!open) return null;
  return (
    <div className="canned-suggest">
      {items === null ? (
        <p className="muted">{t('loading')}</p>
      ) : shown.length === 0 ? (
        <p className="muted">{t('keyboard.cannedNone')}</p>
      ) : (
        <ul role="listbox" id={listId} aria-label={t('keyboard.cannedList')}>
          {shown.map((c, i) => {
            const text = fillCanned(c.text, ticket);
            return (
              <li
                key={c.id}
                id={`${listId}-${c.id}`}
                role="option"
                aria-selected={i === Math.min(active, shown.length - 1)}
                data-canned-lang={c.lang}
                // mousedown, not click: the text area must keep the focus (and its cursor) for the insert.
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(c);
                }}
              >
                <strong>{lang === null ? `${c.lang.toUpperCase()} · ${c.title}` : c.title}</strong>
                <span className="muted">{text.length > 90 ? `${text.slice(0, 90)}…` : text}</span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
