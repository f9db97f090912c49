// Retention of personal data: each kind's age and the variable that sets it, what the daily run would remove now
// (a dry run on the server: counts only, no citizen data), and when the last run was, with its counts.
import { Fragment, useEffect, useState } from 'react';
import { api } from '../api.ts';
import { courtTime } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { ErrorLine } from '../ui.tsx';
import { useAction } from '../util.ts';

type Kind = 'messageText' | 'recordings' | 'callRecordings' | 'contacts' | 'audit' | 'sessions';
const COUNTS = [
  'tickets',
  'messages',
  'scopeDecisions',
  'attachments',
  'recordings',
  'files',
  'contacts',
  'audit',
  'sessions',
  'notifications',
  'drafts',
] as const;
type Counts = Record<(typeof COUNTS)[number], number>;

/** GET /api/retention/preview */
interface RetentionPreview {
  computedAt: number;
  runAt: string | null;
  nextRunAt: number | null;
  policy: { kind: Kind; days: number; env: string; cutoff: number }[];
  preview: Counts;
  lastRun: { at: number; counts: Counts | null } | null;
}

export function AdminRetention() {
  const { t } = useI18n();
  const [data, setData] = useState<RetentionPreview | null>(null);
  const { busy, error, run } = useAction();
  const load = () => void run(async () => setData(await api.get<RetentionPreview>('/api/retention/preview')));
  useEffect(load, []);

  return (
    <main className="admin" aria-labelledby="retention-title">
      <h1 id="retention-title">{t('admin.retention')}</h1>
      <p className="muted">{t('retention.hint')}</p>
      <ErrorLine error={error} />
      {data && (
        <>
          <h2 id="retention-policy">{t('retention.policy')}</h2>
          <table aria-labelledby="retention-policy">
            <thead>
              <tr>
                <th>{t('retention.kind')}</th>
                <th>{t('retention.age')}</th>
                <th>{t('retention.env')}</th>
                <th>{t('retention.cutoff')}</th>
              </tr>
            </thead>
            <tbody>
              {data.policy.map((p) => (
                <tr key={p.kind} data-retention-kind={p.kind}>
                  <td>{t(`retention.kind.${p.kind}`)}</td>
                  <td>{p.days === 0 ? t('retention.atExpiry') : t('retention.days', { days: p.days })}</td>
                  <td>
                    <code>{p.env}</code>
                  </td>
                  <td>{courtTime(p.cutoff)}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2 id="retention-next">{t('retention.next')}</h2>
          <p>
            {data.nextRunAt === null ? t('retention.off') : t('retention.nextAt', { time: courtTime(data.nextRunAt) })}{' '}
            <button type="button" onClick={load} disabled={busy}>
              {t('retention.refresh')}
            </button>
          </p>
          <CountList counts={data.preview} labelledBy="retention-next" />

          <h2 id="retention-last">{t('retention.last')}</h2>
          {data.lastRun ? (
            <>
              <p>{courtTime(data.lastRun.at)}</p>
              {data.lastRun.counts && <CountList counts={data.lastRun.counts} labelledBy="retention-last" />}
            </>
          ) : (
            <p className="muted">{t('retention.never')}</p>
          )}
        </>
      )}
    </main>
  );
}

function CountList({ counts, labelledBy }: { counts: Counts; labelledBy: string }) {
  const { t } = useI18n();
  return (
    <dl className="details" aria-labelledby={labelledBy}>
      {COUNTS.map((k) => (
        <Fragment key={k}>
          <dt>{t(`retention.count.${k}`)}</dt>
          <dd data-count={k}>{counts[k]}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
