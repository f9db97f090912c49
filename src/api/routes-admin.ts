import { Router } from 'express';
import { z } from 'zod';
import { daysOff, workingWeekends } from '../../routing/calendar/index.ts';
import { DAY } from '../../routing/calendar/days.ts';
import { localToUtc } from '../../routing/calendar/zone.ts';
import { closeSessionsOf, hashPassword } from '../auth.ts';
import { VicError } from '../errors.ts';
import { idParam, parse, requestAudit, requireRole, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

const langs = z.array(z.enum(['kk', 'ru'])).min(1);
const userFields = {
  name: z.string().trim().min(1).max(200),
  role: z.enum(['admin', 'operator', 'specialist', 'supervisor']),
  courtId: z.number().int().positive().nullable(),
  sipExtension: z
    .string()
    .regex(/^[0-9A-Za-z*#+]{1,32}$/)
    .nullable(),
  languages: langs,
  maxConcurrent: z.number().int().min(1).max(100),
  title: z.string().trim().max(200).nullable(),
  password: z.string().min(8).max(200),
};
const createUser = z
  .object({
    login: z
      .string()
      .trim()
      .regex(/^[a-z0-9._-]{2,50}$/i, 'use 2–50 letters, digits, dot, dash or underscore'),
    ...userFields,
  })
  .partial({ courtId: true, sipExtension: true, languages: true, maxConcurrent: true, title: true });
const patchUser = z
  .object({ ...userFields, active: z.boolean() })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
const courtFields = {
  nameRu: z.string().trim().min(1).max(300),
  nameKk: z.string().trim().min(1).max(300),
  slaFirstResponseMin: z.number().int().min(1).max(10_000),
};
const createCourt = z.object({ code: z.string().regex(/^[a-z0-9-]{2,40}$/), ...courtFields }).partial({ slaFirstResponseMin: true });
const patchCourt = z
  .object({ ...courtFields, active: z.boolean() })
  .partial()
  .strict();

// A court's working week. Periods are kept sorted; they may touch (13:00–14:00, 14:00–18:00) but not overlap.
// 24:00 is not offered: the console's time fields cannot show it, and nobody answers at midnight.
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM from 00:00 to 23:59');
const period = z
  .object({ start: hhmm, end: hhmm })
  .strict()
  .refine((p) => p.start < p.end, 'a period must end after it starts');
const dayHours = z
  .array(period)
  .max(4, 'at most 4 periods a day')
  .transform((ps) => [...ps].sort((a, b) => (a.start < b.start ? -1 : 1)))
  .superRefine((ps, ctx) => {
    for (let i = 1; i < ps.length; i++) {
      if (ps[i].start < ps[i - 1].end)
        ctx.addIssue({ code: 'custom', message: `${ps[i - 1].start}–${ps[i - 1].end} and ${ps[i].start}–${ps[i].end} overlap` });
    }
  });
const weekHours = z
  .object({ 1: dayHours, 2: dayHours, 3: dayHours, 4: dayHours, 5: dayHours, 6: dayHours, 7: dayHours })
  .strict()
  // Without any working period the court would never open: tickets would wait forever and no reply could name an opening.
  .refine((w) => Object.values(w).some((d) => d.length > 0), 'the week needs at least one working period');
const putHours = z.object({ week: weekHours.nullable() }).strict();

type Req = Parameters<typeof userOf>[0];

export function adminRoutes({ store, reads, clock, config, registry, events, calendars, tickets, escalations }: ApiDeps) {
  const r = Router();
  const admin = requireRole('admin');
  const audited = requestAudit(store, clock);
  const audit = (req: Req, action: string, entity: string, entityId: number, details?: unknown) =>
    audited(req, { action, entity, entityId, details });
  const checkCourt = (id: number | null | undefined) => {
    if (id != null && !store.getCourt(id)) throw new VicError('VIC_COURT_NOT_FOUND');
  };
  // A supervisor sees the reports of their court (src/reports/access.ts): one without a court would see none.
  const checkSupervisor = (u: { role?: string; courtId?: number | null }) => {
    if (u.role === 'supervisor' && u.courtId == null)
      throw new VicError('VIC_VALIDATION', 'Invalid courtId: a supervisor belongs to a court', [
        { path: 'courtId', message: 'a supervisor belongs to a court' },
      ]);
  };

  // Everyone signed in needs the list of courts (filters, court change).
  r.get('/courts', (_req, res) => res.json({ items: store.listCourts() }));
  r.post('/courts', admin, (req, res) => {
    const b = parse(createCourt, req.body);
    if (store.getCourtByCode(b.code)) throw new VicError('VIC_COURT_CODE_TAKEN');
    const id = store.createCourt(b, clock.now());
    audit(req, 'court.created', 'court', id, b);
    res.status(201).json({ court: store.getCourt(id) });
  });
  r.patch('/courts/:id', admin, (req, res) => {
    const id = parse(idParam, req.params.id);
    if (!store.getCourt(id)) throw new VicError('VIC_COURT_NOT_FOUND');
    const b = parse(patchCourt, req.body);
    store.updateCourt(id, b);
    audit(req, 'court.updated', 'court', id, b);
    res.json({ court: store.getCourt(id) });
  });

  // A court's calendar: its own days off / working weekend days on top of the national ones.
  const isoDate = z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a date');
  const courtOf = (raw: unknown) => {
    const id = parse(idParam, raw);
    if (!store.getCourt(id)) throw new VicError('VIC_COURT_NOT_FOUND');
    return id;
  };
  r.get('/courts/:id/calendar', (req, res) => {
    const id = courtOf(req.params.id);
    const { year } = parse(
      z.object({ year: z.coerce.number().int().min(2000).max(2100).default(new Date(clock.now()).getUTCFullYear()) }),
      req.query,
    );
    const cal = calendars.for(id);
    res.json({
      year,
      overrides: store.listCalendarOverrides(id),
      daysOff: daysOff(year, cal),
      workingWeekends: workingWeekends(year, cal),
    });
  });
  // A court's working week (null: the default one). The calendar is rebuilt, so routing, off-hours replies,
  // first-response deadlines and the dispatcher follow from the next ticket or tick on.
  const hours = (id: number) => ({ week: calendars.for(id).week, custom: store.getCourt(id)!.weekHours !== null });
  r.get('/courts/:id/hours', (req, res) => res.json(hours(courtOf(req.params.id))));
  r.put('/courts/:id/hours', admin, (req, res) => {
    const id = courtOf(req.params.id);
    const { week } = parse(putHours, req.body);
    store.tx(() => {
      audit(req, 'court.hours_set', 'court', id, { from: store.getCourt(id)!.weekHours, to: week });
      store.setCourtHours(id, week);
    });
    calendars.invalidate(id);
    res.json(hours(id));
  });
  r.put('/courts/:id/calendar/:date', admin, (req, res) => {
    const id = courtOf(req.params.id);
    const date = parse(isoDate, req.params.date);
    const b = parse(z.object({ kind: z.enum(['off', 'working']), note: z.string().trim().max(300).nullable().default(null) }), req.body);
    store.tx(() => {
      store.setCalendarOverride(id, date, b.kind, b.note, userOf(req).id, clock.now());
      audit(req, 'calendar.day_set', 'court', id, { date, ...b });
    });
    calendars.invalidate(id);
    res.json({ overrides: store.listCalendarOverrides(id) });
  });
  r.delete('/courts/:id/calendar/:date', admin, (req, res) => {
    const id = courtOf(req.params.id);
    const date = parse(isoDate, req.params.date);
    if (!store.deleteCalendarOverride(id, date)) throw new VicError('VIC_NOT_FOUND', 'No change on this date');
    audit(req, 'calendar.day_removed', 'court', id, { date });
    calendars.invalidate(id);
    res.json({ overrides: store.listCalendarOverrides(id) });
  });

  // Canned answers: everyone signed in uses them; admins write them. {ref} and {name} are filled in by the console.
  const cannedSchema = z.object({
    title: z.string().trim().min(1).max(200),
    lang: z.enum(['kk', 'ru']),
    text: z.string().trim().min(1).max(5000),
  });
  r.get('/canned', (_req, res) => res.json({ items: store.listCanned() }));
  r.post('/canned', admin, (req, res) => {
    const b = parse(cannedSchema, req.body);
    const id = store.saveCanned(b, clock.now());
    audit(req, 'canned.created', 'canned', id, b);
    res.status(201).json({ items: store.listCanned() });
  });
  r.put('/canned/:id', admin, (req, res) => {
    const id = parse(idParam, req.params.id);
    if (!store.listCanned().some((c) => c.id === id)) throw new VicError('VIC_NOT_FOUND');
    const b = parse(cannedSchema, req.body);
    store.saveCanned({ ...b, id }, clock.now());
    audit(req, 'canned.updated', 'canned', id, b);
    res.json({ items: store.listCanned() });
  });
  r.delete('/canned/:id', admin, (req, res) => {
    const id = parse(idParam, req.params.id);
    if (!store.deleteCanned(id)) throw new VicError('VIC_NOT_FOUND');
    audit(req, 'canned.deleted', 'canned', id);
    res.json({ items: store.listCanned() });
  });

  r.get('/users', admin, (_req, res) => res.json({ items: store.listUsers() }));
  r.post('/users', admin, async (req, res) => {
    const { password, ...b } = parse(createUser, req.body);
    checkCourt(b.courtId);
    checkSupervisor(b);
    if (store.getUserByLogin(b.login)) throw new VicError('VIC_LOGIN_TAKEN');
    const id = store.createUser({ ...b, passwordHash: await hashPassword(password) }, clock.now());
    audit(req, 'user.created', 'user', id, b);
    res.status(201).json({ user: store.getUser(id) });
  });
  /**
   * One change of a user, with its audit row, in one transaction. Checked at the write itself (after the
   * password hashing's await), so two admins demoting each other at once cannot leave the centre without one.
   * A reset password ends the user's other sessions (whoever knew the old one is signed out); the user's
   * tickets they may no longer hold go back to the queue; their live connections follow.
   */
  const changeUser = (req: Req, id: number, change: Parameters<typeof store.updateUser>[1], action: string, details?: unknown) => {
    const returned = store.tx(() => {
      store.updateUser(id, change);
      if (change.passwordHash) closeSessionsOf(store, id, id === userOf(req).id ? req.sessionToken! : null);
      if (store.countActiveAdmins() === 0) throw new VicError('VIC_LAST_ADMIN');
      audit(req, action, 'user', id, details);
      const user = store.getUser(id)!;
      return [...tickets.returnAllAssignedTo(userOf(req), user), ...escalations.returnAllHeldBy(userOf(req), user)];
    });
    for (const r of returned) events.emit({ type: 'ticket.updated', ...r });
    events.emit({ type: 'user.changed', userId: id });
  };
  const lockOut = (req: Req, id: number, b: { active?: boolean; role?: string }) => {
    if (id === userOf(req).id && (b.active === false || (b.role !== undefined && b.role !== 'admin')))
      throw new VicError('VIC_SELF_LOCKOUT');
  };

  r.patch('/users/:id', admin, async (req, res) => {
    const id = parse(idParam, req.params.id);
    if (!store.getUser(id)) throw new VicError('VIC_USER_NOT_FOUND');
    const { password, ...b } = parse(patchUser, req.body);
    checkCourt(b.courtId);
    checkSupervisor({ ...store.getUser(id), ...b });
    lockOut(req, id, b);
    const passwordHash = password ? await hashPassword(password) : undefined;
    changeUser(req, id, { ...b, passwordHash }, 'user.updated', { ...b, ...(password ? { password: 'reset' } : {}) });
    res.json({ user: store.getUser(id) });
  });
  // Users are deactivated, never deleted: tickets and the audit log keep pointing at them.
  r.delete('/users/:id', admin, (req, res) => {
    const id = parse(idParam, req.params.id);
    if (!store.getUser(id)) throw new VicError('VIC_USER_NOT_FOUND');
    lockOut(req, id, { active: false });
    changeUser(req, id, { active: false }, 'user.deactivated');
    res.json({ user: store.getUser(id) });
  });

  // Channels: health with details (e.g. the WhatsApp pairing QR) and their admin commands.
  r.get('/channels', admin, (_req, res) => {
    res.json({ items: registry.all().map((a) => ({ name: a.name, health: a.health(), commands: a.commands ?? [] })) });
  });
  r.post('/channels/:name/:command', admin, async (req, res) => {
    const a = registry.get(String(req.params.name));
    if (!a) throw new VicError('VIC_NOT_FOUND', 'No such channel');
    const command = String(req.params.command);
    if (!a.command || !a.commands?.includes(command)) throw new VicError('VIC_VALIDATION', `The channel has no command "${command}"`);
    await a.command(command);
    audit(req, `channel.${command}`, 'channel', 0, { channel: a.name });
    events.emit({ type: 'channel.health', channel: a.name, health: a.health() });
    res.json({ name: a.name, health: a.health() });
  });

  // The audit log, newest first. A date is a whole day in the courts' time zone (TZ_COURT); digits are epoch ms.
  // `until` (the first page's answer) keeps later pages from shifting while rows are written, this read's own
  // row included: reading the log shows search texts, so it is audited too.
  const instant = z.union([
    z
      .string()
      .regex(/^\d{1,15}$/)
      .transform(Number),
    isoDate,
  ]);
  const day = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY;
  const auditQuery = z
    .object({
      user: z.coerce.number().int().positive().optional(),
      action: z
        .string()
        .regex(/^[a-z][a-z_]*(\.[a-z_]+)*$/, 'is not an action like ticket.read')
        .max(60)
        .optional(),
      ticket: z
        .string()
        .trim()
        .regex(/^(\d{1,12}|VIC-\d{4}-\d+)$/i, 'give a ticket reference (VIC-2026-00042) or id')
        .optional(),
      from: instant.optional(),
      to: instant.optional(),
      until: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    })
    .strict();
  // Read by a read worker (src/readpool/): a filter the indexes serve poorly may scan the whole log.
  r.get('/audit', admin, async (req, res) => {
    const q = parse(auditQuery, req.query);
    const from = typeof q.from === 'string' ? localToUtc(config.TZ_COURT, day(q.from), 0) : q.from;
    const to = typeof q.to === 'string' ? localToUtc(config.TZ_COURT, day(q.to) + 1, 0) : q.to === undefined ? undefined : q.to + 1;
    if (from !== undefined && to !== undefined && from >= to)
      throw new VicError('VIC_VALIDATION', 'Invalid from: it is after to', [{ path: 'from', message: 'is after to' }]);
    let ticketId: number | undefined;
    if (q.ticket !== undefined) {
      ticketId = /^\d+$/.test(q.ticket) ? Number(q.ticket) : store.getTicketByRef(q.ticket)?.id;
      if (ticketId === undefined) throw new VicError('VIC_TICKET_NOT_FOUND');
    }
    const { until, actions, ...page } = await reads.run('auditPage', {
      userId: q.user,
      action: q.action,
      ticketId,
      from,
      to,
      until: q.until,
      limit: q.limit,
      offset: q.offset,
    });
    audited(req, {
      action: 'audit.read',
      entity: 'audit',
      details: { ...q, shown: page.items.length },
    });
    res.json({ ...page, until, actions });
  });
  return r;
}
