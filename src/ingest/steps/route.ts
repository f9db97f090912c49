// Assignment: in working time an open, unassigned ticket goes to the least loaded available operator.
// A call is the exception: the operators' phones ring in turn, and the ticket goes to whoever answers
// (a missed call stays in the court queue as a callback task).
import { pickOperator } from '../../../routing/assign.ts';
import type { Step } from '../context.ts';

export const route: Step = (ctx, { store }) => {
  const current = ctx.ticket && !ctx.reopen ? ctx.ticket.assigneeId : null;
  ctx.assigneeId = current;
  if (current !== null || ctx.status !== 'open' || !ctx.working || ctx.ticket?.specialistId || ctx.env.call) return;
  ctx.assigneeId = pickOperator(store.operatorLoads(ctx.court.id));
};
