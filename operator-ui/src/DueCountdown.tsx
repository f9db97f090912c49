// The live countdown to a ticket's reply-by time, in its court's working time: on each list row (on the list's
// clock) and beside the date in the ticket's header (on its own). While the court is closed it stands still, shows
// a pause sign and says so in its title (the header also in words); amber under a quarter left, red when late.
import { dueShort, dueText, useNow } from './countdown.ts';
import { courtTime } from './format.ts';
import { useI18n } from './i18n.tsx';
import { useLive } from './realtime.tsx';
import { readDue, useWorkingHours } from './working-time.ts';
import './list.css';
import './worktime.css';

interface Props {
  courtId: number;
  /** When the ticket came in: the time to answer runs from there. */
  start: number;
  due: number;
}

/** In the ticket's header: its own clock, and the pause in words. */
export function DueCountdown(p: Props) {
  return <Countdown {...p} now={useNow(1000)} detailed />;
}

/** On a list row: the list's clock, one for all rows. */
export function RowDueCountdown(p: Props & { now: number }) {
  return <Countdown {...p} />;
}

function Countdown({ courtId, start, due, now, detailed }: Props & { now: number; detailed?: boolean }) {
  const { t } = useI18n();
  const { hours, failed } = useWorkingHours(useLive());
  const r = readDue(hours, courtId, start, due, now);
  const paused = !r.running && t('worktime.paused');
  const notes = [
    dueText(t, r),
    paused && (r.resumesAt ? `${paused}, ${t('worktime.resumes', { at: courtTime(r.resumesAt) })}` : paused),
    !r.working && failed && t('worktime.wall'),
    t('list.dueTitle', { at: courtTime(due) }),
  ];
  return (
    <span
      className={`due due-${r.level}`}
      data-paused={r.running ? undefined : ''}
      data-count={r.working ? 'working' : 'wall'}
      title={notes.filter(Boolean).join(' · ')}
    >
      {r.running ? <Clock /> : <Pause />}
      <span className="due-left">{dueShort(t, r)}</span>
      {detailed && paused && <span className="due-paused-note">{paused}</span>}
    </span>
  );
}

/** A small clock before the countdown (an emoji would depend on the system's fonts). */
function Clock() {
  return (
    <svg className="clock" width="11" height="11" viewBox="0 0 12 12" aria-hidden="true">
      <circle cx="6" cy="6" r="5" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="M6 3v3.2l2 1.3" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </svg>
  );
}

/** The pause sign while the court is closed. */
function Pause() {
  return (
    <svg className="clock" width="11" height="11" viewBox="0 0 12 12" aria-hidden="true">
      <path d="M4 2.5v7M8 2.5v7" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  );
}
