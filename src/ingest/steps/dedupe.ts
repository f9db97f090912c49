// Idempotency: the same (channel, external id) is stored once, however often a channel delivers it.
import type { Step } from '../context.ts';

export const dedupe: Step = (ctx, { store }) => {
  const found = store.findMessageByExternal(ctx.env.channel, ctx.env.externalId);
  if (found) ctx.duplicate = { messageId: found.id, ticketId: found.ticketId };
};
