// Scope: the first text of a new ticket decides whether it is an appeal against a judicial act (out of scope);
// later messages of an open ticket are only flagged, never closed automatically.
import { classifyScope } from '../../../routing/scope/index.ts';
import { appealReply } from '../../../routing/scope/appeal-reply.ts';
import { detectLanguage } from '../../../routing/language.ts';
import type { Step } from '../context.ts';

export const scope: Step = (ctx) => {
  const { env } = ctx;
  const detected = env.call ? 'unknown' : detectLanguage(env.text);
  ctx.language = detected === 'unknown' && ctx.ticket?.language ? (ctx.ticket.language as typeof detected) : detected;
  if (env.call || !env.text.trim()) return;
  const verdict = classifyScope(env.text);
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
