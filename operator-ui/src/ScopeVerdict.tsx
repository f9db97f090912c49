// The ticket header's appeal-filter fact: the filter's verdict with its score, or, once an operator decided
// otherwise, that decision (who, when, why): the filter's score then describes a verdict no longer in force.
import type { TicketDetail } from './api.ts';
import { courtTime } from './format.ts';
import { useI18n } from './i18n.tsx';

export function ScopeVerdict({ ticket }: { ticket: TicketDetail }) {
  const { t } = useI18n();
  const v = ticket.scopeVerdict;
  if (!v) return null;
  const label = v === 'appeal' || v === 'in_scope' ? t(`scope.${v}`) : v;
  const d = ticket.scopeDecision;
  if (d && d.label === v)
    return (
      <span data-scope-decision={d.source}>
        {label} — {t('bugs.scopeDecidedBy', { name: d.userName ?? t('author.system'), at: courtTime(d.createdAt) })}:{' '}
        <q className="scope-reason">{d.reason}</q>
      </span>
    );
  // Changed by someone else while this view was open, before its decision is loaded: no stale score meanwhile.
  const filterSaid = ticket.scopeExplanation?.verdict ?? v;
  return (
    <span>
      {label}
      {filterSaid === v && ticket.scopeScore !== null && ` (${ticket.scopeScore.toFixed(2)})`}
    </span>
  );
}
