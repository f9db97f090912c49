// The working screen: filters and the ticket list of one queue on the left, the open ticket on the right.
// Filters live in the URL, so a reload or a shared link shows the same list.
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, qs, type CourtRow, type TicketStatus } from './api.ts';
import { BulkBar, BulkCheck } from './BulkBar.tsx';
import { errorText, useI18n } from './i18n.tsx';
import { appendPage, applyEvent, concerns, fromPage, ORDERS, type ListEvent, type LiveList, type Page } from './live-list.ts';
import type { Unread } from './notifications.tsx';
import { CHANNELS, queueMatcher, STATUSES, type Queue } from './queues.ts';
import { useLive, useServerEvent } from './realtime.tsx';
import { Link, navigate, useLocation } from './router.tsx';
import { useSession } from './session.tsx';
import { useNow } from './countdown.ts';
import { ListTools, SORTS, TicketRowView, useCompact, type Sort } from './TicketRowView.tsx';
import { PresenceMarker } from './presence.tsx';
import { TicketView } from './TicketView.tsx';
import { CourtOptions, ErrorLine } from './ui.tsx';
import { useDebounced } from './util.ts';

const PAGE = 50;
/** The API's largest page: searches are not paged, past it the operator narrows the search instead. */
const MAX_SEARCH = 200;

interface Props {
  queue: Queue;
  openId: number | null;
  courts: CourtRow[];
  unread: Unread;
  markRead: (id: number) => void;
}

