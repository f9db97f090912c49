// Messages: a ticket's conversation (inbound, outbound, notes), their delivery state, and the e-mail thread
// (Message-IDs and References) replies are threaded by.
import type { Raw, StoreBase } from './core.ts';

export type Direction = 'in' | 'out' | 'note';
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

export interface MessageRow {
  id: number;
  ticketId: number;
  direction: Direction;
  channel: string;
  externalId: string | null;
  contactId: number | null;
  authorId: number | null;
  authorName: string | null;
  auto: string | null;
  text: string;
  html: string | null;
  subject: string | null;
  deliveryStatus: DeliveryStatus | null;
  deliveryError: string | null;
  scopeFlag: boolean;
  createdAt: number;
}

export interface NewMessage {
  ticketId: number;
  direction: Direction;
  channel: string;
  externalId?: string | null;
  contactId?: number | null;
  authorId?: number | null;
  auto?: string | null;
  text: string;
  html?: string | null;
  subject?: string | null;
  emailRefs?: string[] | null;
  deliveryStatus?: DeliveryStatus | null;
  scopeFlag?: boolean;
  now: number;
}

/** An inbound e-mail as threading needs it: its Message-ID (external id), the chain it named, its subject. */
export interface ThreadMessage {
  externalId: string;
  /** JSON array: its References then its In-Reply-To, oldest first, as the citizen's program wrote them. */
  emailRefs: string | null;
  subject: string | null;
}

/** The row `insertMessage` wrote for a message with no author (inbound, automatic): nothing left to read back. */
export function unauthoredMessageRow(id: number, m: Omit<NewMessage, 'authorId'>): MessageRow {
  return {
    id,
    ticketId: m.ticketId,
    direction: m.direction,
    channel: m.channel,
    externalId: m.externalId ?? null,
    contactId: m.contactId ?? null,
    authorId: null,
    authorName: null,
    auto: m.auto ?? null,
    text: m.text,
    html: m.html ?? null,
    subject: m.subject ?? null,
    deliveryStatus: m.deliveryStatus ?? null,
    deliveryError: null,
    scopeFlag: m.scopeFlag ?? false,
    createdAt: m.now,
  };
}

const MESSAGE_SELECT = `SELECT m.id, m.ticket_id AS ticketId, m.direction, m.channel, m.external_id AS externalId,
  m.contact_id AS contactId, m.author_id AS authorId, u.name AS authorName, m.auto, m.text, m.html, m.subject,
  m.delivery_status AS deliveryStatus, m.delivery_error AS deliveryError, m.scope_flag AS scopeFlag, m.created_at AS createdAt
  FROM messages m LEFT JOIN users u ON u.id = m.author_id`;

// The ticket's citizen's own inbound e-mail: not our replies (they get an external id once sent), not notes, not a
// bounce or a copy from someone else in the thread (another contact).
const CITIZEN_EMAIL = `SELECT m.external_id AS externalId, m.email_refs AS emailRefs, m.subject FROM messages m JOIN tickets t ON t.id = m.ticket_id
  WHERE m.ticket_id = ? AND m.channel = 'email' AND m.direction = 'in' AND m.contact_id = t.contact_id AND m.external_id IS NOT NULL`;

const toMessage = (r: Raw) => ((r.scopeFlag = !!r.scopeFlag), r as unknown as MessageRow);

export function MessageQueries<B extends StoreBase>(Base: B) {
  abstract class Messages extends Base {
    findMessageByExternal(channel: string, externalId: string): { id: number; ticketId: number } | undefined {
      return this.q(`SELECT id, ticket_id AS ticketId FROM messages WHERE channel = ? AND external_id = ?`).get(
        channel,
        externalId,
      ) as never;
    }
    insertMessage(m: NewMessage): number {
      const id = Number(
        this.q(
          `INSERT INTO messages (ticket_id, direction, channel, external_id, contact_id, author_id, auto, text, html, subject, email_refs,
               delivery_status, scope_flag, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          m.ticketId,
          m.direction,
          m.channel,
          m.externalId ?? null,
          m.contactId ?? null,
          m.authorId ?? null,
          m.auto ?? null,
          m.text,
          m.html ?? null,
          m.subject ?? null,
          m.emailRefs?.length ? JSON.stringify(m.emailRefs) : null,
          m.deliveryStatus ?? null,
          Number(m.scopeFlag ?? false),
          m.now,
        ).lastInsertRowid,
      );
      return id;
    }
    getMessage(id: number): MessageRow | undefined {
      const r = this.w(`${MESSAGE_SELECT} WHERE m.id = ?`).get(id);
      return r ? toMessage(r) : undefined;
    }
    listMessages(ticketId: number): MessageRow[] {
      return this.w(`${MESSAGE_SELECT} WHERE m.ticket_id = ? ORDER BY m.created_at, m.id`)
        .all(ticketId)
        .map((r) => toMessage(r));
    }
    /**
     * What a reply on this e-mail ticket answers: the citizen's latest message (the parent) and their first one
     * (the thread's root), whatever auto-replies, replies or notes came between.
     */
    emailThreadOfTicket(ticketId: number): { first: ThreadMessage; latest: ThreadMessage } | undefined {
      const first = this.q(`${CITIZEN_EMAIL} ORDER BY m.id LIMIT 1`).get(ticketId) as ThreadMessage | undefined;
      if (!first) return undefined;
      return { first, latest: this.q(`${CITIZEN_EMAIL} ORDER BY m.id DESC LIMIT 1`).get(ticketId) as ThreadMessage };
    }
    /** The ticket holding any of these e-mail Message-IDs, the last one given winning (References run oldest → newest). */
    ticketByEmailMessageIds(ids: string[]): number | undefined {
      for (const id of [...ids].reverse()) {
        const r = this.q(`SELECT ticket_id AS t FROM messages WHERE channel = 'email' AND external_id = ?`).get(id) as
          { t: number } | undefined;
        if (r) return r.t;
      }
      return undefined;
    }

    setDelivery(messageId: number, status: DeliveryStatus, error: string | null, externalId?: string) {
      this.q(`UPDATE messages SET delivery_status = ?, delivery_error = ?, external_id = coalesce(?, external_id) WHERE id = ?`).run(
        status,
        error,
        externalId ?? null,
        messageId,
      );
    }
    /** Delivery receipts only move forward (a late "sent" never hides "read"). */
    advanceDeliveryByExternal(channel: string, externalId: string, status: DeliveryStatus, error: string | null): number | undefined {
      const order = ['queued', 'sent', 'delivered', 'read'];
      const m = this.q(`SELECT id, delivery_status AS s FROM messages WHERE channel = ? AND external_id = ? AND direction = 'out'`).get(
        channel,
        externalId,
      ) as { id: number; s: DeliveryStatus } | undefined;
      if (!m) return undefined;
      if (status !== 'failed' && order.indexOf(status) <= order.indexOf(m.s)) return undefined;
      this.setDelivery(m.id, status, error);
      return m.id;
    }
  }
  return Messages;
}
