// Console actions on the phone: call a citizen back, move a live call to a specialist.
import { Router } from 'express';
import { z } from 'zod';
import { VicError } from '../errors.ts';
import { idParam, parse, requireRole, userOf } from './http.ts';
import type { ApiDeps } from './server.ts';

export function callRoutes({ store, registry, tickets, clock }: ApiDeps) {
  const r = Router();
  const phone = () => {
    const sip = registry.get('sip');
    if (!sip || sip.health().state !== 'connected') throw new VicError('VIC_CHANNEL_NOT_CONNECTED');
    return sip;
  };

  r.post('/tickets/:id/call-back', requireRole('operator'), (req, res) => {
    const user = userOf(req);
    const t = tickets.visible(user, parse(idParam, req.params.id));
    if (!user.sipExtension) throw new VicError('VIC_NO_EXTENSION');
    const number = store.contactAddress(t.contactId, 'phone');
    if (!number) throw new VicError('VIC_NO_PHONE_NUMBER');
    const sip = phone();
    if (!sip.callBack) throw new VicError('VIC_CALL_BACK_UNSUPPORTED');
    const callId = sip.callBack({ userId: user.id, extension: user.sipExtension, number });
    store.audit({
      at: clock.now(),
      userId: user.id,
      action: 'call.call_back',
      entity: 'ticket',
      entityId: t.id,
      details: { callId },
      ip: req.ip ?? null,
    });
    res.status(202).json({ callId });
  });

  r.post('/calls/:callId/transfer', requireRole('operator', 'admin'), (req, res) => {
    const { specialistId } = parse(z.object({ specialistId: z.number().int().positive() }), req.body);
    const call = store.getCall(String(req.params.callId));
    if (!call) throw new VicError('VIC_NOT_FOUND', 'No such call');
    tickets.visible(userOf(req), call.ticketId);
    const to = store.getUser(specialistId);
    if (!to?.active || to.role !== 'specialist' || !to.sipExtension)
      throw new VicError('VIC_VALIDATION', 'Choose an active specialist with a phone extension');
    const sip = phone();
    if (!sip.transfer?.(call.callId, { userId: to.id, extension: to.sipExtension })) throw new VicError('VIC_CALL_NOT_LIVE');
    store.audit({
      at: clock.now(),
      userId: userOf(req).id,
      action: 'call.transfer',
      entity: 'ticket',
      entityId: call.ticketId,
      details: { callId: call.callId, to: to.id },
      ip: req.ip ?? null,
    });
    res.status(202).json({ ok: true });
  });
  return r;
}
