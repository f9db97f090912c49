// Courts, their working weeks and their calendars (days off, working weekend days).
import type { Raw, StoreBase } from './core.ts';

/** A court's working week: periods ('HH:MM' local, start inclusive, end exclusive) per ISO weekday, 1 = Monday. */
export type WeekHours = Record<1 | 2 | 3 | 4 | 5 | 6 | 7, { start: string; end: string }[]>;

export interface CourtRow {
  id: number;
  code: string;
  nameRu: string;
  nameKk: string;
  active: boolean;
  slaFirstResponseMin: number;
  /** The court's own week; null: the default week of routing/calendar. */
  weekHours: WeekHours | null;
}

const toCourt = (r: Raw | undefined) =>
  r
    ? ({ ...r, active: !!r.active, weekHours: r.weekHours === null ? null : (JSON.parse(r.weekHours as string) as WeekHours) } as CourtRow)
    : undefined;

export function CourtQueries<B extends StoreBase>(Base: B) {
  abstract class Courts extends Base {
    // Courts change rarely and are read on every ingest: kept in memory, dropped on every change.
    private courtsCache: CourtRow[] | null = null;
    listCourts(): CourtRow[] {
      return (this.courtsCache ??= this.q(
        `SELECT id, code, name_ru AS nameRu, name_kk AS nameKk, active, sla_first_response_min AS slaFirstResponseMin, week_hours AS weekHours FROM courts ORDER BY id`,
      )
        .all()
        .map((r) => toCourt(r as Raw)!));
    }
    /** A reader (src/readpool/) sees no change made on the writer's connection: it drops its courts before each call. */
    forgetCourts() {
      this.courtsCache = null;
    }
    getCourt(id: number): CourtRow | undefined {
      return this.listCourts().find((c) => c.id === id);
    }
    getCourtByCode(code: string): CourtRow | undefined {
      return this.listCourts().find((c) => c.code === code);
    }
    createCourt(c: { code: string; nameRu: string; nameKk: string; slaFirstResponseMin?: number }, now: number): number {
      this.courtsCache = null;
      return Number(
        this.q(`INSERT INTO courts (code, name_ru, name_kk, sla_first_response_min, created_at) VALUES (?, ?, ?, ?, ?)`).run(
          c.code,
          c.nameRu,
          c.nameKk,
          c.slaFirstResponseMin ?? 120,
          now,
        ).lastInsertRowid,
      );
    }
    updateCourt(id: number, c: Partial<{ nameRu: string; nameKk: string; active: boolean; slaFirstResponseMin: number }>) {
      this.courtsCache = null;
      this.q(
        `UPDATE courts SET name_ru = coalesce(?, name_ru), name_kk = coalesce(?, name_kk), active = coalesce(?, active),
         sla_first_response_min = coalesce(?, sla_first_response_min) WHERE id = ?`,
      ).run(c.nameRu ?? null, c.nameKk ?? null, c.active === undefined ? null : Number(c.active), c.slaFirstResponseMin ?? null, id);
    }
    /** null goes back to the default week. */
    setCourtHours(id: number, week: WeekHours | null) {
      this.courtsCache = null;
      this.q(`UPDATE courts SET week_hours = ? WHERE id = ?`).run(week === null ? null : JSON.stringify(week), id);
    }

    // Calendar overrides: a day off or a working weekend day for one court.
    listCalendarOverrides(courtId: number): { date: string; kind: 'off' | 'working'; note: string | null }[] {
      return this.q(`SELECT date, kind, note FROM calendar_overrides WHERE court_id = ? ORDER BY date`).all(courtId) as never;
    }
    setCalendarOverride(courtId: number, date: string, kind: 'off' | 'working', note: string | null, userId: number, now: number) {
      this.q(
        `INSERT INTO calendar_overrides (court_id, date, kind, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(court_id, date) DO UPDATE SET kind = excluded.kind, note = excluded.note, created_by = excluded.created_by, created_at = excluded.created_at`,
      ).run(courtId, date, kind, note, userId, now);
    }
    deleteCalendarOverride(courtId: number, date: string): boolean {
      return this.q(`DELETE FROM calendar_overrides WHERE court_id = ? AND date = ?`).run(courtId, date).changes > 0;
    }
  }
  return Courts;
}
