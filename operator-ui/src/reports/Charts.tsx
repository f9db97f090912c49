// The report's charts: volume by day and channel (with the backlog), first-response and resolution times by
// channel, arrivals by weekday and hour (heat map), and the citizens' ratings. Each draws numbers a table on the
// page also holds (named in its label), so nothing is only in a picture.
import { useMemo } from 'react';
import { isoDateText } from '../format.ts';
import { useI18n, type Key } from '../i18n.tsx';
import { channelLabel } from '../labels.ts';
import { Chart, type ChartOption } from './Chart.tsx';
import type { ReportSummary } from './types.ts';

// Drawn once, without the entry animation: a report is read, not watched.
const BASE = {
  animation: false,
  tooltip: { trigger: 'axis' as const },
  legend: { top: 0 },
  grid: { left: 48, right: 16, top: 40, bottom: 28 },
};

export function ReportCharts({ s }: { s: ReportSummary }) {
  const { t } = useI18n();
  const channels = useMemo(() => [...new Set(s.days.flatMap((d) => Object.keys(d.byChannel)))].sort(), [s]);

  const volume = useMemo<ChartOption>(
    () => ({
      ...BASE,
      xAxis: { type: 'category', data: s.days.map((d) => isoDateText(d.date).slice(0, 5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        ...channels.map((c) => ({
          type: 'bar' as const,
          name: channelLabel(t, c),
          stack: 'received',
          data: s.days.map((d) => d.byChannel[c] ?? 0),
        })),
        { type: 'line' as const, name: t('reports.col.backlog'), data: s.days.map((d) => d.backlog) },
      ],
    }),
    [s, channels, t],
  );

  const response = useMemo<ChartOption>(() => {
    const rows = [
      { label: t('reports.series.total'), f: s.tickets },
      ...s.byChannel.map((c) => ({ label: channelLabel(t, c.channel), f: c })),
    ];
    const bar = (name: Key, pick: (f: ReportSummary['tickets']) => number | null) => ({
      type: 'bar' as const,
      name: t(name),
      data: rows.map((r) => pick(r.f)),
    });
    return {
      ...BASE,
      // Four long series names take two lines of legend.
      grid: { ...BASE.grid, top: 64 },
      xAxis: { type: 'category', data: rows.map((r) => r.label) },
      yAxis: { type: 'value' },
      series: [
        bar('reports.fig.frMedian', (f) => f.firstResponse.medianMin),
        bar('reports.fig.frP90', (f) => f.firstResponse.p90Min),
        bar('reports.fig.resMedian', (f) => f.resolution.medianMin),
        bar('reports.fig.resP90', (f) => f.resolution.p90Min),
      ],
    };
  }, [s, t]);

  const arrivals = useMemo<ChartOption>(() => {
    const cells = s.arrivals.flatMap((hours, d) => hours.map((x, h) => [h, d, x]));
    return {
      animation: false,
      tooltip: { position: 'top' },
      grid: { left: 48, right: 16, top: 8, bottom: 64 },
      xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')), splitArea: { show: true } },
      // Monday on top, as a calendar reads.
      yAxis: {
        type: 'category',
        inverse: true,
        data: [1, 2, 3, 4, 5, 6, 7].map((d) => t(`reports.wd.${d}` as Key)),
        splitArea: { show: true },
      },
      visualMap: { min: 0, max: Math.max(1, ...cells.map((c) => c[2])), orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120 },
      series: [
        {
          type: 'heatmap',
          name: t('reports.chart.arrivals'),
          data: cells,
          label: { show: true, formatter: (p) => ((p.value as number[])[2] ? String((p.value as number[])[2]) : '') },
        },
      ],
    };
  }, [s, t]);

  const ratings = useMemo<ChartOption | null>(() => {
    if (!s.ratings) return null;
    const scores = [1, 2, 3, 4, 5] as const;
    return {
      ...BASE,
      legend: { show: false },
      xAxis: { type: 'category', data: scores.map(String) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t('reports.col.count'), data: scores.map((x) => s.ratings!.counts[x]) }],
    };
  }, [s, t]);

  return (
    <div className="report-charts">
      <figure>
        <figcaption>{t('reports.chart.volume')}</figcaption>
        <Chart name="volume" option={volume} label={t('reports.chart.volumeLabel')} />
      </figure>
      <figure>
        <figcaption>{t('reports.chart.response')}</figcaption>
        <Chart name="response" option={response} label={t('reports.chart.responseLabel')} />
      </figure>
      <figure>
        <figcaption>{t('reports.chart.arrivals')}</figcaption>
        <Chart name="arrivals" option={arrivals} label={t('reports.chart.arrivalsLabel')} />
      </figure>
      {ratings && (
        <figure>
          <figcaption>{t('reports.chart.ratings')}</figcaption>
          <Chart name="ratings" option={ratings} label={t('reports.chart.ratingsLabel')} />
        </figure>
      )}
    </div>
  );
}
