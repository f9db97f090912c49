// Contacts changed by staff: a name or IIN corrected, two contacts of one person merged (and a merge undone).
// Search's indexes follow at once: the contact's words in contacts_fts (contentless: a row is replaced by deleting
// its rowid and inserting again) and its phones' tails. A contact above the index's watermark is not indexed yet:
// the next batch (src/store/search.ts indexContacts) reads it as it is then, so nothing is written for it here.
import { reversed, searchText } from '../search-text.ts';
import type { StoreBase } from './core.ts';

/** What a merge moved, as contact_merges.moved holds it: enough to put each back. */
export interface MergeMoved {
  identities: { kind: string; address: string }[];
  tickets: number[];
  messages: number[];
  /** The merged contact's rating surveys (a reply from either identity answers them); absent in older merges. */
  surveys?: number[];
  /** The merged contact's name, IIN or language, given to the kept contact that had none. */
  took: { name?: string; iin?: string; language?: string };
}

export interface ContactMerge {
  id: number;
  keptId: number;
  mergedId: number;
  mergedName: string | null;
  moved: MergeMoved;
  userId: number;
  at: number;
  undoneAt: number | null;
  undoneBy: number | null;
}

/** A contact's ticket, for the history across channels. */
export interface ContactTicket {
  id: number;
  ref: string;
  channel: string;
  status: string;
  courtId: number;
  subject: string | null;
  createdAt: number;
  updatedAt: number;
}

type Fields = { name: string | null; iin: string | null; language: string | null };

