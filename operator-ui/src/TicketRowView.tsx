// One row of the ticket list: who, the last message on one line, how long ago, and the time left to answer,
// counted down live in working time (DueCountdown.tsx). Compact rows keep one line (name, message, countdown, time)
// so a full screen shows 20 and more.
// Citizen text is rendered as React text (escaped).
import { useState, type ReactNode } from 'react';
import type { TicketRow } from './api.ts';
import { relativeTime } from './countdown.ts';
import { RowDueCountdown } from './DueCountdown.tsx';
import { courtTime } from './format.ts';
import { useI18n } from './i18n.tsx';
import { useCourtLabel } from './labels.ts';
import { ChannelIcon, StatusBadge } from './ui.tsx';
import './list.css';

interface Props {
  ticket: TicketRow;
  /** The list's clock, renewed every second. */
  now: number;
  showCourt: boolean;
  compact: boolean;
  /** What other parts of the console show on the row (presence, marks). */
  children?: ReactNode;
}

export function TicketRowView({ ticket: x, now, showCourt, compact, children }: Props) {
  const { t } = useI18n();
  const courtLabel = useCourtLabel();
  const at = x.lastMessage?.at ?? x.lastInboundAt ?? x.updatedAt;
  const preview = x.lastMessage ? (
    <span className="preview" data-direction={x.lastMessage.direction}>
      {x.lastMessage.direction === 'out' && <span className="from-us">{t('list.outgoing')}: </span>}
      {x.lastMessage.text}
    </span>
  ) : (
    <span className="preview muted">{x.subject ?? t('list.noMessages')}</span>
  );
  const when = (
    <time className="muted ago" dateTime={new Date(at).toISOString()} title={courtTime(at)}>
      {relativeTime(t, at, now) ?? courtTime(at)}
    </time>
  );
  const waiting = x.firstResponseAt === null && x.firstResponseDueAt !== null && x.status !== 'resolved';
  const due = waiting && <RowDueCountdown courtId={x.courtId} start={x.createdAt} due={x.firstResponseDueAt!} now={now} />;
  if (compact)
    return (
      <span className="row1">
        <ChannelIcon channel={x.channel} />
        <span className="who">{x.contactName ?? t('contact.noName')}</span>
        {preview}
        {children}
        {due}
        {when}
      </span>
    );
  return (
    <>
      <span className="row1">
        <ChannelIcon channel={x.channel} />
        <span className="who">{x.contactName ?? t('contact.noName')}</span>
        {due}
        {when}
      </span>
      {x.channel === 'email' && x.subject && x.lastMessage && <span className="subject">{x.subject}</span>}
      {preview}
      <span className="row2">
        <span className="ref">{x.ref}</span>
        <StatusBadge status={x.status} />
        {showCourt && <span className="muted">{courtLabel(x.courtId)}</span>}
        <span className="muted">{x.assigneeName ?? t('list.unassigned')}</span>
        {x.specialistName && <span className="badge escalated">→ {x.specialistName}</span>}
        {x.slaBreachedAt !== null && x.firstResponseAt === null && <span className="badge sla">{t('list.slaBreached')}</span>}
        {children}
      </span>
    </>
  );
}

export type Sort = 'newest' | 'oldest' | 'due';
export const SORTS: Sort[] = ['newest', 'oldest', 'due'];
const SORT_KEYS = { newest: 'list.sortNewest', oldest: 'list.sortOldest', due: 'list.sortDue' } as const;
const DENSITY = 'vic.list.compact';

/** The density chosen in this browser, remembered across reloads. */
export function useCompact(): [boolean, (v: boolean) => void] {
  const [compact, setCompact] = useState(() => localStorage.getItem(DENSITY) === '1');
  return [
    compact,
    (v: boolean) => {
      localStorage.setItem(DENSITY, v ? '1' : '0');
      setCompact(v);
    },
  ];
}

/** The list's total, its order (not for searches: they are ranked) and the density switch, on one line. */
export function ListTools(p: {
  total: ReactNode;
  sort: Sort | null;
  onSort: (s: Sort) => void;
  compact: boolean;
  onCompact: (v: boolean) => void;
}) {
  const { t } = useI18n();
  return (
    <div className="list-tools">
      <p className="muted total">{p.total}</p>
      {p.sort && (
        <select value={p.sort} aria-label={t('list.sort')} onChange={(e) => p.onSort(e.target.value as Sort)}>
          {SORTS.map((s) => (
            <option key={s} value={s}>
              {t(SORT_KEYS[s])}
            </option>
          ))}
        </select>
      )}
      <label>
        <input type="checkbox" checked={p.compact} onChange={(e) => p.onCompact(e.target.checked)} />
        {t('list.compact')}
      </label>
    </div>
  );
}
