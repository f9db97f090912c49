import { Router } from 'express';
import { z } from 'zod';
import { daysOff, workingWeekends } from '../../routing/calendar/index.ts';
import { hashPassword } from '../auth.ts';
import { VicError } from '../errors.ts';
import { idParam, parse, requireRole, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

const langs = z.array(z.enum(['kk', 'ru'])).min(1);
const userFields = {
  name: z.string().trim().min(1).max(200),
  role: z.enum(['admin', 'operator', 'specialist']),
  courtId: z.number().int().positive().nullable(),
  sipExtension: z.string().regex(/^[0-9A-Za-z*#+]{1,32}$/).nullable(),
  languages: langs,
  maxConcurrent: z.number().int().min(1).max(100),
  title: z.string().trim().max(200).nullable(),
  password: z.string().min(8).max(200),
};
const createUser = z.object({ login: z.string().trim().regex(/^[a-z0-9._-]{2,50}$/i, 'use 2–50 letters, digits, dot, dash or underscore'), ...userFields })
  .partial({ courtId: true, sipExtension: true, languages: true, maxConcurrent: true, title: true });
const patchUser = z.object({ ...userFields, active: z.boolean() }).partial().strict();
const courtFields = {
  nameRu: z.string().trim().min(1).max(300),
  nameKk: z.string().trim().min(1).max(300),
  slaFirstResponseMin: z.number().int().min(1).max(10_000),
};
const createCourt = z.object({ code: z.string().regex(/^[a-z0-9-]{2,40}$/), ...courtFields }).partial({ slaFirstResponseMin: true });
const patchCourt = z.object({ ...courtFields, active: z.boolean() }).partial().strict();

export function adminRoutes({ store, clock, registry, events, calendars }: ApiDeps) {
  const r = Router();
  const admin = requireRole('admin');
  const audit = (req: Parameters<typeof userOf>[0], action: string, entity: string, entityId: number, details?: unknown) =>
    store.audit({ at: clock.now(), userId: userOf(req).id, action, entity, entityId, details, ip: req.ip ?? null });
  const checkCourt = (id: number | null | undefined) => {
    if (id != null && !store.getCourt(id)) throw new VicError('VIC_COURT_NOT_FOUND');
  };

  // Everyone signed in needs the list of courts (filters, court change).
  r.get('/courts', (_req, res) => res.json({ items: store.listCourts() }));
  r.post('/courts', admin, (req, res) => {
    const b = parse(createCourt, req.body);
    if (store.getCourtByCode(b.code)) throw new VicError('VIC_CONFLICT', 'A court with this code exists');
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
  const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a date');
  const courtOf = (raw: unknown) => {
    const id = parse(idParam, raw);
    if (!store.getCourt(id)) throw new VicError('VIC_COURT_NOT_FOUND');
    return id;
  };
  r.get('/courts/:id/calendar', (req, res) => {
    const id = courtOf(req.params.id);
    const { year } = parse(z.object({ year: z.coerce.number().int().min(2000).max(2100).default(new Date(clock.now()).getUTCFullYear()) }), req.query);
    const cal = calendars.for(id);
    res.json({ year, overrides: store.listCalendarOverrides(id), daysOff: daysOff(year, cal), workingWeekends: workingWeekends(year, cal) });
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
  const cannedSchema = z.object({ title: z.string().trim().min(1).max(200), lang: z.enum(['kk', 'ru']), text: z.string().trim().min(1).max(5000) });
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
    if (store.getUserByLogin(b.login)) throw new VicError('VIC_LOGIN_TAKEN');
    const id = store.createUser({ ...b, passwordHash: await hashPassword(password) }, clock.now());
    audit(req, 'user.created', 'user', id, b);
    res.status(201).json({ user: store.getUser(id) });
  });
  r.patch('/users/:id', admin, async (req, res) => {
    const id = parse(idParam, req.params.id);
    if (!store.getUser(id)) throw new VicError('VIC_USER_NOT_FOUND');
    const { password, ...b } = parse(patchUser, req.body);
    checkCourt(b.courtId);
    if (id === userOf(req).id && (b.active === false || (b.role && b.role !== 'admin'))) throw new VicError('VIC_CONFLICT', 'You cannot lock yourself out');
    store.updateUser(id, { ...b, ...(password ? { passwordHash: await hashPassword(password) } : {}) });
    audit(req, 'user.updated', 'user', id, { ...b, ...(password ? { password: 'changed' } : {}) });
    res.json({ user: store.getUser(id) });
  });
  // Users are deactivated, never deleted: tickets and the audit log keep pointing at them.
  r.delete('/users/:id', admin, (req, res) => {
    const id = parse(idParam, req.params.id);
    if (!store.getUser(id)) throw new VicError('VIC_USER_NOT_FOUND');
    if (id === userOf(req).id) throw new VicError('VIC_CONFLICT', 'You cannot lock yourself out');
    store.updateUser(id, { active: false });
    audit(req, 'user.deactivated', 'user', id);
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

  r.get('/audit', admin, (req, res) => {
    const q = parse(z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).default(0) }), req.query);
    res.json({ items: store.listAudit(q.limit, q.offset) });
  });
  return r;
}