export function Inbox({ queue, openId, courts, unread, markRead }: Props) {
  const { t } = useI18n();
  const { user } = useSession();
  const { path, params } = useLocation();
  const filters = {
    queue,
    court: params.get('court'),
    channel: params.get('channel'),
    status: params.get('status'),
    q: params.get('q'),
    sort: params.get('sort'),
  };
  const search = qs(filters);

  const setFilter = (name: 'court' | 'channel' | 'status' | 'q' | 'sort', value: string) => {
    navigate(`${path}${qs({ ...filters, [name]: value })}`, true);
  };

  // The search box updates the URL (and the list) after a short pause in typing.
  const [q, setQ] = useState(filters.q ?? '');
  const applySearch = useDebounced(() => setFilter('q', q.trim()), 300);
  useEffect(() => {
    setQ(params.get('q') ?? '');
  }, [queue]);

  // Operators of one court have nothing to filter by court.
  const showCourt = courts.length > 1 && (user.role !== 'operator' || user.courtId === null);

  useEffect(() => {
    if (openId !== null) markRead(openId);
  }, [openId, markRead]);

  return (
    <>
      <section className={`list-pane${openId !== null ? ' has-open' : ''}`} aria-labelledby="list-title">
        <h1 id="list-title">{t(`queue.${queue}`)}</h1>
        <form role="search" className="filters" onSubmit={(e) => e.preventDefault()}>
          <label className="search">
            {t('filter.search')}
            <input
              type="search"
              value={q}
              placeholder={t('filter.searchHint')}
              onChange={(e) => {
                setQ(e.target.value);
                applySearch();
              }}
            />
          </label>
          {showCourt && (
            <label>
              {t('filter.court')}
              <select value={filters.court ?? ''} onChange={(e) => setFilter('court', e.target.value)}>
                <CourtOptions courts={courts} empty={t('filter.any')} />
              </select>
            </label>
          )}
          <label>
            {t('filter.channel')}
            <select value={filters.channel ?? ''} onChange={(e) => setFilter('channel', e.target.value)}>
              <option value="">{t('filter.any')}</option>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {t(`channel.${c}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('filter.status')}
            <select value={filters.status ?? ''} onChange={(e) => setFilter('status', e.target.value)}>
              <option value="">{t('filter.any')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </label>
        </form>
        {user.role !== 'specialist' && <BulkBar courts={courts} listKey={search} />}
        <TicketList
          filters={filters}
          search={search}
          openId={openId}
          unread={unread}
          showCourt={showCourt}
          onSort={(s) => setFilter('sort', s === 'newest' ? '' : s)}
        />
      </section>
      <section className="ticket-pane" aria-label={t('ticket.pane')}>
        {openId !== null ? (
          <TicketView
            key={openId}
            id={openId}
            courts={courts}
            onClose={() => navigate(`/${search}`)}
            onGone={() => navigate(`/${search}`)}
          />
        ) : (
          <p className="placeholder">{t('ticket.choose')}</p>
        )}
      </section>
    </>
  );
}

interface ListProps {
  filters: Record<string, string | null>;
  search: string;
  openId: number | null;
  unread: Unread;
  showCourt: boolean;
  onSort: (s: Sort) => void;
}

function TicketList({ filters, search, openId, unread, showCourt, onSort }: ListProps) {
  const { t } = useI18n();
  const { epoch } = useLive();
  const { user } = useSession();
  const [list, setList] = useState<LiveList | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Searches are ranked, not ordered by time: an event cannot place a ticket in them, so they only say they may be stale.
  const searching = Boolean(filters.q);
  const [stale, setStale] = useState(false);
  const [searchLimit, setSearchLimit] = useState(PAGE);
  const sort: Sort = SORTS.find((s) => s === filters.sort) ?? 'newest';
  const order = ORDERS[sort];
  const [compact, setCompact] = useCompact();
  // One clock for every row's countdown and "5 мин назад".
  const now = useNow(1000);
  const matches = useMemo(() => {
    const inQueue = queueMatcher(user, {
      queue: filters.queue as Queue,
      courtId: filters.court ? Number(filters.court) : null,
      channel: filters.channel,
      status: filters.status as TicketStatus | null,
    });
    // "Due first" lists the live tickets only, as the server does.
    return sort === 'due' ? (t: Parameters<typeof inQueue>[0]) => t.status !== 'resolved' && inQueue(t) : inQueue;
  }, [search, user.id, user.role, user.courtId]);
  // Only the answer to the latest first-page request is shown, whatever order the answers come in. Events that
  // arrive while it is on its way are applied to it when it comes.
  const seq = useRef(0);
  const held = useRef<ListEvent[] | null>(null);

  const loadFirst = async (limit: number) => {
    const mine = ++seq.current;
    held.current = [];
    try {
      const page = await api.get<Page>(`/api/tickets${qs({ ...filters, limit })}`);
      if (mine !== seq.current) return;
      const events = held.current;
      held.current = null;
      const first = fromPage(page);
      setList(searching ? first : events.reduce((l, e) => applyEvent(l, e, matches, order), first));
      setStale(searching && events.some((e) => concerns(first, e, matches)));
      setError(null);
    } catch (e) {
      if (mine === seq.current) {
        held.current = null;
        setError(errorText(t, e));
      }
    }
  };
  const loadMore = async () => {
    if (searching) {
      const limit = Math.min(searchLimit + PAGE, MAX_SEARCH);
      setSearchLimit(limit);
      return loadFirst(limit);
    }
    // A first page on its way replaces the list anyway; a next page that comes after one is of an older list.
    if (held.current) return;
    const mine = seq.current;
    try {
      const page = await api.get<Page>(`/api/tickets${qs({ ...filters, limit: PAGE, cursor: list?.nextCursor })}`);
      if (mine === seq.current) setList((l) => l && appendPage(l, page));
    } catch (e) {
      if (mine === seq.current) setError(errorText(t, e));
    }
  };
  // Loaded again only when what it shows changes: other filters, another user, or a new connection (events missed).
  useEffect(() => {
    setSearchLimit(PAGE);
    void loadFirst(PAGE);
  }, [search, epoch, user.id, user.role, user.courtId]);

  const onEvent = (e: ListEvent) => {
    if (held.current) held.current.push(e);
    else if (searching) setStale((s) => s || (list !== null && concerns(list, e, matches)));
    else setList((l) => l && applyEvent(l, e, matches, order));
  };
  // The row's one-line preview follows the conversation (notes are not part of it).
  useServerEvent('message.created', ({ ticketId, message: m }) => {
    if (m.direction === 'note') return;
    const lastMessage = { text: m.text.replace(/\s+/g, ' ').trim().slice(0, 120), direction: m.direction, at: m.createdAt };
    setList((l) => l && { ...l, items: l.items.map((x) => (x.id === ticketId ? { ...x, lastMessage } : x)) });
  });
  useServerEvent('ticket.created', ({ ticket }) => onEvent({ kind: 'ticket', ticket, before: null }));
  useServerEvent('ticket.updated', ({ ticket, before }) => onEvent({ kind: 'ticket', ticket, before }));
  useServerEvent('ticket.left', ({ ticketId }) => onEvent({ kind: 'left', ticketId }));

  if (!list) return error ? <ErrorLine error={error} /> : <p className="muted">{t('loading')}</p>;
  const more = searching ? list.total > list.items.length && searchLimit < MAX_SEARCH : list.nextCursor !== null;
  return (
    <>
      <ErrorLine error={error} />
      <ListTools
        total={t('list.total', { n: list.total })}
        sort={searching ? null : sort}
        onSort={onSort}
        compact={compact}
        onCompact={setCompact}
      />
      {stale && (
        <p className="stale" role="status">
          {t('list.stale')}{' '}
          <button type="button" onClick={() => void loadFirst(searchLimit)}>
            {t('list.refresh')}
          </button>
        </p>
      )}
      {list.items.length === 0 ? (
        <p className="placeholder">{t('list.empty')}</p>
      ) : (
        <ul className={`tickets${compact ? ' compact' : ''}`} aria-label={t('list.label')}>
          {list.items.map((x) => (
            <li key={x.id}>
              {user.role !== 'specialist' && <BulkCheck id={x.id} ticketRef={x.ref} />}
              <Link
                href={`/tickets/${x.id}${search}`}
                aria-current={openId === x.id ? 'true' : undefined}
                className={unread.has(x) ? 'unread' : undefined}
              >
                <TicketRowView ticket={x} now={now} showCourt={showCourt} compact={compact}>
                  <PresenceMarker ticketId={x.id} />
                </TicketRowView>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {more && (
        <button type="button" className="more" onClick={() => void loadMore()}>
          {t('list.more')}
        </button>
      )}
    </>
  );
}
