// One ticket: header with actions, the conversation across channels in time order, the composer,
// and the contact panel. Kept live by the socket: new and updated messages, ticket changes.
// Citizen text is only ever rendered as React text children (escaped); e-mail HTML is never rendered.
import { useEffect, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import {
  api,
  ApiError,
  type AttachmentRow,
  type CannedRow,
  type CourtRow,
  type MessageRow,
  type TicketDetail,
  type TicketRow,
} from './api.ts';
import { EscalationControls, EscalationQuestion } from './escalation.tsx';
import { deliveryErrorText } from './errors-text.ts';
import { courtTime, fileSize } from './format.ts';
import { errorText, useI18n, type Key } from './i18n.tsx';
import { useLive, useServerEvent } from './realtime.tsx';
import { useSession } from './session.tsx';
import { ScopeExplanation, showsScopeExplanation } from './ScopeExplanation.tsx';
import { ScopeVerdict } from './ScopeVerdict.tsx';
import { ContactPanel } from './ContactPanel.tsx';
import { TicketActions } from './TicketActions.tsx';
import { CannedSuggest } from './CannedPicker.tsx';
import { TicketShortcuts } from './shortcuts.tsx';
import { ChannelIcon, courtName, ErrorLine, StatusBadge } from './ui.tsx';
import { useAction, useDebounced } from './util.ts';
import { useDraft } from './drafts.ts';
import { NotAssigneeOffer, PresenceBar, useTyping } from './presence.tsx';

interface Props {
  id: number;
  courts: CourtRow[];
  onClose: () => void;
  /** The ticket left what this user may see (handed back, passed on, moved to another court). */
  onGone: () => void;
}

type Load = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ok'; ticket: TicketDetail };

export function TicketView({ id, courts, onClose, onGone }: Props) {
  const { t, lang } = useI18n();
  const { epoch, state: link } = useLive();
  const [state, setState] = useState<Load>({ kind: 'loading' });

  const load = async () => {
    try {
      const ticket = await api.get<TicketDetail>(`/api/tickets/${id}`);
      setState({ kind: 'ok', ticket });
    } catch (e) {
      const code = e instanceof ApiError ? e.code : '';
      const message =
        code === 'VIC_FORBIDDEN_COURT' || code === 'VIC_FORBIDDEN'
          ? t('ticket.forbidden')
          : code === 'VIC_TICKET_NOT_FOUND'
            ? t('ticket.notFound')
            : errorText(t, e);
      setState({ kind: 'error', message });
    }
  };
  // Opened before the first connect (a reload on a ticket's address), it waits for that connect, or for it to
  // fail: loading now and again at the connect's epoch read the ticket twice (two `ticket.read` audit rows).
  const firstConnect = epoch === 0 && link === 'connecting';
  useEffect(() => {
    if (!firstConnect) void load();
  }, [id, epoch, firstConnect]);

  const patch = (fn: (t: TicketDetail) => TicketDetail) => setState((s) => (s.kind === 'ok' ? { kind: 'ok', ticket: fn(s.ticket) } : s));
  const upsertMessage = (m: MessageRow) =>
    patch((tk) => {
      const i = tk.messages.findIndex((x) => x.id === m.id);
      const messages = i < 0 ? [...tk.messages, m] : tk.messages.map((x) => (x.id === m.id ? m : x));
      return { ...tk, messages };
    });
  const mergeTicket = (row: TicketRow) => patch((tk) => ({ ...tk, ...row }));
  const current = state.kind === 'ok' ? state.ticket : null;

  // An inbound message may bring attachments or a call entry, which the event does not carry.
  const reloadSoon = useDebounced(load, 300);
  const { user } = useSession();
  useServerEvent('message.created', ({ ticketId, message }) => {
    if (ticketId !== id) return;
    upsertMessage(message);
    // Someone else's answer may have answered the escalation (whose times the event does not carry).
    if (message.direction === 'in' || (message.authorId !== null && message.authorId !== user.id)) reloadSoon();
  });
  useServerEvent('message.updated', ({ ticketId, message }) => {
    if (ticketId === id) upsertMessage(message);
  });
  useServerEvent('ticket.updated', ({ ticket }) => {
    if (ticket.id !== id) return;
    mergeTicket(ticket);
    // Escalated, passed on or handed back: the event does not carry the escalations.
    // Overruled or marked as an appeal: the operator's decision (who, why) comes with the ticket only.
    if (current && (ticket.specialistId !== current.specialistId || ticket.scopeVerdict !== current.scopeVerdict)) reloadSoon();
  });
  useServerEvent('escalation.alert', ({ ticket }) => {
    if (ticket.id === id) reloadSoon();
  });
  useServerEvent('escalation.picked_up', ({ ticketId }) => {
    if (ticketId === id) reloadSoon();
  });
  // Moved out of this user's sight: loading it again shows why instead of a stale ticket.
  useServerEvent('ticket.left', ({ ticketId }) => {
    if (ticketId === id) reloadSoon();
  });
  // An action of this view: merge at once, then load the escalation timeline it changed.
  const changed = (row: TicketRow) => {
    mergeTicket(row);
    reloadSoon();
  };

  if (state.kind === 'loading') return <p className="muted">{t('loading')}</p>;
  if (state.kind === 'error')
    return (
      <div className="ticket-error">
        <p role="alert" className="error">
          {state.message}
        </p>
        <button type="button" onClick={onClose}>
          {t('close')}
        </button>
      </div>
    );

  const tk = state.ticket;
  const court = courts.find((c) => c.id === tk.courtId);
  const holderTitle = tk.escalations.find((e) => e.status === 'open' && e.toUserId === tk.specialistId)?.toTitle;
  return (
    <article className="ticket" aria-labelledby="ticket-title">
      <TicketShortcuts />
      <header className="ticket-head">
        <button type="button" className="back" onClick={onClose} aria-label={t('close')}>
          ←
        </button>
        <div className="title-row">
          <h2 id="ticket-title">
            <ChannelIcon channel={tk.channel} /> {tk.ref} · {tk.contactName ?? t('contact.noName')}
          </h2>
          <StatusBadge status={tk.status} />
        </div>
        <PresenceBar ticketId={tk.id} />
        <dl className="facts">
          <Fact label={t('ticket.court')}>{court ? courtName(court, lang) : tk.courtCode}</Fact>
          <Fact label={t('ticket.assignee')}>{tk.assigneeName ?? t('list.unassigned')}</Fact>
          {tk.specialistName && (
            <Fact label={t('ticket.specialist')}>
              {tk.specialistName}
              {holderTitle && ` (${holderTitle})`}
            </Fact>
          )}
          {tk.caseNumber && <Fact label={t('ticket.caseNumber')}>{tk.caseNumber}</Fact>}
          <Fact label={t('ticket.created')}>{courtTime(tk.createdAt)}</Fact>
          {tk.firstResponseAt === null && tk.firstResponseDueAt !== null && (
            <Fact label={t('ticket.due')} late={tk.slaBreachedAt !== null}>
              {courtTime(tk.firstResponseDueAt)}
            </Fact>
          )}
          {tk.scopeVerdict && (
            <Fact label={t('ticket.scope')}>
              <ScopeVerdict ticket={tk} />
            </Fact>
          )}
        </dl>
        <EscalationQuestion ticket={tk} />
        {tk.scopeFlagged && <p className="flag">{t('ticket.scopeFlagged')}</p>}
        {showsScopeExplanation(tk) && <ScopeExplanation explanation={tk.scopeExplanation} score={tk.scopeScore} />}
        {tk.subject && <p className="subject">{tk.subject}</p>}
        <TicketActions ticket={tk} courts={courts} onChanged={changed} onGone={onGone} />
        <EscalationControls ticket={tk} onChanged={changed} onGone={onGone} />
      </header>
      <div className="ticket-body">
        <div className="conversation-col">
          <Conversation ticket={tk} />
          <Composer ticket={tk} onPosted={upsertMessage} />
        </div>
        <ContactPanel ticket={tk} onChanged={() => void load()} />
      </div>
    </article>
  );
}

function Fact({ label, late, children }: { label: string; late?: boolean; children: ReactNode }) {
  return (
    <div className={late ? 'late' : undefined}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Conversation({ ticket }: { ticket: TicketDetail }) {
  const { t } = useI18n();
  const list = useRef<HTMLOListElement>(null);
  const messages = [...ticket.messages].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  const byMessage = new Map<number, AttachmentRow[]>();
  for (const a of ticket.attachments) byMessage.set(a.messageId, [...(byMessage.get(a.messageId) ?? []), a]);
  // Keep the newest message in view while the operator is at the bottom, also when the pane above resizes;
  // someone scrolled up to read history is left where they are.
  const pinned = useRef(true);
  const toBottom = () => {
    if (list.current && pinned.current) list.current.scrollTop = list.current.scrollHeight;
  };
  useLayoutEffect(toBottom, [ticket.messages]);
  useEffect(() => {
    const observer = new ResizeObserver(toBottom);
    const el = list.current;
    if (!el) return;
    observer.observe(el);
    // A thumbnail that finishes loading makes the conversation taller, not the list's own box.
    el.addEventListener('load', toBottom, true);
    return () => {
      observer.disconnect();
      el.removeEventListener('load', toBottom, true);
    };
  }, []);
  const onScroll = () => {
    const el = list.current!;
    pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 32;
  };

  return (
    <ol className="conversation" aria-label={t('ticket.conversation')} ref={list} onScroll={onScroll}>
      {messages.map((m) => (
        <MessageItem key={m.id} m={m} contactName={ticket.contactName} attachments={byMessage.get(m.id) ?? []} />
      ))}
    </ol>
  );
}

function MessageItem({ m, contactName, attachments }: { m: MessageRow; contactName: string | null; attachments: AttachmentRow[] }) {
  const { t } = useI18n();
  // Escalation steps are notes by the person who took them; the citizen's notice is an automatic reply.
  const kind = m.auto === 'escalation' && m.direction === 'note' ? 'escalation' : m.auto ? 'auto' : m.direction;
  const author =
    m.direction === 'in'
      ? (contactName ?? t('author.citizen'))
      : m.auto && kind !== 'escalation'
        ? t('author.system')
        : (m.authorName ?? t('author.system'));
  return (
    <li className={`msg msg-${kind}`} data-message-id={m.id}>
      <div className="msg-head">
        <ChannelIcon channel={m.channel} />
        <span className="kind">{t(`dir.${kind}` as Key)}</span>
        <span className="author">{author}</span>
        <time>{courtTime(m.createdAt)}</time>
        {m.direction === 'out' && <Delivery m={m} />}
      </div>
      {m.subject && <p className="subject">{m.subject}</p>}
      {m.text ? <div className="text">{m.text}</div> : m.html ? <p className="muted">{t('msg.htmlOnly')}</p> : null}
      {m.scopeFlag && <p className="flag">{t('msg.scopeFlag')}</p>}
      {attachments.length > 0 && (
        <ul className="attachments">
          {attachments.map((a) => (
            <li key={a.id}>
              {a.droppedReason ? (
                <span className="dropped">
                  {a.filename} — {t('att.dropped', { reason: a.droppedReason })}
                </span>
              ) : (
                <Attachment a={a} />
              )}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

// Declared types only decide whether to ask for a preview: the server sniffs the bytes and refuses anything that
// is not really one of these, and then the file is offered as a download only.
const PREVIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

function Attachment({ a }: { a: AttachmentRow }) {
  const { t } = useI18n();
  const [preview, setPreview] = useState(() => PREVIEWABLE.has(a.contentType.toLowerCase()));
  const url = `/api/attachments/${a.id}`;
  return (
    <>
      {preview && (
        <a
          className="thumb"
          href={`${url}?inline=1`}
          target="_blank"
          rel="noopener noreferrer"
          aria-label={t('att.preview', { name: a.filename })}
        >
          <img src={`${url}?inline=1`} alt="" loading="lazy" onError={() => setPreview(false)} />
        </a>
      )}
      <a href={url} download={a.filename}>
        {a.filename} ({fileSize(a.size)})
      </a>
    </>
  );
}

function Delivery({ m }: { m: MessageRow }) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  if (!m.deliveryStatus) return null;
  const retry = () => run(() => api.post(`/api/messages/${m.id}/retry`));
  return (
    <span className="delivery">
      <span className={`badge delivery-${m.deliveryStatus}`} data-delivery={m.deliveryStatus}>
        {t(`delivery.${m.deliveryStatus}`)}
      </span>
      {m.deliveryError && (
        <span className="muted">
          {m.deliveryStatus === 'failed'
            ? deliveryErrorText(t, m.deliveryError)
            : t('delivery.lastError', { reason: deliveryErrorText(t, m.deliveryError) })}
        </span>
      )}
      {m.deliveryStatus === 'failed' && (
        <button type="button" onClick={() => void retry()} disabled={busy}>
          {t('delivery.retry')}
        </button>
      )}
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </span>
  );
}

/** The ticket's language for canned answers: kk or ru, or null when unknown or mixed (then both are offered). */
function cannedLang(ticket: TicketDetail): 'kk' | 'ru' | null {
  const l = ticket.language ?? ticket.contact.language;
  return l === 'kk' || l === 'ru' ? l : null;
}

/** A canned answer with {ref} and {name} filled in; without a name, "Здравствуйте, {name}!" reads "Здравствуйте!". */
export function fillCanned(text: string, ticket: Pick<TicketDetail, 'ref' | 'contactName'>): string {
  const name = ticket.contactName?.trim() ?? '';
  let out = text.replaceAll('{ref}', ticket.ref);
  out = name ? out.replaceAll('{name}', name) : out.replace(/[ \t]*,?[ \t]*\{name\}/g, '');
  return out;
}

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

function Composer({ ticket, onPosted }: { ticket: TicketDetail; onPosted: (m: MessageRow) => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [kind, setKind] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  // Kept on the server while typed; restored here, on another device, after a reload (drafts.ts).
  const draft = useDraft(ticket.id, { kind, text }, (d) => {
    setKind(d.kind);
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
  const channelName = ['whatsapp', 'email', 'sip', 'web'].includes(ticket.channel) ? t(`channel.${ticket.channel}` as Key) : ticket.channel;

  return (
    <form className={`composer composer-${kind}`} onSubmit={(e) => void send(e)}>
      <fieldset className="kind-switch">
        <legend className="sr-only">{t('composer.kind')}</legend>
        {(['reply', 'note'] as const).map((k) => (
          <label key={k}>
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
            {t(`composer.${k}`)}
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
      <CannedSuggest box={box} ticket={ticket} onPick={(c) => insert(fillCanned(c.text, ticket))} />
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
