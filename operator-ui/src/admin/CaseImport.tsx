// The case directory import (POST /api/case-assignments): the admin picks the court's CSV export, checks it (a dry
// run on the server: what would be added or changed, the first lines, each bad line's error) and then applies it.
// A line's error is worded here from its kind, in the interface language; the server's English text is not shown.
import { useState, type ChangeEvent } from 'react';
import { ApiError } from '../api.ts';
import { errorText } from '../errors-text.ts';
import { isKey, useI18n, type Key, type T } from '../i18n.tsx';
import { useCourtLabel } from '../labels.ts';
import { ErrorLine } from '../ui.tsx';
import { useAction } from '../util.ts';
import type { ImportReport } from '../../../src/case-import.ts';

const FIELDS: Record<string, Key> = {
  case_number: 'import.col.case',
  court: 'import.col.court',
  judge: 'import.col.judge',
  specialist_login: 'import.col.specialist',
};

/** The CSV goes as text/csv (the one route that takes it), so not through api.ts, which sends JSON. */
async function send(csv: string, dryRun: boolean): Promise<ImportReport> {
  let res: Response;
  try {
    res = await fetch(`/api/case-assignments${dryRun ? '?dryRun=1' : ''}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network');
  }
  const json = (await res.json().catch(() => null)) as (ImportReport & { error?: { code: string; message: string } }) | null;
  // A file with no importable line is answered 400 with its report: its errors are what the admin needs.
  if (json && Array.isArray(json.errors)) return json;
  throw new ApiError(res.status, json?.error?.code ?? `HTTP_${res.status}`, json?.error?.message ?? res.statusText);
}

function lineError(t: T, e: ImportReport['errors'][number]): string {
  const key = `import.err.${e.kind}`;
  if (!isKey(key)) return t('import.err.other');
  const field = typeof e.params.field === 'string' ? FIELDS[e.params.field] : undefined;
  return t(key, field ? { ...e.params, field: t(field) } : e.params);
}

export function AdminCaseImport() {
  const { t } = useI18n();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [checked, setChecked] = useState<ImportReport | null>(null);
  const [applied, setApplied] = useState<ImportReport | null>(null);
  const { busy, error, setError, run } = useAction();
  const courtLabel = useCourtLabel();

  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    setChecked(null);
    setApplied(null);
    setFile(null);
    if (f)
      f.text().then(
        (text) => setFile({ name: f.name, text }),
        (err: unknown) => setError(errorText(t, err)),
      );
  };
  const check = () =>
    file &&
    void run(async () => {
      setChecked(await send(file.text, true));
      setApplied(null);
    });
  const apply = () =>
    file &&
    void run(async () => {
      setApplied(await send(file.text, false));
      setChecked(null);
    });

  const report = applied ?? checked;
  const importable = checked !== null && checked.new + checked.updated + checked.unchanged > 0;
  return (
    <main className="admin case-import" aria-labelledby="import-title">
      <h1 id="import-title">{t('import.title')}</h1>
      <p className="muted">{t('import.intro')}</p>
      <div className="action-row">
        <label>
          {t('import.file')} <input type="file" accept=".csv,text/csv" onChange={pick} />
        </label>
        <button type="button" onClick={check} disabled={!file || busy}>
          {t('import.check')}
        </button>
        <button type="button" className="primary" onClick={apply} disabled={!importable || busy}>
          {t('import.apply')}
        </button>
      </div>
      <ErrorLine error={error} />
      {report && (
        <p role="status" className="notice" data-import-summary={applied ? 'applied' : 'checked'}>
          {t(applied ? 'import.applied' : 'import.summary', {
            new: report.new,
            updated: report.updated,
            unchanged: report.unchanged,
            errors: report.errors.length,
          })}
        </p>
      )}
      {checked && !importable && <p className="placeholder">{t('import.nothing')}</p>}
      {checked?.preview && checked.preview.length > 0 && (
        <>
          <h2 id="import-rows">{t('import.firstRows')}</h2>
          <table aria-labelledby="import-rows">
            <thead>
              <tr>
                {(
                  [
                    'import.col.line',
                    'import.col.case',
                    'import.col.court',
                    'import.col.judge',
                    'import.col.specialist',
                    'import.col.change',
                  ] as const
                ).map((k) => (
                  <th key={k}>{t(k)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {checked.preview.map((r) => (
                <tr key={r.line} data-preview-line={r.line}>
                  <td>{r.line}</td>
                  <td>{r.caseNumber}</td>
                  <td>{courtLabel(/^\d+$/.test(r.court) ? Number(r.court) : r.court)}</td>
                  <td>{r.judge ?? ''}</td>
                  <td>{r.specialist}</td>
                  <td>{t(`import.change.${r.change}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {report && report.errors.length > 0 && (
        <>
          <h2 id="import-errors">{t('import.errors')}</h2>
          <table aria-labelledby="import-errors">
            <thead>
              <tr>
                <th>{t('import.col.line')}</th>
                <th>{t('import.col.error')}</th>
              </tr>
            </thead>
            <tbody>
              {report.errors.map((e, i) => (
                <tr key={i} data-error-line={e.line}>
                  <td>{e.line}</td>
                  <td>{lineError(t, e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
