// The tickets behind one number of the report, newest first, a page at a time ("show more" continues after the
// last one shown: keyset, so tickets arriving meanwhile do not shift the list). Admins open a ticket from here;
// a supervisor handles no tickets (the server refuses them every ticket), so theirs are listed without links.
import { useEffect, useRef, useState } from 'react';
import { api, qs, type TicketStatus } from '../api.ts';
import { courtTime, isoDateText } from '../format.ts';
import { useI18n, type Key } from '../i18n.tsx';
import { channelLabel, languageLabel, useCourtLabel } from '../labels.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { ErrorLine, StatusBadge } from '../ui.tsx';
import { useAction } from '../util.ts';
import { filterParams, num, reportHref } from './query.ts';
import type { DrillFigure, DrillPage, DrillTicket, ReportFilters } from './types.ts';

const PAGE = 50;

export function DrillDown({ filters, params }: { filters: ReportFilters; params: URLSearchParams }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const courtLabel = useCourtLabel();
  const figure = (params.get('figure') ?? 'received') as DrillFigure;
  const language = params.get('language') ?? undefined;
  const date = params.get('date') ?? undefined;
  const [rows, setRows] = useState<DrillTicket[]>([]);
  const [page, setPage] = useState<DrillPage | null>(null);
  const { busy, error, run } = useAction();
  const query = qs({ ...filterParams(filters), figure, language, date, limit: PAGE });
  const latest = useRef(query);

  const load = (cursor: number | null) =>
    run(async () => {
      const p = await api.get<DrillPage>(`/api/reports/tickets${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
      if (latest.current !== query) return;
      setPage(p);
      setRows((r) => (cursor === null ? p.tickets : [...r, ...p.tickets]));
    });
  useEffect(() => {
    latest.current = query;
    setRows([]);
    setPage(null);
    void load(null);
  }, [query]);

  const title =
    figure === 'language'
      ? t('reports.fig.language', { language: languageLabel(t, language === 'unknown' ? null : language) })
      : figure === 'backlog'
        ? t('reports.fig.backlog', { date: date ? isoDateText(date) : '' })
        : t(`reports.fig.${figure}` as Key);

  return (
    <main className="admin reports" aria-labelledby="drill-title">
      <p>
        <Link href={reportHref(filters)}>{t('reports.drill.back')}</Link>
      </p>
      <h1 id="drill-title">{t('reports.drill.title', { figure: title })}</h1>
      <ErrorLine error={error} />
      {page && (
        <p role="status" className="muted" data-drill-total={page.total}>
          {t('reports.drill.count', { total: num(lang, page.total), shown: num(lang, rows.length) })}
        </p>
      )}
      {page && rows.length === 0 && <p className="muted">{t('reports.drill.none')}</p>}
      {rows.length > 0 && (
        <div className="report-scroll">
          <table aria-labelledby="drill-title">
            <thead>
              <tr>
                {(
                  [
                    'reports.drill.ref',
                    'reports.drill.created',
                    'reports.col.court',
                    'reports.col.channel',
                    'reports.drill.status',
                    'reports.drill.contact',
                    'reports.col.operator',
                    'reports.col.language',
                    'reports.drill.firstResponse',
                    'reports.drill.resolution',
                  ] as const
                ).map((k) => (
                  <th key={k} scope="col">
                    {t(k)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-ticket={r.id}>
                  <th scope="row">{user.role === 'admin' ? <Link href={`/tickets/${r.id}`}>{r.ref}</Link> : r.ref}</th>
                  <td>{courtTime(r.createdAt)}</td>
                  <td>{courtLabel(r.courtId)}</td>
                  <td>{channelLabel(t, r.channel)}</td>
                  <td>
                    <StatusBadge status={r.status as TicketStatus} />
                  </td>
                  <td>{r.contactName ?? ''}</td>
                  <td>{r.assigneeName ?? ''}</td>
                  <td>{languageLabel(t, r.language)}</td>
                  <td>{num(lang, r.firstResponseMin)}</td>
                  <td>{num(lang, r.resolutionMin)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page && page.nextCursor !== null && (
        <button type="button" disabled={busy} onClick={() => void load(page.nextCursor)}>
          {t('reports.drill.more')}
        </button>
      )}
    </main>
  );
}
