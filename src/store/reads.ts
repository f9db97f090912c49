// What each person has read, their notifications and their unsent drafts (migration 15). Ingest writes none of
// it: a ticket is unread for a user when its last message that counts for them (the citizen's, or another staff
// member's) is newer than the user's read mark, so only reading (and staff actions) write here.
import type { StoreBase } from './core.ts';

export type NotificationKind =
  'assigned' | 'answer' | 'handback' | 'escalated' | 'alert.pickup' | 'alert.answer' | 'reminder.pickup' | 'reminder.answer';

export interface NotificationRow {
  id: number;
  ticketId: number;
  ref: string;
  kind: NotificationKind;
  actorId: number | null;
  actorName: string | null;
  createdAt: number;
  readAt: number | null;
}

/**
 * An unread ticket of the user's own queue: what the bell lists for news no row was written for (a citizen's new
 * message, the routing's assignment at ingest or by the dispatcher).
 */
export interface UnreadTicket {
  ticketId: number;
  ref: string;
  messageId: number;
  at: number;
  /** The user holds it and never opened it: the routing gave it to them ("Назначено вам"). */
  assigned: boolean;
}

export interface DraftRow {
  kind: 'reply' | 'note';
  text: string;
  updatedAt: number;
}

// The newest message of ticket `tid` that counts as news for user @me: the citizen's, or a person's other than
// @me (automatic messages and one's own do not). Walks the ticket's message index from its end.
const lastNewsFor = (tid: string) =>
  `(SELECT m.id FROM messages m WHERE m.ticket_id = ${tid} AND (m.direction = 'in' OR (m.author_id IS NOT NULL AND m.author_id != @me))
     ORDER BY m.id DESC LIMIT 1)`;
const markOf = (tid: string) =>
  `coalesce((SELECT r.last_message_id FROM ticket_reads r WHERE r.user_id = @me AND r.ticket_id = ${tid}), 0)`;

const UNREAD_SELECT = `
  SELECT t.id AS ticketId, t.ref, m.id AS messageId, m.created_at AS at,
    t.assignee_id = @me AND NOT EXISTS (SELECT 1 FROM ticket_reads r WHERE r.user_id = @me AND r.ticket_id = t.id) AS assigned
  FROM tickets t JOIN messages m ON m.id = ${lastNewsFor('t.id')}`;
type UnreadRaw = Omit<UnreadTicket, 'assigned'> & { assigned: number | null };
const unreadRow = (r: UnreadRaw): UnreadTicket => ({ ...r, assigned: r.assigned === 1 });

const NOTIFICATION_SELECT = `
  SELECT n.id, n.ticket_id AS ticketId, t.ref, n.kind, n.actor_id AS actorId, u.name AS actorName, n.created_at AS createdAt,
    n.read_at AS readAt
  FROM notifications n JOIN tickets t ON t.id = n.ticket_id LEFT JOIN users u ON u.id = n.actor_id`;

// The range on created_at is the index's (readCutoff is the later instant); the few unread rows in it are skipped.
const NOTIFICATION_DUE = `created_at < @readCutoff AND (created_at < @cutoff OR read_at IS NOT NULL)`;

