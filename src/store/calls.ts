// Phone calls: one row per call, tied to its ticket and its entry in the conversation; a missed call's row is
// also its callback task (due time, tries, done), read by the callbacks queue (src/callbacks.ts).
import type { CallbackAttemptView, CallbackTask } from '../callbacks-types.ts';
import type { StoreBase } from './core.ts';

export interface CallRow {
  callId: string;
  ticketId: number;
  from: string;
  to: string;
  outcome: string;
  operatorId: number | null;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  callbackDueAt: number | null;
  callbackDoneAt: number | null;
  /** Users whose phones rang for this call, in order. */
  rung: number[];
  /** A call-back's result (answered, no_answer, busy, operator_no_answer, failed); null for other calls. */
  callbackResult: string | null;
  /** The call's entry in the conversation. */
  messageId: number | null;
}

export type CallbackAttempt = CallbackAttemptView;

/** A callback task as the queue reads it (src/callbacks.ts adds names, attempts and `overdue`). */
export interface CallbackTaskRow extends Omit<CallbackTask, 'rung' | 'overdue' | 'attempts'> {
  rowId: number;
  rung: number[];
}

export interface CallbackCounts {
  open: number;
  overdue: number;
  dueToday: number;
}

const CALL_SELECT = `SELECT call_id AS callId, ticket_id AS ticketId, message_id AS messageId, from_number AS "from", to_number AS "to", outcome, operator_id AS operatorId,
  started_at AS startedAt, answered_at AS answeredAt, ended_at AS endedAt, callback_due_at AS callbackDueAt, callback_done_at AS callbackDoneAt,
  rung, callback_result AS callbackResult FROM calls`;

const TASK_SELECT = `SELECT c.id AS rowId, c.call_id AS callId, c.ticket_id AS ticketId, t.ref AS ticketRef, t.court_id AS courtId,
  n.name AS contactName, c.from_number AS number, coalesce(c.ended_at, c.started_at) AS missedAt,
  c.ended_at - c.started_at AS waitedMs, c.rung, c.callback_due_at AS dueAt, c.callback_done_at AS doneAt
  FROM calls c JOIN tickets t ON t.id = c.ticket_id JOIN contacts n ON n.id = t.contact_id`;

// NULL: every court. One JSON array, so each statement is prepared once.
const IN_COURTS = `(@courts IS NULL OR t.court_id IN (SELECT value FROM json_each(@courts)))`;

/** Rows as read: `rung` is the stored JSON. */
type Raw<T extends { rung: number[] }> = Omit<T, 'rung'> & { rung: string | null };
const parseRung = <T extends { rung: number[] }>(r: Raw<T>): T => ({ ...r, rung: r.rung ? (JSON.parse(r.rung) as number[]) : [] }) as T;

