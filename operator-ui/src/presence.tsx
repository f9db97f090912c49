// Who else has a ticket open and who is typing in its composer (src/ticket-presence.ts), so that two operators do
// not answer one citizen unknowingly: a line in the ticket view, a marker on list rows, the confirmation before
// taking someone's ticket over, and the notice its holder gets when that happens.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { TicketRow } from './api.ts';
import { useI18n } from './i18n.tsx';
import { useLive } from './realtime.tsx';
import { Link } from './router.tsx';
import { useSession } from './session.tsx';
import './presence.css';

export interface TicketViewer {
  userId: number;
  name: string;
  typing: boolean;
}
type Presences = ReadonlyMap<number, TicketViewer[]>;
type Ack<T> = { ok: true; result: T } | { error: { code: string } };
interface TakenOver {
  ticketId: number;
  ref: string;
  byName: string | null;
}

/** "Typing" ends this long after the last keystroke; the server forgets it later still, if the console vanished. */
const TYPING_IDLE_MS = 5000;
/** Keystrokes renew "typing" on the server at most this often. */
const TYPING_RENEW_MS = 2000;

const Ctx = createContext<Presences>(new Map());

/** Keeps who is on which ticket (of those this user may see) and shows the take-over notices. */
export function PresenceProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { socket, epoch } = useLive();
  const [presences, setPresences] = useState<Presences>(new Map());
  const [notices, setNotices] = useState<TakenOver[]>([]);
  useEffect(() => {
    if (!socket) return;
    const onTicket = ({ ticketId, viewers }: { ticketId: number; viewers: TicketViewer[] }) =>
      setPresences((m) => {
        const next = new Map(m);
        if (viewers.length) next.set(ticketId, viewers);
        else next.delete(ticketId);
        return next;
      });
    const onTaken = (n: TakenOver) => setNotices((l) => [...l.filter((x) => x.ticketId !== n.ticketId), n].slice(-3));
    socket.on('presence.ticket', onTicket);
    socket.on('presence.takenOver', onTaken);
    return () => {
      socket.off('presence.ticket', onTicket);
      socket.off('presence.takenOver', onTaken);
    };
  }, [socket]);
  // Changes while disconnected were missed: ask again on every (re)connect.
  useEffect(() => {
    if (!socket || epoch === 0) return;
    socket.emit('presence.list', {}, (ack: Ack<{ ticketId: number; viewers: TicketViewer[] }[]>) => {
      if ('ok' in ack) setPresences(new Map(ack.result.map((p) => [p.ticketId, p.viewers])));
    });
  }, [socket, epoch]);
  const dismiss = (ticketId: number) => setNotices((l) => l.filter((x) => x.ticketId !== ticketId));
  return (
    <Ctx.Provider value={presences}>
      {children}
      {notices.length > 0 && (
        <section className="takeover-notices" aria-label={t('collision.notices')}>
          {notices.map((n) => (
            <div key={n.ticketId} className="takeover-notice" role="alert" data-takeover={n.ticketId}>
              <span>{t('collision.takenOver', { ref: n.ref, name: n.byName ?? '—' })}</span>
              <Link href={`/tickets/${n.ticketId}`} onClick={() => dismiss(n.ticketId)}>
                {t('alert.open')}
              </Link>
              <button type="button" className="dismiss" onClick={() => dismiss(n.ticketId)} aria-label={t('alert.dismiss')}>
                ×
              </button>
            </div>
          ))}
        </section>
      )}
    </Ctx.Provider>
  );
}

/** The others on a ticket (this user's own tabs left out). */
export function useOthersOn(ticketId: number): TicketViewer[] {
  const { user } = useSession();
  return (useContext(Ctx).get(ticketId) ?? []).filter((v) => v.userId !== user.id);
}

/** Announces that this tab shows the ticket, until it leaves it (or closes: the server sees the disconnect). */
function useViewing(ticketId: number) {
  const { socket, epoch } = useLive();
  useEffect(() => {
    if (!socket || epoch === 0) return;
    socket.emit('presence.view', { ticketId });
    return () => void socket.emit('presence.view', { ticketId: null });
  }, [socket, epoch, ticketId]);
}

