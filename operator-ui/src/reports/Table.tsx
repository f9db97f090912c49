// A report table: its title, its downloads (CSV and XLSX of the same table, as the server builds them), and rows
// whose counts of tickets link to the tickets behind them. Row headers are <th scope="row">, so a screen reader
// names each number by its row and column.
import type { ReactNode } from 'react';
import { useI18n, type Key } from '../i18n.tsx';
import { Link } from '../router.tsx';
import { exportHref, type DrillTarget } from './query.ts';
import type { ReportFilters } from './types.ts';

/** A cell: text, or a count of tickets with the drill-down link behind it. */
export type Cell = string | { text: string; href: string; figure: DrillTarget['figure'] };
/** A row (its first cell is the row's header), or a group's heading across the table. */
export type Row = { key: string; cells: Cell[] } | { key: string; group: string };

/** The server's table keys (src/reports/tables.ts TABLE_KEYS): each has a CSV and an XLSX download. */
export type TableKey = 'overview' | 'days' | 'channels' | 'courts' | 'operators' | 'specialists' | 'languages' | 'arrivals';

export function Downloads({ table, filters }: { table: TableKey; filters: ReportFilters }) {
  const { t, lang } = useI18n();
  const title = t(`reports.table.${table}`);
  return (
    <span className="report-downloads" role="group" aria-label={t('reports.downloads')}>
      <a href={exportHref('csv', filters, table, lang)} download aria-label={t('reports.downloadCsv', { table: title })}>
        CSV
      </a>
      <a href={exportHref('xlsx', filters, table, lang)} download aria-label={t('reports.downloadXlsx', { table: title })}>
        XLSX
      </a>
    </span>
  );
}

export function ReportTable({
  id,
  title,
  download,
  filters,
  columns,
  rows,
  note,
}: {
  id: string;
  title: Key;
  /** The server table this one is, for its downloads; none for a table only the page shows. */
  download?: TableKey;
  filters: ReportFilters;
  columns: string[];
  rows: Row[];
  note?: ReactNode;
}) {
  const { t } = useI18n();
  const headingId = `report-${id}`;
  return (
    <section className="report-table" aria-labelledby={headingId} data-table={id}>
      <div className="report-table-head">
        <h2 id={headingId}>{t(title)}</h2>
        {download && <Downloads table={download} filters={filters} />}
      </div>
      {note}
      <div className="report-scroll">
        <table aria-labelledby={headingId}>
          <thead>
            <tr>
              {columns.map((c, i) => (
                <th key={i} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) =>
              'group' in r ? (
                <tr key={r.key} className="report-group">
                  <th scope="colgroup" colSpan={columns.length}>
                    {r.group}
                  </th>
                </tr>
              ) : (
                <tr key={r.key} data-row={r.key}>
                  {r.cells.map((c, i) =>
                    i === 0 ? (
                      <th key={i} scope="row">
                        {text(c)}
                      </th>
                    ) : (
                      <td key={i}>{cell(c, t('reports.drillHint'))}</td>
                    ),
                  )}
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const text = (c: Cell) => (typeof c === 'string' ? c : c.text);

function cell(c: Cell, hint: string) {
  if (typeof c === 'string') return c;
  return (
    <Link href={c.href} title={hint} data-drill={c.figure}>
      {c.text}
    </Link>
  );
}
