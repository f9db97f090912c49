// "Перезвонить": rings this operator's phone, then the citizen's number, and bridges them
// (POST /api/tickets/:id/call-back). Says what happens meanwhile: calling your phone, talking, over (the result
// lands on the ticket as a line of the conversation). A degraded phone channel still calls, with a warning.
import { useState } from 'react';
import { api } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { ErrorLine } from '../ui.tsx';
import { useAction } from '../util.ts';
import { useCalls } from './live.tsx';
import { resultText } from './words.ts';

/** Operators only: the API calls back from the signed-in operator's extension. */
export function CallBackButton({ ticketId }: { ticketId: number }) {
  const { t } = useI18n();
  const { user } = useSession();
  const { calls, ended, results } = useCalls();
  const { busy, error, run } = useAction();
  const [started, setStarted] = useState<{ callId: string; warning?: string } | null>(null);
  if (user.role !== 'operator') return null;

  const leg = started && calls.find((c) => c.callId === started.callId);
  const result = started && results[started.callId];
  const over = started !== null && (ended.includes(started.callId) || Boolean(result));
  const status = !started ? null : over ? 'calls.cb.ended' : leg && leg.state !== 'ringing' ? 'calls.cb.talking' : 'calls.cb.calling';
  const start = () =>
    run(async () => {
      setStarted(await api.post<{ callId: string; warning?: string }>(`/api/tickets/${ticketId}/call-back`));
    });

  return (
    <span className="call-back">
      <button type="button" disabled={busy || (started !== null && !over)} onClick={() => void start()}>
        {t('calls.cb.button')}
      </button>
      {status && (
        <span role="status" className="call-back-status" data-call-back={status.slice('calls.cb.'.length)}>
          {result ? t('calls.cb.result', { result: resultText(t, result) }) : t(status)}
        </span>
      )}
      {started?.warning && (
        <span role="alert" className="call-warning">
          {t('calls.degraded')}
        </span>
      )}
      <ErrorLine error={error} />
    </span>
  );
}
