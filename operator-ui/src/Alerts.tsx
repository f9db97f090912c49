// Banners over the workspace: escalation deadlines (the operator's alert, the specialist's reminder) and the
// screen-pop of a ringing phone. They stay until dismissed; a call's banner goes when the call is answered or ends.
import { useCallback, useMemo, useState } from 'react';
import { qs } from './api.ts';
import { useI18n } from './i18n.tsx';
import { Link } from './router.tsx';
import { ChannelIcon } from './ui.tsx';

export type Banner =
  | { key: string; kind: 'escalation' | 'reminder'; text: string; ticketId: number }
  | { key: string; kind: 'call'; callId: string; from: string; name: string | null; ref: string; ticketId: number; others: number };

export function useAlerts() {
  const [list, setList] = useState<Banner[]>([]);
  const add = useCallback((b: Banner) => setList((l) => [...l.filter((x) => x.key !== b.key), b].slice(-5)), []);
  const remove = useCallback((key: string) => setList((l) => (l.some((x) => x.key === key) ? l.filter((x) => x.key !== key) : l)), []);
  return useMemo(() => ({ list, add, remove }), [list, add, remove]);
}

export function Alerts({ alerts, onDismiss, queue }: { alerts: Banner[]; onDismiss: (key: string) => void; queue: string | null }) {
  const { t } = useI18n();
  if (alerts.length === 0) return null;
  return (
    <section className="alerts" aria-label={t('alerts.label')}>
      {alerts.map((a) => {
        const href = `/tickets/${a.ticketId}${qs({ queue })}`;
        return (
          <div key={a.key} className={`alert alert-${a.kind}`} role="alert" data-alert={a.kind}>
            {a.kind === 'call' ? (
              <div className="alert-body">
                <strong>
                  <ChannelIcon channel="sip" /> {t('pop.title')}
                </strong>
                <span>{t('pop.from', { from: a.from })}</span>
                {a.name && <span className="pop-name">{a.name}</span>}
                {a.others > 0 && <span className="muted">{t('pop.other', { n: a.others })}</span>}
                <Link href={href} onClick={() => onDismiss(a.key)}>
                  {t('pop.open', { ref: a.ref })}
                </Link>
              </div>
            ) : (
              <div className="alert-body">
                <span>{a.text}</span>
                <Link href={href} onClick={() => onDismiss(a.key)}>
                  {t('alert.open')}
                </Link>
              </div>
            )}
            <button type="button" className="dismiss" onClick={() => onDismiss(a.key)} aria-label={t('alert.dismiss')}>
              ×
            </button>
          </div>
        );
      })}
    </section>
  );
}
