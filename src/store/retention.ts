// Retention: finding what is past its age and removing citizens' personal content while the rows reports count
// stay (a ticket keeps its court, channel, times, status, language and scope verdict; messages keep direction,
// channel, author and delivery status). Also a citizen's own request: everything held about them, or its erasure.
// Lists of ids are passed as one JSON array (json_each), so each statement is prepared once.
import type { Cutoffs } from '../retention/policy.ts';
import { reversed } from '../search-text.ts';
import type { StoreBase } from './core.ts';

/** The kinds of window the job walks, by rowid. */
export type RetentionTable = 'tickets' | 'attachments' | 'contacts' | 'calls';

/**
 * A ticket ended before `cutoff`: resolved then, or out of scope and untouched since (nobody needs to resolve such
 * a ticket, and chat keeps adding to it, which touches it). Open and waiting tickets never end here.
 */
const endedBefore = (cutoff: string) =>
  `((t.status = 'resolved' AND t.resolved_at < ${cutoff}) OR (t.status = 'out_of_scope' AND t.updated_at < ${cutoff}))`;
const TICKET_DUE = `t.anonymised_at IS NULL AND ${endedBefore('@text')}`;
const IDS = `(SELECT value FROM json_each(@ids))`;

export interface ContentCounts {
  messages: number;
  scopeDecisions: number;
}

/** A citizen's message on a ticket of another contact, as their export shows it. */
export interface SubjectMessageElsewhere {
  id: number;
  ticketId: number;
  ticketRef: string;
  direction: string;
  channel: string;
  text: string;
  subject: string | null;
  createdAt: number;
}

export interface LastRetentionRun {
  at: number;
  details: unknown;
}

