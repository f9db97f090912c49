// Search: which tickets a console's search box finds, ranked. Exact indexes answer what a citizen reads out
// (reference, case number, phone or its tail, e-mail); FTS5 word indexes answer names and message text, over
// words folded by src/search-text.ts (so Kazakh letters, case and Latin spelling do not matter).
//
// The word indexes and phone tails are written in batches (indexPendingSearch: every half second,
// src/catch-up-job.ts, and before a search on the writer), not in the ingest transaction: FTS5 writes a segment
// per transaction, and one per ingest cost 25 % of ingest's rate (a trigram index 51 %), where batches cost less
// than the measurement's noise; a phone's tail, keyed at random, cost a page per new contact. Words, not trigrams:
// prefixes of words serve the console's searches, and substrings inside words are not worth twice the cost.
import { normalizeCaseNumber } from '../../routing/escalation.ts';
import { ftsMatch, phoneDigits, queryWords, reversed, searchText, type QueryWord } from '../search-text.ts';
import type { StoreCore } from './core.ts';
import { queuePlan } from './queues.ts';
import type { Queue, TicketRow, TicketStatus, Viewer } from './tickets.ts';

export interface SearchFilter {
  q: string;
  queue?: Queue;
  courtId?: number;
  channel?: string;
  status?: TicketStatus;
  limit: number;
}

