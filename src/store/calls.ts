// Phone calls: one row per call, tied to its ticket and its entry in the conversation.
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
  /** The call's entry in the conversation. */
  messageId: number | null;
}

const CALL_SELECT = `SELECT call_id AS callId, ticket_id AS ticketId, message_id AS messageId, from_number AS "from", to_number AS "to", outcome, operator_id AS operatorId,
  started_at AS startedAt, answered_at AS answeredAt, ended_at AS endedAt, callback_due_at AS callbackDueAt FROM calls`;

export function CallQueries<B extends StoreBase>(Base: B) {
  abstract class Calls extends Base {
    upsertCall(c: CallRow) {
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
      return this.q(`${CALL_SELECT} WHERE call_id = ?`).get(callId) as never;
    }
    updateCall(
      callId: string,
      f: {
        outcome: string;
        operatorId?: number | null;
        answeredAt?: number | null;
        endedAt?: number | null;
        callbackDueAt?: number | null;
      },
    ) {
      this.q(
        `UPDATE calls SET outcome = ?, operator_id = coalesce(?, operator_id), answered_at = coalesce(?, answered_at),
         ended_at = coalesce(?, ended_at), callback_due_at = coalesce(?, callback_due_at) WHERE call_id = ?`,
      ).run(f.outcome, f.operatorId ?? null, f.answeredAt ?? null, f.endedAt ?? null, f.callbackDueAt ?? null, callId);
    }
    /** The court's operators in hunt order input, with their phone extensions. */
    operatorExtensions(courtId: number): Map<number, { name: string; extension: string }> {
      const rows = this.q(
        `SELECT id, name, sip_extension AS extension FROM users WHERE role = 'operator' AND active = 1 AND sip_extension IS NOT NULL AND (court_id = ? OR court_id IS NULL)`,
      ).all(courtId) as { id: number; name: string; extension: string }[];
      return new Map(rows.map((r) => [r.id, { name: r.name, extension: r.extension }]));
    }
    listCalls(ticketId: number): CallRow[] {
      return this.q(`${CALL_SELECT} WHERE ticket_id = ? ORDER BY id`).all(ticketId) as CallRow[];
    }
  }
  return Calls;
}
