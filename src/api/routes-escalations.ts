import { Router } from 'express';
import { z } from 'zod';
import { VicError } from '../errors.ts';
import { idParam, parse, requestAudit, requireRole, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

const escalateSchema = z.object({
  specialistId: z.number().int().positive(),
  question: z.string().trim().min(1).max(5000),
  notifyCitizen: z.boolean().optional(),
});
const passSchema = z.object({ specialistId: z.number().int().positive(), note: z.string().trim().max(5000).default('') });
const dryRunQuery = z.object({ dryRun: z.enum(['0', '1']).optional() }).transform((q) => ({ dryRun: q.dryRun === '1' }));
const handBackSchema = z.object({ note: z.string().trim().max(5000).default('') });

export function escalationRoutes({ escalations, store, clock }: ApiDeps) {
  const r = Router();
  const audit = requestAudit(store, clock);
  const staff = requireRole('admin', 'operator');

  // Specialists see it only for tickets they hold, to choose whom to pass them to: visible() checks that. The
  // case numbers come from the citizen's messages, so the read is audited like the ticket's.
  r.get('/tickets/:id/specialists', (req, res) => {
    const id = parse(idParam, req.params.id);
    const suggestions = escalations.suggest(userOf(req), id);
    audit(req, {
      action: 'ticket.specialists_read',
      entity: 'ticket',
      entityId: id,
      details: { caseNumbers: suggestions.caseNumbers },
    });
    res.json(suggestions);
  });
  r.post('/tickets/:id/escalate', staff, (req, res) => {
    const b = parse(escalateSchema, req.body);
    res.json({ ticket: escalations.escalate(userOf(req), parse(idParam, req.params.id), b.specialistId, b.question, b.notifyCitizen) });
  });
  // An admin may pass it for a specialist who is away: the operator who asked keeps the question and its alerts
  // (taking it back and escalating again would make the admin the asker).
  r.post('/tickets/:id/pass', requireRole('specialist', 'admin'), (req, res) => {
    const b = parse(passSchema, req.body);
    res.json({ ticket: escalations.pass(userOf(req), parse(idParam, req.params.id), b.specialistId, b.note) });
  });
  r.post('/tickets/:id/hand-back', (req, res) => {
    res.json({ ticket: escalations.handBack(userOf(req), parse(idParam, req.params.id), parse(handBackSchema, req.body).note) });
  });
  // The court's case-management export: text/csv `case_number,court,judge,specialist_login`; `?dryRun=1` is the
  // console's preview (the same report, nothing written).
  r.post('/case-assignments', requireRole('admin'), async (req, res) => {
    if (typeof req.body !== 'string') throw new VicError('VIC_VALIDATION', 'Send the CSV file as text/csv');
    const { dryRun } = parse(dryRunQuery, req.query);
    const report = await escalations.importCases(userOf(req), req.body, { dryRun });
    res.status(report.errors.length && !report.new && !report.updated && !report.unchanged ? 400 : 200).json(report);
  });
  return r;
}
