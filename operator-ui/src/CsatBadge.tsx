// The citizen's rating of the answer, in the ticket's header: the score (stars for a glance, the number for
// reading), how it was given, the comment and whom it counts for; "asked, no answer yet" while the survey waits.
// Reading it is audited by the server (GET /api/tickets/:id/csat). Read again when the server says it changed
// (`csat.changed`: the survey sent, a rating or comment arriving while the ticket is open) and after a reconnect.
import { useEffect, useState } from 'react';
import { api } from './api.ts';
import { useI18n } from './i18n.tsx';
import { useLive, useServerEvent } from './realtime.tsx';

/** The server's TicketCsat (src/csat/store.ts), as much of it as is shown here. */
interface TicketCsat {
  score: number | null;
  comment: string | null;
  answeredVia: 'whatsapp' | 'email' | 'page' | null;
  operators: { id: number; name: string }[];
}

/** `version`: the ticket's updatedAt (a resolution queues the survey). */
export function CsatBadge({ ticketId, version }: { ticketId: number; version?: number }) {
  const { t } = useI18n();
  const { epoch } = useLive();
  const [csat, setCsat] = useState<TicketCsat | null>(null);
  const [changes, setChanges] = useState(0);
  useServerEvent('csat.changed', (e) => {
    if (e.ticketId === ticketId) setChanges((n) => n + 1);
  });
  useEffect(() => {
    let live = true;
    api
      .get<{ csat: TicketCsat | null }>(`/api/tickets/${ticketId}/csat`)
      .then((r) => live && setCsat(r.csat))
      .catch(() => live && setCsat(null));
    return () => {
      live = false;
    };
  }, [ticketId, version, epoch, changes]);
  if (!csat) return null;
  if (csat.score === null)
    return (
      <p className="csat-badge csat-pending" data-csat="pending">
        {t('csat.pending')}
      </p>
    );
  const via = csat.answeredVia ? ` (${t(`csat.via.${csat.answeredVia}`)})` : '';
  const title = [
    csat.comment ? t('csat.comment', { text: csat.comment }) : '',
    csat.operators.length ? t('csat.counts', { names: csat.operators.map((o) => o.name).join(', ') }) : '',
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <p className="csat-badge" data-csat={csat.score} title={title || undefined}>
      <span aria-hidden="true">{'★'.repeat(csat.score) + '☆'.repeat(5 - csat.score)}</span> {t('csat.rating', { score: csat.score })}
      {via}
      {csat.comment && (
        <>
          {' '}
          <q className="csat-comment">{csat.comment}</q>
        </>
      )}
    </p>
  );
}