/** A case number's key as migration 13 indexes it: without spaces, dashes, slashes and dots, ASCII lower-cased. */
const CASE_KEY = `lower(replace(replace(replace(replace(replace(t.case_number, ' ', ''), '-', ''), '/', ''), '.', ''), '–', ''))`;
const caseKey = (s: string) => s.replace(/[ \-/.–]/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Ranks of the kinds of match, best first. */
const TIER = { ref: 0, caseNumber: 1, address: 2, name: 3, text: 4 } as const;
/** Text matches looked at, newest first: a word in every tenth message must not rank all of them. */
const TEXT_SCAN = 1000;
/** A word in more messages than this is common (see byText). */
const COMMON = 5000;
/** Contacts a name or a phone tail may stand for. */
const CONTACT_SCAN = 500;
/** Tickets counted at most: `total` says "at least this many" beyond it. */
export const SEARCH_TOTAL_CAP = 1000;
/** Messages (and contacts) indexed per transaction: about 30 ms of the event loop. */
export const SEARCH_BATCH = 2000;

interface Hit {
  id: number;
  updatedAt: number;
  tier: number;
  rank: number;
}

// The plans are fixed (CROSS JOIN keeps the order written, INDEXED BY names the index): from the few matches to
// their tickets, never from the viewer's court (all its tickets) to the matches.

/**
 * The visibility and filter conditions of a ticket list, over `tickets t`: the queues' own definition
 * (src/store/queues.ts), its branches joined by OR, with positional parameters in place of the named ones.
 */
function ticketConditions(viewer: Viewer, f: SearchFilter): { sql: string; args: unknown[] } {
  const plan = queuePlan(viewer, f);
  if (!plan) return { sql: '0', args: [] };
  const args: unknown[] = [];
  const sql = plan.branches
    .map((b) => `(${b.where.join(' AND ')})`)
    .join(' OR ')
    .replace(/@(court|channel|me)\b/g, (_, name: keyof typeof plan.params) => (args.push(plan.params[name]), '?'));
  return { sql: `(${sql})`, args };
}

/** What search builds on: the core, and the ticket rows it returns (src/store/tickets.ts). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SearchBase = abstract new (...args: any[]) => StoreCore & { getTicket(id: number): TicketRow | undefined };

export function SearchQueries<B extends SearchBase>(Base: B) {
  abstract class Search extends Base {
    /**
     * Indexes the messages and contacts written since the last call (up to a batch of each); returns how many
     * rows it looked at, so a caller behind (after an upgrade) knows to call again.
     */
    indexPendingSearch(batch = SEARCH_BATCH): number {
      return this.tx(() => this.indexMessages(batch) + this.indexContacts(batch));
    }

    /** Empties the word indexes and indexes everything again (the benchmark's bulk-built database, repairs). */
    rebuildSearchIndex(): void {
      this.tx(() => {
        // 'delete-all' empties a contentless index at once; DELETE would leave a tombstone per row.
        this.db.exec(
          `INSERT INTO messages_fts (messages_fts) VALUES ('delete-all'); INSERT INTO contacts_fts (contacts_fts) VALUES ('delete-all');`,
        );
        this.q(`DELETE FROM counters WHERE name IN ('search.messages', 'search.contacts')`).run();
        this.q(`DELETE FROM phone_tails`).run();
      });
      while (this.indexPendingSearch(50_000) > 0);
      this.db.exec(
        `INSERT INTO messages_fts (messages_fts) VALUES ('optimize'); INSERT INTO contacts_fts (contacts_fts) VALUES ('optimize');`,
      );
    }

    /** A contact named after it was indexed (it had no name then): indexed now, in the caller's transaction. */
    protected indexContactName(contactId: number, name: string) {
      if (contactId <= this.watermark('search.contacts'))
        this.q(`INSERT INTO contacts_fts (rowid, name) VALUES (?, ?)`).run(contactId, searchText(name));
    }

    /** A phone added to a contact already indexed (a new contact's phones wait for the batch). */
    protected indexContactPhone(contactId: number, address: string) {
      if (contactId <= this.watermark('search.contacts'))
        this.q(`INSERT OR IGNORE INTO phone_tails (key, contact_id) VALUES (?, ?)`).run(reversed(address), contactId);
    }

    /**
     * Tickets matching `f.q`, best first: its reference, then its case number, then the contact's phone (or its
     * tail) or e-mail, then the contact's name, then message text by relevance (bm25); newest first within each.
     */
    searchTickets(viewer: Viewer, f: SearchFilter): { items: TicketRow[]; total: number } {
      // On the writer, what was ingested since the last batch is indexed first; a read-only connection (a read
      // worker) sees what the half-second batches wrote.
      if (!this.db.readonly) this.indexPendingSearch();
      const q = f.q.trim().slice(0, 200);
      const cond = ticketConditions(viewer, f);
      const hits = new Map<number, Hit>();
      const add = (tier: number, rows: { id: number; updatedAt: number; rank?: number }[]) => {
        for (const r of rows) {
          const old = hits.get(r.id);
          const rank = r.rank ?? 0;
          if (!old || tier < old.tier || (tier === old.tier && rank < old.rank))
            hits.set(r.id, { id: r.id, updatedAt: r.updatedAt, tier, rank });
        }
      };
      add(TIER.ref, this.byRef(q, cond));
      add(TIER.caseNumber, this.byCaseNumber(q, cond));
      add(TIER.address, this.byAddress(q, cond));
      const words = queryWords(q);
      if (words.length) {
        add(TIER.name, this.byName(ftsMatch(words), cond));
        add(TIER.text, this.byText(words, cond));
      }
      const ranked = [...hits.values()].sort((a, b) => a.tier - b.tier || a.rank - b.rank || b.updatedAt - a.updatedAt || b.id - a.id);
      const items = ranked.slice(0, f.limit).map((h) => this.getTicket(h.id)!);
      return { items, total: Math.min(ranked.length, SEARCH_TOTAL_CAP) };
    }

    private byRef(q: string, c: { sql: string; args: unknown[] }) {
      const m = /^VIC-?(\d{4})-?(\d{1,9})$/i.exec(q);
      if (!m) return [];
      return this.q(`SELECT t.id, t.updated_at AS updatedAt FROM tickets t WHERE t.id = ? AND upper(t.ref) = ? AND ${c.sql}`).all(
        Number(m[2]),
        `VIC-${m[1]}-${String(Number(m[2])).padStart(5, '0')}`,
        ...c.args,
      ) as Hit[];
    }

    /** The case number as typed or as canonical (routing/escalation.ts), and numbers it begins. */
    private byCaseNumber(q: string, c: { sql: string; args: unknown[] }) {
      if (!/\d/.test(q) || q.length < 4) return [];
      const keys = [...new Set([caseKey(q), caseKey(normalizeCaseNumber(q) ?? q)])];
      return keys.flatMap(
        (key) =>
          this.q(
            `SELECT t.id, t.updated_at AS updatedAt FROM tickets t INDEXED BY tickets_case_key
               WHERE t.case_number IS NOT NULL AND ${CASE_KEY} >= ? AND ${CASE_KEY} < ?
               AND ${c.sql} LIMIT ${SEARCH_TOTAL_CAP}`,
          ).all(key, `${key}\u{10FFFF}`, ...c.args) as Hit[],
      );
    }

    /** An e-mail address exactly; a phone number in any spelling, or its last 7 to 10 digits. */
    private byAddress(q: string, c: { sql: string; args: unknown[] }) {
      const viaContacts = (contacts: string) =>
        this.q(
          `SELECT t.id, t.updated_at AS updatedAt FROM (${contacts}) k CROSS JOIN tickets t INDEXED BY tickets_contact ON t.contact_id = k.contact_id
             WHERE ${c.sql} LIMIT ${SEARCH_TOTAL_CAP}`,
        );
      if (q.includes('@'))
        return viaContacts(`SELECT contact_id FROM contact_identities WHERE kind = 'email' AND address = ?`).all(
          q.toLowerCase(),
          ...c.args,
        ) as Hit[];
      const digits = phoneDigits(q);
      if (!/^[\d\s+()-]+$/.test(q) || digits.length < 7 || digits.length > 15) return [];
      const key = reversed(digits);
      return viaContacts(`SELECT DISTINCT contact_id FROM phone_tails WHERE key >= ? AND key < ? LIMIT ${CONTACT_SCAN}`).all(
        key,
        `${key}:`,
        ...c.args,
      ) as Hit[];
    }

    private byName(words: string, c: { sql: string; args: unknown[] }) {
      return this.q(
        `SELECT t.id, t.updated_at AS updatedAt FROM (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? ORDER BY rowid DESC LIMIT ${CONTACT_SCAN}) k
           CROSS JOIN tickets t INDEXED BY tickets_contact ON t.contact_id = k.rowid WHERE ${c.sql} LIMIT ${SEARCH_TOTAL_CAP}`,
      ).all(words, ...c.args) as Hit[];
    }

    /**
     * The newest matching messages (TEXT_SCAN of them), each ticket ranked by its best message. A word in more
     * than COMMON messages is costly to the index (an AND of such words walks all their entries; a prefix reads
     * every word it begins; bm25 counts every entry of each word) and says little, so it is matched as typed and,
     * beside a rarer word, checked on the rarer word's matches here. Only rarer words are ranked by bm25; with
     * common words only, the newest messages come first.
     */
    private byText(words: QueryWord[], c: { sql: string; args: unknown[] }) {
      const probe = this.q(`SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? LIMIT 1 OFFSET ${COMMON}`);
      const common = words.filter((w) => probe.get(`"${w.word}"`) !== undefined).map((w) => ({ word: w.word, prefix: false }));
      const rare = words.filter((w) => !common.some((x) => x.word === w.word));
      // With common words only, the longest (likely the rarest) is looked up and the others checked.
      const indexed = rare.length ? rare : [...common].sort((a, b) => b.word.length - a.word.length).slice(0, 1);
      const checked = common.filter((w) => !indexed.includes(w)).map((w) => w.word);
      const rows = this.q(
        `SELECT t.id, t.updated_at AS updatedAt, f.rank, ${checked.length ? 'm.subject, m.text' : 'NULL AS subject, NULL AS text'} FROM
             (SELECT rowid, ${rare.length ? 'bm25(messages_fts)' : '0'} AS rank FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ${TEXT_SCAN}) f
           CROSS JOIN messages m ON m.id = f.rowid CROSS JOIN tickets t ON t.id = m.ticket_id WHERE ${c.sql}`,
      ).all(ftsMatch(indexed), ...c.args) as (Hit & { subject: string | null; text: string | null })[];
      if (!checked.length) return rows;
      return rows.filter((r) => {
        const has = new Set(searchText(r.subject ? `${r.subject} ${r.text}` : r.text!).split(' '));
        return checked.every((w) => has.has(w));
      });
    }

    private watermark(name: string): number {
      return (this.q(`SELECT value FROM counters WHERE name = ?`).get(name) as { value: number } | undefined)?.value ?? 0;
    }
    private setWatermark(name: string, value: number) {
      this.q(`INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value`).run(name, value);
    }

    /** A message's words: its e-mail subject and its text. */
    private indexMessages(batch: number): number {
      const rows = this.q(`SELECT id, subject, text FROM messages WHERE id > ? ORDER BY id LIMIT ?`).all(
        this.watermark('search.messages'),
        batch,
      ) as { id: number; subject: string | null; text: string }[];
      if (!rows.length) return 0;
      const ins = this.q(`INSERT INTO messages_fts (rowid, text) VALUES (?, ?)`);
      for (const r of rows) {
        const words = searchText(r.subject ? `${r.subject} ${r.text}` : r.text);
        if (words) ins.run(r.id, words);
      }
      this.setWatermark('search.messages', rows.at(-1)!.id);
      return rows.length;
    }

    /** A contact's words (its name) and its phones' tails (the addresses reversed: a tail is a prefix). */
    private indexContacts(batch: number): number {
      const rows = this.q(
        `SELECT c.id, c.name, (SELECT json_group_array(address) FROM contact_identities WHERE contact_id = c.id AND kind = 'phone') AS phones
           FROM contacts c WHERE c.id > ? ORDER BY c.id LIMIT ?`,
      ).all(this.watermark('search.contacts'), batch) as { id: number; name: string | null; phones: string }[];
      if (!rows.length) return 0;
      const name = this.q(`INSERT INTO contacts_fts (rowid, name) VALUES (?, ?)`);
      const phone = this.q(`INSERT OR IGNORE INTO phone_tails (key, contact_id) VALUES (?, ?)`);
      for (const r of rows) {
        if (r.name) name.run(r.id, searchText(r.name));
        for (const address of JSON.parse(r.phones) as string[]) phone.run(reversed(address), r.id);
      }
      this.setWatermark('search.contacts', rows.at(-1)!.id);
      return rows.length;
    }
  }
  return Search;
}
