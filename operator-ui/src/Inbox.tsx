// The working screen: filters and the ticket list of one queue on the left, the open ticket on the right.
// Filters live in the URL, so a reload or a shared link shows the same list.
import { useEffect, useRef, useState } from 'react';
import { api, qs, type CourtRow, type TicketRow } from './api.ts';
import { courtTime } from './format.ts';
import { errorText, useI18n } from './i18n.tsx';
import { CHANNELS, STATUSES, type Queue } from './queues.ts';
import { useLive, useServerEvent } from './realtime.tsx';
import { Link, navigate, useLocation } from './router.tsx';
import { useSession } from './session.tsx';
import { TicketView } from './TicketView.tsx';
import { ChannelIcon, CourtOptions, ErrorLine, StatusBadge } from './ui.tsx';
import { announceLocalChange, useDebounced, useLocalChange } from './util.ts';

const PAGE = 50;
/** The API's largest page; past it the operator narrows the search instead of scrolling. */
const MAX_SHOWN = 200;

interface Props {
  queue: Queue;
  openId: number | null;
  courts: CourtRow[];
  unread: ReadonlySet<number>;
  markRead: (id: number) => void;
}

export function Inbox({ queue, openId, courts, unread, markRead }: Props) {
  const { t } = useI18n();
  const { user } = useSession();
  const { path, params } = useLocation();
  const filters = { queue, court: params.get('court'), channel: params.get('channel'), status: params.get('status'), q: params.get('q') };
  const search = qs(filters);

  const setFilter = (name: 'court' | 'channel' | 'status' | 'q', value: string) => {
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
        <TicketList filters={filters} search={search} openId={openId} unread={unread} showCourt={showCourt} />
      </section>
      <section className="ticket-pane" aria-label={t('ticket.pane')}>
        {openId !== null ? (
          <TicketView
            key={openId}
            id={openId}
            courts={courts}
            onClose={() => navigate(`/${search}`)}
            onGone={() => {
              navigate(`/${search}`);
              announceLocalChange();
            }}
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
  unread: ReadonlySet<number>;
  showCourt: boolean;
}

function TicketList({ filters, search, openId, unread, showCourt }: ListProps) {
  const { t } = useI18n();
  const { epoch } = useLive();
  const [data, setData] = useState<{ items: TicketRow[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [limit, setLimit] = useState(PAGE);
  // Only the answer to the latest request is shown, whatever order the answers come in.
  const seq = useRef(0);
  const url = `/api/tickets${qs({ ...filters, limit })}`;

  const load = async () => {
    const mine = ++seq.current;
    try {
      const r = await api.get<{ items: TicketRow[]; total: number }>(url);
      if (mine !== seq.current) return;
      setData(r);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(errorText(t, e));
    }
  };
  useEffect(() => {
    void load();
  }, [url, epoch]);
  useEffect(() => {
    setLimit(PAGE);
  }, [search]);

  // A change can move a ticket in or out of this list, so the list is asked for again;
  // the row itself is updated at once.
  const reload = useDebounced(load, 150);
  useServerEvent('ticket.created', reload);
  // A specialist's list: a ticket escalated to them appears without reload.
  useServerEvent('escalation.created', reload);
  useLocalChange(reload);
  useServerEvent('ticket.updated', ({ ticket }) => {
    setData((d) => d && { ...d, items: d.items.map((x) => (x.id === ticket.id ? ticket : x)) });
    reload();
  });
  useServerEvent('ticket.left', ({ ticketId }) => {
    setData((d) => d && { ...d, items: d.items.filter((x) => x.id !== ticketId) });
    reload();
  });

  if (!data) return error ? <ErrorLine error={error} /> : <p className="muted">{t('loading')}</p>;
  return (
    <>
      <ErrorLine error={error} />
      <p className="muted total">{t('list.total', { n: data.total })}</p>
      {data.items.length === 0 ? (
        <p className="placeholder">{t('list.empty')}</p>
      ) : (
        <ul className="tickets" aria-label={t('list.label')}>
          {data.items.map((x) => (
            <li key={x.id}>
              <Link
                href={`/tickets/${x.id}${search}`}
                aria-current={openId === x.id ? 'true' : undefined}
                className={unread.has(x.id) ? 'unread' : undefined}
              >
                <span className="row1">
                  <ChannelIcon channel={x.channel} />
                  <span className="who">{x.contactName ?? t('contact.noName')}</span>
                  <time className="muted">{courtTime(x.lastInboundAt ?? x.updatedAt)}</time>
                </span>
                <span className="row2">
                  <span className="ref">{x.ref}</span>
                  <StatusBadge status={x.status} />
                  {showCourt && <span className="muted">{x.courtCode}</span>}
                  <span className="muted">{x.assigneeName ?? t('list.unassigned')}</span>
                  {x.specialistName && <span className="badge escalated">→ {x.specialistName}</span>}
                  {x.slaBreachedAt !== null && x.firstResponseAt === null && <span className="badge sla">{t('list.slaBreached')}</span>}
                </span>
                {x.subject && <span className="subject">{x.subject}</span>}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {data.total > data.items.length && limit < MAX_SHOWN && (
        <button type="button" className="more" onClick={() => setLimit((l) => Math.min(l + PAGE, MAX_SHOWN))}>
          {t('list.more')}
        </button>
      )}
    </>
  );
}
