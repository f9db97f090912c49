// Reports for the centre's management: the figures of a period (src/reports/, each defined once) and the
// tickets behind a number. Both are computed by a read worker (src/readpool/): a year of tickets is a long read.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { VicError } from '../errors.ts';
import { reportCourts } from '../reports/access.ts';
import { DRILL_FIGURES, type ReportQuery } from '../reports/index.ts';
import { monthlySheets } from '../reports/monthly.ts';
import { PERIOD_KINDS, PeriodError, resolvePeriod } from '../reports/period.ts';
import { minutes } from '../reports/stats.ts';
import { TABLE_KEYS, reportTables, toCsv } from '../reports/tables.ts';
import { XLSX_TYPE, xlsxOf } from '../reports/xlsx.ts';
import { isoDay as day, parse, requestAudit, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

const id = z.coerce.number().int().positive();

const filters = {
  courtId: id.optional(),
  channel: z.string().min(1).max(32).optional(),
  operatorId: id.optional(),
  period: z.enum(PERIOD_KINDS).default('month'),
  from: day.optional(),
  to: day.optional(),
};
const summaryQuery = z.object(filters).strict();
const mineQuery = z.object({ period: filters.period, from: filters.from, to: filters.to }).strict();
const exportQuery = z
  .object({ ...filters, table: z.enum(TABLE_KEYS).default('overview'), lang: z.enum(['ru', 'kk']).default('ru') })
  .strict();
const ticketsQuery = z
  .object({
    ...filters,
    figure: z.enum(DRILL_FIGURES),
    language: z.string().min(1).max(16).optional(),
    date: day.optional(),
    cursor: id.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()
  .refine((q) => q.figure !== 'language' || q.language !== undefined, { path: ['language'], message: 'is required for this figure' })
  .refine((q) => q.figure !== 'backlog' || q.date !== undefined, { path: ['date'], message: 'is required for this figure' });
const monthlyQuery = z
  .object({
    courtId: id,
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'is not a month (YYYY-MM)'),
    lang: z.enum(['ru', 'kk']).default('ru'),
  })
  .strict();

export function reportRoutes({ store, reads, clock, config, calendars }: ApiDeps) {
  const r = Router();
  const audit = requestAudit(store, clock);

  /** The report's courts, period and filters as the viewer may ask for them; refuses whoever may see no reports. */
  function reportQuery(req: Request, q: z.infer<typeof summaryQuery>): { query: ReportQuery; timeZone: string } {
    const allowed = reportCourts(userOf(req));
    if (allowed === null) throw new VicError('VIC_FORBIDDEN');
    if (q.courtId !== undefined) {
      if (!store.getCourt(q.courtId)) throw new VicError('VIC_COURT_NOT_FOUND');
      if (allowed !== 'all' && !allowed.includes(q.courtId))
        throw new VicError('VIC_FORBIDDEN_COURT', 'The reports of this court are not yours to see');
    }
    // The court's own time zone; across courts the centre's.
    const timeZone = q.courtId !== undefined ? calendars.for(q.courtId).timeZone : config.TZ_COURT;
    const query: ReportQuery = {
      courts: q.courtId !== undefined ? [q.courtId] : allowed,
      ...(q.channel !== undefined ? { channel: q.channel } : {}),
      ...(q.operatorId !== undefined ? { operatorId: q.operatorId } : {}),
      period: periodOf(q, timeZone),
      asOf: clock.now(),
    };
    return { query, timeZone };
  }

  function periodOf(q: Pick<z.infer<typeof summaryQuery>, 'period' | 'from' | 'to'>, timeZone: string) {
    try {
      return resolvePeriod(q.period, timeZone, clock.now(), q.from, q.to);
    } catch (err) {
      if (!(err instanceof PeriodError)) throw err;
      throw new VicError('VIC_VALIDATION', `Invalid ${err.field}: ${err.message}`, [{ path: err.field, message: err.message }]);
    }
  }

  // The signed-in user's own figures ("Мои показатели"): the tickets they hold and the ratings credited to them, by
  // the reports' definitions (operatorId = themselves, every court); nobody else's: the query names no one.
  r.get('/reports/mine', async (req, res) => {
    const me = userOf(req);
    // A supervisor handles no tickets: nothing of theirs to count.
    if (me.role === 'supervisor') throw new VicError('VIC_FORBIDDEN');
    const q = parse(mineQuery, req.query);
    const timeZone = me.courtId !== null ? calendars.for(me.courtId).timeZone : config.TZ_COURT;
    const query: ReportQuery = { courts: 'all', operatorId: me.id, period: periodOf(q, timeZone), asOf: clock.now() };
    const summary = await reads.run('reportSummary', query, timeZone);
    res.json({ period: summary.period, asOf: summary.asOf, tickets: summary.tickets, ratings: summary.ratings });
  });

  r.get('/reports/summary', async (req, res) => {
    const { query, timeZone } = reportQuery(req, parse(summaryQuery, req.query));
    res.json(await reads.run('reportSummary', query, timeZone));
  });

  // One table of the summary as CSV, named after it and the period (the same figures as the summary's).
  r.get('/reports/export.csv', async (req, res) => {
    const q = parse(exportQuery, req.query);
    const { query, timeZone } = reportQuery(req, q);
    const summary = await reads.run('reportSummary', query, timeZone);
    const table = reportTables(summary, q.lang).find((t) => t.key === q.table)!;
    res
      .attachment(`vic-${table.key}-${summary.period.from}_${summary.period.to}.csv`)
      .type('text/csv; charset=utf-8')
      .send(toCsv(table, q.lang));
  });

  r.get('/reports/tickets', async (req, res) => {
    const q = parse(ticketsQuery, req.query);
    const { query, timeZone } = reportQuery(req, q);
    const params = { ...(q.language !== undefined ? { language: q.language } : {}), ...(q.date !== undefined ? { date: q.date } : {}) };
    const page = await reads.run('reportTicketPage', query, timeZone, q.figure, params, { before: q.cursor ?? null, limit: q.limit });
    const tickets = page.times.flatMap(({ id: ticketId, firstResponseMs, resolutionMs }) => {
      const t = store.getTicket(ticketId);
      if (!t) return [];
      return [
        {
          id: t.id,
          ref: t.ref,
          courtId: t.courtId,
          courtCode: t.courtCode,
          channel: t.channel,
          status: t.status,
          contactName: t.contactName,
          assigneeName: t.assigneeName,
          specialistName: t.specialistName,
          language: t.language,
          createdAt: t.createdAt,
          firstResponseAt: t.firstResponseAt,
          resolvedAt: t.resolvedAt,
          firstResponseMin: minutes(firstResponseMs),
          resolutionMin: minutes(resolutionMs),
        },
      ];
    });
    // The citizens' names and tickets behind a number are citizen data: who looked is recorded.
    audit(req, {
      action: 'reports.tickets_read',
      entity: 'report',
      details: {
        figure: q.figure,
        ...params,
        period: query.period.kind,
        from: query.period.from,
        to: query.period.to,
        courts: query.courts,
        tickets: page.ids,
      },
    });
    res.json({ figure: q.figure, total: page.total, tickets, nextCursor: page.next });
  });

  // The CSV export's table (the same columns and figures) as a workbook of one sheet with typed cells.
  r.get('/reports/export.xlsx', async (req, res) => {
    const q = parse(exportQuery, req.query);
    const { query, timeZone } = reportQuery(req, q);
    const summary = await reads.run('reportSummary', query, timeZone);
    const table = reportTables(summary, q.lang).find((t) => t.key === q.table)!;
    const file = await xlsxOf([{ table }], q.lang, new Date(clock.now()));
    res.attachment(`vic-${table.key}-${summary.period.from}_${summary.period.to}.xlsx`).type(XLSX_TYPE).send(file);
  });

  // One court's month, a sheet a section (src/reports/monthly.ts); access as every report of that court.
  r.get('/reports/monthly.xlsx', async (req, res) => {
    const q = parse(monthlyQuery, req.query);
    const { query, timeZone } = reportQuery(req, { courtId: q.courtId, period: 'month', from: `${q.month}-01` });
    const summary = await reads.run('reportSummary', query, timeZone);
    const court = store.getCourt(q.courtId)!;
    // Topic tags: one range read of their own index (ticket_topics_report), cheap enough beside the worker's summary.
    const topicCounts = store.countTicketsByTopic([q.courtId], query.period.start, query.period.end);
    const sheets = monthlySheets({ summary, court, month: q.month, topics: store.listTopics(), topicCounts }, q.lang);
    const file = await xlsxOf(sheets, q.lang, new Date(clock.now()));
    res.attachment(`vic-monthly-${court.code}-${q.month}.xlsx`).type(XLSX_TYPE).send(file);
  });
  return r;
}
