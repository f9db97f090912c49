// The report's filters: court (a supervisor's own only), channel, operator, and the period — a day, ISO week,
// month or quarter containing a date, or custom dates — all in the court's time. Applied on "Show": a report is
// a read of a whole period, not a keystroke's.
import { useEffect, useState, type FormEvent } from 'react';
import type { CourtRow } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { channelLabel } from '../labels.ts';
import { CourtOptions } from '../ui.tsx';
import { PERIOD_KINDS, type ReportFilters } from './types.ts';

const CHANNELS = ['whatsapp', 'email', 'sip', 'web'];

export function ReportFilterForm({
  filters,
  courts,
  allCourts,
  operators,
  busy,
  onApply,
}: {
  filters: ReportFilters;
  /** The courts the viewer may choose. */
  courts: CourtRow[];
  /** Whether "every court" may be chosen (admins; a supervisor has one court). */
  allCourts: boolean;
  operators: { id: number; name: string }[];
  busy: boolean;
  onApply: (f: ReportFilters) => void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(filters);
  // The URL changed (back button, a drill-down's way back): the form shows what is shown.
  useEffect(() => setDraft(filters), [JSON.stringify(filters)]);
  const field = (k: keyof ReportFilters) => ({
    value: draft[k],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft);
  };
  const custom = draft.period === 'custom';
  return (
    <form className="form-grid report-filters" onSubmit={submit} aria-label={t('reports.filters')}>
      <label>
        {t('reports.court')}
        <select {...field('courtId')}>
          <CourtOptions courts={courts} empty={allCourts ? t('reports.allCourts') : undefined} />
        </select>
      </label>
      <label>
        {t('reports.channel')}
        <select {...field('channel')}>
          <option value="">{t('reports.allChannels')}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {channelLabel(t, c)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('reports.operator')}
        <select {...field('operatorId')}>
          <option value="">{t('reports.allOperators')}</option>
          {operators.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('reports.period')}
        <select {...field('period')}>
          {PERIOD_KINDS.map((p) => (
            <option key={p} value={p}>
              {t(`reports.period.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {custom ? t('reports.from') : t('reports.anchor')}
        <input type="date" required={custom} {...field('from')} />
      </label>
      {custom && (
        <label>
          {t('reports.to')}
          <input type="date" required min={draft.from || undefined} {...field('to')} />
        </label>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t('reports.show')}
      </button>
    </form>
  );
}
