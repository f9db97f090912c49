// The appeal filter's explanations and the operators' corrections of it. A ticket keeps what the filter decided
// and why (written at creation); an overrule or a "mark as appeal" stores the classified text with the operator's
// label, so that `vic scope train --with-decisions` learns from it and `vic scope eval --decisions` measures on it.
import type { Raw, StoreBase } from './core.ts';

/** The filter's decision on a ticket as ingest saw it (routing/scope ScopeVerdict fits it). */
export interface ScopeExplanationInput {
  verdict: string;
  flagged: boolean;
  reasons: string[];
  contributions: { feature: string; weight: number }[];
  model: string;
}

/** What the ticket API answers as `scopeExplanation`: the filter's own verdict, whatever operators did since. */
export interface ScopeExplanation {
  verdict: 'appeal' | 'in_scope';
  flagged: boolean;
  /** Cue codes that fired ('disagrees-with-act', …). */
  reasons: string[];
  /** Strongest first; `c:` character n-gram, `w:` word, `b:` word pair, `r:` cue; positive pushes toward appeal. */
  contributions: { feature: string; weight: number }[];
  model: string;
}

export type ScopeLabel = 'appeal' | 'in_scope';
export type ScopeDecisionSource = 'overrule' | 'marked_appeal';

/** A labelled example for training and evaluation. */
export interface ScopeDecisionExample {
  id: number;
  ticketId: number;
  text: string;
  label: ScopeLabel;
  /** The ticket's language ('kk', 'ru', 'mixed', 'unknown'). */
  lang: string;
  source: ScopeDecisionSource;
  /** The filter's score of the ticket when it was created; null when it never classified it (a call). */
  score: number | null;
  createdAt: number;
}

/** A row of the admin page's list of decisions. */
export interface ScopeDecisionEntry {
  id: number;
  ticketId: number;
  ticketRef: string;
  label: ScopeLabel;
  source: ScopeDecisionSource;
  userId: number | null;
  userName: string | null;
  reason: string;
  createdAt: number;
}

/** Tickets created in a period: how the filter decided on them and how often operators corrected it. */
export interface ScopeCounts {
  /** Classified by the filter (a written first message). */
  classified: number;
  /** Filtered out automatically as appeals. */
  filtered: number;
  /** Left in scope with a "possible appeal" mark. */
  flagged: number;
  /** Put back in scope by an operator. */
  overruled: number;
  /** Marked as an appeal by an operator. */
  marked: number;
}

// The text the filter classified: the ticket's first inbound message that has text and is not a call's entry.
const CLASSIFIED_MESSAGE = `SELECT m.id, m.text FROM messages m WHERE m.ticket_id = ? AND m.direction = 'in' AND trim(m.text) != ''
  AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.message_id = m.id) ORDER BY m.id LIMIT 1`;

