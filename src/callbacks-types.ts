// The shapes of callback tasks and phone ticket details as the API returns them. This file imports nothing, so the
// console can import the types (operator-ui, `import type`) without its type check pulling in the server.

export interface CallbackAttemptView {
  at: number;
  userId: number | null;
  /** `no_answer` ("try again at…"), or a call-back's result: answered, no_answer, busy, operator_no_answer, failed. */
  result: string;
}

/** `GET /api/callbacks` items. */
export interface CallbackTask {
  callId: string;
  ticketId: number;
  ticketRef: string;
  courtId: number;
  contactName: string | null;
  number: string;
  missedAt: number;
  waitedMs: number | null;
  rung: { userId: number; name: string }[];
  dueAt: number;
  overdue: boolean;
  attempts: CallbackAttemptView[];
  doneAt: number | null;
}

/** `GET /api/callbacks/counts`. */
export interface CallbackCountsReply {
  open: number;
  overdue: number;
  dueToday: number;
  byCourt: Record<string, { open: number; overdue: number }>;
}

/** What `GET /api/tickets/:id` adds to each of `calls[]` (a call's line, `auto: 'call'`, is worded from these). */
export interface CallDetailExtra {
  rung: number[];
  rungUsers: { userId: number; name: string }[];
  /** To the answer, else to the end; null while ringing. */
  waitedMs: number | null;
  callbackDoneAt: number | null;
  callbackResult: 'answered' | 'no_answer' | 'busy' | 'operator_no_answer' | 'failed' | null;
  attempts: CallbackAttemptView[];
}

/** `GET /api/tickets/:id` `replyVia`. */
export type ReplyVia = 'text' | 'call-back' | 'whatsapp';