export function RetentionQueries<B extends StoreBase>(Base: B) {
  abstract class Retention extends Base {
    retentionTop(table: RetentionTable): number {
      return (this.q(`SELECT coalesce(max(id), 0) AS n FROM ${table}`).get() as { n: number }).n;
    }

    /** Tickets in the id window (lo, hi] whose content is past its age. */
    dueTickets(lo: number, hi: number, c: Cutoffs): number[] {
      return (
        this.q(`SELECT t.id FROM tickets t WHERE t.id > @lo AND t.id <= @hi AND ${TICKET_DUE}`).all({ lo, hi, text: c.text }) as {
          id: number;
        }[]
      ).map((r) => r.id);
    }

    /** Attachments in the window whose ticket ended before its kind's age: a phone ticket's are recordings. */
    dueAttachments(lo: number, hi: number, c: Cutoffs): { id: number; sha256: string | null; recording: boolean }[] {
      const rows = this.q(
        `SELECT a.id, a.sha256, t.channel = 'sip' AS recording FROM attachments a JOIN messages m ON m.id = a.message_id JOIN tickets t ON t.id = m.ticket_id
            WHERE a.id > @lo AND a.id <= @hi AND a.removed_at IS NULL
              AND CASE WHEN t.channel = 'sip' THEN ${endedBefore('@rec')} ELSE ${endedBefore('@text')} END`,
      ).all({ lo, hi, text: c.text, rec: c.recordings }) as { id: number; sha256: string | null; recording: number }[];
      return rows.map((r) => ({ ...r, recording: !!r.recording }));
    }

    /**
     * Contacts in the window to anonymise: not yet, and every ticket of theirs is anonymised, due now, or ended
     * before the contacts' age. So a citizen with an open ticket, or one that ended recently, keeps their contact.
     */
    dueContacts(lo: number, hi: number, c: Cutoffs): number[] {
      return (
        this.q(
          `SELECT c.id FROM contacts c WHERE c.id > @lo AND c.id <= @hi AND c.anonymised_at IS NULL AND c.created_at < max(@text, @contacts)
              AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.contact_id = c.id AND t.anonymised_at IS NULL
                AND NOT ${endedBefore('@text')} AND NOT ${endedBefore('@contacts')})`,
        ).all({ lo, hi, text: c.text, contacts: c.contacts }) as { id: number }[]
      ).map((r) => r.id);
    }

    /** What anonymising these tickets would change (the preview). */
    ticketContentCounts(ids: number[]): ContentCounts {
      return this.q(
        `SELECT (SELECT count(*) FROM messages WHERE ticket_id IN ${IDS}) AS messages,
              (SELECT count(*) FROM scope_decisions WHERE ticket_id IN ${IDS} AND text IS NOT NULL) AS scopeDecisions`,
      ).get({ ids: JSON.stringify(ids) }) as ContentCounts;
    }

    /**
     * Replaces the tickets' personal content: message texts (by the marker), e-mail subjects, headers and ids,
     * delivery errors (they quote addresses), the outbox's copies, the case number, the filter's word features,
     * the citizen's number on calls, escalation questions, the scope decisions' texts and the rating's comment.
     * Attachments go apart. In the caller's transaction.
     */
    anonymiseTickets(ids: number[], marker: string, now: number): ContentCounts {
      const p = { ids: JSON.stringify(ids) };
      const scopeDecisions = this.q(
        `UPDATE scope_decisions SET text = NULL, reason = @marker WHERE ticket_id IN ${IDS} AND text IS NOT NULL`,
      ).run({ ...p, marker }).changes;
      // A decision on a call has no text; its reason may still quote the citizen.
      this.q(`UPDATE scope_decisions SET reason = @marker WHERE ticket_id IN ${IDS} AND text IS NULL`).run({ ...p, marker });
      const messages = this.anonymiseMessagesWhere(`ticket_id IN ${IDS}`, p, marker);
      // The SIP Call-ID can carry the caller's address; a call-back's citizen is the callee.
      this.q(
        `UPDATE calls SET call_id = 'removed-' || id,
              from_number = CASE WHEN call_id LIKE 'callback-%' THEN from_number ELSE '' END,
              to_number = CASE WHEN call_id LIKE 'callback-%' THEN '' ELSE to_number END
            WHERE ticket_id IN ${IDS}`,
      ).run(p);
      this.q(`UPDATE escalations SET question = @marker WHERE ticket_id IN ${IDS}`).run({ ...p, marker });
      // The comment on the citizen's rating is their own text (the reply ids can hold their address); the score
      // stays for the figures.
      this.q(
        `UPDATE csat_surveys SET comment = CASE WHEN comment IS NULL THEN NULL ELSE @marker END, reply_external_id = NULL,
              comment_external_id = NULL WHERE ticket_id IN ${IDS}`,
      ).run({ ...p, marker });
      // Operators' unsent drafts may quote the citizen: they go with the content they were written about.
      this.q(`DELETE FROM ticket_drafts WHERE ticket_id IN ${IDS}`).run(p);
      this.q(
        `UPDATE tickets SET subject = NULL, case_number = NULL, anonymised_at = @now,
              scope_contributions = CASE WHEN scope_contributions IS NULL THEN NULL ELSE '[]' END
            WHERE id IN ${IDS}`,
      ).run({ ...p, now });
      return { messages, scopeDecisions };
    }

    /** Messages selected by `where` (over messages' own columns): text, search index, e-mail headers, outbox copy. */
    private anonymiseMessagesWhere(where: string, p: Record<string, unknown>, marker: string): number {
      const ids = `(SELECT id FROM messages WHERE ${where})`;
      this.q(`DELETE FROM messages_fts WHERE rowid IN ${ids}`).run(p);
      this.q(`DELETE FROM outbox WHERE message_id IN ${ids}`).run(p);
      return this.q(
        `UPDATE messages SET text = @marker, html = NULL, subject = NULL, email_refs = NULL, external_id = NULL, delivery_error = NULL WHERE ${where}`,
      ).run({ ...p, marker }).changes;
    }

    /** Marks the attachments removed and returns their files' hashes; the caller deletes files no row refers to. */
    removeAttachments(ids: number[], reason: string, now: number): string[] {
      const p = { ids: JSON.stringify(ids) };
      const shas = (
        this.q(`SELECT DISTINCT sha256 FROM attachments WHERE id IN ${IDS} AND sha256 IS NOT NULL`).all(p) as { sha256: string }[]
      ).map((r) => r.sha256);
      this.q(
        `UPDATE attachments SET filename = 'removed', sha256 = NULL, dropped_reason = @reason, removed_at = @now WHERE id IN ${IDS}`,
      ).run({ ...p, reason, now });
      return shas;
    }

    /** Rows still referring to this file (removed rows refer to none). */
    attachmentRefs(sha256: string): number {
      return (this.q(`SELECT count(*) AS n FROM attachments WHERE sha256 = ?`).get(sha256) as { n: number }).n;
    }

    /** Name, its search keys, IIN and every phone, e-mail and WhatsApp id go; the row stays for the tickets' counts. */
    anonymiseContacts(ids: number[], now: number): number {
      const p = { ids: JSON.stringify(ids) };
      this.q(`DELETE FROM contacts_fts WHERE rowid IN ${IDS}`).run(p);
      const phones = this.q(`SELECT contact_id AS id, address FROM contact_identities WHERE contact_id IN ${IDS} AND kind = 'phone'`);
      const tail = this.q(`DELETE FROM phone_tails WHERE key = ? AND contact_id = ?`);
      for (const r of phones.all(p) as { id: number; address: string }[]) tail.run(reversed(r.address), r.id);
      this.q(`DELETE FROM contact_identities WHERE contact_id IN ${IDS}`).run(p);
      return this.q(`UPDATE contacts SET name = NULL, iin = NULL, anonymised_at = @now WHERE id IN ${IDS}`).run({
        ...p,
        now,
      }).changes;
    }

    countAuditBefore(cutoff: number): number {
      return (this.q(`SELECT count(*) AS n FROM audit_log WHERE at < ?`).get(cutoff) as { n: number }).n;
    }
    /** Up to `limit` of the oldest rows before the cutoff; returns how many went. */
    deleteAuditBefore(cutoff: number, limit: number): number {
      return this.q(`DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY at LIMIT ?)`).run(cutoff, limit)
        .changes;
    }
    countSessionsExpiredBy(cutoff: number): number {
      return (this.q(`SELECT count(*) AS n FROM sessions WHERE expires_at <= ?`).get(cutoff) as { n: number }).n;
    }
    deleteSessionsExpiredBy(cutoff: number, limit: number): number {
      return this.q(`DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE expires_at <= ? LIMIT ?)`).run(cutoff, limit)
        .changes;
    }

    /** The latest run's audit entry (the admin screen shows its time and counts). */
    lastRetentionRun(): LastRetentionRun | null {
      const r = this.q(`SELECT at, details FROM audit_log WHERE action = 'retention.run' ORDER BY at DESC, id DESC LIMIT 1`).get() as
        { at: number; details: string | null } | undefined;
      return r ? { at: r.at, details: r.details === null ? null : JSON.parse(r.details) } : null;
    }

    // ---- a citizen's request about their data

    /** Contacts holding this identity: a phone may be a phone and a WhatsApp identity. */
    contactsByIdentity(identities: { kind: string; address: string }[]): number[] {
      const get = this.q(`SELECT contact_id AS id FROM contact_identities WHERE kind = ? AND address = ?`);
      const ids = new Set<number>();
      for (const i of identities) for (const r of get.all(i.kind, i.address) as { id: number }[]) ids.add(r.id);
      return [...ids].sort((a, b) => a - b);
    }
    contactAnonymisedAt(id: number): number | null | undefined {
      return (this.q(`SELECT anonymised_at AS at FROM contacts WHERE id = ?`).get(id) as { at: number | null } | undefined)?.at;
    }
    /** Every ticket of the contact, oldest first. */
    ticketsOfSubject(contactId: number): { id: number; ref: string; status: string; anonymisedAt: number | null }[] {
      return this.q(`SELECT id, ref, status, anonymised_at AS anonymisedAt FROM tickets WHERE contact_id = ? ORDER BY id`).all(
        contactId,
      ) as never;
    }
    /** The contact's own messages on other contacts' tickets (an e-mail thread they were copied into). */
    messagesOfSubjectElsewhere(contactId: number): SubjectMessageElsewhere[] {
      return this.q(
        `SELECT m.id, m.ticket_id AS ticketId, t.ref AS ticketRef, m.direction, m.channel, m.text, m.subject, m.created_at AS createdAt
            FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE m.contact_id = ? AND t.contact_id != ? ORDER BY m.id`,
      ).all(contactId, contactId) as SubjectMessageElsewhere[];
    }
    /** Attachments of the tickets, and of the contact's messages elsewhere, not removed yet. */
    subjectAttachments(ticketIds: number[], contactId: number): number[] {
      return (
        this.q(
          `SELECT a.id FROM attachments a JOIN messages m ON m.id = a.message_id
            WHERE a.removed_at IS NULL AND (m.ticket_id IN ${IDS} OR m.contact_id = @contact)`,
        ).all({ ids: JSON.stringify(ticketIds), contact: contactId }) as { id: number }[]
      ).map((r) => r.id);
    }
    /** A citizen's own messages on other tickets: only those messages' content goes. */
    anonymiseMessagesOf(contactId: number, marker: string): number {
      return this.anonymiseMessagesWhere(
        `contact_id = @contact AND ticket_id NOT IN (SELECT id FROM tickets WHERE contact_id = @contact)`,
        { contact: contactId },
        marker,
      );
    }
  }
  return Retention;
}
