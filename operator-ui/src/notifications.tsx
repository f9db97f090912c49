// Unread marks and the notification bell, both kept on the server (src/store/reads.ts) so they survive a reload
// and follow the user to another tab or device. A ticket row is unread as the server answered (`unread`), until
// an event here says otherwise: news on it (a citizen's message, a colleague's or specialist's), or the user
// reading it here or elsewhere (`read.changed`). The bell lists the user's notifications (staff events) and the
// tickets of their own queue with unread news, newest first; staff events the console does not already sound get
// a beep and, when allowed and the console is in the background, a desktop notification. So does a ticket the
// routing gave the user (`notification.routed`: no row is stored for it, the read marks list it after a reload).
import { useCallback, useEffect, useRef, useState } from 'react';
import { beep, notify } from './alerts.ts';
import { api, qs, type MessageRow, type NotificationRow, type UnreadTicket as StoredUnread } from './api.ts';
import { courtTime } from './format.ts';
import { useI18n, type Key } from './i18n.tsx';
import { useLive, useServerEvent } from './realtime.tsx';
import { navigate, useLocation } from './router.tsx';
import { useSession } from './session.tsx';

// The server's shapes (src/store/reads.ts), not copies of them.
export type NotificationItem = NotificationRow;
/** An unread ticket as the bell needs it: a routed one (`notification.routed`) comes without a message id. */
export type UnreadTicket = Omit<StoredUnread, 'messageId'>;
/** Whether a list row is unread for this user. */
export interface Unread {
  has(row: { id: number; unread?: boolean }): boolean;
}

declare module './realtime.tsx' {
  interface ServerEvents {
    'notification.created': { notification: NotificationItem };
    /** The user's own queue's unread tickets, when a message came on one or the user read one. */
    'read.unread': { unreadMine: UnreadTicket[] };
    /** The user read the ticket in another tab or device. */
    'read.changed': { ticketId: number };
    /** The routing assigned the user a ticket unread for them (at ingest, or the dispatcher). */
    'notification.routed': { entry: UnreadTicket };
  }
}

// Tickets this module has just sounded: the console's own alert for the new ticket and its first message (which
// the server sends after `notification.routed`) stays silent for them.
const announced = new Set<number>();
const ANNOUNCED_MS = 5000;
export const announcedHere = (ticketId: number) => announced.has(ticketId);

// The console already sounds and shows these (escalation banners): the bell only lists them.
const SOUNDED_ELSEWHERE = new Set<NotificationItem['kind']>([
  'escalated',
  'alert.pickup',
  'alert.answer',
  'reminder.pickup',
  'reminder.answer',
]);

/** A message is news to a user when it is the citizen's or another person's (automatic messages are not). */
export const isNews = (m: Pick<MessageRow, 'direction' | 'authorId'>, userId: number) =>
  m.direction === 'in' || (m.authorId !== null && m.authorId !== userId);

export interface Reads {
  unread: Unread;
  markUnread: (ticketId: number) => void;
  markRead: (ticketId: number) => void;
  items: NotificationItem[];
  unreadItems: number;
  unreadMine: UnreadTicket[];
  readAll: () => void;
}

