// Tickets: creating, reading and changing them, the routing's own lookups, and the console's queues (pages in
// `updated_at DESC, id DESC` order by cursor, see queues.ts; their totals come from the counters of queue-counts.ts).
import type { Raw, StoreCore } from './core.ts';
import type { CourtRow } from './courts.ts';
import type { Role } from './users.ts';
import { encodeCursor, pageSql, queuePlan, type Cursor, type QueueFilter, type Sort } from './queues.ts';
import type { ScopeExplanationInput } from './scope-decisions.ts';

export { decodeCursor, encodeCursor, SORTS, type Cursor, type QueueFilter, type Sort } from './queues.ts';

export type TicketStatus = 'open' | 'waiting' | 'out_of_scope' | 'resolved';
export type Queue = 'mine' | 'court' | 'unassigned' | 'off-hours' | 'escalated' | 'out-of-scope' | 'resolved' | 'all';

export interface TicketRow {
  id: number;
  ref: string;
  courtId: number;
  courtCode: string;
  contactId: number;
  contactName: string | null;
  channel: string;
  account: string | null;
  subject: string | null;
  status: TicketStatus;
  assigneeId: number | null;
  assigneeName: string | null;
  specialistId: number | null;
  specialistName: string | null;
  caseNumber: string | null;
  language: string | null;
  scopeVerdict: string | null;
  scopeScore: number | null;
  scopeFlagged: boolean;
  createdAt: number;
  updatedAt: number;
  lastInboundAt: number | null;
  firstResponseAt: number | null;
  firstResponseDueAt: number | null;
  resolvedAt: number | null;
  offhoursReplyFor: number | null;
  /** When the first-response deadline passed without an answer (null: not breached, or not yet noticed). */
  slaBreachedAt: number | null;
  /** List rows only: the last message to or from the citizen, shortened (null: none yet). */
  lastMessage?: LastMessage | null;
}

/** A one-line preview of a ticket's last message in or out (notes are not the conversation). */
export interface LastMessage {
  text: string;
  direction: 'in' | 'out';
  at: number;
}

/** Who is asking: decides which tickets are visible. */
export interface Viewer {
  id: number;
  role: Role;
  courtId: number | null;
}

/** A queue page: `cursor` is the last ticket of the page before (null: the first page), of the same sort. */
export interface TicketFilter extends QueueFilter {
  limit: number;
  sort?: Sort;
  cursor?: Cursor | null;
}

/** The ticket fields `updateTicket` may change, with their columns. */
const TICKET_UPDATE_COLUMNS = [
  ['status', 'status'],
  ['assigneeId', 'assignee_id'],
  ['specialistId', 'specialist_id'],
  ['courtId', 'court_id'],
  ['caseNumber', 'case_number'],
  ['scopeVerdict', 'scope_verdict'],
  ['scopeFlagged', 'scope_flagged'],
  ['firstResponseAt', 'first_response_at'],
  ['firstResponseDueAt', 'first_response_due_at'],
  ['resolvedAt', 'resolved_at'],
  ['lastInboundAt', 'last_inbound_at'],
  ['offhoursReplyFor', 'offhours_reply_for'],
  ['language', 'language'],
] as const;
export const TICKET_SELECT = `
  SELECT t.id, t.ref, t.court_id AS courtId, c.code AS courtCode, t.contact_id AS contactId, ct.name AS contactName,
    t.channel, t.account, t.subject, t.status, t.assignee_id AS assigneeId, ua.name AS assigneeName,
    t.specialist_id AS specialistId, us.name AS specialistName, t.case_number AS caseNumber, t.language,
    t.scope_verdict AS scopeVerdict, t.scope_score AS scopeScore, t.scope_flagged AS scopeFlagged,
    t.created_at AS createdAt, t.updated_at AS updatedAt, t.last_inbound_at AS lastInboundAt,
    t.first_response_at AS firstResponseAt, t.first_response_due_at AS firstResponseDueAt,
    t.resolved_at AS resolvedAt, t.offhours_reply_for AS offhoursReplyFor, t.sla_breached_at AS slaBreachedAt
  FROM tickets t
  JOIN courts c ON c.id = t.court_id
  JOIN contacts ct ON ct.id = t.contact_id
  LEFT JOIN users ua ON ua.id = t.assignee_id
  LEFT JOIN users us ON us.id = t.specialist_id`;

