// Each court's working calendar: national rules (routing/calendar) plus the court's own week and days off from
// the database. Built once per court and rebuilt when an admin changes its hours or a day.
import { defaultCalendar, type CourtCalendar } from '../routing/calendar/index.ts';
import type { Store } from './store/index.ts';

export class CalendarBook {
  private readonly cache = new Map<number, CourtCalendar>();

  constructor(
    private readonly store: Store,
    private readonly timeZone: string,
  ) {}

  for(courtId: number): CourtCalendar {
    let cal = this.cache.get(courtId);
    if (!cal) {
      const overrides = this.store.listCalendarOverrides(courtId).map(({ date, kind }) => ({ date, kind }));
      const base = defaultCalendar(overrides, this.timeZone);
      const week = this.store.getCourt(courtId)?.weekHours;
      this.cache.set(courtId, (cal = week ? { ...base, week } : base));
    }
    return cal;
  }

  invalidate(courtId: number) {
    this.cache.delete(courtId);
  }
}
