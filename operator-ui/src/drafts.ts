// The composer's draft, kept on the server per user and ticket (PUT /api/tickets/:id/draft), so it survives
// switching tickets, a reload and another device. Saved a second after typing stops, and at once when the
// composer goes away (another ticket opened) so nothing typed in that second is lost. Sending deletes it on the
// server; `sending()`, called before the message is posted, keeps a save still pending from bringing it back.
import { useEffect, useRef } from 'react';
import { api } from './api.ts';

export type DraftKind = 'reply' | 'note';
export interface Draft {
  kind: DraftKind;
  text: string;
}

const SAVE_AFTER_MS = 1000;

const same = (a: Draft, b: Draft) => a.text === b.text && (a.text === '' || a.kind === b.kind);

export function useDraft(ticketId: number, value: Draft, restore: (d: Draft) => void): { sending(): void } {
  const current = useRef(value);
  current.current = value;
  const restoreRef = useRef(restore);
  restoreRef.current = restore;
  // What the server holds (as far as this composer knows); null until loaded, and nothing is saved before then.
  const saved = useRef<Draft | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const save = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const d = current.current;
    if (saved.current === null || same(d, saved.current)) return;
    saved.current = d;
    void api.put(`/api/tickets/${ticketId}/draft`, { kind: d.kind, text: d.text }).catch(() => {
      // Not saved: try again with the next keystroke.
      saved.current = null;
    });
  };
  const saveRef = useRef(save);
  saveRef.current = save;

  useEffect(() => {
    let live = true;
    api.get<{ draft: Draft | null }>(`/api/tickets/${ticketId}/draft`).then(
      ({ draft }) => {
        if (!live) return;
        saved.current = draft ?? { kind: 'reply', text: '' };
        // What was typed while it loaded wins.
        if (draft && current.current.text === '') restoreRef.current(draft);
      },
      () => {
        if (live) saved.current = { kind: 'reply', text: '' };
      },
    );
    return () => {
      live = false;
      saveRef.current();
    };
  }, [ticketId]);

  useEffect(() => {
    if (saved.current === null || same(value, saved.current)) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => saveRef.current(), SAVE_AFTER_MS);
  }, [value.kind, value.text]);

  return {
    sending() {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      saved.current = { kind: current.current.kind, text: '' };
    },
  };
}