export function ScopeDecisionQueries<B extends StoreBase>(Base: B) {
  abstract class ScopeDecisions extends Base {
    scopeExplanation(ticketId: number): ScopeExplanation | null {
      const r = this.q(
        `SELECT scope_model_verdict AS verdict, scope_model_flagged AS flagged, scope_reasons AS reasons, scope_contributions AS contributions,
              scope_model AS model FROM tickets WHERE id = ? AND scope_model IS NOT NULL`,
      ).get(ticketId) as Raw | undefined;
      if (!r) return null;
      return {
        verdict: r.verdict as ScopeExplanation['verdict'],
        flagged: !!r.flagged,
        reasons: JSON.parse(String(r.reasons)) as ScopeExplanation['reasons'],
        contributions: JSON.parse(String(r.contributions)) as ScopeExplanation['contributions'],
        model: String(r.model),
      };
    }

    /**
     * An operator's label for the ticket's classified text, with what the filter said then. Runs inside the
     * caller's transaction, before the ticket's language or verdict change.
     */
    recordScopeDecision(d: {
      ticketId: number;
      label: ScopeLabel;
      source: ScopeDecisionSource;
      userId: number;
      reason: string;
      now: number;
    }): number {
      const m = this.q(CLASSIFIED_MESSAGE).get(d.ticketId) as { id: number; text: string } | undefined;
      return Number(
        this.q(
          `INSERT INTO scope_decisions (ticket_id, message_id, text, label, source, score, verdict, flagged, model, language, user_id, reason, created_at)
              SELECT id, ?, ?, ?, ?, scope_score, scope_model_verdict, scope_model_flagged, scope_model, coalesce(language, 'unknown'), ?, ?, ?
              FROM tickets WHERE id = ?`,
        ).run(m?.id ?? null, m?.text ?? null, d.label, d.source, d.userId, d.reason, d.now, d.ticketId).lastInsertRowid,
      );
    }

    /**
     * The operators' labelled examples, oldest first: the latest decision of each ticket (its operators' last
     * word: an overrule undone by "mark as appeal" counts as an appeal), tickets without a written message left out.
     */
    listScopeDecisions(): ScopeDecisionExample[] {
      return this.q(
        `SELECT d.id, d.ticket_id AS ticketId, d.text, d.label, coalesce(t.language, d.language, 'unknown') AS lang, d.source, d.score,
              d.created_at AS createdAt
            FROM scope_decisions d JOIN tickets t ON t.id = d.ticket_id
            WHERE d.text IS NOT NULL AND d.id = (SELECT max(l.id) FROM scope_decisions l WHERE l.ticket_id = d.ticket_id)
            ORDER BY d.id`,
      ).all() as ScopeDecisionExample[];
    }

    /** The ticket's latest operator decision (who, when, why), shown instead of the filter's score it replaced. */
    latestScopeDecision(ticketId: number): Omit<ScopeDecisionEntry, 'ticketRef'> | null {
      return (
        (this.q(
          `SELECT d.id, d.ticket_id AS ticketId, d.label, d.source, d.user_id AS userId, u.name AS userName, d.reason, d.created_at AS createdAt
            FROM scope_decisions d LEFT JOIN users u ON u.id = d.user_id WHERE d.ticket_id = ? ORDER BY d.id DESC LIMIT 1`,
        ).get(ticketId) as Omit<ScopeDecisionEntry, 'ticketRef'> | undefined) ?? null
      );
    }

    /** Decisions taken in [from, to), newest first. */
    latestScopeDecisions(from: number, to: number, limit: number): ScopeDecisionEntry[] {
      return this.q(
        `SELECT d.id, d.ticket_id AS ticketId, t.ref AS ticketRef, d.label, d.source, d.user_id AS userId, u.name AS userName, d.reason,
              d.created_at AS createdAt
            FROM scope_decisions d JOIN tickets t ON t.id = d.ticket_id LEFT JOIN users u ON u.id = d.user_id
            WHERE d.created_at >= ? AND d.created_at < ? ORDER BY d.created_at DESC, d.id DESC LIMIT ?`,
      ).all(from, to, limit) as ScopeDecisionEntry[];
    }

    /** Over the tickets created in [from, to): a pass over the tickets table, for an admin page opened now and then. */
    scopeCounts(from: number, to: number): ScopeCounts {
      const decided = (source: ScopeDecisionSource) =>
        `(SELECT count(DISTINCT d.ticket_id) FROM scope_decisions d JOIN tickets t ON t.id = d.ticket_id
          WHERE d.source = '${source}' AND t.created_at >= ? AND t.created_at < ?)`;
      return this.q(
        `SELECT count(*) AS classified, coalesce(sum(scope_model_verdict = 'appeal'), 0) AS filtered,
              coalesce(sum(scope_model_verdict = 'in_scope' AND scope_model_flagged = 1), 0) AS flagged,
              ${decided('overrule')} AS overruled, ${decided('marked_appeal')} AS marked
            FROM tickets WHERE created_at >= ? AND created_at < ? AND scope_score IS NOT NULL`,
      ).get(from, to, from, to, from, to) as ScopeCounts;
    }
  }
  return ScopeDecisions;
}
