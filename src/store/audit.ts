// The audit log: who did or read what, when, from where.
import type { StoreBase } from './core.ts';

export function AuditQueries<B extends StoreBase>(Base: B) {
  abstract class Audit extends Base {
    audit(a: { at: number; userId: number | null; action: string; entity?: string; entityId?: number; details?: unknown; ip?: string | null }) {
      this
        .q(`INSERT INTO audit_log (at, user_id, action, entity, entity_id, details, ip) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(a.at, a.userId, a.action, a.entity ?? null, a.entityId ?? null, a.details === undefined ? null : JSON.stringify(a.details), a.ip ?? null);
    }
    auditOf(entity: string, entityId: number): { at: number; userId: number | null; action: string; details: string | null }[] {
      return this.q(`SELECT at, user_id AS userId, action, details FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id`).all(entity, entityId) as never;
    }
    listAudit(limit: number, offset: number) {
      return this.q(`SELECT id, at, user_id AS userId, action, entity, entity_id AS entityId, details, ip FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?`).all(limit, offset);
    }
  }
  return Audit;
}
