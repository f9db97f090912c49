// "Мои показатели": the signed-in operator's (or specialist's) own figures for a period (GET /api/reports/mine):
// the tickets they hold, how fast they were answered and resolved (working time, the reports' definitions) and
// the citizens' ratings credited to them. Small and plain (no charts), so it loads with the console.
import { useEffect, useRef, useState } from 'react';
import type { CsatFigures } from '../../../src/csat/store.ts';
import { api, qs } from '../api.ts';
import { isoDateText } from '../format.ts';
import { useI18n, type Key } from '../i18n.tsx';
import { Link, useLocation } from '../router.tsx';
import { ErrorLine } from '../ui.tsx';
import { useAction } from '../util.ts';
import { num, pct } from './query.ts';
import type { TicketFigures } from './types.ts';

export const MY_FIGURES_PATH = '/me/figures';
const KINDS = ['week', 'month', 'quarter'] as const;
type Kind = (typeof KINDS)[number];

interface Mine {
  period: { kind: string; from: string; to: string; timeZone: string };
  asOf: number;
  tickets: TicketFigures;
  ratings: CsatFigures | null;
}

export function MyFiguresNavItem() {
  const { t } = useI18n();
  const { path } = useLocation();
  return (
    <li>
      <Link href={MY_FIGURES_PATH} aria-current={path === MY_FIGURES_PATH ? 'page' : undefined}>
        {t('reports.mine.nav')}
      </Link>
    </li>
  );
}

export function MyFigures() {
  const { t, lang } = useI18n();
  const [kind, setKind] = useState<Kind>('month');
  const [from, setFrom] = useState('');
  const [mine, setMine] = useState<Mine | null>(null);
  const { busy, error, run } = useAction();
  const query = qs({ period: kind, from: from || undefined });
  const latest = useRef(query);
  latest.current = query;

  useEffect(() => {
    void run(async () => {
      const answer = await api.get<Mine>(`/api/reports/mine${query}`);
      if (latest.current === query) setMine(answer);
    });
  }, [query]);

  const n = (x: number | null) => num(lang, x);
  const row = (key: string, label: Key, value: string) => (
    <tr key={key} data-figure={key}>
      <th scope="row">{t(label)}</th>
      <td>{value}</td>
    </tr>
  );
  const tk = mine?.tickets;
  const r = mine?.ratings;
  return (
    <main className="admin my-figures" aria-busy={busy}>
      <h1>{t('reports.mine.title')}</h1>
      <p className="muted">{t('reports.mine.hint')}</p>
      <form className="report-filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('reports.period')}
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`reports.period.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.anchor')}
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
      </form>
      <ErrorLine error={error} />
      {mine && tk && (
        <>
          <p className="muted" data-period={`${mine.period.from}/${mine.period.to}`}>
            {t('reports.mine.period', { from: isoDateText(mine.period.from), to: isoDateText(mine.period.to) })} {t('reports.minutesNote')}
          </p>
          <table className="report-table my-figures-table">
            <tbody>
              {row('received', 'reports.fig.received', n(tk.received))}
              {row('answered', 'reports.fig.answered', n(tk.firstResponse.count))}
              {row('frMedian', 'reports.fig.frMedian', n(tk.firstResponse.medianMin))}
              {row('frP90', 'reports.fig.frP90', n(tk.firstResponse.p90Min))}
              {row('withinShare', 'reports.fig.withinShare', pct(lang, tk.firstResponse.withinLimitShare))}
              {row('resolved', 'reports.fig.resolved', n(tk.resolution.count))}
              {row('resMedian', 'reports.fig.resMedian', n(tk.resolution.medianMin))}
              {row('resP90', 'reports.fig.resP90', n(tk.resolution.p90Min))}
              {row('slaBreached', 'reports.fig.slaBreached', n(tk.slaBreaches.count))}
              {row('surveys', 'reports.fig.surveys', n(r?.sent ?? null))}
              {row('rated', 'reports.fig.rated', n(r?.rated ?? null))}
              {row('ratingMean', 'reports.fig.ratingMean', n(r?.mean ?? null))}
              {r &&
                ([5, 4, 3, 2, 1] as const).map((s) => (
                  <tr key={`score${s}`} data-figure={`score${s}`}>
                    <th scope="row">{t('reports.mine.score', { score: s })}</th>
                    <td>{n(r.counts[s])}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
