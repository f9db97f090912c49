// Shared shapes of the working calendar; kept apart so the data module and the rules can both import them.
export type IsoDate = string; // 'YYYY-MM-DD'

export interface Period {
  start: string; // 'HH:MM' local, inclusive
  end: string; // 'HH:MM' local, exclusive; '24:00' allowed
}

export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface CourtCalendar {
  timeZone: string;
  week: Record<IsoWeekday, Period[]>;
  /** Court-level exceptions (from the database); they win over the national calendar. */
  overrides: { date: IsoDate; kind: 'off' | 'working' }[];
}
