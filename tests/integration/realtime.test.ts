import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { addUser, envelope, makeVic, nextEvent, serve } from '../helpers.ts';


async function setup() {
  const { vic, clock } = await makeVic();
  return { vic, clock, server: await serve(vic) };
}

describe('realtime', () => {
  it('refuses a socket without a session', async () => {
    const { server } = await setup();
    await expect(server.socket('')).rejects.toThrow(/unauthorized/);
    await expect(server.socket('vic_session=forged')).rejects.toThrow(/unauthorized/);
  });

  it('sends a court’s ticket events only to that court’s operators (and admins)', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'op-reg', 'operator', 'sko-regional');
    await addUser(vic, 'op-eco', 'operator', 'sko-economic');
    const reg = await server.socket((await server.login('op-reg', 'password-123')).cookie);
    const eco = await server.socket((await server.login('op-eco', 'password-123')).cookie);
    const adm = await server.socket((await server.login('admin', 'admin-secret-1')).cookie);

    const regEvents: string[] = [];
    const ecoEvents: string[] = [];
    reg.on('ticket.created', (p) => regEvents.push(p.ticket.courtCode));
    eco.on('ticket.created', (p) => ecoEvents.push(p.ticket.courtCode));
    const adminSaw = nextEvent(adm, 'ticket.created');
    // The economic court's ticket comes first: if the regional operator received it, it would be first in the list.
    vic.ingest(envelope({ courtHint: 'sko-economic', sender: { kind: 'email', address: 'too@firm.kz' }, channel: 'email' }));
    const regSaw = nextEvent(reg, 'ticket.created');
    vic.ingest(envelope({ courtHint: 'sko-regional' }));
    expect((await regSaw).ticket.courtCode).toBe('sko-regional');
    expect((await adminSaw).ticket.courtCode).toBe('sko-economic');
    expect(regEvents).toEqual(['sko-regional']);
    expect(ecoEvents).toEqual(['sko-economic']);
  });

  it('announces a new message live without reload', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'op', 'operator');
    const s = await server.socket((await server.login('op', 'password-123')).cookie);
    const got = nextEvent(s, 'message.created');
    vic.ingest(envelope({ text: 'Новое сообщение' }));
    expect((await got).message).toMatchObject({ direction: 'in', text: 'Новое сообщение' });
  });

  it('checks the role and input of socket events', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'op', 'operator');
    const s = await server.socket((await server.login('op', 'password-123')).cookie);
    const bad = await s.emitWithAck('presence:set', { status: 'sleeping' });
    expect(bad.error.code).toBe('VIC_VALIDATION');
    const ok = await s.emitWithAck('presence:set', { status: 'away' });
    expect(ok).toMatchObject({ ok: true });
    expect(vic.store.getPresence(vic.store.getUserByLogin('op')!.id)).toMatchObject({ status: 'away', connections: 1 });
  });

  it('refuses events after the session has ended', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'op', 'operator');
    const login = await server.login('op', 'password-123');
    const s = await server.socket(login.cookie);
    await login.api.post('/api/auth/logout');
    const r = await s.emitWithAck('presence:set', { status: 'away' });
    expect(r.error.code).toBe('VIC_UNAUTHENTICATED');
  });
});
