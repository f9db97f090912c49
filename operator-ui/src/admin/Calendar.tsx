// A court's calendar: its working hours per weekday, and for one year the weekdays off (national holidays and the
// court's own days off), the working Saturdays and Sundays, and the court's own changes, which the admin adds and removes.
import { useEffect, useState, type FormEvent } from 'react';
import { api, type CalendarInfo, type CourtRow } from '../api.ts';
import { courtYear, isoDateText } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { ActionTableHead, CourtOptions, ErrorLine } from '../ui.tsx';
import { useAction } from '../util.ts';
import { CourtHoursEditor } from './Hours.tsx';

export function AdminCalendar({ courts }: { courts: CourtRow[] }) {
  const { t } = useI18n();
  const [courtId, setCourtId] = useState<number | null>(null);
  const [year, setYear] = useState(() => courtYear(Date.now()));
  const [yearText, setYearText] = useState(String(year));
  const [cal, setCal] = useState<CalendarInfo | null>(null);
  const [form, setForm] = useState({ date: '', kind: 'off' as 'off' | 'working', note: '' });
  const { busy, error, run } = useAction();
  const court = courtId ?? courts[0]?.id ?? null;

  const load = async () => {
    if (court !== null) setCal(await api.get<CalendarInfo>(`/api/courts/${court}/calendar?year=${year}`));
  };
  useEffect(() => {
    void run(load);
  }, [court, year]);

  const change = (fn: () => Promise<unknown>) =>
    run(async () => {
      await fn();
      await load();
    });
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (court === null || !form.date) return;
    if (await change(() => api.put(`/api/courts/${court}/calendar/${form.date}`, { kind: form.kind, note: form.note.trim() || null })))
      setForm({ ...form, date: '', note: '' });
  };
  const overrides = cal?.overrides.filter((o) => o.date.startsWith(`${year}-`)) ?? [];

  return (
    <main className="admin" aria-labelledby="calendar-title">
      <h1 id="calendar-title">{t('admin.calendar')}</h1>
      <div className="form-grid">
        <label className="span-2">
          {t('cal.court')}
          <select value={court ?? ''} onChange={(e) => setCourtId(Number(e.target.value))}>
            <CourtOptions courts={courts} />
          </select>
        </label>
        <label>
          {t('cal.year')}
          <input
            type="number"
            min={2000}
            max={2100}
            value={yearText}
            onChange={(e) => {
              setYearText(e.target.value);
              const y = Number(e.target.value);
              if (Number.isInteger(y) && y >= 2000 && y <= 2100) setYear(y);
            }}
          />
        </label>
      </div>
      {court !== null && <CourtHoursEditor key={court} courtId={court} />}
      <ErrorLine error={error} />
      <div className="card">
        <h2 id="cal-overrides">{t('cal.overrides')}</h2>
        {overrides.length === 0 ? (
          <p className="muted">{t('cal.none')}</p>
        ) : (
          <table aria-labelledby="cal-overrides">
            <ActionTableHead columns={[t('cal.date'), t('cal.kind'), t('cal.note')]} />
            <tbody>
              {overrides.map((o) => (
                <tr key={o.date} data-date={o.date}>
                  <td>{isoDateText(o.date)}</td>
                  <td>{t(o.kind === 'off' ? 'cal.off' : 'cal.working')}</td>
                  <td>{o.note}</td>
                  <td>
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`${t('cal.remove')}: ${isoDateText(o.date)}`}
                      onClick={() => void change(() => api.del(`/api/courts/${court}/calendar/${o.date}`))}
                    >
                      {t('cal.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form className="form-grid" onSubmit={(e) => void add(e)} aria-label={t('cal.add')}>
          <label>
            {t('cal.date')}
            <input type="date" value={form.date} onChange={(e) => setForm({ ...form, date: e.target.value })} required />
          </label>
          <label>
            {t('cal.kind')}
            <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as 'off' | 'working' })}>
              <option value="off">{t('cal.off')}</option>
              <option value="working">{t('cal.working')}</option>
            </select>
          </label>
          <label>
            {t('cal.note')}
            <input value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} maxLength={300} />
          </label>
          <button type="submit" className="primary" disabled={busy || !form.date}>
            {t('cal.add')}
          </button>
        </form>
      </div>
      <div className="calendar-lists">
        <section className="card" aria-labelledby="cal-off">
          <h2 id="cal-off">{t('cal.daysOff')}</h2>
          <DateList dates={cal?.daysOff ?? []} />
        </section>
        <section className="card" aria-labelledby="cal-weekends">
          <h2 id="cal-weekends">{t('cal.workingWeekends')}</h2>
          <DateList dates={cal?.workingWeekends ?? []} />
        </section>
      </div>
    </main>
  );
}

function DateList({ dates }: { dates: string[] }) {
  const { t } = useI18n();
  if (dates.length === 0) return <p className="muted">{t('cal.none')}</p>;
  return (
    <ul className="dates">
      {dates.map((d) => (
        <li key={d}>{isoDateText(d)}</li>
      ))}
    </ul>
  );
}
