// Row shapes shared by more than one aggregate's SQL.
import type { Raw } from './core.ts';
import type { UserRow } from './users.ts';

export const USER_SELECT = `SELECT id, login, name, role, court_id AS courtId, sip_extension AS sipExtension, languages,
  max_concurrent AS maxConcurrent, title, active FROM users`;

export const toUser = (r: Raw | undefined) =>
  r ? ({ ...r, active: !!r.active, languages: String(r.languages).split(',').filter(Boolean) } as UserRow) : undefined;
