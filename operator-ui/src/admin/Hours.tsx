// A court's working week: periods per weekday (a lunch break is the gap between two), saved as the court's own
// hours or reset to the centre's default. Checked here to say what is wrong in the admin's language; the server
// checks the same rules again.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, type CourtHours, type WeekHours } from '../api.ts';
import { useI18n, type T } from '../i18n.tsx';
import { ErrorLine } from '../ui.tsx';
import { useAction, useFocusAfterRender } from '../util.ts';

const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;
type Day = (typeof DAYS)[number];
type Period = WeekHours[Day][number];
const MAX_PERIODS = 4;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const LAST_MINUTE = 23 * 60 + 59;

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const span = (p: Period) => `${p.start}–${p.end}`;
/** "9:00", "9.00" → "09:00"; anything else is left for the check to name. */
const tidy = (value: string) => value.trim().replace(/^(\d{1,2})[:.](\d{2})$/, (_, h: string, m: string) => `${h.padStart(2, '0')}:${m}`);

/** A new period: a working day on an empty day, otherwise after an hour's break following the day's last period. */
function nextPeriod(periods: Period[]): Period | null {
  const ends = periods.filter((p) => TIME.test(p.end)).map((p) => minutes(p.end));
  if (ends.length === 0) return periods.length === 0 ? { start: '09:00', end: '18:00' } : null;
  const start = Math.max(...ends) + 60;
  return start + 30 > LAST_MINUTE ? null : { start: hhmm(start), end: hhmm(Math.min(start + 180, LAST_MINUTE)) };
}

/** What is wrong with each day, and with the week as a whole (as the server's rules). */
function problems(week: WeekHours, t: T): { days: Partial<Record<Day, string>>; week: string | null } {
  const days: Partial<Record<Day, string>> = {};
  for (const d of DAYS) {
    const ps = week[d];
    const bad = ps.find((p) => TIME.test(p.start) && TIME.test(p.end) && p.start >= p.end);
    if (ps.some((p) => !TIME.test(p.start) || !TIME.test(p.end))) days[d] = t('hours.errTime');
    else if (bad) days[d] = t('hours.errOrder', { period: span(bad) });
    else {
      const sorted = [...ps].sort((a, b) => (a.start < b.start ? -1 : 1));
      const i = sorted.findIndex((p, k) => k > 0 && p.start < sorted[k - 1].end);
      if (i > 0) days[d] = t('hours.errOverlap', { a: span(sorted[i - 1]), b: span(sorted[i]) });
    }
  }
  return { days, week: DAYS.every((d) => week[d].length === 0) ? t('hours.errEmpty') : null };
}

export function CourtHoursEditor({ courtId }: { courtId: number }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<WeekHours | null>(null);
  const [custom, setCustom] = useState(false);
  const { busy, error, setError, run } = useAction();
  const [saved, setSaved] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // Keyboard users keep their place: a new period's start field, or the day's add button after a removal.
  const focusLater = useFocusAfterRender();

  const apply = (h: CourtHours) => {
    setDraft(h.week);
    setCustom(h.custom);
  };
  useEffect(() => {
    void run(async () => apply(await api.get<CourtHours>(`/api/courts/${courtId}/hours`)));
  }, [courtId]);

  if (draft === null) return <p className="muted">{t('loading')}</p>;
  const found = problems(draft, t);
  const invalid = found.week !== null || Object.keys(found.days).length > 0;

  const setDay = (d: Day, change: (periods: Period[]) => Period[]) => {
    setSaved(false);
    setError(null);
    setDraft((w) => w && { ...w, [d]: change(w[d]) });
  };
  const edit = (d: Day, i: number, field: 'start' | 'end', value: string) =>
    setDay(d, (ps) => ps.map((p, k) => (k === i ? { ...p, [field]: value } : p)));
  const add = (d: Day) => {
    const p = nextPeriod(draft[d]);
    if (!p) return;
    setDay(d, (ps) => [...ps, p]);
    focusLater(`hours-${d}-${draft[d].length}-start`);
  };
  const remove = (d: Day, i: number) => {
    setDay(d, (ps) => ps.filter((_, k) => k !== i));
    focusLater(`hours-${d}-add`);
  };

  const send = (week: WeekHours | null) => {
    setSaved(false);
    return run(async () => {
      apply(await api.put<CourtHours>(`/api/courts/${courtId}/hours`, { week }));
      setSaved(true);
    });
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (invalid) {
      setError(t('hours.fix'));
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    void send(draft);
  };

  return (
    <section className="card" aria-labelledby="hours-title">
      <h2 id="hours-title">{t('hours.title')}</h2>
      <p className="muted">
        {t(custom ? 'hours.custom' : 'hours.default')} {t('hours.hint')}
      </p>
      <form ref={form} onSubmit={save} aria-labelledby="hours-title" noValidate>
        <table className="hours">
          <tbody>
            {DAYS.map((d) => {
              const day = t(`day.${d}`);
              const err = found.days[d];
              // Text fields, not type=time: that one shows AM/PM when the browser's own language is English.
              const field = (i: number, which: 'start' | 'end') => ({
                id: `hours-${d}-${i}-${which}`,
                className: 'time',
                inputMode: 'numeric' as const,
                maxLength: 5,
                placeholder: '09:00',
                value: draft[d][i][which],
                onChange: (e: { target: { value: string } }) => edit(d, i, which, e.target.value),
                onBlur: (e: { target: { value: string } }) => {
                  if (tidy(e.target.value) !== e.target.value) edit(d, i, which, tidy(e.target.value));
                },
                'aria-label': t(which === 'start' ? 'hours.from' : 'hours.to', { day, n: i + 1 }),
                'aria-invalid': err !== undefined,
                'aria-describedby': err ? `hours-${d}-error` : undefined,
              });
              return (
                <tr key={d} data-day={d}>
                  <th scope="row">{day}</th>
                  <td>
                    <div className="periods">
                      {draft[d].length === 0 && <span className="muted">{t('hours.dayOff')}</span>}
                      {draft[d].map((_, i) => (
                        <span className="period" key={i}>
                          <input {...field(i, 'start')} />
                          <span aria-hidden="true">–</span>
                          <input {...field(i, 'end')} />
                          <button type="button" onClick={() => remove(d, i)} aria-label={t('hours.removeLabel', { day, n: i + 1 })}>
                            {t('hours.remove')}
                          </button>
                        </span>
                      ))}
                      <button
                        type="button"
                        id={`hours-${d}-add`}
                        onClick={() => add(d)}
                        disabled={draft[d].length >= MAX_PERIODS || nextPeriod(draft[d]) === null}
                        aria-label={t('hours.addLabel', { day })}
                      >
                        {t('hours.add')}
                      </button>
                    </div>
                    {err && (
                      <p className="error" id={`hours-${d}-error`}>
                        {err}
                      </p>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {found.week && <p className="error">{found.week}</p>}
        <div className="row-actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('hours.save')}
          </button>
          <button type="button" onClick={() => void send(null)} disabled={busy || !custom}>
            {t('hours.reset')}
          </button>
        </div>
      </form>
      <ErrorLine error={error} />
      {saved && (
        <p role="status" className="notice">
          {t('hours.saved')}
        </p>
      )}
    </section>
  );
}
