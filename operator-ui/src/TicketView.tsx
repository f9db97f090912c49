// One ticket: the header with actions (TicketHeader.tsx), the conversation (Conversation.tsx), the composer
// (Composer.tsx) and the contact panel. Kept live by the socket: new and updated messages, ticket changes.
import { useEffect, useState } from 'react';
import { api, ApiError, type CourtRow, type MessageRow, type TicketDetail, type TicketRow } from './api.ts';
import { Composer } from './Composer.tsx';
import { ContactPanel } from './ContactPanel.tsx';
import { Conversation } from './Conversation.tsx';
import { errorText, useI18n } from './i18n.tsx';
import { useLive, useServerEvent } from './realtime.tsx';
import { useSession } from './session.tsx';
import { TicketShortcuts } from './shortcuts.tsx';
import { TicketHeader } from './TicketHeader.tsx';
import { useDebounced } from './util.ts';

export { fillCanned } from './canned.ts';

interface Props {
  id: number;
  courts: CourtRow[];
  onClose: () => void;
  /** The ticket left what this user may see (handed back, passed on, moved to another court). */
  onGone: () => void;
}

type Load = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ok'; ticket: TicketDetail };

export function TicketView({ id, courts, onClose, onGone }: Props) {
  const { t } = useI18n();
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
  return (
    <article className="ticket" aria-labelledby="ticket-title">
      <TicketShortcuts />
      <TicketHeader ticket={tk} courts={courts} onClose={onClose} onChanged={changed} onGone={onGone} />
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
