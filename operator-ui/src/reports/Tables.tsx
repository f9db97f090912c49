// The summary's figures as tables (the same as the exports, src/reports/tables.ts, plus the counts behind the
// shares): each count of tickets links to the tickets behind it. The tables are also the charts' text alternative.
import type { ReactNode } from 'react';
import { useI18n, type Key } from '../i18n.tsx';
import { channelLabel, languageLabel } from '../labels.ts';
import { isoDateText } from '../format.ts';
import { drillHref, num, pct, type DrillTarget } from './query.ts';
import { ReportTable, type Cell, type Row, type TableKey } from './Table.tsx';
import type { ReportFilters, ReportSummary, TicketFigures } from './types.ts';

/** A table the exports offer too (src/reports/tables.ts): its anchor, title and downloads are all named by its key. */
function ExportTable(props: { table: TableKey; filters: ReportFilters; columns: string[]; rows: Row[]; note?: ReactNode }) {
  const { table, ...rest } = props;
  return <ReportTable id={table} title={`reports.table.${table}`} download={table} {...rest} />;
}

export function ReportTables({ s, filters }: { s: ReportSummary; filters: ReportFilters }) {
  const { t, lang } = useI18n();
  const n = (x: number | null) => num(lang, x);
  /** A count of tickets: a link to them when there are any. */
  const count = (x: number, target: DrillTarget): Cell =>
    x > 0 ? { text: n(x), href: drillHref(filters, target), figure: target.figure } : n(x);
  const figureRow = (key: string, label: Key, value: Cell): Row => ({ key, cells: [t(label), value] });

  const tk = s.tickets;
  const overview: Row[] = [
    { key: 'g-tickets', group: t('reports.group.tickets') },
    figureRow('received', 'reports.fig.received', count(tk.received, { figure: 'received' })),
    figureRow('answered', 'reports.fig.answered', count(tk.firstResponse.count, { figure: 'answered' })),
    figureRow('frMedian', 'reports.fig.frMedian', n(tk.firstResponse.medianMin)),
    figureRow('frP90', 'reports.fig.frP90', n(tk.firstResponse.p90Min)),
    figureRow('withinLimit', 'reports.fig.withinLimit', count(tk.firstResponse.withinLimit, { figure: 'withinLimit' })),
    figureRow('overLimit', 'reports.fig.overLimit', count(tk.firstResponse.overLimit, { figure: 'overLimit' })),
    figureRow('withinShare', 'reports.fig.withinShare', pct(lang, tk.firstResponse.withinLimitShare)),
    figureRow('resolved', 'reports.fig.resolved', count(tk.resolution.count, { figure: 'resolved' })),
    figureRow('resMedian', 'reports.fig.resMedian', n(tk.resolution.medianMin)),
    figureRow('resP90', 'reports.fig.resP90', n(tk.resolution.p90Min)),
    figureRow('slaBreached', 'reports.fig.slaBreached', count(tk.slaBreaches.count, { figure: 'slaBreached' })),
    figureRow('breachShare', 'reports.fig.breachShare', pct(lang, tk.slaBreaches.share)),
    figureRow('offHours', 'reports.fig.offHours', count(tk.offHours.count, { figure: 'offHours' })),
    figureRow('offHoursShare', 'reports.fig.offHoursShare', pct(lang, tk.offHours.share)),
    { key: 'g-escalations', group: t('reports.group.escalations') },
    figureRow('escalated', 'reports.fig.escalated', count(s.escalations.count, { figure: 'escalated' })),
    figureRow('escOpen', 'reports.fig.escOpen', n(s.escalations.byStatus.open)),
    figureRow('escAnswered', 'reports.fig.escAnswered', n(s.escalations.byStatus.answered)),
    figureRow('escReturned', 'reports.fig.escReturned', n(s.escalations.byStatus.returned)),
    figureRow('escPassed', 'reports.fig.escPassed', n(s.escalations.byStatus.passed)),
    figureRow('pickupMedian', 'reports.fig.pickupMedian', n(s.escalations.pickup.medianMin)),
    figureRow('answerMedian', 'reports.fig.answerMedian', n(s.escalations.answer.medianMin)),
    { key: 'g-scope', group: t('reports.group.scope') },
    figureRow('outOfScope', 'reports.fig.outOfScope', count(s.scope.outOfScope, { figure: 'outOfScope' })),
    figureRow('outOfScopeShare', 'reports.fig.outOfScopeShare', pct(lang, s.scope.outOfScopeShare)),
    figureRow('filtered', 'reports.fig.filtered', count(s.scope.filtered, { figure: 'filtered' })),
    figureRow('overruled', 'reports.fig.overruled', count(s.scope.overruled, { figure: 'overruled' })),
    figureRow('markedAppeal', 'reports.fig.markedAppeal', count(s.scope.markedAppeal, { figure: 'markedAppeal' })),
    { key: 'g-calls', group: t('reports.group.calls') },
    figureRow('missedCall', 'reports.fig.missedCall', count(s.calls.missed, { figure: 'missedCall' })),
    figureRow('calledBack', 'reports.fig.calledBack', n(s.calls.calledBack)),
    figureRow('calledBackInTime', 'reports.fig.calledBackInTime', n(s.calls.calledBackInTime)),
    figureRow('callbackOverdue', 'reports.fig.callbackOverdue', count(s.calls.overdue, { figure: 'callbackOverdue' })),
    figureRow('callbackPending', 'reports.fig.callbackPending', n(s.calls.pending)),
    ...(s.ratings
      ? [
          { key: 'g-ratings', group: t('reports.group.ratings') },
          figureRow('ratingMean', 'reports.fig.ratingMean', n(s.ratings.mean)),
          figureRow('rated', 'reports.fig.rated', n(s.ratings.rated)),
          figureRow('surveys', 'reports.fig.surveys', n(s.ratings.sent)),
        ]
      : []),
  ];

  // The breakdowns: the same figures per channel, court, operator; their counts open the tickets with the
  // filter narrowed to that row.
  const figureColumns = [
    t('reports.col.received'),
    t('reports.col.frMedian'),
    t('reports.col.frP90'),
    t('reports.col.within'),
    t('reports.col.resMedian'),
    t('reports.col.breaches'),
    t('reports.col.offHours'),
  ];
  const figureCells = (f: TicketFigures, narrow: Partial<ReportFilters> | null): Cell[] => {
    const c = (x: number, figure: DrillTarget['figure']) => (narrow ? count(x, { figure, filters: narrow }) : n(x));
    return [
      c(f.received, 'received'),
      n(f.firstResponse.medianMin),
      n(f.firstResponse.p90Min),
      pct(lang, f.firstResponse.withinLimitShare),
      n(f.resolution.medianMin),
      c(f.slaBreaches.count, 'slaBreached'),
      pct(lang, f.offHours.share),
    ];
  };

  /** A breakdown's table: a column naming the row (a channel, court, operator), then the figures. */
  const breakdown = (
    key: 'channels' | 'courts' | 'operators',
    first: Key,
    rows: { key: string; name: string; narrow: Partial<ReportFilters> | null; f: TicketFigures }[],
  ) => (
    <ExportTable
      table={key}
      filters={filters}
      columns={[t(first), ...figureColumns]}
      rows={rows.map((r) => ({ key: r.key, cells: [r.name, ...figureCells(r.f, r.narrow)] }))}
    />
  );

  const channels = [...new Set(s.days.flatMap((d) => Object.keys(d.byChannel)))].sort();
  const dayFilters = (date: string, channel?: string): Partial<ReportFilters> => ({
    period: 'day',
    from: date,
    to: '',
    ...(channel ? { channel } : {}),
  });

  return (
    <>
      <ExportTable
        table="overview"
        filters={filters}
        columns={[t('reports.col.figure'), t('reports.col.value')]}
        rows={overview}
        note={<p className="muted">{t('reports.minutesNote')}</p>}
      />
      <ExportTable
        table="days"
        filters={filters}
        columns={[t('reports.col.date'), t('reports.col.received'), ...channels.map((c) => channelLabel(t, c)), t('reports.col.backlog')]}
        rows={s.days.map((d) => ({
          key: d.date,
          cells: [
            isoDateText(d.date),
            count(d.received, { figure: 'received', filters: dayFilters(d.date) }),
            ...channels.map((c) => count(d.byChannel[c] ?? 0, { figure: 'received', filters: dayFilters(d.date, c) })),
            count(d.backlog, { figure: 'backlog', date: d.date }),
          ],
        }))}
      />
      {breakdown(
        'channels',
        'reports.col.channel',
        s.byChannel.map((c) => ({ key: c.channel, name: channelLabel(t, c.channel), narrow: { channel: c.channel }, f: c })),
      )}
      {/* One court's report needs no table of courts. */}
      {s.byCourt.length > 1 &&
        breakdown(
          'courts',
          'reports.col.court',
          s.byCourt.map((c) => ({
            key: String(c.courtId),
            name: lang === 'kk' ? c.nameKk : c.nameRu,
            narrow: { courtId: String(c.courtId) },
            f: c,
          })),
        )}
      {breakdown(
        'operators',
        'reports.col.operator',
        s.byOperator.map((o) => ({
          key: String(o.operatorId),
          name: o.name ?? t('reports.unassigned'),
          // Tickets nobody holds cannot be asked for by operator: their counts stay plain.
          narrow: o.operatorId === null ? null : { operatorId: String(o.operatorId) },
          f: o,
        })),
      )}
      {s.escalations.bySpecialist.length > 0 && (
        <ExportTable
          table="specialists"
          filters={filters}
          columns={[t('reports.col.specialist'), t('reports.col.escalations'), t('reports.col.pickup'), t('reports.col.answer')]}
          rows={s.escalations.bySpecialist.map((e) => ({
            key: String(e.specialistId),
            cells: [e.name ?? '', n(e.count), n(e.pickup.medianMin), n(e.answer.medianMin)],
          }))}
        />
      )}
      <ExportTable
        table="languages"
        filters={filters}
        columns={[t('reports.col.language'), t('reports.col.received')]}
        rows={Object.entries(tk.languages).map(([code, x]) => ({
          key: code,
          cells: [languageLabel(t, code === 'unknown' ? null : code), count(x, { figure: 'language', language: code })],
        }))}
      />
      <ExportTable
        table="arrivals"
        filters={filters}
        columns={[t('reports.col.weekday'), ...Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'))]}
        rows={s.arrivals.map((hours, d) => ({ key: String(d + 1), cells: [t(`reports.wd.${d + 1}` as Key), ...hours.map((x) => n(x))] }))}
      />
      {s.ratings ? (
        <ReportTable
          id="ratings"
          title="reports.table.ratings"
          filters={filters}
          columns={[t('reports.col.score'), t('reports.col.count')]}
          rows={([5, 4, 3, 2, 1] as const).map((score) => ({ key: String(score), cells: [String(score), n(s.ratings!.counts[score])] }))}
        />
      ) : (
        <p className="muted">{t('reports.noRatings')}</p>
      )}
    </>
  );
}
