// The one path every inbound message takes. Reading this list tells the whole ingest story.
import { z } from 'zod';
import type { AttachmentStore } from '../attachments.ts';
import type { EventBus } from '../events.ts';
import type { InboundEnvelope } from '../envelope.ts';
import type { IngestContext, IngestDeps, Step } from './context.ts';
import { dedupe } from './steps/dedupe.ts';
import { resolveContact } from './steps/contact.ts';
import { thread } from './steps/thread.ts';
import { scope } from './steps/scope.ts';
import { calendar } from './steps/calendar.ts';
import { route } from './steps/route.ts';
import { persist } from './steps/persist.ts';

export const STEPS: Step[] = [dedupe, resolveContact, thread, scope, calendar, route, persist];

export interface IngestResult {
  duplicate: boolean;
  ticketId: number;
  messageId: number;
  ticketCreated: boolean;
  /** Auto-replies written to the outbox. */
  autoReplies: number;
}

export class IngestError extends Error {}

const envelopeSchema = z
  .object({
    channel: z.enum(['whatsapp', 'email', 'sip', 'web']),
    account: z.string(),
    externalId: z.string().min(1).max(1000),
    sender: z.object({ kind: z.enum(['phone', 'email', 'whatsapp']), address: z.string().min(1).max(320) }).loose(),
    text: z.string(),
    receivedAt: z.number().finite(),
  })
  .loose();

export interface PipelineDeps extends IngestDeps {
  attachments: AttachmentStore;
  events: EventBus;
  /** Test hook: runs after each step, inside the transaction. */
  afterStep?: (name: string, ctx: IngestContext) => void;
}

/**
 * Channel state to commit with the message (e-mail: its UID watermark and Message-ID fingerprint), repeat or not:
 * it can then never say a message was stored that was not, nor miss one that was, whenever the process dies.
 */
export interface ChannelStateWrites {
  channel: string;
  values: Record<string, string>;
}

export function ingest(deps: PipelineDeps, env: InboundEnvelope, state?: ChannelStateWrites): IngestResult {
  const checked = envelopeSchema.safeParse(env);
  if (!checked.success)
    throw new IngestError(`invalid envelope: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const { store } = deps;
  const writeState = () => {
    if (state) for (const [key, value] of Object.entries(state.values)) store.setChannelState(state.channel, key, value, deps.clock.now());
  };
  const court = (env.courtHint && store.getCourtByCode(env.courtHint)) || store.getCourtByCode(deps.config.DEFAULT_COURT);
  if (!court)
    throw new IngestError(`no court "${env.courtHint ?? deps.config.DEFAULT_COURT}": set DEFAULT_COURT to an existing court code`);

  // Files are written outside the transaction (no I/O wait while holding the writer), unless this is a repeat.
  let attachments: IngestContext['attachments'] = [];
  if (env.attachments?.length) {
    const early = store.findMessageByExternal(env.channel, env.externalId);
    if (early) {
      store.tx(writeState);
      return { duplicate: true, ticketId: early.ticketId, messageId: early.id, ticketCreated: false, autoReplies: 0 };
    }
    attachments = env.attachments.map((a) => deps.attachments.save(a));
  }

  const ctx: IngestContext = {
    env,
    now: deps.clock.now(),
    attachments,
    contact: { id: null, name: null, identities: [] },
    court,
    language: 'unknown',
    reopen: false,
    messageScopeFlag: false,
    status: 'open',
    working: true,
    nextOpening: null,
    firstResponseDueAt: null,
    assigneeId: null,
    autoReplies: [],
  };
  try {
    store.tx(() => {
      writeState();
      for (const step of STEPS) {
        step(ctx, deps);
        deps.afterStep?.(step.name, ctx);
        if (ctx.duplicate) return;
      }
    });
  } catch (e) {
    // Another writer stored the same message between our check and our insert: that is a duplicate, not an error.
    const again =
      (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' ? store.findMessageByExternal(env.channel, env.externalId) : undefined;
    if (again) {
      store.tx(writeState);
      return { duplicate: true, ticketId: again.ticketId, messageId: again.id, ticketCreated: false, autoReplies: 0 };
    }
    throw e;
  }
  if (ctx.duplicate)
    return { duplicate: true, ticketId: ctx.duplicate.ticketId, messageId: ctx.duplicate.messageId, ticketCreated: false, autoReplies: 0 };

  const { ticket, ticketCreated, messages } = ctx.result!;
  deps.events.emit(ctx.ticket ? { type: 'ticket.updated', ticket, before: ctx.ticket } : { type: 'ticket.created', ticket });
  for (const message of messages) deps.events.emit({ type: 'message.created', ticket, message });
  return { duplicate: false, ticketId: ticket.id, messageId: messages[0].id, ticketCreated, autoReplies: messages.length - 1 };
}
