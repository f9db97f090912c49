// The escalation figures: how many tickets went to specialists and how fast each specialist picked them up and
// answered, in working time of the ticket's court.
import { workingMs, type EscalationFact, type ReportData } from './data.ts';
import { durations, type Durations } from './stats.ts';

/**
 * Escalations (передачи специалисту): escalations made in the period on tickets of the chosen courts and channel,
 * by the chosen operator (the one who asked).
 */
export function escalationsOf(data: ReportData): EscalationFact[] {
  const op = data.query.operatorId;
  return data.escalations.filter((e) => op === undefined || e.fromUserId === op);
}

/** Time to pick-up (время до принятия): working time from the escalation to the specialist's first look at the ticket. */
export const pickupMs = (data: ReportData, e: EscalationFact) =>
  e.pickedUpAt === null ? null : workingMs(data, e.courtId, e.createdAt, e.pickedUpAt);

/**
 * Time to answer (время до ответа): working time from the escalation to the specialist's reply to the citizen;
 * escalations returned or passed on without a reply have none.
 */
export const answerMs = (data: ReportData, e: EscalationFact) =>
  e.answeredAt !== null && (e.status === 'open' || e.status === 'answered') ? workingMs(data, e.courtId, e.createdAt, e.answeredAt) : null;

export interface EscalationFigures {
  count: number;
  /** open (with the specialist), answered, returned (given back without a reply), passed (to another specialist). */
  byStatus: Record<EscalationFact['status'], number>;
  pickup: Durations;
  answer: Durations;
}

function figures(data: ReportData, list: EscalationFact[]): EscalationFigures {
  const byStatus = { open: 0, answered: 0, returned: 0, passed: 0 };
  for (const e of list) byStatus[e.status]++;
  const some = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);
  return {
    count: list.length,
    byStatus,
    pickup: durations(some(list.map((e) => pickupMs(data, e)))),
    answer: durations(some(list.map((e) => answerMs(data, e)))),
  };
}

/** All the period's escalations, and the same figures per specialist (the one escalated to), busiest first. */
export function escalationFigures(data: ReportData) {
  const list = escalationsOf(data);
  const bySpecialist = new Map<number, EscalationFact[]>();
  for (const e of list) {
    const mine = bySpecialist.get(e.toUserId);
    if (mine) mine.push(e);
    else bySpecialist.set(e.toUserId, [e]);
  }
  return {
    ...figures(data, list),
    bySpecialist: [...bySpecialist]
      .map(([specialistId, es]) => ({ specialistId, name: data.userNames.get(specialistId) ?? null, ...figures(data, es) }))
      .sort((a, b) => b.count - a.count || a.specialistId - b.specialistId),
  };
}
