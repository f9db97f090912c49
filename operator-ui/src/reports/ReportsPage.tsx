// The report page (issue #19) for admins (every court) and supervisors (their own court; their home page): the
// filters, the period the server resolved, the charts, the figures as tables with their downloads, and the
// tickets behind a number at /reports/tickets.
import { useContext, useEffect, useRef, useState } from 'react';
import { api, qs } from '../api.ts';
import { courtTime, isoDateText } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { CourtsContext } from '../labels.ts';
import { navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { ErrorLine } from '../ui.tsx';
import { useAction } from '../util.ts';
import { ReportCharts } from './Charts.tsx';
import { DrillDown } from './DrillDown.tsx';
import { ReportFilterForm } from './Filters.tsx';
import { DRILL_PATH, filterParams, filtersOf, monthlyHref, reportHref } from './query.ts';
import { ReportTables } from './Tables.tsx';
import type { ReportFilters, ReportSummary } from './types.ts';
import './reports.css';

export function ReportsPage() {
  const { path, params } = useLocation();
  const { user } = useSession();
  const ownCourt = user.role === 'supervisor' ? user.courtId : null;
  const filters = filtersOf(params, ownCourt);
  return path === DRILL_PATH ? <DrillDown filters={filters} params={params} /> : <Report filters={filters} ownCourt={ownCourt} />;
}

function Report({ filters, ownCourt }: { filters: ReportFilters; ownCourt: number | null }) {
  const { t, lang } = useI18n();
  const courts = useContext(CourtsContext);
  // The summary with the filters it was made for: its links and downloads are that report's, not the next one's
  // still computing.
  const [shown, setShown] = useState<{ summary: ReportSummary; filters: ReportFilters } | null>(null);
  const [operators, setOperators] = useState<{ id: number; name: string }[]>([]);
  const { busy, error, run } = useAction();
  const query = qs(filterParams(filters));
  // Only the newest request's answer is shown (filters changed while one was computing).
  const latest = useRef(query);

  useEffect(() => {
    latest.current = query;
    void run(async () => {
      const s = await api.get<ReportSummary>(`/api/reports/summary${query}`);
      if (latest.current !== query) return;
      setShown({ summary: s, filters });
      // The operator filter offers those holding tickets in the report without one chosen (a supervisor may not
      // list users); with one chosen, the list keeps the others and gains that one (a bookmarked report).
      const held = s.byOperator.flatMap((o) => (o.operatorId === null ? [] : [{ id: o.operatorId, name: o.name ?? String(o.operatorId) }]));
      setOperators((prev) => (filters.operatorId === '' ? held : [...prev, ...held.filter((o) => !prev.some((p) => p.id === o.id))]));
    });
  }, [query]);

  const choosable = courts.filter((c) => ownCourt === null || c.id === ownCourt);

  return (
    <main className="admin reports" aria-labelledby="reports-title">
      <h1 id="reports-title">{t('reports.title')}</h1>
      {ownCourt !== null && <p className="muted">{t('topics.supervisorHome')}</p>}
      <ReportFilterForm
        filters={filters}
        courts={choosable}
        allCourts={ownCourt === null}
        operators={operators}
        busy={busy}
        onApply={(f) => navigate(reportHref(f))}
      />
      <ErrorLine error={error} />
      <p role="status" className="muted">
        {busy
          ? t('reports.loading')
          : shown &&
            t('reports.periodLine', {
              from: isoDateText(shown.summary.period.from),
              to: isoDateText(shown.summary.period.to),
              zone: shown.summary.period.timeZone,
              asOf: courtTime(shown.summary.asOf),
            })}
      </p>
      {shown && (
        <>
          {/* The monthly summary is one court's (the court chosen; a supervisor's own): the month the period starts in. */}
          {shown.filters.courtId !== '' && (
            <p className="report-downloads">
              <a href={monthlyHref(shown.filters.courtId, shown.summary.period.from.slice(0, 7), lang)} download>
                {t('reports.monthly', { month: isoDateText(shown.summary.period.from).slice(3) })}
              </a>
            </p>
          )}
          <ReportCharts s={shown.summary} />
          <ReportTables s={shown.summary} filters={shown.filters} />
        </>
      )}
    </main>
  );
}
