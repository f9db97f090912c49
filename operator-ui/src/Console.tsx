// The signed-in console: top bar, left navigation with live queue counts, and the page for the current URL.
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { AdminAnnouncements } from './admin/Announcements.tsx';
import { AdminAudit } from './admin/Audit.tsx';
import { AdminCalendar } from './admin/Calendar.tsx';
import { AdminCanned } from './admin/Canned.tsx';
import { AdminCaseImport } from './admin/CaseImport.tsx';
import { AdminChannels } from './admin/Channels.tsx';
import { AdminCourts } from './admin/Courts.tsx';
import { AdminRetention } from './admin/Retention.tsx';
import { AdminScopeFilter } from './admin/ScopeFilter.tsx';
import { AdminTopics } from './admin/Topics.tsx';
import { AdminUsers } from './admin/Users.tsx';
import { Alerts, useAlerts } from './Alerts.tsx';
import { beep, notificationsSupported, notify, unlockAudio } from './alerts.ts';
import { api, qs, type CourtRow, type Presence } from './api.ts';
import { LangSwitch, useI18n } from './i18n.tsx';
import { Inbox } from './Inbox.tsx';
import { CourtsContext } from './labels.ts';
import { defaultQueue, isQueue, queuesFor, type CourtCounters, type Queue } from './queues.ts';
import { useLive, useServerEvent } from './realtime.tsx';
import { announcedHere, NotificationBell, useReads } from './notifications.tsx';
import { Link, navigate, useLocation } from './router.tsx';
import { useSession } from './session.tsx';
import { KeyboardLayer } from './shortcuts.tsx';
import { courtName } from './ui.tsx';
import { useAction } from './util.ts';
import { CallbacksNavItem, CALLBACKS_PATH } from './calls/CallbacksNav.tsx';
import { CallbacksPage } from './calls/CallbacksPage.tsx';
import { CallPanel } from './calls/CallPanel.tsx';
import { MY_FIGURES_PATH, MyFigures, MyFiguresNavItem } from './reports/MyFigures.tsx';

const SOUND_KEY = 'vic.sound';
// The report page and its charts (ECharts) load only when opened: operators never download them.
const ReportsPage = lazy(() => import('./reports/ReportsPage.tsx').then((m) => ({ default: m.ReportsPage })));

