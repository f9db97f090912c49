// Scope: the first text of a new ticket decides whether it is an appeal against a judicial act (out of scope);
// later messages of an open ticket are only flagged, never closed automatically. The classifier also tells
// the language the citizen wrote in, which every auto-reply uses, unless they chose one themselves (the phone's
// language menu): that choice wins.
import { classifyScope } from '../../../routing/scope/index.ts';
import { appealReply } from '../../../routing/scope/appeal-reply.ts';
import type { Step } from '../context.ts';

export const scope: Step = (ctx, { store }) => {
  const { env } = ctx;
  const chosen = ctx.contact.id === null ? null : store.chosenLanguage(ctx.contact.id);
  const known = (chosen ?? ctx.ticket?.language ?? 'unknown') as typeof ctx.language;
  if (env.call || !env.text.trim()) {
    ctx.language = known;
    return;
  }
  const verdict = classifyScope(env.text);
  ctx.language = chosen ?? (verdict.language === 'unknown' ? known : verdict.language);
  if (ctx.ticket) {
    ctx.messageScopeFlag = verdict.verdict === 'appeal' || verdict.flagged;
    return;
  }
  ctx.scope = verdict;
  if (verdict.verdict === 'appeal') {
    ctx.status = 'out_of_scope';
    if (!env.noAutoReply) ctx.autoReplies.push({ kind: 'appeal', text: appealReply(ctx.language, '{ref}') });
  }
};