export const toTicket = (r: Raw | undefined) => (r ? ((r.scopeFlagged = !!r.scopeFlagged), r as unknown as TicketRow) : undefined);

/** What the tickets aggregate needs from the mixins below it: the counters' totals and the courts. */
type TicketsBase = abstract new (
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ...args: any[]
) => StoreCore & { queueTotal(viewer: Viewer, f: QueueFilter): number; getCourt(id: number): CourtRow | undefined };

export function TicketQueries<B extends TicketsBase>(Base: B) {
  abstract class Tickets extends Base {
    /**
     * The public reference of the next ticket: year and the ticket's own number (`VIC-2026-00042`), short enough
     * to read out on the phone. Safe because there is one writer and it is called inside the creating transaction.
     */
    nextTicketRef(year: number): string {
      const row = this.q(`SELECT coalesce(max(id), 0) + 1 AS n FROM tickets`).get() as { n: number };
      return `VIC-${year}-${String(row.n).padStart(5, '0')}`;
    }
    /**
     * Inserts a ticket and returns it as stored, built from what was written: reading the joined row back would
     * cost as much as the insert. Only the names it joins are looked up. `scope`: the filter's decision and why,
     * kept apart from the verdict operators may change.
     */
    createTicket(t: {
      ref: string;
      courtId: number;
      contactId: number;
      channel: string;
      account: string | null;
      subject: string | null;
      status: TicketStatus;
      assigneeId: number | null;
      language: string | null;
      scopeVerdict: string | null;
      scopeScore: number | null;
      scopeFlagged: boolean;
      scope?: ScopeExplanationInput | null;
      firstResponseDueAt: number | null;
      caseNumber?: string | null;
      offhoursReplyFor?: number | null;
      now: number;
    }): TicketRow {
      const s = t.scope ?? null;
      const id = Number(
        this.q(
          `INSERT INTO tickets (ref, court_id, contact_id, channel, account, subject, status, assignee_id, language, scope_verdict,
               scope_score, scope_flagged, scope_model_verdict, scope_model_flagged, scope_reasons, scope_contributions, scope_model,
               first_response_due_at, case_number, offhours_reply_for, created_at, updated_at, last_inbound_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          t.ref,
          t.courtId,
          t.contactId,
          t.channel,
          t.account,
          t.subject,
          t.status,
          t.assigneeId,
          t.language,
          t.scopeVerdict,
          t.scopeScore,
          Number(t.scopeFlagged),
          s && s.verdict,
          s && Number(s.flagged),
          s && JSON.stringify(s.reasons),
          s && JSON.stringify(s.contributions),
          s && s.model,
          t.firstResponseDueAt,
          t.caseNumber ?? null,
          t.offhoursReplyFor ?? null,
          t.now,
          t.now,
          t.now,
        ).lastInsertRowid,
      );
      return {
        id,
        ref: t.ref,
        courtId: t.courtId,
        courtCode: this.getCourt(t.courtId)!.code,
        contactId: t.contactId,
        contactName: this.nameOf('contacts', t.contactId),
        channel: t.channel,
        account: t.account,
        subject: t.subject,
        status: t.status,
        assigneeId: t.assigneeId,
        assigneeName: t.assigneeId === null ? null : this.nameOf('users', t.assigneeId),
        specialistId: null,
        specialistName: null,
        caseNumber: t.caseNumber ?? null,
        language: t.language,
        scopeVerdict: t.scopeVerdict,
        scopeScore: t.scopeScore,
        scopeFlagged: t.scopeFlagged,
        createdAt: t.now,
        updatedAt: t.now,
        lastInboundAt: t.now,
        firstResponseAt: null,
        firstResponseDueAt: t.firstResponseDueAt,
        resolvedAt: null,
        offhoursReplyFor: t.offhoursReplyFor ?? null,
        slaBreachedAt: null,
      };
    }
    private nameOf(table: 'contacts' | 'users', id: number): string | null {
      return (this.q(`SELECT name FROM ${table} WHERE id = ?`).get(id) as { name: string | null } | undefined)?.name ?? null;
    }
    getTicket(id: number): TicketRow | undefined {
      return toTicket(this.w(`${TICKET_SELECT} WHERE t.id = ?`).get(id));
    }
    /** The reference carries the ticket's id, so no index on ref is needed. */
    getTicketByRef(ref: string): TicketRow | undefined {
      const m = /^VIC-\d{4}-(\d+)$/i.exec(ref.trim());
      const t = m ? this.getTicket(Number(m[1])) : undefined;
      return t && t.ref === ref.trim().toUpperCase() ? t : undefined;
    }
    updateTicket(
      id: number,
      f: Partial<{
        status: TicketStatus;
        assigneeId: number | null;
        specialistId: number | null;
        courtId: number;
        caseNumber: string | null;
        scopeVerdict: string | null;
        scopeFlagged: boolean;
        firstResponseAt: number;
        firstResponseDueAt: number | null;
        resolvedAt: number | null;
        lastInboundAt: number;
        offhoursReplyFor: number | null;
        language: string;
      }>,
      now: number,
    ) {
      // Built by plain concatenation: composing it with entries/filter/map cost more than running the UPDATE.
      let sql = 'UPDATE tickets SET ';
      const args: unknown[] = [];
      for (const [key, column] of TICKET_UPDATE_COLUMNS) {
        const v = f[key];
        if (v === undefined) continue;
        sql += `${column} = ?, `;
        args.push(typeof v === 'boolean' ? Number(v) : v);
      }
      args.push(now, id);
      this.q(`${sql}updated_at = ? WHERE id = ?`).run(...args);
      // Topic tags carry their ticket's court (the reports' index, src/store/topics.ts). Ingest never moves a ticket.
      if (f.courtId !== undefined) this.q(`UPDATE ticket_topics SET court_id = ? WHERE ticket_id = ?`).run(f.courtId, id);
    }
    /** Chat and calls continue the contact's open ticket (any status but resolved), the newest. */
    openTicketOfContact(contactId: number): TicketRow | undefined {
      // The newest id is found in the index alone; ORDER BY over the joined rows would sort them in a temporary tree.
      return toTicket(
        this.w(`${TICKET_SELECT} WHERE t.id = (SELECT max(id) FROM tickets WHERE contact_id = ? AND status != 'resolved')`).get(contactId),
      );
    }
    resolvedTicketOfContactSince(contactId: number, since: number): TicketRow | undefined {
      return toTicket(
        this.w(
          `${TICKET_SELECT} WHERE t.contact_id = ? AND t.status = 'resolved' AND t.resolved_at >= ? ORDER BY t.resolved_at DESC LIMIT 1`,
        ).get(contactId, since),
      );
    }
    waitingTickets(courtId: number): TicketRow[] {
      return this.w(`${TICKET_SELECT} WHERE t.court_id = ? AND t.status = 'waiting' AND t.status != 'resolved' ORDER BY t.created_at, t.id`)
        .all(courtId)
        .map((r) => toTicket(r)!);
    }
    /** Tickets not resolved yet that are assigned to the user. */
    ticketsAssignedTo(userId: number): TicketRow[] {
      return this.w(`${TICKET_SELECT} WHERE t.assignee_id = ? AND t.status != 'resolved' ORDER BY t.id`)
        .all(userId)
        .map((r) => toTicket(r)!);
    }
    ticketsWithSpecialist(userId: number): TicketRow[] {
      return this.w(`${TICKET_SELECT} WHERE t.specialist_id = ? AND t.status != 'resolved' ORDER BY t.id`)
        .all(userId)
        .map((r) => toTicket(r)!);
    }
    /** Open tickets nobody holds, oldest first; not while a call of theirs rings (whoever answers takes it). */
    unassignedOpenTickets(courtId: number): TicketRow[] {
      return this.w(
        `${TICKET_SELECT} WHERE t.court_id = ? AND t.status = 'open' AND t.status != 'resolved' AND t.assignee_id IS NULL AND t.specialist_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.ticket_id = t.id AND c.outcome = 'ringing') ORDER BY t.created_at, t.id`,
      )
        .all(courtId)
        .map((r) => toTicket(r)!);
    }
    /**
     * A queue page; `total` is the queue's size (with the same filters), from the counters. Sorted "due first" it
     * holds only the queue's live tickets, and so does its total.
     */
    listTickets(viewer: Viewer, f: TicketFilter): { items: TicketRow[]; total: number; nextCursor: string | null } {
      const sort = f.sort ?? 'newest';
      const plan = queuePlan(viewer, f);
      if (!plan || (sort === 'due' && plan.statuses.every((s) => s === 'resolved'))) return { items: [], total: 0, nextCursor: null };
      const total =
        sort === 'due' && plan.statuses.includes('resolved')
          ? plan.statuses.filter((s) => s !== 'resolved').reduce((n, status) => n + this.queueTotal(viewer, { ...f, status }), 0)
          : this.queueTotal(viewer, f);
      if (f.limit <= 0) return { items: [], total, nextCursor: null };
      const c = f.cursor?.sort === sort ? f.cursor : null;
      const page = this.q(pageSql(plan.branches, c !== null, sort))
        .raw()
        .all({ ...plan.params, u: c?.key ?? 0, i: c?.id ?? 0, n: f.limit + 1 }) as [number, number][];
      const more = page.length > f.limit;
      if (more) page.pop();
      const last = page.at(-1);
      return {
        items: this.withLastMessage(this.ticketsByIds(page.map(([id]) => id))),
        total,
        nextCursor: more && last ? encodeCursor({ sort, id: last[0], key: last[1] }) : null,
      };
    }
    /** Rows with their last message: one step back along messages_ticket each (a page is ≤ 200 rows). */
    withLastMessage(rows: TicketRow[]): TicketRow[] {
      const last = this.q(
        `SELECT substr(text, 1, 600) AS text, direction, created_at AS at FROM messages
         WHERE ticket_id = ? AND direction != 'note' ORDER BY id DESC LIMIT 1`,
      );
      return rows.map((t) => {
        const m = last.get(t.id) as LastMessage | undefined;
        return { ...t, lastMessage: m ? { ...m, text: m.text.replace(/\s+/g, ' ').trim().slice(0, 120) } : null };
      });
    }
    /** The tickets, in the order of the ids given (ids not found are left out). */
    ticketsByIds(ids: number[]): TicketRow[] {
      const rows = new Map(
        this.w(`${TICKET_SELECT} WHERE t.id IN (SELECT value FROM json_each(?))`)
          .all(JSON.stringify(ids))
          .map((r) => [r.id as number, toTicket(r)!]),
      );
      return ids.flatMap((id) => rows.get(id) ?? []);
    }
    ticketsOfContact(
      contactId: number,
      exceptTicketId: number,
    ): { id: number; ref: string; channel: string; status: string; createdAt: number; courtId: number }[] {
      return this.q(
        `SELECT id, ref, channel, status, created_at AS createdAt, court_id AS courtId FROM tickets WHERE contact_id = ? AND id != ? ORDER BY id DESC LIMIT 50`,
      ).all(contactId, exceptTicketId) as never;
    }

    // ---- SLA
    /** Unanswered tickets whose first-response deadline has passed and that are not flagged yet. */
    markSlaBreaches(now: number): number[] {
      const ids = (
        this.q(
          // `status != 'resolved'` lets SQLite use the partial tickets_live, which covers every column read here.
          `SELECT id FROM tickets WHERE status IN ('open','waiting') AND status != 'resolved'
           AND first_response_due_at <= ? AND first_response_at IS NULL AND sla_breached_at IS NULL`,
        ).all(now) as { id: number }[]
      ).map((r) => r.id);
      const mark = this.q(`UPDATE tickets SET sla_breached_at = ?, updated_at = ? WHERE id = ?`);
      for (const id of ids) mark.run(now, now, id);
      return ids;
    }
  }
  return Tickets;
}
