// The report's filters in the URL (so a report, and the tickets behind one of its numbers, can be bookmarked and
// the back button returns from a ticket to its list), the API addresses built from them, and number formatting.
import { qs } from '../api.ts';
import type { Lang } from '../i18n.tsx';
import { PERIOD_KINDS, type DrillFigure, type PeriodKind, type ReportFilters } from './types.ts';

export const REPORTS_PATH = '/reports';
export const DRILL_PATH = '/reports/tickets';

const isPeriod = (p: string | null): p is PeriodKind => PERIOD_KINDS.includes(p as PeriodKind);

/** The filters in the URL; a supervisor's court is theirs whatever the URL says (the server refuses another). */
export function filtersOf(params: URLSearchParams, ownCourt: number | null): ReportFilters {
  const period = params.get('period');
  return {
    courtId: ownCourt !== null ? String(ownCourt) : (params.get('courtId') ?? ''),
    channel: params.get('channel') ?? '',
    operatorId: params.get('operatorId') ?? '',
    period: isPeriod(period) ? period : 'month',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
}

/** The filters as query parameters (unset ones left out; `to` only for custom dates). */
export function filterParams(f: ReportFilters): Record<string, string> {
  return {
    courtId: f.courtId,
    channel: f.channel,
    operatorId: f.operatorId,
    period: f.period,
    from: f.from,
    ...(f.period === 'custom' ? { to: f.to } : {}),
  };
}

export const reportHref = (f: ReportFilters) => `${REPORTS_PATH}${qs(filterParams(f))}`;

/** What a drill-down link carries besides the figure: a language or backlog day, or narrower filters. */
export interface DrillTarget {
  figure: DrillFigure;
  language?: string;
  date?: string;
  filters?: Partial<ReportFilters>;
}

export function drillHref(f: ReportFilters, target: DrillTarget): string {
  const filters = { ...f, ...target.filters };
  return `${DRILL_PATH}${qs({ ...filterParams(filters), figure: target.figure, language: target.language, date: target.date })}`;
}

export const exportHref = (kind: 'csv' | 'xlsx', f: ReportFilters, table: string, lang: Lang) =>
  `/api/reports/export.${kind}${qs({ ...filterParams(f), table, lang })}`;

export const monthlyHref = (courtId: string, month: string, lang: Lang) => `/api/reports/monthly.xlsx${qs({ courtId, month, lang })}`;

const locale = (lang: Lang) => (lang === 'kk' ? 'kk-KZ' : 'ru-RU');

/** A count or minutes (one decimal as the server gives them), with the decimal comma; none is a dash. */
export function num(lang: Lang, n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 2 }).format(n);
}

/** A share (0–1, four decimals) as a percentage to one decimal. */
export function pct(lang: Lang, n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 1 }).format(n);
}
