// The audit log: who did or read what, when, from where.
import type { StoreBase } from './core.ts';

/** One row of the audit screen: the user's and the ticket's names joined in, details parsed. */
export interface AuditEntry {
  id: number;
  at: number;
  userId: number | null;
  userLogin: string | null;
  userName: string | null;
  action: string;
  entity: string | null;
  entityId: number | null;
  /** The ticket's reference when the row is about a ticket. */
  ticketRef: string | null;
  details: unknown;
  ip: string | null;
}

/** The audit screen's filters; `from` inclusive, `to` exclusive (epoch ms); `until`: rows up to this id (stable pages). */
export interface AuditFilter {
  userId?: number;
  action?: string;
  ticketId?: number;
  from?: number;
  to?: number;
  until?: number;
  limit: number;
  offset: number;
}

export function AuditQueries<B extends StoreBase>(Base: B) {
  abstract class Audit extends Base {
    audit(a: {
      at: number;
      userId: number | null;
      action: string;
      entity?: string;
      entityId?: number;
      details?: unknown;
      ip?: string | null;
    }) {
      this.q(`INSERT INTO audit_log (at, user_id, action, entity, entity_id, details, ip) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
        a.at,
        a.userId,
        a.action,
        a.entity ?? null,
        a.entityId ?? null,
        a.details === undefined ? null : JSON.stringify(a.details),
        a.ip ?? null,
      );
    }
    auditOf(
      entity: string,
      entityId: number,
    ): { at: number; userId: number | null; action: string; details: string | null; ip: string | null }[] {
      return this.q(`SELECT at, user_id AS userId, action, details, ip FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id`).all(
        entity,
        entityId,
      ) as never;
    }
    /**
     * Newest first. Each filter has an index ending in `at` (migration 8), so a filter and the date range are one
     * index range read in the order asked for, however large the log. One row more than the page is read to
     * tell whether there is a next page, instead of counting the whole match.
     */
    searchAudit(f: AuditFilter): { items: AuditEntry[]; more: boolean } {
      const where: string[] = [];
      const args: unknown[] = [];
      const filter = (clause: string, value: unknown) => {
        where.push(clause);
        args.push(value);
      };
      if (f.userId !== undefined) filter('a.user_id = ?', f.userId);
      if (f.action !== undefined) filter('a.action = ?', f.action);
      if (f.ticketId !== undefined) filter(`a.entity = 'ticket' AND a.entity_id = ?`, f.ticketId);
      if (f.from !== undefined) filter('a.at >= ?', f.from);
      if (f.to !== undefined) filter('a.at < ?', f.to);
      if (f.until !== undefined) filter('a.id <= ?', f.until);
      const rows = this.q(
        `SELECT a.id, a.at, a.user_id AS userId, u.login AS userLogin, u.name AS userName, a.action, a.entity, a.entity_id AS entityId,
             t.ref AS ticketRef, a.details, a.ip
           FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN tickets t ON a.entity = 'ticket' AND t.id = a.entity_id
           ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?`,
      ).all(...args, f.limit + 1, f.offset) as (AuditEntry & { details: string | null })[];
      const items = rows.slice(0, f.limit).map((r) => ({ ...r, details: r.details === null ? null : (JSON.parse(r.details) as unknown) }));
      return { items, more: rows.length > f.limit };
    }
    /** The newest row's id: the first page's `until`, so later pages are not shifted by rows written meanwhile. */
    lastAuditId(): number {
      return (this.q(`SELECT max(id) AS id FROM audit_log`).get() as { id: number | null }).id ?? 0;
    }
    /** The distinct actions, for the screen's picker: one index seek per action (a skip scan), not a pass over the log. */
    auditActions(): string[] {
      return (
        this.q(
          `WITH RECURSIVE a(action) AS (SELECT min(action) FROM audit_log
             UNION ALL SELECT (SELECT min(action) FROM audit_log WHERE action > a.action) FROM a WHERE a.action IS NOT NULL)
           SELECT action FROM a WHERE action IS NOT NULL`,
        ).all() as { action: string }[]
      ).map((r) => r.action);
    }
  }
  return Audit;
}
