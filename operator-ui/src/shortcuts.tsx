// Keyboard-first work: one registry of the console's shortcuts (what the `?` dialog lists) and one window
// listener that dispatches them to whichever component registered the key last. Keys are ignored while the
// operator types (inputs, text areas, selects), except Escape and Ctrl combinations, and while a modal dialog
// is open (it owns the keyboard then). The list moves by focusing its rows: Enter then opens a row natively.
import { useEffect, useRef, useState } from 'react';
import { useModalDialog } from './ui.tsx';
import { useI18n, type Key } from './i18n.tsx';

/** Every shortcut the console has, as the help dialog shows them. */
export const SHORTCUTS: { keys: string[]; label: Key }[] = [
  { keys: ['j', '↓'], label: 'keyboard.next' },
  { keys: ['k', '↑'], label: 'keyboard.prev' },
  { keys: ['Enter'], label: 'keyboard.open' },
  { keys: ['/'], label: 'keyboard.search' },
  { keys: ['r'], label: 'keyboard.reply' },
  { keys: ['n'], label: 'keyboard.note' },
  { keys: ['e'], label: 'keyboard.escalate' },
  { keys: ['c'], label: 'keyboard.claim' },
  { keys: ['Ctrl+Enter'], label: 'keyboard.send' },
  { keys: ['Ctrl+Shift+Enter'], label: 'keyboard.sendResolve' },
  { keys: ['/', '#'], label: 'keyboard.canned' },
  { keys: ['Esc'], label: 'keyboard.close' },
  { keys: ['?'], label: 'keyboard.help' },
];

type Handler = (e: KeyboardEvent) => void;
const handlers = new Map<string, Handler[]>();

/** "Ctrl+Shift+Enter", "ArrowDown", "j", "?": Shift is named only for non-character keys (it makes "?" itself). */
function comboOf(e: KeyboardEvent): string {
  const mods = (e.ctrlKey || e.metaKey ? 'Ctrl+' : '') + (e.altKey ? 'Alt+' : '') + (e.shiftKey && e.key.length > 1 ? 'Shift+' : '');
  return mods + e.key;
}

function typing(el: Element | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  return el instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(el.type);
}

function onKeyDown(e: KeyboardEvent) {
  if (e.defaultPrevented || e.isComposing) return;
  const combo = comboOf(e);
  const passesInputs = e.key === 'Escape' || combo.startsWith('Ctrl+');
  if (!passesInputs && (typing(document.activeElement) || document.querySelector('dialog[open]'))) return;
  const list = handlers.get(combo) ?? handlers.get(latinCombo(e));
  list?.[list.length - 1]?.(e);
}

/** The same key on the Latin layout: operators mostly type with the Russian or Kazakh one active, where "j" is "о". */
function latinCombo(e: KeyboardEvent): string {
  if (e.ctrlKey || e.metaKey || e.altKey) return '';
  const letter = /^Key([A-Z])$/.exec(e.code);
  if (letter && !e.shiftKey) return letter[1].toLowerCase();
  return e.code === 'Slash' ? (e.shiftKey ? '?' : '/') : '';
}

/** While the calling component is mounted, `combo` runs `handler` (the latest registration of a key wins). */
export function useShortcut(combo: string, handler: Handler, enabled = true) {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!enabled) return;
    const h: Handler = (e) => latest.current(e);
    if (handlers.size === 0) window.addEventListener('keydown', onKeyDown);
    handlers.set(combo, [...(handlers.get(combo) ?? []), h]);
    return () => {
      const rest = (handlers.get(combo) ?? []).filter((x) => x !== h);
      if (rest.length) handlers.set(combo, rest);
      else handlers.delete(combo);
      if (handlers.size === 0) window.removeEventListener('keydown', onKeyDown);
    };
  }, [combo, enabled]);
}

const rows = () => [...document.querySelectorAll<HTMLAnchorElement>('.list-pane .tickets > li a[href^="/tickets/"]')];