export function ReadQueries<B extends StoreBase>(Base: B) {
  abstract class Reads extends Base {
    /** The tickets with `unread` for this user: one indexed lookup per row (a page is at most 200). */
    withUnread<T extends { id: number }>(userId: number, rows: T[]): (T & { unread: boolean })[] {
      if (rows.length === 0) return [];
      const unread = new Set(
        (
          this.q(`SELECT j.value AS id FROM json_each(@ids) j WHERE coalesce(${lastNewsFor('j.value')}, 0) > ${markOf('j.value')}`).all({
            ids: JSON.stringify(rows.map((r) => r.id)),
            me: userId,
          }) as { id: number }[]
        ).map((r) => r.id),
      );
      return rows.map((r) => ({ ...r, unread: unread.has(r.id) }));
    }

    /** Unread tickets the user holds or was escalated (not resolved): their own queue, a few tickets. */
    unreadMine(userId: number): UnreadTicket[] {
      return (
        this.q(
          `${UNREAD_SELECT} WHERE t.id IN (SELECT id FROM tickets WHERE assignee_id = @me AND status != 'resolved'
                          UNION SELECT id FROM tickets WHERE specialist_id = @me AND status != 'resolved')
             AND m.id > ${markOf('t.id')}
           ORDER BY m.id DESC`,
        ).all({ me: userId }) as UnreadRaw[]
      ).map(unreadRow);
    }

    /** The ticket as the bell lists it for this user, when it is unread for them (the routing just assigned it). */
    unreadTicket(userId: number, ticketId: number): UnreadTicket | undefined {
      const r = this.q(`${UNREAD_SELECT} WHERE t.id = @id AND m.id > ${markOf('t.id')}`).get({ me: userId, id: ticketId }) as
        UnreadRaw | undefined;
      return r && unreadRow(r);
    }

    /**
     * Moves the user's read mark to `messageId` (at most the ticket's last message; absent: the last message), never
     * back: a late request from another tab cannot make read messages unread. The ticket's notifications are read too.
     */
    markTicketRead(userId: number, ticketId: number, messageId: number | null, now: number): void {
      const last = (this.q(`SELECT max(id) AS id FROM messages WHERE ticket_id = ?`).get(ticketId) as { id: number | null }).id ?? 0;
      const mark = messageId === null ? last : Math.min(messageId, last);
      this.tx(() => {
        this.q(
          `INSERT INTO ticket_reads (user_id, ticket_id, last_message_id) VALUES (?, ?, ?)
           ON CONFLICT DO UPDATE SET last_message_id = max(last_message_id, excluded.last_message_id)`,
        ).run(userId, ticketId, mark);
        this.q(`UPDATE notifications SET read_at = ? WHERE user_id = ? AND ticket_id = ? AND read_at IS NULL`).run(now, userId, ticketId);
      });
    }

    addNotification(n: { userId: number; ticketId: number; kind: NotificationKind; actorId: number | null; now: number }): number {
      return Number(
        this.q(`INSERT INTO notifications (user_id, ticket_id, kind, actor_id, created_at) VALUES (?, ?, ?, ?, ?)`).run(
          n.userId,
          n.ticketId,
          n.kind,
          n.actorId,
          n.now,
        ).lastInsertRowid,
      );
    }

    getNotification(id: number): NotificationRow | undefined {
      return this.q(`${NOTIFICATION_SELECT} WHERE n.id = ?`).get(id) as NotificationRow | undefined;
    }

    /** The user's newest notifications and how many are unread. */
    listNotifications(userId: number, limit: number): { items: NotificationRow[]; unread: number } {
      const items = this.q(`${NOTIFICATION_SELECT} WHERE n.user_id = ? ORDER BY n.id DESC LIMIT ?`).all(userId, limit) as NotificationRow[];
      const { n } = this.q(`SELECT count(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL`).get(userId) as { n: number };
      return { items, unread: n };
    }

    /** Marks the user's notifications read: these ids (others' ids are ignored), or all. */
    markNotificationsRead(userId: number, ids: number[] | 'all', now: number): number {
      return ids === 'all'
        ? this.q(`UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`).run(now, userId).changes
        : this.q(
            `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id IN (SELECT value FROM json_each(?))`,
          ).run(now, userId, JSON.stringify(ids)).changes;
    }

    /** Who did the last audited thing to a ticket: tells an assignment by someone else from one's own claim. */
    lastTicketAction(ticketId: number): { userId: number | null; action: string } | undefined {
      return this.q(
        `SELECT user_id AS userId, action FROM audit_log WHERE entity = 'ticket' AND entity_id = ? ORDER BY at DESC, id DESC LIMIT 1`,
      ).get(ticketId) as { userId: number | null; action: string } | undefined;
    }

    getDraft(userId: number, ticketId: number): DraftRow | undefined {
      return this.q(`SELECT kind, text, updated_at AS updatedAt FROM ticket_drafts WHERE user_id = ? AND ticket_id = ?`).get(
        userId,
        ticketId,
      ) as DraftRow | undefined;
    }

    saveDraft(userId: number, ticketId: number, kind: 'reply' | 'note', text: string, now: number): void {
      this.q(
        `INSERT INTO ticket_drafts (user_id, ticket_id, kind, text, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET kind = excluded.kind, text = excluded.text, updated_at = excluded.updated_at`,
      ).run(userId, ticketId, kind, text, now);
    }

    deleteDraft(userId: number, ticketId: number): boolean {
      return this.q(`DELETE FROM ticket_drafts WHERE user_id = ? AND ticket_id = ?`).run(userId, ticketId).changes > 0;
    }

    // ---- retention (src/retention/job.ts): bounded deletes by age, each served by an index of migration 18

    /** Notifications created before `cutoff`, and read ones created before `readCutoff` (the later instant). */
    countNotificationsDue(cutoff: number, readCutoff: number): number {
      return (this.q(`SELECT count(*) AS n FROM notifications WHERE ${NOTIFICATION_DUE}`).get({ cutoff, readCutoff }) as { n: number }).n;
    }
    /** Up to `limit` of them; returns how many went. */
    deleteNotificationsDue(cutoff: number, readCutoff: number, limit: number): number {
      return this.q(`DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE ${NOTIFICATION_DUE} LIMIT @limit)`).run({
        cutoff,
        readCutoff,
        limit,
      }).changes;
    }
    countDraftsBefore(cutoff: number): number {
      return (this.q(`SELECT count(*) AS n FROM ticket_drafts WHERE updated_at < ?`).get(cutoff) as { n: number }).n;
    }
    /** Up to `limit` drafts last saved before the cutoff; returns how many went. */
    deleteDraftsBefore(cutoff: number, limit: number): number {
      return this.q(
        `DELETE FROM ticket_drafts WHERE (user_id, ticket_id) IN (SELECT user_id, ticket_id FROM ticket_drafts WHERE updated_at < ? LIMIT ?)`,
      ).run(cutoff, limit).changes;
    }
  }
  return Reads;
}
