// Console actions on the phone: call a citizen back, move a live call to a specialist, see and end one's live calls.
import { Router } from 'express';
import { z } from 'zod';
import { VicError } from '../errors.ts';
import { idParam, parse, requestAudit, requireRole, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

export function callRoutes({ store, registry, tickets, clock }: ApiDeps) {
  const r = Router();
  const audit = requestAudit(store, clock);
  // Degraded is not down: with drachtio connected while the PBX's OPTIONS fail, calls still go through, so the
  // action is tried and the console warns. Anything else (connecting, down) cannot place a call.
  const phone = () => {
    const sip = registry.get('sip');
    const state = sip?.health().state;
    if (!sip || (state !== 'connected' && state !== 'degraded')) throw new VicError('VIC_CHANNEL_NOT_CONNECTED');
    return { sip, warning: state === 'degraded' ? { warning: 'VIC_PHONE_DEGRADED' as const } : {} };
  };

  r.post('/tickets/:id/call-back', requireRole('operator'), (req, res) => {
    const user = userOf(req);
    const t = tickets.visible(user, parse(idParam, req.params.id));
    if (!user.sipExtension) throw new VicError('VIC_NO_EXTENSION');
    const number = store.contactAddress(t.contactId, 'phone');
    if (!number) throw new VicError('VIC_NO_PHONE_NUMBER');
    const { sip, warning } = phone();
    if (!sip.callBack) throw new VicError('VIC_CALL_BACK_UNSUPPORTED');
    const callId = sip.callBack({ userId: user.id, extension: user.sipExtension, number, ticketId: t.id });
    audit(req, {
      action: 'call.call_back',
      entity: 'ticket',
      entityId: t.id,
      details: { callId },
    });
    res.status(202).json({ callId, ...warning });
  });

  r.post('/calls/:callId/transfer', requireRole('operator', 'admin'), (req, res) => {
    const { specialistId } = parse(z.object({ specialistId: z.number().int().positive() }), req.body);
    const call = store.getCall(String(req.params.callId));
    if (!call) throw new VicError('VIC_NOT_FOUND', 'No such call');
    tickets.visible(userOf(req), call.ticketId);
    const to = store.getUser(specialistId);
    if (!to?.active || to.role !== 'specialist' || !to.sipExtension)
      throw new VicError('VIC_VALIDATION', 'Choose an active specialist with a phone extension');
    const { sip, warning } = phone();
    if (!sip.transfer?.(call.callId, { userId: to.id, extension: to.sipExtension })) throw new VicError('VIC_CALL_NOT_LIVE');
    audit(req, {
      action: 'call.transfer',
      entity: 'ticket',
      entityId: call.ticketId,
      details: { callId: call.callId, to: to.id },
    });
    res.status(202).json({ ok: true, ...warning });
  });

  // The user's own live legs, so a reload during a call brings the call panel back. The numbers are citizens'
  // data: audited when there is any.
  r.get('/calls/live', requireRole('operator', 'specialist', 'admin'), (req, res) => {
    const user = userOf(req);
    const items = (registry.get('sip')?.liveCalls?.() ?? []).filter((c) => c.userId === user.id);
    if (items.length)
      audit(req, {
        action: 'call.live_read',
        entity: 'ticket',
        entityId: items[0].ticketId,
        details: { callIds: items.map((c) => c.callId) },
      });
    res.json({ items });
  });

  // Ends a live call: one's own (a leg of the user's), an admin any.
  r.post('/calls/:callId/hangup', requireRole('operator', 'specialist', 'admin'), (req, res) => {
    const user = userOf(req);
    const callId = String(req.params.callId);
    const sip = registry.get('sip');
    const live = sip?.liveCalls?.() ?? [];
    if (user.role !== 'admin' && !live.some((c) => c.callId === callId && c.userId === user.id)) throw new VicError('VIC_CALL_NOT_LIVE');
    if (!sip?.hangup?.(callId)) throw new VicError('VIC_CALL_NOT_LIVE');
    const call = store.getCall(callId);
    audit(req, {
      action: 'call.hangup',
      entity: 'ticket',
      entityId: call?.ticketId,
      details: { callId },
    });
    res.json({ ok: true });
  });
  return r;
}
