// What the admin screens that edit a short list (canned answers, topics) share: the list, loaded once and replaced
// by each write's answer (the server answers every write with the whole list), the row being edited, and the form
// shell that saves a draft, then empties itself when it added a new entry.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useAction } from '../util.ts';

export function useListEditor<T>(url: string) {
  const [items, setItems] = useState<T[] | null>(null);
  const { error, run } = useAction();
  const [editing, setEditing] = useState<number | null>(null);
  useEffect(() => {
    void run(async () => setItems((await api.get<{ items: T[] }>(url)).items));
  }, [url]);
  const write = (fn: () => Promise<{ items: T[] }>) =>
    run(async () => {
      setItems((await fn()).items);
      setEditing(null);
    });
  return { items, error, editing, setEditing, write };
}

interface FormProps<D> {
  label: string;
  initial: D;
  /** The draft as sent (trimmed); true when saved. */
  onSave: (d: D) => Promise<boolean>;
  /** Editing an entry: offers Cancel, and the button says Save instead of `addLabel`. */
  onCancel?: () => void;
  addLabel: string;
  /** Trims what the user typed before it is sent. */
  clean: (d: D) => D;
  children: (d: D, set: (d: D) => void) => ReactNode;
}

export function DraftForm<D>({ label, initial, onSave, onCancel, addLabel, clean, children }: FormProps<D>) {
  const { t } = useI18n();
  const [d, setD] = useState(initial);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const ok = await onSave(clean(d));
    setBusy(false);
    if (ok && !onCancel) setD(initial);
  };
  return (
    <form className="form-grid" onSubmit={(e) => void submit(e)} aria-label={label}>
      {children(d, setD)}
      <div className="row-actions">
        <button type="submit" className="primary" disabled={busy}>
          {onCancel ? t('action.save') : addLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('action.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
