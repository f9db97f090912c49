// Working time: outside it a new ticket waits for the next working period, and the citizen is told once
// per ticket and off-hours period when the centre opens again.
import { addWorkingMs, formatLocal, isWorkingTime, nextOpening } from '../../../routing/calendar/index.ts';
import { offHoursReply } from '../../../routing/off-hours-reply.ts';
import type { Step } from '../context.ts';

/** Channels that can carry a written answer back to the citizen. */
export const REPLYABLE_CHANNELS = new Set(['whatsapp', 'email', 'web']);

export const calendar: Step = (ctx, { calendarFor }) => {
  const cal = calendarFor(ctx.court.id);
  const at = new Date(ctx.now);
  ctx.working = isWorkingTime(cal, at);
  ctx.nextOpening = ctx.working ? null : nextOpening(cal, at).getTime();
  const existing = ctx.ticket;
  if (ctx.status !== 'out_of_scope') {
    if (!existing || ctx.reopen) ctx.status = ctx.working ? 'open' : 'waiting';
    else ctx.status = existing.status;
  }
  if (!existing && ctx.status !== 'out_of_scope') {
    ctx.firstResponseDueAt = addWorkingMs(cal, at, ctx.court.slaFirstResponseMin * 60_000).getTime();
  }
  const alreadyTold = existing?.offhoursReplyFor === ctx.nextOpening;
  if (
    ctx.nextOpening !== null &&
    ctx.status !== 'out_of_scope' &&
    !alreadyTold &&
    !ctx.env.noAutoReply &&
    REPLYABLE_CHANNELS.has(ctx.env.channel)
  ) {
    ctx.autoReplies.push({ kind: 'off-hours', text: offHoursReply(ctx.language, '{ref}', formatLocal(cal, new Date(ctx.nextOpening))) });
  }
};
