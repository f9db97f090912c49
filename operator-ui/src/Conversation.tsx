// The conversation of one ticket across channels in time order: messages, their attachments and delivery.
// Citizen text is only ever rendered as React text children (escaped); e-mail HTML is never rendered.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api, type AttachmentRow, type MessageRow, type TicketDetail } from './api.ts';
import { deliveryErrorText } from './errors-text.ts';
import { courtTime, fileSize } from './format.ts';
import { useI18n, type Key } from './i18n.tsx';
import { ChannelIcon } from './ui.tsx';
import { useAction } from './util.ts';
import { callLineText, type CallDetail } from './calls/call-line.ts';

export function Conversation({ ticket }: { ticket: TicketDetail }) {
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
        <MessageItem key={m.id} m={m} contactName={ticket.contactName} attachments={byMessage.get(m.id) ?? []} calls={ticket.calls} />
      ))}
    </ol>
  );
}

function MessageItem({
  m,
  contactName,
  attachments,
  calls,
}: {
  m: MessageRow;
  contactName: string | null;
  attachments: AttachmentRow[];
  calls: CallDetail[];
}) {
  const { t } = useI18n();
  // A phone call's entry: its readable line, worded from the call (calls/call-line.ts).
  const callLine = callLineText(t, m, calls);
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
        <span className="kind">{m.auto === 'call' ? t('calls.line.kind') : t(`dir.${kind}` as Key)}</span>
        <span className="author">{author}</span>
        <time>{courtTime(m.createdAt)}</time>
        {m.direction === 'out' && <Delivery m={m} />}
      </div>
      {m.subject && <p className="subject">{m.subject}</p>}
      {callLine ? (
        <div className="text call-line">{callLine}</div>
      ) : m.text ? (
        <div className="text">{m.text}</div>
      ) : m.html ? (
        <p className="muted">{t('msg.htmlOnly')}</p>
      ) : null}
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
