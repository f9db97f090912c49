// The citizens' ratings of the answers (src/csat/, csatFor), per the chosen courts and operator.
import { csatFor, type CsatFigures } from '../csat/store.ts';
import type { Store } from '../store/index.ts';
import type { ReportQuery } from './data.ts';

/**
 * Ratings (оценки граждан): the surveys sent in the period (one per resolved ticket: court time) and the scores
 * 1–5 given in answer, counted per score, with their mean; for an operator, the surveys of tickets they handled.
 * The survey is not narrowed by channel: with a channel chosen there is no ratings figure (null).
 */
export function ratingFigures(store: Store, query: ReportQuery): CsatFigures | null {
  if (query.channel !== undefined) return null;
  const base = {
    from: query.period.start,
    to: query.period.end,
    ...(query.operatorId !== undefined ? { operatorId: query.operatorId } : {}),
  };
  const parts = query.courts === 'all' ? [csatFor(store, base)] : query.courts.map((courtId) => csatFor(store, { ...base, courtId }));
  const counts: CsatFigures['counts'] = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  let sent = 0;
  for (const p of parts) {
    sent += p.sent;
    for (const s of [1, 2, 3, 4, 5] as const) counts[s] += p.counts[s];
  }
  const rated = counts[1] + counts[2] + counts[3] + counts[4] + counts[5];
  const sum = counts[1] + 2 * counts[2] + 3 * counts[3] + 4 * counts[4] + 5 * counts[5];
  return { counts, rated, mean: rated ? Math.round((sum / rated) * 100) / 100 : null, sent };
}
