// Escalations to specialists, and the case directory that says which specialist handles a case.
import type { StoreBase } from './core.ts';

export interface EscalationRow {
  id: number;
  ticketId: number;
  fromUserId: number;
  fromName: string;
  toUserId: number;
  toName: string;
  toTitle: string | null;
  question: string;
  status: 'open' | 'answered' | 'returned' | 'passed';
  createdAt: number;
  closedAt: number | null;
  pickupDueAt: number | null;
  answerDueAt: number | null;
  pickedUpAt: number | null;
  answeredAt: number | null;
}

const ESCALATION_SELECT = `SELECT e.id, e.ticket_id AS ticketId, e.from_user_id AS fromUserId, uf.name AS fromName, e.to_user_id AS toUserId,
  ut.name AS toName, ut.title AS toTitle, e.question, e.status, e.created_at AS createdAt, e.closed_at AS closedAt,
  e.pickup_due_at AS pickupDueAt, e.answer_due_at AS answerDueAt, e.picked_up_at AS pickedUpAt, e.answered_at AS answeredAt
  FROM escalations e JOIN users uf ON uf.id = e.from_user_id JOIN users ut ON ut.id = e.to_user_id`;

export function EscalationQueries<B extends StoreBase>(Base: B) {
  abstract class Escalations extends Base {
    /** What writing this line of the case directory would do (the import's dry run asks without writing). */
    caseAssignmentChange(a: {
      caseNumber: string;
      courtId: number;
      judge: string | null;
      specialistId: number;
    }): 'new' | 'updated' | 'unchanged' {
      const old = this.q(
        `SELECT court_id AS courtId, judge, specialist_id AS specialistId FROM case_assignments WHERE case_number = ?`,
      ).get(a.caseNumber) as { courtId: number; judge: string | null; specialistId: number } | undefined;
      if (!old) return 'new';
      return old.courtId === a.courtId && old.judge === a.judge && old.specialistId === a.specialistId ? 'unchanged' : 'updated';
    }
    /** Insert or update one line of the case directory; says what happened, for the import report. */
    upsertCaseAssignment(
      a: { caseNumber: string; courtId: number; judge: string | null; specialistId: number },
      now: number,
    ): 'new' | 'updated' | 'unchanged' {
      const change = this.caseAssignmentChange(a);
      if (change === 'unchanged') return change;
      this.q(
        `INSERT INTO case_assignments (case_number, court_id, judge, specialist_id, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(case_number) DO UPDATE SET court_id = excluded.court_id, judge = excluded.judge, specialist_id = excluded.specialist_id, updated_at = excluded.updated_at`,
      ).run(a.caseNumber, a.courtId, a.judge, a.specialistId, now);
      return change;
    }
    caseDirectory(caseNumbers: string[]): Map<string, number> {
      const get = this.q(`SELECT specialist_id AS id FROM case_assignments WHERE case_number = ?`);
      const out = new Map<string, number>();
      for (const n of caseNumbers) {
        const r = get.get(n) as { id: number } | undefined;
        if (r) out.set(n, r.id);
      }
      return out;
    }
    specialistLoads(): { userId: number; courtId: number | null; active: boolean; load: number }[] {
      return (
        this.q(
          `SELECT u.id AS userId, u.court_id AS courtId, u.active,
         (SELECT count(*) FROM escalations e WHERE e.to_user_id = u.id AND e.status = 'open') AS load
       FROM users u WHERE u.role = 'specialist'`,
        ).all() as { userId: number; courtId: number | null; active: number; load: number }[]
      ).map((r) => ({ ...r, active: !!r.active }));
    }
    createEscalation(
      e: { ticketId: number; fromUserId: number; toUserId: number; question: string; pickupDueAt: number; answerDueAt: number },
      now: number,
    ): number {
      return Number(
        this.q(
          `INSERT INTO escalations (ticket_id, from_user_id, to_user_id, question, status, created_at, pickup_due_at, answer_due_at)
         VALUES (?, ?, ?, ?, 'open', ?, ?, ?)`,
        ).run(e.ticketId, e.fromUserId, e.toUserId, e.question, now, e.pickupDueAt, e.answerDueAt).lastInsertRowid,
      );
    }
    openEscalation(ticketId: number): EscalationRow | undefined {
      return this.q(`${ESCALATION_SELECT} WHERE e.ticket_id = ? AND e.status = 'open' ORDER BY e.id DESC LIMIT 1`).get(ticketId) as never;
    }
    listEscalations(ticketId: number): EscalationRow[] {
      return this.q(`${ESCALATION_SELECT} WHERE e.ticket_id = ? ORDER BY e.id`).all(ticketId) as never;
    }
    closeEscalation(id: number, status: 'answered' | 'returned' | 'passed', now: number) {
      this.q(`UPDATE escalations SET status = ?, closed_at = ?, answered_at = coalesce(answered_at, ?) WHERE id = ?`).run(
        status,
        now,
        now,
        id,
      );
    }
    markEscalationPickedUp(id: number, now: number) {
      this.q(`UPDATE escalations SET picked_up_at = ? WHERE id = ? AND picked_up_at IS NULL`).run(now, id);
    }
    markEscalationAnswered(id: number, now: number) {
      this.q(`UPDATE escalations SET answered_at = ?, picked_up_at = coalesce(picked_up_at, ?) WHERE id = ? AND answered_at IS NULL`).run(
        now,
        now,
        id,
      );
    }
    /** Open escalations whose pick-up or answer time has passed and that were not alerted yet; marks them alerted. */
    takeEscalationBreaches(now: number): { escalation: EscalationRow; kind: 'pickup' | 'answer' }[] {
      const pickup = this.q(
        `${ESCALATION_SELECT} WHERE e.status = 'open' AND e.picked_up_at IS NULL AND e.pickup_alerted_at IS NULL AND e.pickup_due_at <= ?`,
      ).all(now) as EscalationRow[];
      const answer = this.q(
        `${ESCALATION_SELECT} WHERE e.status = 'open' AND e.answered_at IS NULL AND e.answer_alerted_at IS NULL AND e.answer_due_at <= ?`,
      ).all(now) as EscalationRow[];
      for (const e of pickup) this.q(`UPDATE escalations SET pickup_alerted_at = ? WHERE id = ?`).run(now, e.id);
      for (const e of answer) this.q(`UPDATE escalations SET answer_alerted_at = ? WHERE id = ?`).run(now, e.id);
      return [
        ...pickup.map((escalation) => ({ escalation, kind: 'pickup' as const })),
        ...answer.map((escalation) => ({ escalation, kind: 'answer' as const })),
      ];
    }
  }
  return Escalations;
}
