// The "Обратные звонки" entry of the queue navigation with its counters (GET /api/callbacks/counts), read again
// when a task changes (`callback.updated`) or the link comes back.
import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useLive, useServerEvent } from '../realtime.tsx';
import { Link, useLocation } from '../router.tsx';
import { useDebounced } from '../util.ts';
import type { CallbackCounts } from './types.ts';

export const CALLBACKS_PATH = '/callbacks';

export function useCallbackCounts(): CallbackCounts | null {
  const { epoch } = useLive();
  const [counts, setCounts] = useState<CallbackCounts | null>(null);
  const load = () =>
    api.get<CallbackCounts>('/api/callbacks/counts').then(
      (c) => setCounts(c),
      () => {},
    );
  useEffect(() => {
    void load();
  }, [epoch]);
  // A burst of changes (a call missed by the whole court) → one read.
  const reload = useDebounced(load, 300);
  useServerEvent('callback.updated', reload);
  return counts;
}

export function CallbacksNavItem() {
  const { t } = useI18n();
  const { path } = useLocation();
  const counts = useCallbackCounts();
  return (
    <li>
      <Link href={CALLBACKS_PATH} aria-current={path === CALLBACKS_PATH ? 'page' : undefined}>
        <span>{t('calls.nav')}</span>
        {counts && (
          <span className="counts">
            {counts.overdue > 0 && (
              <span
                className="count callbacks-overdue"
                data-callbacks-overdue={counts.overdue}
                title={t('calls.nav.overdue', { n: counts.overdue })}
              >
                <span aria-hidden="true">{counts.overdue}</span>
                <span className="sr-only">{t('calls.nav.overdue', { n: counts.overdue })}</span>
              </span>
            )}
            <span className="count" data-callbacks-count={counts.open}>
              {counts.open}
            </span>
          </span>
        )}
      </Link>
    </li>
  );
}
