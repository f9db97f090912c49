// The appeal filter at work: over the tickets of a period (default the last 30 days, in court time) how many it
// classified, filtered out, flagged, and how often operators overruled it or marked what it let through; the
// active model with its cross-validated figures; the operators' latest decisions. The list names tickets and
// the operators' reasons, so the server audits every load: the period applies on submit only.
import { useEffect, useState, type FormEvent } from 'react';
import { api, qs, type ScopeFigures, type ScopeStats } from '../api.ts';
import { courtTime } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { languageLabel } from '../labels.ts';
import { Link } from '../router.tsx';
import { ErrorLine } from '../ui.tsx';
import { useAction } from '../util.ts';

const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

export function AdminScopeFilter() {
  const { t } = useI18n();
  const [period, setPeriod] = useState<{ from?: string; to?: string }>({});
  const [draft, setDraft] = useState({ from: '', to: '' });
  const [stats, setStats] = useState<ScopeStats | null>(null);
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    void run(async () => {
      const r = await api.get<ScopeStats>(`/api/scope/stats${qs(period)}`);
      setStats(r);
      setDraft({ from: r.from, to: r.to });
    });
  }, [period]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.from && draft.to && draft.from > draft.to) {
      setError(t('audit.badRange'));
      return;
    }
    setPeriod({ from: draft.from || undefined, to: draft.to || undefined });
  };

  return (
    <main className="admin" aria-labelledby="scope-title">
      <h1 id="scope-title">{t('admin.scope')}</h1>
      <form className="form-grid" onSubmit={apply} aria-label={t('scopeStats.period')}>
        <label>
          {t('audit.from')}
          <input type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </label>
        <label>
          {t('audit.to')}
          <input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {t('audit.show')}
        </button>
      </form>
      <p className="muted">{t('scopeStats.hint')}</p>
      <ErrorLine error={error} />
      {stats && <Figures stats={stats} />}
      {stats && <Decisions stats={stats} />}
    </main>
  );
}

function Figures({ stats }: { stats: ScopeStats }) {
  const { t } = useI18n();
  const { tickets: c, model: m } = stats;
  const rows: [string, ScopeFigures][] = [
    ...Object.entries(m.crossValidation.byLang).sort(([a], [b]) => a.localeCompare(b)),
    [t('scopeStats.all'), m.crossValidation.overall],
  ];
  return (
    <>
      <h2>{t('scopeStats.tickets')}</h2>
      <dl className="details" data-scope-figures>
        <dt>{t('scopeStats.classified')}</dt>
        <dd data-figure="classified">{c.classified}</dd>
        <dt>{t('scopeStats.filtered')}</dt>
        <dd data-figure="filtered">{c.filtered}</dd>
        <dt>{t('scopeStats.flagged')}</dt>
        <dd data-figure="flagged">{c.flagged}</dd>
        <dt>{t('scopeStats.overruled')}</dt>
        <dd data-figure="overruled">
          {c.overruled}
          {stats.overruledShare !== null && ` (${t('scopeStats.overruledShare', { share: percent(stats.overruledShare) })})`}
        </dd>
        <dt>{t('scopeStats.marked')}</dt>
        <dd data-figure="marked">{c.marked}</dd>
      </dl>
      <h2>{t('scopeStats.model')}</h2>
      <dl className="details">
        <dt>{t('scopeStats.modelId')}</dt>
        <dd data-model-id>{m.id}</dd>
        <dt>{t('scopeStats.algorithm')}</dt>
        <dd>{m.algorithm}</dd>
        <dt>{t('scopeStats.thresholdsLabel')}</dt>
        <dd>{t('scopeStats.thresholds', { high: m.thresholds.high, low: m.thresholds.low })}</dd>
      </dl>
      <table aria-label={t('scopeStats.cv', { folds: m.crossValidation.folds })}>
        <caption>{t('scopeStats.cv', { folds: m.crossValidation.folds })}</caption>
        <thead>
          <tr>
            {(['scopeStats.lang', 'scopeStats.n', 'scopeStats.precision', 'scopeStats.recall', 'scopeStats.flaggedN'] as const).map((k) => (
              <th key={k}>{t(k)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([lang, f]) => (
            <tr key={lang}>
              <td>{languageLabel(t, lang)}</td>
              <td>{f.n}</td>
              <td>{percent(f.precision)}</td>
              <td>{percent(f.recall)}</td>
              <td>{f.flagged}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Decisions({ stats }: { stats: ScopeStats }) {
  const { t } = useI18n();
  const columns = ['scopeStats.date', 'audit.ticket', 'scopeStats.label', 'scopeStats.source', 'scopeStats.user', 'action.reason'] as const;
  return (
    <>
      <h2 id="scope-decisions">{t('scopeStats.decisions')}</h2>
      {stats.decisions.length === 0 ? (
        <p className="muted">{t('scopeStats.none')}</p>
      ) : (
        <table aria-labelledby="scope-decisions">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c}>{t(c)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {stats.decisions.map((d) => (
              <tr key={d.id} data-decision={d.id}>
                <td>{courtTime(d.createdAt)}</td>
                <td>
                  <Link href={`/tickets/${d.ticketId}`}>{d.ticketRef}</Link>
                </td>
                <td>{t(`scope.${d.label}`)}</td>
                <td>{t(`scopeStats.source.${d.source}`)}</td>
                <td>{d.userName ?? t('audit.system')}</td>
                <td className="pre">{d.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