/** For the composer: `keystroke` on every change of its text, `stop` when it is sent or emptied. */
export function useTyping(ticketId: number) {
  const { socket } = useLive();
  const lastSent = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const stop = useCallback(() => {
    clearTimeout(idle.current);
    if (lastSent.current === 0) return;
    lastSent.current = 0;
    socket?.emit('presence.typing', { ticketId, typing: false });
  }, [socket, ticketId]);
  const keystroke = useCallback(() => {
    if (!socket) return;
    const now = Date.now();
    if (now - lastSent.current > TYPING_RENEW_MS) {
      lastSent.current = now;
      socket.emit('presence.typing', { ticketId, typing: true });
    }
    clearTimeout(idle.current);
    idle.current = setTimeout(stop, TYPING_IDLE_MS);
  }, [socket, ticketId, stop]);
  useEffect(() => stop, [stop]);
  return { keystroke, stop };
}

/** In the ticket view: announces this viewer, and says who else views the ticket and who types. */
export function PresenceBar({ ticketId }: { ticketId: number }) {
  const { t } = useI18n();
  useViewing(ticketId);
  const others = useOthersOn(ticketId);
  if (others.length === 0) return null;
  const typing = others.filter((v) => v.typing);
  return (
    <div className="presence-bar" role="status">
      <span data-presence="viewing">{t('collision.viewing', { names: others.map((v) => v.name).join(', ') })}</span>
      {typing.length > 0 && (
        <span className="presence-typing" data-presence="typing">
          {t('collision.typing', { names: typing.map((v) => v.name).join(', ') })}
        </span>
      )}
    </div>
  );
}

const initials = (name: string) =>
  name
    .split(/[\s-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join('');

/** On a list row: the initials of whoever else has the ticket open (a pencil when they type). */
export function PresenceMarker({ ticketId }: { ticketId: number }) {
  const { t } = useI18n();
  const others = useOthersOn(ticketId);
  if (others.length === 0) return null;
  const label = t('collision.marker', { names: others.map((v) => v.name).join(', ') });
  return (
    <span className="presence-marker" title={label} aria-label={label} data-presence-marker={ticketId}>
      {others.slice(0, 2).map((v) => (
        <span key={v.userId} className={v.typing ? 'avatar typing' : 'avatar'} aria-hidden="true">
          {initials(v.name)}
          {v.typing && '✎'}
        </span>
      ))}
    </span>
  );
}

/**
 * "Take" for an operator. A ticket someone else holds is taken only after a confirmation that names them,
 * since they may be answering it right now.
 */
export function ClaimButton({ ticket, busy, onClaim }: { ticket: TicketRow; busy: boolean; onClaim: () => Promise<unknown> }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [asking, setAsking] = useState(false);
  const heldByOther = ticket.assigneeId !== null && ticket.assigneeId !== user.id;
  useEffect(() => setAsking(false), [ticket.assigneeId]);
  if (!heldByOther || !asking)
    return (
      <button
        type="button"
        className="primary"
        data-shortcut="claim"
        disabled={busy}
        onClick={() => (heldByOther ? setAsking(true) : void onClaim())}
      >
        {t('action.claim')}
      </button>
    );
  return (
    <span className="takeover-ask" role="group" aria-label={t('action.claim')}>
      <span>{t('collision.takeOverAsk', { name: ticket.assigneeName ?? '—' })}</span>
      <button type="button" className="primary" disabled={busy} onClick={() => void onClaim().finally(() => setAsking(false))}>
        {t('collision.takeOver')}
      </button>
      <button type="button" disabled={busy} onClick={() => setAsking(false)}>
        {t('action.cancel')}
      </button>
    </span>
  );
}

/** In the composer, after the API refused a reply because someone else holds the ticket: nothing typed is lost. */
export function NotAssigneeOffer({
  holder,
  busy,
  onTakeOver,
  onCancel,
}: {
  holder: string | null;
  busy: boolean;
  onTakeOver: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className="takeover-ask" role="alert">
      <span>{t('error.VIC_NOT_ASSIGNEE')}</span>
      {holder && <span>{t('collision.heldBy', { name: holder })}</span>}
      <button type="button" className="primary" disabled={busy} onClick={onTakeOver}>
        {t('collision.takeOverSend')}
      </button>
      <button type="button" disabled={busy} onClick={onCancel}>
        {t('action.cancel')}
      </button>
    </div>
  );
}
