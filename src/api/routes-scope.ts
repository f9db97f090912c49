// The appeal filter's figures for admins: how it decided on the tickets of a period, how often operators corrected
// it, the latest corrections, and the active model with its cross-validated figures.
import { Router } from 'express';
import { z } from 'zod';
import { DAY, isoDate, parseIsoDate } from '../../routing/calendar/days.ts';
import { localToUtc, offsetAt } from '../../routing/calendar/zone.ts';
import { scopeModel } from '../../routing/scope/index.ts';
import { VicError } from '../errors.ts';
import { isoDay as day, parse, requestAudit, requireRole } from './http.ts';
import type { ApiDeps } from './server.ts';

const DEFAULT_DAYS = 30;
const LATEST_DECISIONS = 100;

const statsQuery = z.object({ from: day.optional(), to: day.optional() }).strict();

export function scopeRoutes({ store, reads, clock, config }: ApiDeps) {
  const r = Router();
  const audit = requestAudit(store, clock);

  // Whole days in the courts' time zone, both inclusive; by default the last 30 days up to today. Counted by a
  // read worker (src/readpool/): a long period counts many tickets.
  r.get('/scope/stats', requireRole('admin'), async (req, res) => {
    const q = parse(statsQuery, req.query);
    const now = clock.now();
    const today = Math.floor((now + offsetAt(config.TZ_COURT, now)) / DAY);
    const to = q.to === undefined ? today : parseIsoDate(q.to);
    const from = q.from === undefined ? to - (DEFAULT_DAYS - 1) : parseIsoDate(q.from);
    if (from > to) throw new VicError('VIC_VALIDATION', 'Invalid from: it is after to', [{ path: 'from', message: 'is after to' }]);
    const start = localToUtc(config.TZ_COURT, from, 0);
    const end = localToUtc(config.TZ_COURT, to + 1, 0);
    const { tickets, decisions } = await reads.run('scopeStats', start, end, LATEST_DECISIONS);
    // The operators' reasons and the tickets they name are citizen data: who looked is recorded.
    audit(req, {
      action: 'scope.stats_read',
      entity: 'scope',
      details: { from: isoDate(from), to: isoDate(to), shown: decisions.length },
    });
    const m = scopeModel();
    res.json({
      from: isoDate(from),
      to: isoDate(to),
      tickets,
      overruledShare: tickets.filtered ? Math.round((tickets.overruled / tickets.filtered) * 1e4) / 1e4 : null,
      model: { id: m.id, algorithm: m.file.algorithm, thresholds: m.thresholds, crossValidation: m.file.crossValidation },
      decisions,
    });
  });
  return r;
}
