// The phone API's shapes: the server's own types, from its files that import nothing (src/live-call.ts,
// src/callbacks-types.ts), so a change there fails the console's type check; and the events the console hears.
import type { CallbackCountsReply, CallbackTask, CallDetailExtra, ReplyVia } from '../../../src/callbacks-types.ts';
import type { LiveCall } from '../../../src/live-call.ts';

export type { CallbackTask, CallDetailExtra, LiveCall, ReplyVia };
export type CallbackCounts = CallbackCountsReply;

export interface CallEvents {
  /** A leg of this user changed state; `call` is null when it ended. */
  'call.state': { call: LiveCall | null; callId: string; userId: number };
  /** Calls rang out unanswered in a row: the server set this user away. */
  'call.rona': { at: number; missed?: number };
  /** A callback task changed: counters and the queue are read again. */
  'callback.updated': { callId: string; ticketId: number; courtId: number };
}
