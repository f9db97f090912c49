// Canned answers: texts operators insert into replies, per language.
import type { StoreBase } from './core.ts';

export interface CannedRow {
  id: number;
  title: string;
  lang: 'kk' | 'ru';
  text: string;
}

export function CannedQueries<B extends StoreBase>(Base: B) {
  abstract class Canned extends Base {
    listCanned(): CannedRow[] {
      return this.q(`SELECT id, title, lang, text FROM canned_answers ORDER BY lang, title`).all() as CannedRow[];
    }
    saveCanned(c: Omit<CannedRow, 'id'> & { id?: number }, now: number): number {
      if (c.id !== undefined) {
        this.q(`UPDATE canned_answers SET title = ?, lang = ?, text = ?, updated_at = ? WHERE id = ?`).run(
          c.title,
          c.lang,
          c.text,
          now,
          c.id,
        );
        return c.id;
      }
      return Number(
        this.q(`INSERT INTO canned_answers (title, lang, text, updated_at) VALUES (?, ?, ?, ?)`).run(c.title, c.lang, c.text, now)
          .lastInsertRowid,
      );
    }
    deleteCanned(id: number): boolean {
      return this.q(`DELETE FROM canned_answers WHERE id = ?`).run(id).changes > 0;
    }
  }
  return Canned;
}
