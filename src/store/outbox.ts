// The outbox: outbound messages waiting for delivery, written in the transaction of their ticket change.
// `sending` is committed before a channel is asked to send, so a crash leaves the message(s) in flight visible.
import type { StoreBase } from './core.ts';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxRow {
  id: number;
  messageId: number;
  channel: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  /** When it was queued, or sent again by an operator: temporary failures are retried for a time from here. */
  queuedAt: number;
}

/** No earlier message of the same ticket on the same channel is waiting or in flight (messages_ticket, then outbox by message). */
const FIRST_OF_TICKET = `NOT EXISTS (SELECT 1 FROM messages e JOIN outbox eo ON eo.message_id = e.id
  WHERE e.ticket_id = m.ticket_id AND e.id < m.id AND eo.channel = o.channel AND eo.status IN ('pending', 'sending'))`;

const COLUMNS = `o.id, o.message_id AS messageId, o.channel, o.payload, o.status, o.attempts, o.next_attempt_at AS nextAttemptAt,
  o.last_error AS lastError, o.queued_at AS queuedAt`;

export function OutboxQueries<B extends StoreBase>(Base: B) {
  abstract class Outbox extends Base {
    enqueueOutbox(messageId: number, channel: string, payload: unknown, now: number): number {
      return Number(
        this.q(
          `INSERT INTO outbox (message_id, channel, payload, status, next_attempt_at, queued_at, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)`,
        ).run(messageId, channel, JSON.stringify(payload), now, now, now, now).lastInsertRowid,
      );
    }
    /**
     * The channel's messages due now in the order they were written (a channel back from an outage sends them as
     * queued), at most one per ticket: its oldest unsent one, and none while an earlier one of that ticket on the
     * channel waits or is in flight, so the outbox can send several at once and each ticket's still go out in order.
     * Never one on a demo ticket (those are for demoOutbox).
     */
    dueOutbox(channel: string, now: number, limit: number): OutboxRow[] {
      return this.q(
        `SELECT ${COLUMNS} FROM outbox o JOIN messages m ON m.id = o.message_id JOIN tickets t ON t.id = m.ticket_id
           WHERE o.status = 'pending' AND o.next_attempt_at <= ? AND o.channel = ? AND t.demo = 0 AND ${FIRST_OF_TICKET}
           ORDER BY o.id LIMIT ?`,
      ).all(now, channel, limit) as OutboxRow[];
    }
    /** Waiting messages on demo tickets, whatever their channel. */
    demoOutbox(limit: number): OutboxRow[] {
      return this.q(
        `SELECT ${COLUMNS} FROM outbox o JOIN messages m ON m.id = o.message_id JOIN tickets t ON t.id = m.ticket_id
           WHERE o.status = 'pending' AND t.demo = 1 LIMIT ?`,
      ).all(limit) as OutboxRow[];
    }
    getOutboxByMessage(messageId: number): OutboxRow | undefined {
      return this.q(`SELECT ${COLUMNS} FROM outbox o WHERE o.message_id = ?`).get(messageId) as never;
    }
    /**
     * Commits the attempts before the channel is asked (one transaction): from here a crash may duplicate these
     * messages, nothing else. Only rows still waiting (not failed or sent meanwhile); returns their ids.
     */
    markOutboxSending(ids: number[], now: number): number[] {
      const mark = this.q(
        `UPDATE outbox SET status = 'sending', attempts = attempts + 1, last_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'`,
      );
      return this.tx(() => ids.filter((id) => mark.run(now, now, id).changes > 0));
    }
    /** The outcome of an attempt, or an operator's retry (`queuedAt` then starts the retry period again). */
    updateOutbox(
      id: number,
      f: { status: OutboxStatus; nextAttemptAt: number; lastError: string | null; attempts?: number; queuedAt?: number },
      now: number,
    ) {
      this.q(
        `UPDATE outbox SET status = ?, next_attempt_at = ?, last_error = ?, attempts = coalesce(?, attempts), queued_at = coalesce(?, queued_at), updated_at = ?
           WHERE id = ?`,
      ).run(f.status, f.nextAttemptAt, f.lastError, f.attempts ?? null, f.queuedAt ?? null, now, id);
    }
    /** At start: messages left `sending` by a crash go back to the queue (they may have gone out: at-least-once). */
    requeueSendingOutbox(now: number): number[] {
      const ids = (this.q(`SELECT message_id AS m FROM outbox WHERE status = 'sending'`).all() as { m: number }[]).map((r) => r.m);
      if (ids.length)
        this.q(`UPDATE outbox SET status = 'pending', next_attempt_at = ?, updated_at = ? WHERE status = 'sending'`).run(now, now);
      return ids;
    }
    /** The channel works again: everything waiting on it is due now instead of at its next retry. */
    releaseOutbox(channel: string, now: number) {
      this.q(`UPDATE outbox SET next_attempt_at = ?, updated_at = ? WHERE status = 'pending' AND next_attempt_at > ? AND channel = ?`).run(
        now,
        now,
        now,
        channel,
      );
    }
    /** The channel's waiting messages queued at or before `queuedBefore`: their retry period is over. */
    expiredOutbox(channel: string, queuedBefore: number): OutboxRow[] {
      return this.q(`SELECT ${COLUMNS} FROM outbox o WHERE o.status = 'pending' AND o.channel = ? AND o.queued_at <= ?`).all(
        channel,
        queuedBefore,
      ) as OutboxRow[];
    }
    /** Says on the channel's waiting messages why they wait (once: no write when it says so already); returns those changed. */
    noteOutboxWaiting(channel: string, reason: string): number[] {
      const ids = (
        this.q(
          `SELECT o.message_id AS m FROM outbox o JOIN messages m ON m.id = o.message_id WHERE o.status = 'pending' AND o.channel = ? AND m.delivery_error IS NOT ?`,
        ).all(channel, reason) as { m: number }[]
      ).map((r) => r.m);
      const set = this.q(`UPDATE messages SET delivery_error = ? WHERE id = ?`);
      for (const id of ids) set.run(reason, id);
      return ids;
    }
    /** The earliest due time of each channel's waiting messages that may go next (not behind an earlier one of their ticket). */
    nextOutboxAttempts(): Map<string, number> {
      const rows = this.q(
        `SELECT o.channel, min(o.next_attempt_at) AS t FROM outbox o JOIN messages m ON m.id = o.message_id
           WHERE o.status = 'pending' AND ${FIRST_OF_TICKET} GROUP BY o.channel`,
      ).all() as {
        channel: string;
        t: number;
      }[];
      return new Map(rows.map((r) => [r.channel, r.t]));
    }
  }
  return Outbox;
}