export function useReads(openId: number | null, sound: boolean): Reads {
  const { t } = useI18n();
  const { user } = useSession();
  const { epoch } = useLive();
  const { params } = useLocation();
  // Marks set by events since the rows were loaded; they win over the rows' `unread`.
  const [marks, setMarks] = useState<ReadonlyMap<number, boolean>>(new Map());
  // The server's answer per row: live rows (from events) carry no `unread`, the last loaded answer stands.
  const loaded = useRef(new Map<number, boolean>());
  // The latest 50: the bell counts those unread among them.
  const [items, setItems] = useState<NotificationItem[]>([]);
  const [unreadMine, setUnreadMine] = useState<UnreadTicket[]>([]);

  useEffect(() => {
    setMarks(new Map());
    api.get<{ items: NotificationItem[]; unreadMine: UnreadTicket[] }>('/api/notifications').then(
      (r) => {
        setItems(r.items);
        setUnreadMine(r.unreadMine);
      },
      () => {},
    );
  }, [epoch, user.id]);

  const setMark = (ticketId: number, unread: boolean) =>
    setMarks((m) => (m.get(ticketId) === unread ? m : new Map(m).set(ticketId, unread)));
  // The ticket's notifications and its line in the bell are read with it.
  const readLocally = useCallback((ticketId: number) => {
    setMark(ticketId, false);
    setItems((list) =>
      list.some((x) => x.ticketId === ticketId && x.readAt === null)
        ? list.map((x) => (x.ticketId === ticketId && x.readAt === null ? { ...x, readAt: Date.now() } : x))
        : list,
    );
    setUnreadMine((m) => m.filter((x) => x.ticketId !== ticketId));
  }, []);
  const markRead = useCallback(
    (ticketId: number) => {
      readLocally(ticketId);
      void api.post(`/api/tickets/${ticketId}/read`, {}).catch(() => {});
    },
    [readLocally],
  );
  const markUnread = useCallback((ticketId: number) => setMark(ticketId, true), []);

  useServerEvent('message.created', ({ ticketId, message }) => {
    if (!isNews(message, user.id)) return;
    // The open ticket shows it: read at once.
    if (ticketId === openId) markRead(ticketId);
    else markUnread(ticketId);
  });
  useServerEvent('read.changed', ({ ticketId }) => readLocally(ticketId));
  useServerEvent('notification.routed', ({ entry }) => {
    // Open here: the user is looking at it (and reads it).
    if (entry.ticketId === openId) return;
    setUnreadMine((list) => [entry, ...list.filter((x) => x.ticketId !== entry.ticketId)]);
    setMark(entry.ticketId, true);
    announced.add(entry.ticketId);
    setTimeout(() => announced.delete(entry.ticketId), ANNOUNCED_MS);
    if (sound) beep();
    notify(t('notify.routed', { ref: entry.ref }), '', () => navigate(`/tickets/${entry.ticketId}${qs({ queue: params.get('queue') })}`));
  });
  useServerEvent('read.unread', ({ unreadMine: list }) => setUnreadMine(list.filter((x) => x.ticketId !== openId)));
  useServerEvent('notification.created', ({ notification: n }) => {
    const open = n.ticketId === openId;
    setItems((list) => [open ? { ...n, readAt: Date.now() } : n, ...list.filter((x) => x.id !== n.id)].slice(0, 50));
    if (open) return;
    setMark(n.ticketId, true);
    if (SOUNDED_ELSEWHERE.has(n.kind)) return;
    if (sound) beep();
    notify(notificationText(t, n), '', () => navigate(`/tickets/${n.ticketId}${qs({ queue: params.get('queue') })}`));
  });

  const readAll = () => {
    setItems((list) => list.map((x) => (x.readAt === null ? { ...x, readAt: Date.now() } : x)));
    void api.post('/api/notifications/read', { all: true }).catch(() => {});
  };

  const unread: Unread = {
    has(row) {
      if (row.unread !== undefined) loaded.current.set(row.id, row.unread);
      return row.id !== openId && (marks.get(row.id) ?? loaded.current.get(row.id) ?? false);
    },
  };
  const unreadItems = items.filter((x) => x.readAt === null).length;
  return { unread, markUnread, markRead, items, unreadItems, unreadMine, readAll };
}

export function notificationText(t: (k: Key, p?: Record<string, string | number>) => string, n: NotificationItem): string {
  return t(`unread.kind.${n.kind}` as Key, { ref: n.ref, name: n.actorName ?? '—' });
}

/** The bell in the console's header: a count, and the list on click. */
export function NotificationBell({ reads }: { reads: Reads }) {
  const { t } = useI18n();
  const { params } = useLocation();
  const [open, setOpen] = useState(false);
  // A ticket with an unread notification (the specialist answered) is listed once, by the notification.
  const covered = new Set(reads.items.filter((x) => x.readAt === null).map((x) => x.ticketId));
  const messages = reads.unreadMine.filter((u) => !covered.has(u.ticketId));
  const count = reads.unreadItems + messages.length;
  // One list, newest first: the stored notifications and the unread tickets (by their last news).
  const entries = [
    ...messages.map((u) => ({
      key: `m${u.ticketId}`,
      ticketId: u.ticketId,
      kind: u.assigned ? 'routed' : 'message',
      text: t(u.assigned ? 'notify.routed' : 'unread.kind.message', { ref: u.ref }),
      at: u.at,
      unread: true,
    })),
    ...reads.items.map((n) => ({
      key: String(n.id),
      ticketId: n.ticketId,
      kind: n.kind,
      text: notificationText(t, n),
      at: n.createdAt,
      unread: n.readAt === null,
    })),
  ].sort((a, b) => b.at - a.at);
  const go = (ticketId: number) => {
    setOpen(false);
    navigate(`/tickets/${ticketId}${qs({ queue: params.get('queue') })}`);
  };
  return (
    <div className="bell">
      <button
        type="button"
        aria-expanded={open}
        aria-label={t('unread.bell', { n: count })}
        data-bell-count={count}
        onClick={() => setOpen(!open)}
      >
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {count > 0 && <span className="count bell-count">{count}</span>}
      </button>
      {open && (
        <div className="bell-panel" role="dialog" aria-label={t('unread.title')}>
          <div className="bell-head">
            <strong>{t('unread.title')}</strong>
            {reads.unreadItems > 0 && (
              <button type="button" onClick={reads.readAll}>
                {t('unread.readAll')}
              </button>
            )}
          </div>
          {entries.length === 0 ? (
            <p className="muted">{t('unread.empty')}</p>
          ) : (
            <ul>
              {entries.map((e) => (
                <li key={e.key} className={e.unread ? 'unread' : undefined}>
                  <button type="button" onClick={() => go(e.ticketId)} data-notification={e.kind}>
                    <span>{e.text}</span>
                    <time className="muted">{courtTime(e.at)}</time>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
