// Who may see reports, and of which courts. Admins see every court; a supervisor (the court's management: reports
// of their own court, no ticket handling) sees that court only; operators and specialists see none.
import type { UserRow } from '../store/index.ts';

/** The courts whose reports `user` may see: 'all', a list of court ids, or null (no reports at all). */
export function reportCourts(user: Pick<UserRow, 'role' | 'courtId'>): number[] | 'all' | null {
  if (user.role === 'admin') return 'all';
  // A supervisor belongs to a court (the user routes refuse one without); never "every court" by a missing court.
  if (user.role === 'supervisor') return user.courtId === null ? null : [user.courtId];
  return null;
}