export function Console() {
  const { t, lang } = useI18n();
  const { user, reload } = useSession();
  const { path, params } = useLocation();
  const { state: link, epoch } = useLive();
  const queues = queuesFor(user.role);
  const queueParam = params.get('queue');
  const queue: Queue = isQueue(user.role, queueParam) ? queueParam : defaultQueue(user.role);
  const ticketMatch = /^\/tickets\/(\d+)$/.exec(path);
  const openId = ticketMatch ? Number(ticketMatch[1]) : null;

  const [courts, setCourts] = useState<CourtRow[]>([]);
  useEffect(() => {
    api.get<{ items: CourtRow[] }>('/api/courts').then(
      (r) => setCourts(r.items),
      () => {},
    );
  }, [epoch]);

  const counts = useQueueCounts(epoch);

  const [sound, setSound] = useState(() => localStorage.getItem(SOUND_KEY) !== 'off');
  const toggleSound = () => {
    unlockAudio();
    localStorage.setItem(SOUND_KEY, sound ? 'off' : 'on');
    setSound(!sound);
  };
  // Unread marks and notifications, kept on the server (notifications.tsx).
  const reads = useReads(openId, sound);
  const { unread, markUnread, markRead } = reads;
  // A new ticket also brings its first message: alert once for both.
  const justCreated = useRef(new Set<number>());
  const alert = (ticketId: number, title: string, body: string) => {
    // The routing just gave it to this user: the bell sounded it already (notifications.tsx).
    if (announcedHere(ticketId)) return;
    if (sound) beep();
    notify(title, body, () => navigate(`/tickets/${ticketId}${qs({ queue: params.get('queue') })}`));
  };
  useServerEvent('ticket.created', ({ ticket }) => {
    justCreated.current.add(ticket.id);
    setTimeout(() => justCreated.current.delete(ticket.id), 5000);
    markUnread(ticket.id);
    alert(ticket.id, t('notify.newTicket', { ref: ticket.ref }), ticket.contactName ?? ticket.subject ?? '');
  });
  useServerEvent('message.created', ({ ticketId, ticket, message }) => {
    if (message.direction !== 'in' || justCreated.current.has(ticketId)) return;
    if (ticketId !== openId) markUnread(ticketId);
    alert(ticketId, t('notify.newMessage', { ref: ticket?.ref ?? `#${ticketId}` }), message.text.slice(0, 140));
  });
  // A specialist: a ticket was escalated (or passed) to them.
  useServerEvent('escalation.created', ({ ticket, escalation }) => {
    if (ticket.id !== openId) markUnread(ticket.id);
    alert(ticket.id, t('notify.escalated', { ref: ticket.ref }), escalation.question.slice(0, 140));
  });

  // Escalation deadlines and the ringing phone: visible banners until dismissed (or the call is over).
  const banners = useAlerts();
  useServerEvent('escalation.alert', ({ kind, ticket, escalation }) => {
    const text = t(kind === 'pickup' ? 'alert.pickup' : 'alert.answer', { name: escalation.toName, ref: ticket.ref });
    banners.add({ key: `esc-${escalation.id}-${kind}`, kind: 'escalation', text, ticketId: ticket.id });
    alert(ticket.id, text, escalation.question.slice(0, 140));
  });
  useServerEvent('escalation.reminder', ({ kind, ticket, escalation }) => {
    const text = t(kind === 'pickup' ? 'reminder.pickup' : 'reminder.answer', { ref: ticket.ref });
    banners.add({ key: `esc-${escalation.id}-${kind}`, kind: 'reminder', text, ticketId: ticket.id });
    alert(ticket.id, text, escalation.question.slice(0, 140));
  });
  useServerEvent('call.ringing', ({ call, ticket, contact, otherTickets }) => {
    banners.add({
      key: `call-${call.callId}`,
      kind: 'call',
      callId: call.callId,
      from: call.from,
      name: contact?.name ?? null,
      ref: ticket.ref,
      ticketId: ticket.id,
      others: otherTickets?.length ?? 0,
    });
    if (sound) beep();
  });
  useServerEvent('call.updated', ({ call }) => {
    if (call.outcome !== 'ringing') banners.remove(`call-${call.callId}`);
  });
  // An admin changed this user: navigation, court and name follow without a reload.
  useServerEvent('session.changed', reload);

  let page;
  if (path === '/admin/users' && user.role === 'admin') page = <AdminUsers courts={courts} />;
  else if (path === '/admin/courts' && user.role === 'admin') page = <AdminCourts courts={courts} onChanged={setCourts} />;
  else if (path === '/admin/channels' && user.role === 'admin') page = <AdminChannels />;
  else if (path === '/admin/canned' && user.role === 'admin') page = <AdminCanned />;
  else if (path === '/admin/calendar' && user.role === 'admin') page = <AdminCalendar courts={courts} />;
  else if (path === '/admin/audit' && user.role === 'admin') page = <AdminAudit />;
  else if (path === '/admin/retention' && user.role === 'admin') page = <AdminRetention />;
  else if (path === '/admin/scope' && user.role === 'admin') page = <AdminScopeFilter />;
  else if (path === '/admin/import' && user.role === 'admin') page = <AdminCaseImport />;
  else if (path === '/admin/topics' && user.role === 'admin') page = <AdminTopics />;
  else if (path === '/admin/announcements' && user.role === 'admin') page = <AdminAnnouncements />;
  else if (path === CALLBACKS_PATH && (user.role === 'operator' || user.role === 'admin')) page = <CallbacksPage />;
  else if (path === MY_FIGURES_PATH && (user.role === 'operator' || user.role === 'specialist')) page = <MyFigures />;
  // A supervisor has no queue: every page of theirs is their court's reports.
  else if ((path.startsWith('/reports') && user.role === 'admin') || user.role === 'supervisor')
    page = (
      <Suspense fallback={<main className="admin" />}>
        <ReportsPage />
      </Suspense>
    );
  else page = <Inbox queue={queue} openId={openId} courts={courts} unread={unread} markRead={markRead} />;

  const myCourt = courts.find((x) => x.id === user.courtId);

  return (
    <div className="console">
      {/* First in the tab order: the skip link to the ticket list, and the shortcuts. */}
      <KeyboardLayer />
      <header className="topbar">
        <span className="brand">VIC</span>
        <span className={`link link-${link}`} role="status" data-link={link}>
          {link === 'offline' ? t('conn.offline') : link === 'connected' ? t('conn.online') : t('conn.connecting')}
        </span>
        <span className="spacer" />
        {user.role !== 'admin' && user.role !== 'supervisor' && <PresenceToggle />}
        <NotificationBell reads={reads} />
        <NotificationButton />
        <button type="button" aria-pressed={sound} onClick={toggleSound}>
          {t('sound')}
        </button>
        <LangSwitch />
        <span className="whoami">
          <span>{user.name}</span>
          <span className="muted">
            {t(`role.${user.role}`)}
            {myCourt && ` · ${courtName(myCourt, lang)}`}
          </span>
        </span>
        <LogoutButton />
      </header>
      <nav className="sidebar" aria-label={t('nav.main')}>
        {/* A supervisor has no queues: their navigation is the reports only. */}
        {queues.length > 0 && <h2>{t('nav.queues')}</h2>}
        <ul>
          {queues.map((q) => {
            const current = path === '/' || path.startsWith('/tickets') ? q === queue : false;
            return (
              <li key={q}>
                <Link href={`/${qs({ queue: q })}`} aria-current={current ? 'page' : undefined}>
                  <span>{t(`queue.${q}`)}</span>
                  {counts[q] !== undefined && (
                    <span className="count" data-queue-count={q}>
                      {counts[q]}
                    </span>
                  )}
                  {q === 'mine' && reads.unreadMine.length > 0 && (
                    <span className="count unread-count" data-unread-mine={reads.unreadMine.length} title={t('unread.mine')}>
                      {reads.unreadMine.length}
                    </span>
                  )}
                </Link>
              </li>
            );
          })}
          {(user.role === 'operator' || user.role === 'admin') && <CallbacksNavItem />}
        </ul>
        {(user.role === 'operator' || user.role === 'specialist') && (
          <ul>
            <MyFiguresNavItem />
          </ul>
        )}
        {(user.role === 'admin' || user.role === 'supervisor') && (
          <ul>
            <li>
              <Link href="/reports" aria-current={path.startsWith('/reports') || user.role === 'supervisor' ? 'page' : undefined}>
                {t('reports.nav')}
              </Link>
            </li>
          </ul>
        )}
        {user.role === 'admin' && (
          <>
            <h2>{t('nav.admin')}</h2>
            <ul>
              {(
                [
                  'users',
                  'courts',
                  'calendar',
                  'channels',
                  'announcements',
                  'canned',
                  'topics',
                  'import',
                  'scope',
                  'audit',
                  'retention',
                ] as const
              ).map((p) => (
                <li key={p}>
                  <Link href={`/admin/${p}`} aria-current={path === `/admin/${p}` ? 'page' : undefined}>
                    {t(`admin.${p}`)}
                  </Link>
                </li>
              ))}
            </ul>
          </>
        )}
        {/* At the foot of this column: beside the ticket, never over its composer. */}
        <CallPanel />
      </nav>
      <CourtsContext.Provider value={courts}>{page}</CourtsContext.Provider>
      <Alerts alerts={banners.list} onDismiss={banners.remove} queue={params.get('queue')} />
    </div>
  );
}

