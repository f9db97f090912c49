// Each court's working calendar: national rules (routing/calendar) plus the court's own changes from the
// database. Built once per court and rebuilt when an admin changes a day.
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
      this.cache.set(courtId, (cal = defaultCalendar(overrides, this.timeZone)));
    }
    return cal;
  }

  invalidate(courtId: number) {
    this.cache.delete(courtId);
  }
}
