// Contacts (citizens) and the addresses they write or call from (identities: e-mail, phone, WhatsApp...).
import type { StoreBase } from './core.ts';

export function ContactQueries<B extends StoreBase>(Base: B) {
  abstract class Contacts extends Base {
    // search.ts's, composed below: a contact named later gets its name indexed like one named at once.
    protected abstract indexContactName(contactId: number, name: string): void;
    protected abstract indexContactPhone(contactId: number, address: string): void;

    findIdentity(kind: string, address: string): number | undefined {
      return (
        this.q(`SELECT contact_id AS id FROM contact_identities WHERE kind = ? AND address = ?`).get(kind, address) as
          { id: number } | undefined
      )?.id;
    }
    createContact(name: string | null, language: string | null, now: number): number {
      return Number(this.q(`INSERT INTO contacts (name, language, created_at) VALUES (?, ?, ?)`).run(name, language, now).lastInsertRowid);
    }
    /** The language the citizen chose themselves (the phone's language menu): it replaces a detected one. */
    setContactLanguage(contactId: number, language: 'kk' | 'ru') {
      this.q(`UPDATE contacts SET language = ?, language_chosen = 1 WHERE id = ?`).run(language, contactId);
    }
    /** The language the contact chose themselves, or null when it is only detected (or unknown). */
    chosenLanguage(contactId: number): 'kk' | 'ru' | null {
      const r = this.q(`SELECT language FROM contacts WHERE id = ? AND language_chosen = 1`).get(contactId) as
        { language: 'kk' | 'ru' } | undefined;
      return r?.language ?? null;
    }
    /** True when the contact had no name and now has this one. */
    setContactNameIfEmpty(contactId: number, name: string): boolean {
      const named = this.q(`UPDATE contacts SET name = ? WHERE id = ? AND name IS NULL`).run(name, contactId).changes > 0;
      if (named) this.indexContactName(contactId, name);
      return named;
    }
    addIdentity(contactId: number, kind: string, address: string, now: number) {
      const added = this.q(`INSERT OR IGNORE INTO contact_identities (contact_id, kind, address, added_at) VALUES (?, ?, ?, ?)`).run(
        contactId,
        kind,
        address,
        now,
      ).changes;
      if (added && kind === 'phone') this.indexContactPhone(contactId, address);
    }
    getContact(id: number) {
      const c = this.q(`SELECT id, name, iin, language, created_at AS createdAt FROM contacts WHERE id = ?`).get(id) as
        { id: number; name: string | null; iin: string | null; language: string | null; createdAt: number } | undefined;
      if (!c) return undefined;
      const identities = this.q(`SELECT kind, address FROM contact_identities WHERE contact_id = ? ORDER BY added_at, kind`).all(id) as {
        kind: string;
        address: string;
      }[];
      return { ...c, identities };
    }
    /** The address to answer a contact on a channel (the most recently added identity of that kind). */
    contactAddress(contactId: number, kind: string): string | undefined {
      return (
        this.q(`SELECT address FROM contact_identities WHERE contact_id = ? AND kind = ? ORDER BY added_at DESC LIMIT 1`).get(
          contactId,
          kind,
        ) as { address: string } | undefined
      )?.address;
    }
  }
  return Contacts;
}