/** The row to start from: the focused one (or the one holding the focused checkbox), else the open ticket's. */
function currentRow(list: HTMLAnchorElement[]): number {
  const active = document.activeElement;
  const i = list.findIndex((a) => a.closest('li')?.contains(active));
  return i >= 0 ? i : list.findIndex((a) => a.getAttribute('aria-current') === 'true');
}

function focusRow(a: HTMLAnchorElement | undefined) {
  if (!a) return false;
  a.focus();
  a.scrollIntoView({ block: 'nearest' });
  return true;
}

function moveInList(delta: number) {
  const list = rows();
  if (list.length === 0) return;
  const i = currentRow(list);
  focusRow(list[i < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.max(0, Math.min(list.length - 1, i + delta))]);
}

/** Clicks a button another component marked with data-shortcut, if it is there now (e.g. "claim" on a ticket not yet mine). */
const press = (name: string) => document.querySelector<HTMLButtonElement>(`.ticket [data-shortcut="${name}"]:not(:disabled)`)?.click();

/** The composer switched to a reply or a note, with the cursor in it. */
function compose(kind: 'reply' | 'note') {
  const radio = document.querySelector<HTMLInputElement>(`.ticket .composer input[name="kind"][value="${kind}"]`);
  if (radio && !radio.checked) radio.click();
  // The radio re-renders the composer (another label): focus once React has committed it.
  requestAnimationFrame(() => document.querySelector<HTMLTextAreaElement>('.ticket .composer textarea')?.focus());
}

/**
 * The console-wide part: the skip link (the first Tab stop: Enter puts the focus on the first ticket, instead of
 * tabbing through the top bar and the queues), the list and search keys, and the `?` dialog.
 */
export function KeyboardLayer() {
  const { t } = useI18n();
  const [help, setHelp] = useState(false);
  const arrowsInList = (delta: number) => (e: KeyboardEvent) => {
    // Arrows elsewhere keep scrolling the page (the conversation, say).
    const active = document.activeElement;
    if (active && active !== document.body && !active.closest('.list-pane')) return;
    e.preventDefault();
    moveInList(delta);
  };
  useShortcut('j', () => moveInList(1));
  useShortcut('k', () => moveInList(-1));
  useShortcut('ArrowDown', arrowsInList(1));
  useShortcut('ArrowUp', arrowsInList(-1));
  useShortcut('/', (e) => {
    const box = document.querySelector<HTMLInputElement>('.list-pane form[role="search"] input');
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
  useShortcut('?', () => setHelp(true));
  return (
    <>
      <a
        className="skip-link"
        href="#list-title"
        onClick={(e) => {
          e.preventDefault();
          const list = rows();
          if (focusRow(list[Math.max(0, currentRow(list))])) return;
          // An empty list: its heading, which says which queue it is.
          const heading = document.querySelector<HTMLElement>('.list-pane h1');
          heading?.setAttribute('tabindex', '-1');
          heading?.focus();
        }}
      >
        {t('keyboard.skip')}
      </a>
      <ShortcutHelp open={help} onClose={() => setHelp(false)} />
    </>
  );
}

/** The ticket's own keys: reply, note, escalate, claim. Mounted by the ticket view. */
export function TicketShortcuts() {
  useShortcut('r', (e) => {
    e.preventDefault();
    compose('reply');
  });
  useShortcut('n', (e) => {
    e.preventDefault();
    compose('note');
  });
  useShortcut('e', () => press('escalate'));
  useShortcut('c', () => press('claim'));
  return null;
}

/** The list of shortcuts: a native modal dialog (focus stays inside, Escape closes). */
function ShortcutHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const ref = useModalDialog(open);
  return (
    <dialog ref={ref} className="shortcut-help" aria-labelledby="shortcut-help-title" onClose={onClose}>
      <h2 id="shortcut-help-title">{t('keyboard.title')}</h2>
      <dl>
        {SHORTCUTS.map((s) => (
          <div key={s.label}>
            <dt>
              {s.keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && ` ${t('keyboard.or')} `}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{t(s.label)}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose} autoFocus>
        {t('close')}
      </button>
    </dialog>
  );
}
