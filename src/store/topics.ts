// Topics: what a request is about (hearing date, copy of a judicial act…), a list admins keep in Russian and
// Kazakh, and the tags staff put on tickets. Tags are written only by staff actions, never at ingest; each carries
// its ticket's court and creation time, so the reports count tickets by topic for a court and a period with one
// range read of ticket_topics_report (migration 17), whatever the number of tickets.
import type { Raw, StoreBase } from './core.ts';

export interface TopicRow {
  id: number;
  nameRu: string;
  nameKk: string;
  active: boolean;
  position: number;
}

export interface TopicCount {
  topicId: number;
  tickets: number;
}

const TOPIC_SELECT = `SELECT id, name_ru AS nameRu, name_kk AS nameKk, active, position FROM topics`;
const toTopic = (r: Raw): TopicRow => ({ ...(r as unknown as TopicRow), active: !!r.active });

export function TopicQueries<B extends StoreBase>(Base: B) {
  abstract class Topics extends Base {
    /** Every topic, switched off ones included (a ticket may still carry them), in the admins' order. */
    listTopics(): TopicRow[] {
      return this.q(`${TOPIC_SELECT} ORDER BY position, id`)
        .all()
        .map((r) => toTopic(r as Raw));
    }
    getTopic(id: number): TopicRow | undefined {
      const r = this.q(`${TOPIC_SELECT} WHERE id = ?`).get(id) as Raw | undefined;
      return r && toTopic(r);
    }
    /** A new topic goes last unless given a place. */
    createTopic(t: { nameRu: string; nameKk: string; active?: boolean; position?: number }, now: number): number {
      const position = t.position ?? (this.q(`SELECT coalesce(max(position), 0) + 1 AS p FROM topics`).get() as { p: number }).p;
      return Number(
        this.q(`INSERT INTO topics (name_ru, name_kk, active, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`).run(
          t.nameRu,
          t.nameKk,
          Number(t.active ?? true),
          position,
          now,
          now,
        ).lastInsertRowid,
      );
    }
    updateTopic(id: number, t: Partial<Omit<TopicRow, 'id'>>, now: number) {
      const cols: Record<string, unknown> = {
        name_ru: t.nameRu,
        name_kk: t.nameKk,
        active: t.active === undefined ? undefined : Number(t.active),
        position: t.position,
      };
      const set = Object.entries(cols).filter(([, v]) => v !== undefined);
      this.q(`UPDATE topics SET ${set.map(([k]) => `${k} = ?, `).join('')}updated_at = ? WHERE id = ?`).run(
        ...set.map(([, v]) => v),
        now,
        id,
      );
    }
    /** The order of the list: `ids` first to last (topics not named keep their place after them). */
    orderTopics(ids: number[], now: number) {
      ids.forEach((id, i) => this.q(`UPDATE topics SET position = ?, updated_at = ? WHERE id = ?`).run(i + 1, now, id));
      const rest = this.listTopics().filter((t) => !ids.includes(t.id));
      rest.forEach((t, i) => this.q(`UPDATE topics SET position = ? WHERE id = ?`).run(ids.length + i + 1, t.id));
    }

    /** The ticket's topics, in the list's order. */
    ticketTopics(ticketId: number): TopicRow[] {
      return this.q(
        `SELECT t.id, t.name_ru AS nameRu, t.name_kk AS nameKk, t.active, t.position
         FROM ticket_topics tt JOIN topics t ON t.id = tt.topic_id WHERE tt.ticket_id = ? ORDER BY t.position, t.id`,
      )
        .all(ticketId)
        .map((r) => toTopic(r as Raw));
    }
    /** Makes the ticket's tags exactly `topicIds`; what was added and removed (the caller audits it). */
    setTicketTopics(ticketId: number, topicIds: number[], userId: number, now: number): { added: number[]; removed: number[] } {
      const had = new Set(this.ticketTopics(ticketId).map((t) => t.id));
      const want = new Set(topicIds);
      const added = [...want].filter((id) => !had.has(id));
      const removed = [...had].filter((id) => !want.has(id));
      for (const id of removed) this.q(`DELETE FROM ticket_topics WHERE ticket_id = ? AND topic_id = ?`).run(ticketId, id);
      for (const id of added)
        this.q(
          `INSERT INTO ticket_topics (ticket_id, topic_id, court_id, ticket_created_at, tagged_by, tagged_at)
           SELECT id, ?, court_id, created_at, ?, ? FROM tickets WHERE id = ?`,
        ).run(id, userId, now, ticketId);
      return { added, removed };
    }
    /**
     * Tickets created in [from, to) per topic, for the courts given ('all': every court), each court one range read
     * of ticket_topics_report. A ticket with two topics counts once under each.
     */
    countTicketsByTopic(courts: number[] | 'all', from: number, to: number): TopicCount[] {
      const ids = courts === 'all' ? (this.q(`SELECT id FROM courts`).all() as { id: number }[]).map((c) => c.id) : courts;
      const sums = new Map<number, number>();
      for (const court of ids) {
        const rows = this.q(
          `SELECT topic_id AS topicId, count(*) AS n FROM ticket_topics
           WHERE court_id = ? AND ticket_created_at >= ? AND ticket_created_at < ? GROUP BY topic_id`,
        ).all(court, from, to) as { topicId: number; n: number }[];
        for (const r of rows) sums.set(r.topicId, (sums.get(r.topicId) ?? 0) + r.n);
      }
      return [...sums].map(([topicId, tickets]) => ({ topicId, tickets })).sort((a, b) => a.topicId - b.topicId);
    }
  }
  return Topics;
}