export function ContactEditQueries<B extends StoreBase>(Base: B) {
  abstract class ContactEdit extends Base {
    /** Changes a contact's name and IIN (given fields only); returns the fields before, or undefined if none. */
    updateContact(id: number, f: { name?: string | null; iin?: string | null }): Fields | undefined {
      const before = this.contactFields(id);
      if (!before) return undefined;
      const after = { ...before, ...f };
      this.q(`UPDATE contacts SET name = ?, iin = ? WHERE id = ?`).run(after.name, after.iin, id);
      if (after.name !== before.name) this.reindexName(id, after.name);
      return before;
    }

    /** The tickets of a contact, newest first: its history on every channel. */
    contactTickets(contactId: number, limit = 200): ContactTicket[] {
      return this.q(
        `SELECT id, ref, channel, status, court_id AS courtId, subject, created_at AS createdAt, updated_at AS updatedAt
           FROM tickets WHERE contact_id = ? ORDER BY id DESC LIMIT ?`,
      ).all(contactId, limit) as ContactTicket[];
    }

    /** The courts of a contact's tickets (who may edit it: an operator serving one of them). */
    contactCourts(contactId: number): number[] {
      return (this.q(`SELECT DISTINCT court_id AS id FROM tickets WHERE contact_id = ?`).all(contactId) as { id: number }[]).map(
        (r) => r.id,
      );
    }

    /**
     * Moves everything of `mergedId` to `keptId`: identities, tickets, the messages of those tickets the merged
     * contact sent and its rating surveys. Returns the merge's id. Queue counters do not change: tickets keep their court and status.
     */
    mergeContacts(keptId: number, mergedId: number, userId: number, now: number): number {
      const kept = this.contactFields(keptId)!;
      const merged = this.contactFields(mergedId)!;
      const identities = this.q(`SELECT kind, address FROM contact_identities WHERE contact_id = ? ORDER BY kind, address`).all(
        mergedId,
      ) as MergeMoved['identities'];
      const tickets = (this.q(`SELECT id FROM tickets WHERE contact_id = ? ORDER BY id`).all(mergedId) as { id: number }[]).map(
        (r) => r.id,
      );
      // Along messages_ticket: messages have no index by contact, and ingest would pay for one.
      const messages = (
        this.q(
          `SELECT m.id FROM json_each(?) j CROSS JOIN messages m INDEXED BY messages_ticket ON m.ticket_id = j.value
             WHERE m.contact_id = ? ORDER BY m.id`,
        ).all(JSON.stringify(tickets), mergedId) as { id: number }[]
      ).map((r) => r.id);
      const took: MergeMoved['took'] = {};
      for (const k of ['name', 'iin', 'language'] as const) if (kept[k] === null && merged[k] !== null) took[k] = merged[k];
      const surveys = (this.q(`SELECT id FROM csat_surveys WHERE contact_id = ? ORDER BY id`).all(mergedId) as { id: number }[]).map(
        (r) => r.id,
      );
      const moved: MergeMoved = { identities, tickets, messages, took, surveys };

      this.q(`UPDATE contact_identities SET contact_id = ? WHERE contact_id = ?`).run(keptId, mergedId);
      this.q(`UPDATE tickets SET contact_id = ? WHERE id IN (SELECT value FROM json_each(?))`).run(keptId, JSON.stringify(tickets));
      this.q(`UPDATE messages SET contact_id = ? WHERE id IN (SELECT value FROM json_each(?))`).run(keptId, JSON.stringify(messages));
      this.q(`UPDATE csat_surveys SET contact_id = ? WHERE id IN (SELECT value FROM json_each(?))`).run(keptId, JSON.stringify(surveys));
      if (Object.keys(took).length) this.setFields(keptId, { ...kept, ...took });
      this.movePhones(identities, mergedId, keptId);
      this.reindexName(mergedId, null);
      if (took.name) this.reindexName(keptId, took.name);
      return Number(
        this.q(`INSERT INTO contact_merges (kept_id, merged_id, moved, user_id, at) VALUES (?, ?, ?, ?, ?)`).run(
          keptId,
          mergedId,
          JSON.stringify(moved),
          userId,
          now,
        ).lastInsertRowid,
      );
    }

    /**
     * Puts back what the merge moved and is still where it put it (an identity, ticket or message moved since
     * stays), and the kept contact's name, IIN and language it took, unless changed since.
     */
    undoMerge(mergeId: number, userId: number, now: number) {
      const m = this.getMerge(mergeId)!;
      const { identities, tickets, messages, took, surveys = [] } = m.moved;
      const stillKept = identities.filter((i) =>
        this.q(`SELECT 1 FROM contact_identities WHERE kind = ? AND address = ? AND contact_id = ?`).get(i.kind, i.address, m.keptId),
      );
      const back = this.q(`UPDATE contact_identities SET contact_id = ? WHERE kind = ? AND address = ?`);
      for (const i of stillKept) back.run(m.mergedId, i.kind, i.address);
      this.q(`UPDATE tickets SET contact_id = ? WHERE contact_id = ? AND id IN (SELECT value FROM json_each(?))`).run(
        m.mergedId,
        m.keptId,
        JSON.stringify(tickets),
      );
      this.q(`UPDATE messages SET contact_id = ? WHERE contact_id = ? AND id IN (SELECT value FROM json_each(?))`).run(
        m.mergedId,
        m.keptId,
        JSON.stringify(messages),
      );
      this.q(`UPDATE csat_surveys SET contact_id = ? WHERE contact_id = ? AND id IN (SELECT value FROM json_each(?))`).run(
        m.mergedId,
        m.keptId,
        JSON.stringify(surveys),
      );
      const kept = this.contactFields(m.keptId)!;
      const restored = { ...kept };
      for (const k of ['name', 'iin', 'language'] as const) if (took[k] !== undefined && kept[k] === took[k]) restored[k] = null;
      this.setFields(m.keptId, restored);
      if (restored.name !== kept.name) this.reindexName(m.keptId, restored.name);
      this.movePhones(stillKept, m.keptId, m.mergedId);
      this.reindexName(m.mergedId, this.contactFields(m.mergedId)!.name);
      this.q(`UPDATE contact_merges SET undone_at = ?, undone_by = ? WHERE id = ?`).run(now, userId, mergeId);
    }

    getMerge(id: number): ContactMerge | undefined {
      const r = this.q(`${MERGE_SELECT} WHERE m.id = ?`).get(id) as (Omit<ContactMerge, 'moved'> & { moved: string }) | undefined;
      return r && { ...r, moved: JSON.parse(r.moved) as MergeMoved };
    }
    /** Merges into this contact since `since`, newest first. */
    mergesInto(keptId: number, since: number): ContactMerge[] {
      return (this.q(`${MERGE_SELECT} WHERE m.kept_id = ? AND m.at >= ? ORDER BY m.id DESC`).all(keptId, since) as never[]).map(
        (r: Omit<ContactMerge, 'moved'> & { moved: string }) => ({ ...r, moved: JSON.parse(r.moved) as MergeMoved }),
      );
    }
    /** The kept contact when this one was merged into another (and not undone). */
    mergedInto(contactId: number): number | undefined {
      return (
        this.q(`SELECT kept_id AS id FROM contact_merges WHERE merged_id = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1`).get(
          contactId,
        ) as { id: number } | undefined
      )?.id;
    }

    private contactFields(id: number): Fields | undefined {
      return this.q(`SELECT name, iin, language FROM contacts WHERE id = ?`).get(id) as Fields | undefined;
    }
    private setFields(id: number, f: Fields) {
      this.q(`UPDATE contacts SET name = ?, iin = ?, language = ? WHERE id = ?`).run(f.name, f.iin, f.language, id);
    }
    private indexed(contactId: number): boolean {
      const w = this.q(`SELECT value FROM counters WHERE name = 'search.contacts'`).get() as { value: number } | undefined;
      return contactId <= (w?.value ?? 0);
    }
    /** The contact's row in the name index replaced (deleting a rowid that has none is a no-op). */
    private reindexName(contactId: number, name: string | null) {
      if (!this.indexed(contactId)) return;
      this.q(`DELETE FROM contacts_fts WHERE rowid = ?`).run(contactId);
      const words = name ? searchText(name) : '';
      if (words) this.q(`INSERT INTO contacts_fts (rowid, name) VALUES (?, ?)`).run(contactId, words);
    }
    private movePhones(identities: MergeMoved['identities'], from: number, to: number) {
      const del = this.q(`DELETE FROM phone_tails WHERE key = ? AND contact_id = ?`);
      const ins = this.q(`INSERT OR IGNORE INTO phone_tails (key, contact_id) VALUES (?, ?)`);
      const indexed = this.indexed(to);
      for (const i of identities.filter((x) => x.kind === 'phone')) {
        del.run(reversed(i.address), from);
        if (indexed) ins.run(reversed(i.address), to);
      }
    }
  }
  return ContactEdit;
}

const MERGE_SELECT = `SELECT m.id, m.kept_id AS keptId, m.merged_id AS mergedId, c.name AS mergedName, m.moved, m.user_id AS userId,
  m.at, m.undone_at AS undoneAt, m.undone_by AS undoneBy FROM contact_merges m JOIN contacts c ON c.id = m.merged_id`;