/** What GET /api/tickets/counts answers: the viewer's counters, and each court's they see. */
type CountsAnswer = Partial<Record<Queue, number>> & { byCourt: Record<string, CourtCounters> };

/**
 * Totals per queue: loaded once (and again on reconnect or when the user changes), then kept current by the
 * server's counts events. Operators and admins add up the courts they see; "mine" and a specialist's counters
 * come for the person.
 */
function useQueueCounts(epoch: number): Partial<Record<Queue, number>> {
  const { user } = useSession();
  const [own, setOwn] = useState<Partial<Record<Queue, number>>>({});
  const [byCourt, setByCourt] = useState<Record<string, CourtCounters>>({});
  // What events bring while the counters load is newer than the answer, which is merged under it.
  const arrived = useRef<{ own: Partial<Record<Queue, number>>; byCourt: Record<string, CourtCounters> } | null>(null);
  useEffect(() => {
    const mine = { own: {}, byCourt: {} };
    arrived.current = mine;
    api.get<CountsAnswer>('/api/tickets/counts').then(
      ({ byCourt: courts, ...queues }) => {
        if (arrived.current !== mine) return;
        arrived.current = null;
        setOwn({ ...queues, ...mine.own });
        setByCourt({ ...courts, ...mine.byCourt });
      },
      () => {},
    );
  }, [epoch, user.id, user.role, user.courtId]);
  useServerEvent('counts', ({ courtId, counts }) => {
    if (arrived.current) arrived.current.byCourt[courtId] = counts;
    setByCourt((b) => ({ ...b, [courtId]: counts }));
  });
  useServerEvent('counts.mine', ({ count }) => {
    if (arrived.current) arrived.current.own.mine = count;
    setOwn((o) => ({ ...o, mine: count }));
  });
  useServerEvent('counts.user', ({ counts }) => {
    if (arrived.current) arrived.current.own = counts;
    setOwn(counts);
  });
  return useMemo(() => {
    const courts = Object.values(byCourt);
    if (user.role === 'specialist' || courts.length === 0) return own;
    const total: Partial<Record<Queue, number>> = { mine: own.mine };
    for (const c of courts) for (const [q, n] of Object.entries(c)) total[q as Queue] = (total[q as Queue] ?? 0) + n;
    return total;
  }, [own, byCourt, user.role]);
}

