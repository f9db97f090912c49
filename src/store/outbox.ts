// The outbox: outbound messages waiting for delivery, written in the transaction of their ticket change.
import type { StoreBase } from './core.ts';

export interface OutboxRow {
  id: number;
  messageId: number;
  channel: string;
  payload: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
}

export function OutboxQueries<B extends StoreBase>(Base: B) {
  abstract class Outbox extends Base {
    enqueueOutbox(messageId: number, channel: string, payload: unknown, now: number): number {
      return Number(
        this
        .q(`INSERT INTO outbox (message_id, channel, payload, status, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?)`)
          .run(messageId, channel, JSON.stringify(payload), now, now, now).lastInsertRowid,
      );
    }
    dueOutbox(now: number, limit: number): OutboxRow[] {
      return this
        .q(
          `SELECT id, message_id AS messageId, channel, payload, status, attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError
           FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
        )
        .all(now, limit) as OutboxRow[];
    }
    getOutboxByMessage(messageId: number): OutboxRow | undefined {
      return this
        .q(`SELECT id, message_id AS messageId, channel, payload, status, attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError FROM outbox WHERE message_id = ?`)
        .get(messageId) as never;
    }
    updateOutbox(id: number, f: { status: 'pending' | 'sent' | 'failed'; attempts: number; nextAttemptAt: number; lastError: string | null }, now: number) {
      this
        .q(`UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?`)
        .run(f.status, f.attempts, f.nextAttemptAt, f.lastError, now, id);
    }
    nextOutboxAttempt(): number | undefined {
      return (this.q(`SELECT min(next_attempt_at) AS t FROM outbox WHERE status = 'pending'`).get() as { t: number | null }).t ?? undefined;
    }
  }
  return Outbox;
}
