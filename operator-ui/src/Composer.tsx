// The composer: a reply to the citizen or an internal note, with canned answers (the `/` list and the select),
// the draft kept on the server, typing presence, and the take-over offer when someone else holds the ticket.
import { useEffect, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, ApiError, type CannedRow, type MessageRow, type TicketDetail } from './api.ts';
import { cannedLang, fillCanned } from './canned.ts';
import { CannedSuggest } from './CannedPicker.tsx';
import { useDraft } from './drafts.ts';
import { errorText, useI18n, type Key } from './i18n.tsx';
import { NotAssigneeOffer, useTyping } from './presence.tsx';
import { useSession } from './session.tsx';
import { ErrorLine } from './ui.tsx';
import { PhoneReply } from './calls/PhoneReply.tsx';
import { replyReach } from './calls/reply-via.ts';

/** Every answer in the ticket's language in a select, for those who pick with the mouse. */
function CannedPicker({ ticket, onPick }: { ticket: TicketDetail; onPick: (text: string) => void }) {
  const { t } = useI18n();
  const [items, setItems] = useState<CannedRow[]>([]);
  useEffect(() => {
    api.get<{ items: CannedRow[] }>('/api/canned').then(
      (r) => setItems(r.items),
      () => setItems([]),
    );
  }, []);
  const lang = cannedLang(ticket);
  const shown = items.filter((c) => lang === null || c.lang === lang);
  if (shown.length === 0) return null;
  return (
    <label className="canned">
      <span className="sr-only">{t('canned.pick')}</span>
      <select
        value=""
        aria-label={t('canned.pick')}
        onChange={(e) => {
          const c = shown.find((x) => String(x.id) === e.target.value);
          if (c) onPick(fillCanned(c.text, ticket));
        }}
      >
        <option value="">{t('canned.choose')}</option>
        {shown.map((c) => (
          <option key={c.id} value={c.id}>
            {lang === null ? `${c.lang.toUpperCase()} · ${c.title}` : c.title}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Composer({ ticket, onPosted }: { ticket: TicketDetail; onPosted: (m: MessageRow) => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  // A phone ticket: no plain text reply, a WhatsApp message to the number when that channel is there (calls/).
  const reach = replyReach(ticket);
  const canReply = reach.text || reach.whatsapp;
  const [kind, setKind] = useState<'reply' | 'note'>(canReply ? 'reply' : 'note');
  const [text, setText] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  // Kept on the server while typed; restored here, on another device, after a reload (drafts.ts).
  const draft = useDraft(ticket.id, { kind, text }, (d) => {
    setKind(canReply ? d.kind : 'note');
    setText(d.text);
  });
  /** A canned answer goes where the cursor is (or replaces the selection), and the cursor lands after it. */
  const insert = (snippet: string) => {
    const el = box.current;
    const start = el ? el.selectionStart : text.length;
    const end = el ? el.selectionEnd : text.length;
    const next = text.slice(0, start) + snippet + text.slice(end);
    caret.current = start + snippet.length;
    setText(next);
  };
  // The cursor is placed in the same commit that sets the text: a later frame would move it under keys typed
  // meanwhile, and what the user types next would land in the middle.
  const caret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = box.current;
    if (caret.current === null || !el) return;
    el.focus();
    el.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  }, [text]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const typing = useTyping(ticket.id);
  // The API refused the reply as someone else holds the ticket: offered to take it over and send (presence.tsx).
  const [held, setHeld] = useState<{ andResolve: boolean } | null>(null);

  // Reply and resolve (Ctrl+Shift+Enter): staff only, as resolving is.
  const canResolve = kind === 'reply' && user.role !== 'specialist';
  const send = async (e?: FormEvent, andResolve = false, takeOver = false) => {
    e?.preventDefault();
    if (!text.trim() || busy) return;
    setBusy(true);
    setError(null);
    draft.sending();
    try {
      const r = await api.post<{ message: MessageRow }>(`/api/tickets/${ticket.id}/messages`, {
        kind,
        text,
        ...(takeOver ? { takeOver } : {}),
        ...(kind === 'reply' && reach.whatsapp ? { via: 'whatsapp' } : {}),
      });
      onPosted(r.message);
      setText('');
      typing.stop();
      setHeld(null);
      if (andResolve) await api.post(`/api/tickets/${ticket.id}/resolve`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VIC_NOT_ASSIGNEE') setHeld({ andResolve });
      else setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send(undefined, e.shiftKey && canResolve);
    }
  };
  const channelName = reach.whatsapp
    ? t('channel.whatsapp')
    : ['whatsapp', 'email', 'sip', 'web'].includes(ticket.channel)
      ? t(`channel.${ticket.channel}` as Key)
      : ticket.channel;

  return (
    <form className={`composer composer-${kind}`} onSubmit={(e) => void send(e)}>
      {reach.phoneOnly && <PhoneReply ticketId={ticket.id} callBack={reach.callBack} whatsapp={reach.whatsapp} />}
      <fieldset className="kind-switch">
        <legend className="sr-only">{t('composer.kind')}</legend>
        {(canReply ? (['reply', 'note'] as const) : (['note'] as const)).map((k) => (
          <label key={k}>
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
            {k === 'reply' && reach.whatsapp ? t('calls.composer.whatsapp') : t(`composer.${k}`)}
          </label>
        ))}
      </fieldset>
      <label className="composer-text">
        <span className="sr-only">{t(kind === 'reply' ? 'composer.textReply' : 'composer.textNote')}</span>
        <textarea
          ref={box}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            typing.keystroke();
          }}
          onKeyDown={onKey}
          rows={4}
          maxLength={10_000}
          placeholder={t(kind === 'reply' ? 'composer.textReply' : 'composer.textNote')}
        />
      </label>
      <CannedSuggest box={box} ticket={ticket} onPick={insert} />
      <div className="composer-foot">
        <span className="muted hints">
          <span>{kind === 'reply' ? t('composer.hintReply', { channel: channelName }) : t('composer.hintNote')}</span>
          {kind === 'reply' && user.role === 'specialist' && user.title && <span>{t('composer.signed', { title: user.title })}</span>}
        </span>
        <CannedPicker ticket={ticket} onPick={insert} />
        <button type="submit" className="primary" disabled={busy || !text.trim()}>
          {t(kind === 'reply' ? 'composer.send' : 'composer.saveNote')}
        </button>
        {canResolve && (
          <button type="button" disabled={busy || !text.trim()} onClick={() => void send(undefined, true)} title="Ctrl+Shift+Enter">
            {t('keyboard.replyResolve')}
          </button>
        )}
      </div>
      <ErrorLine error={error} />
      {held && (
        <NotAssigneeOffer
          holder={ticket.assigneeName}
          busy={busy}
          onTakeOver={() => void send(undefined, held.andResolve, true)}
          onCancel={() => setHeld(null)}
        />
      )}
    </form>
  );
}