function PresenceToggle() {
  const { t } = useI18n();
  const { presence, setPresence } = useSession();
  const { error, run } = useAction();
  const status = presence?.status ?? 'available';
  const set = (next: 'available' | 'away') =>
    run(async () => setPresence((await api.put<{ presence: Presence }>('/api/me/presence', { status: next })).presence));
  return (
    <div className={`presence ${status}`} role="group" aria-label={t('presence.label')}>
      {(['available', 'away'] as const).map((s) => (
        <button key={s} type="button" aria-pressed={status === s} onClick={() => void set(s)}>
          {t(`presence.${s}`)}
        </button>
      ))}
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </div>
  );
}

/** Asks for notification permission once, on the operator's click (browsers ignore asks without a gesture). */
function NotificationButton() {
  const { t } = useI18n();
  const [permission, setPermission] = useState(() => (notificationsSupported() ? Notification.permission : 'denied'));
  if (permission !== 'default') return null;
  return (
    <button
      type="button"
      onClick={() => {
        unlockAudio();
        void Notification.requestPermission().then(setPermission);
      }}
    >
      {t('notify.enable')}
    </button>
  );
}

function LogoutButton() {
  const { t } = useI18n();
  const { logout } = useSession();
  return (
    <button
      type="button"
      onClick={() => {
        navigate('/', true);
        logout();
      }}
    >
      {t('logout')}
    </button>
  );
}
