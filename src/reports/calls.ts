// Missed calls and the calls back they ask for.
import { addWorkingMs } from '../../routing/calendar/index.ts';
import type { MissedCallFact, ReportData } from './data.ts';
import { share } from './stats.ts';

/**
 * Missed calls (пропущенные звонки): calls started in the period that nobody answered (missed, abandoned by the
 * caller, or refused off hours), on tickets of the chosen courts held by the chosen operator. They are the phone
 * channel's: another channel chosen leaves none.
 */
export function missedCallsOf(data: ReportData): MissedCallFact[] {
  const op = data.query.operatorId;
  return data.missedCalls.filter((c) => op === undefined || c.assigneeId === op);
}

/**
 * A call back's deadline (срок перезвона): the court's reply-by limit of working time after the call back fell
 * due (the call itself in working time, else the next opening).
 */
export function callbackDeadline(data: ReportData, c: MissedCallFact): number {
  const court = data.courts.get(c.courtId)!;
  return addWorkingMs(court.calendar, new Date(c.callbackDueAt ?? c.startedAt), court.limitMs).getTime();
}

/**
 * Called back (перезвонили): the citizen was spoken to on the phone after the missed call (a later call on the
 * ticket answered, or the call back marked done). In time: by the deadline. Overdue (просрочено): not called back
 * and the deadline has passed ("now"). Pending: not called back, still in time.
 */
export function callbackState(data: ReportData, c: MissedCallFact): 'in_time' | 'late' | 'overdue' | 'pending' {
  const deadline = callbackDeadline(data, c);
  if (c.calledBackAt !== null) return c.calledBackAt <= deadline ? 'in_time' : 'late';
  return deadline < data.query.asOf ? 'overdue' : 'pending';
}

export function callFigures(data: ReportData) {
  const missed = missedCallsOf(data);
  const states = { in_time: 0, late: 0, overdue: 0, pending: 0 };
  for (const c of missed) states[callbackState(data, c)]++;
  const done = states.in_time + states.late;
  return {
    missed: missed.length,
    calledBack: done,
    calledBackInTime: states.in_time,
    overdue: states.overdue,
    pending: states.pending,
    calledBackShare: share(done, missed.length),
  };
}
