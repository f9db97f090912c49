// Missed calls and the calls back they ask for.
import type { MissedCallFact, ReportData } from './data.ts';
import { share } from './stats.ts';

/**
 * Missed calls (пропущенные звонки): calls started in the period that nobody answered (missed, abandoned by the
 * caller, or refused off hours) and so got a call back due (a call back that failed is no missed call), on tickets
 * of the chosen courts held by the chosen operator. They are the phone channel's: another channel chosen leaves none.
 */
export function missedCallsOf(data: ReportData): MissedCallFact[] {
  const op = data.query.operatorId;
  return data.missedCalls.filter((c) => op === undefined || c.assigneeId === op);
}

/**
 * A call back's deadline (срок перезвона): the call back task's own due time, which call progress sets
 * (`CALLBACK_DUE_WORKING_MINUTES` of the court's working time after the miss, src/callbacks.ts) and the call-back
 * queue calls overdue once passed: the report and the queue say the same.
 */
export function callbackDeadline(c: MissedCallFact): number {
  return c.callbackDueAt ?? c.startedAt;
}

/**
 * Called back (перезвонили): the citizen was spoken to on the phone after the missed call (a later call on the
 * ticket answered, or the call back marked done). In time: by the deadline. Overdue (просрочено): not called back
 * and the deadline has passed ("now"). Pending: not called back, still in time.
 */
export function callbackState(data: ReportData, c: MissedCallFact): 'in_time' | 'late' | 'overdue' | 'pending' {
  const deadline = callbackDeadline(c);
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