export function CallQueries<B extends StoreBase>(Base: B) {
  abstract class Calls extends Base {
    upsertCall(c: Omit<CallRow, 'rung' | 'callbackResult' | 'callbackDoneAt'>) {
      this.q(
        `INSERT INTO calls (ticket_id, message_id, call_id, from_number, to_number, outcome, operator_id, started_at, answered_at, ended_at, callback_due_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(call_id) DO UPDATE SET outcome = excluded.outcome, operator_id = coalesce(excluded.operator_id, operator_id),
           answered_at = coalesce(excluded.answered_at, answered_at), ended_at = coalesce(excluded.ended_at, ended_at),
           callback_due_at = coalesce(excluded.callback_due_at, callback_due_at)`,
      ).run(
        c.ticketId,
        c.messageId,
        c.callId,
        c.from,
        c.to,
        c.outcome,
        c.operatorId,
        c.startedAt,
        c.answeredAt,
        c.endedAt,
        c.callbackDueAt,
      );
    }
    getCall(callId: string): CallRow | undefined {
      const r = this.q(`${CALL_SELECT} WHERE call_id = ?`).get(callId) as Raw<CallRow> | undefined;
      return r && parseRung(r);
    }
    /**
     * `operatorId: null` clears it (a missed call names nobody); undefined keeps it. `rung` replaces the list.
     */
    updateCall(
      callId: string,
      f: {
        outcome: string;
        operatorId?: number | null;
        answeredAt?: number | null;
        endedAt?: number | null;
        callbackDueAt?: number | null;
        rung?: number[];
        callbackResult?: string;
      },
    ) {
      this.q(
        `UPDATE calls SET outcome = @outcome, operator_id = CASE WHEN @clear THEN NULL ELSE coalesce(@operatorId, operator_id) END,
         answered_at = coalesce(@answeredAt, answered_at), ended_at = coalesce(@endedAt, ended_at),
         callback_due_at = coalesce(@callbackDueAt, callback_due_at), rung = coalesce(@rung, rung),
         callback_result = coalesce(@callbackResult, callback_result) WHERE call_id = @callId`,
      ).run({
        callId,
        outcome: f.outcome,
        clear: Number(f.operatorId === null),
        operatorId: f.operatorId ?? null,
        answeredAt: f.answeredAt ?? null,
        endedAt: f.endedAt ?? null,
        callbackDueAt: f.callbackDueAt ?? null,
        rung: f.rung ? JSON.stringify(f.rung) : null,
        callbackResult: f.callbackResult ?? null,
      });
    }
    /** The court's operators in hunt order input, with their phone extensions. */
    operatorExtensions(courtId: number): Map<number, { name: string; extension: string }> {
      const rows = this.q(
        `SELECT id, name, sip_extension AS extension FROM users WHERE role = 'operator' AND active = 1 AND sip_extension IS NOT NULL AND (court_id = ? OR court_id IS NULL)`,
      ).all(courtId) as { id: number; name: string; extension: string }[];
      return new Map(rows.map((r) => [r.id, { name: r.name, extension: r.extension }]));
    }
    /** The active user whose phone this extension is. */
    userOfExtension(extension: string): number | null {
      const r = this.q(`SELECT id FROM users WHERE sip_extension = ? AND active = 1 ORDER BY id LIMIT 1`).get(extension) as
        { id: number } | undefined;
      return r?.id ?? null;
    }
    listCalls(ticketId: number): CallRow[] {
      return (this.q(`${CALL_SELECT} WHERE ticket_id = ? ORDER BY id`).all(ticketId) as Raw<CallRow>[]).map((r) => parseRung(r));
    }

    // ---- callback tasks

    /** Open tasks by due time, done ones newest first; `after`: the last row of the page before. */
    callbackTasks(f: {
      state: 'open' | 'done';
      courtIds: number[] | null;
      limit: number;
      after: { key: number; id: number } | null;
    }): CallbackTaskRow[] {
      const p = {
        courts: f.courtIds && JSON.stringify(f.courtIds),
        limit: f.limit,
        key: f.after?.key ?? null,
        id: f.after?.id ?? null,
      };
      const rows =
        f.state === 'open'
          ? this.q(
              `${TASK_SELECT} WHERE c.callback_due_at IS NOT NULL AND c.callback_done_at IS NULL AND ${IN_COURTS}
                 AND (@key IS NULL OR (c.callback_due_at, c.id) > (@key, @id)) ORDER BY c.callback_due_at, c.id LIMIT @limit`,
            ).all(p)
          : this.q(
              `${TASK_SELECT} WHERE c.callback_done_at IS NOT NULL AND ${IN_COURTS}
                 AND (@key IS NULL OR (c.callback_done_at, c.id) < (@key, @id)) ORDER BY c.callback_done_at DESC, c.id DESC LIMIT @limit`,
            ).all(p);
      return (rows as Raw<CallbackTaskRow>[]).map((r) => parseRung(r));
    }
    callbackTask(callId: string): CallbackTaskRow | undefined {
      const r = this.q(`${TASK_SELECT} WHERE c.call_id = ? AND c.callback_due_at IS NOT NULL`).get(callId) as
        Raw<CallbackTaskRow> | undefined;
      return r && parseRung(r);
    }
    /** The ticket's tasks not done yet (a call-back from the ticket is a try of each). */
    openCallbackTasksOfTicket(ticketId: number): { rowId: number; callId: string }[] {
      return this.q(
        `SELECT id AS rowId, call_id AS callId FROM calls WHERE ticket_id = ? AND callback_due_at IS NOT NULL AND callback_done_at IS NULL ORDER BY id`,
      ).all(ticketId) as never;
    }
    callbackAttempts(rowIds: number[]): Map<number, CallbackAttempt[]> {
      const rows = this.q(
        `SELECT call_row_id AS rowId, at, user_id AS userId, result FROM callback_attempts
           WHERE call_row_id IN (SELECT value FROM json_each(?)) ORDER BY at, id`,
      ).all(JSON.stringify(rowIds)) as (CallbackAttempt & { rowId: number })[];
      const out = new Map<number, CallbackAttempt[]>();
      for (const { rowId, ...a } of rows) out.set(rowId, [...(out.get(rowId) ?? []), a]);
      return out;
    }
    /** The tries of these calls' tasks, by call id (a ticket's view). */
    callbackAttemptsOfCalls(callIds: string[]): Map<string, CallbackAttempt[]> {
      const rows = this.q(
        `SELECT c.call_id AS callId, a.at, a.user_id AS userId, a.result FROM callback_attempts a JOIN calls c ON c.id = a.call_row_id
           WHERE c.call_id IN (SELECT value FROM json_each(?)) ORDER BY a.at, a.id`,
      ).all(JSON.stringify(callIds)) as (CallbackAttempt & { callId: string })[];
      const out = new Map<string, CallbackAttempt[]>();
      for (const { callId, ...a } of rows) out.set(callId, [...(out.get(callId) ?? []), a]);
      return out;
    }
    addCallbackAttempt(rowId: number, a: CallbackAttempt) {
      this.q(`INSERT INTO callback_attempts (call_row_id, at, user_id, result) VALUES (?, ?, ?, ?)`).run(rowId, a.at, a.userId, a.result);
    }
    setCallbackDue(rowId: number, dueAt: number) {
      this.q(`UPDATE calls SET callback_due_at = ? WHERE id = ?`).run(dueAt, rowId);
    }
    setCallbackDone(rowId: number, at: number) {
      this.q(`UPDATE calls SET callback_done_at = ? WHERE id = ? AND callback_done_at IS NULL`).run(at, rowId);
    }
    /** Open tasks per court: all, overdue at `now`, due before `endOfDay`. */
    callbackCounts(courtIds: number[] | null, now: number, endOfDay: number): Map<number, CallbackCounts> {
      const rows = this.q(
        `SELECT t.court_id AS courtId, count(*) AS open, sum(c.callback_due_at <= @now) AS overdue, sum(c.callback_due_at < @end) AS dueToday
           FROM calls c JOIN tickets t ON t.id = c.ticket_id
           WHERE c.callback_due_at IS NOT NULL AND c.callback_done_at IS NULL AND ${IN_COURTS} GROUP BY t.court_id`,
      ).all({ courts: courtIds && JSON.stringify(courtIds), now, end: endOfDay }) as (CallbackCounts & { courtId: number })[];
      return new Map(rows.map(({ courtId, ...c }) => [courtId, c]));
    }
    userNames(ids: number[]): Map<number, string> {
      const rows = this.q(`SELECT id, name FROM users WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as {
        id: number;
        name: string;
      }[];
      return new Map(rows.map((r) => [r.id, r.name]));
    }
    /** A call's entry in the conversation becomes its readable line (`auto = 'call'`; the console words it from the call). */
    setCallLine(messageId: number, text: string) {
      this.q(`UPDATE messages SET auto = 'call', text = ? WHERE id = ?`).run(text, messageId);
    }
  }
  return Calls;
}
