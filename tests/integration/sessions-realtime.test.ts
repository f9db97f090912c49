// A realtime connection lives no longer than its session (logout, expiry, password reset, deactivation), and
// only the console's own origin may open one.
import { describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { addUser, envelope, makeVic, nextEvent, serve } from '../helpers.ts';
import { json, type MessageRow, type UserRow } from './json.ts';
import type { Config } from '../../src/config.ts';

async function setup(over: Partial<Config> = {}) {
  const { vic, clock } = await makeVic(over);
  const op = await addUser(vic, 'op', 'operator');
  const server = await serve(vic);
  const admin = await server.login('admin', 'admin-secret-1');
  return { vic, clock, op, server, admin, adminSocket: await server.socket(admin.cookie) };
}

/** Texts of the messages a socket is sent from now on. */
function textsSeenBy(s: Socket): string[] {
  const seen: string[] = [];
  s.on('message.created', (p: { message: { text: string } }) => seen.push(p.message.text));
  return seen;
}

describe('realtime connections end with their session', () => {
  it('logout cuts off that session’s connection at once: a note written after it does not reach it', async () => {
    const { vic, server, admin, adminSocket } = await setup();
    const { ticketId } = vic.ingest(envelope({ text: 'Мой ИИН 900101300123, номер дела 2-77/2026' }));
    const laptop = await server.login('op', 'password-123');
    const phone = await server.login('op', 'password-123');
    const [laptopSocket, phoneSocket] = [await server.socket(laptop.cookie), await server.socket(phone.cookie)];
    const laptopSaw = textsSeenBy(laptopSocket);
    const phoneSaw = textsSeenBy(phoneSocket);

    const cut = nextEvent<string>(laptopSocket, 'disconnect', 2000);
    expect((await laptop.api.post('/api/auth/logout')).status).toBe(200);
    expect(await cut).toBe('io server disconnect');

    const adminSaw = nextEvent(adminSocket, 'message.created');
    const phoneGot = nextEvent(phoneSocket, 'message.created');
    expect(
      (await admin.api.post(`/api/tickets/${ticketId}/messages`, { kind: 'note', text: 'Гражданин просит перезвонить на +77015550101' }))
        .status,
    ).toBe(201);
    await Promise.all([adminSaw, phoneGot]);
    // The other session of the same user (another device) is untouched and got the note; the logged-out one did not.
    expect(phoneSaw).toEqual(['Гражданин просит перезвонить на +77015550101']);
    expect(laptopSaw).toEqual([]);
    expect(laptopSocket.connected).toBe(false);
    // Coming back with the old cookie is refused too.
    await expect(server.socket(laptop.cookie)).rejects.toThrow(/unauthorized/);
  });

  it('a session that expires cuts its connection off within a second, without any event', async () => {
    // 0.01 h: a 36-second session, moved past by the test's clock.
    const { vic, clock, server } = await setup({ SESSION_TTL_HOURS: 0.01 });
    const op = await server.login('op', 'password-123');
    const s = await server.socket(op.cookie);
    const seen = textsSeenBy(s);
    const cut = nextEvent<string>(s, 'disconnect', 2500);
    clock.advance(37_000);
    expect(await cut).toBe('io server disconnect');

    const fresh = await server.login('admin', 'admin-secret-1');
    const adminSocket = await server.socket(fresh.cookie);
    const adminSaw = nextEvent<{ message: MessageRow }>(adminSocket, 'message.created');
    vic.ingest(envelope({ text: 'Пришло после конца сессии' }));
    expect((await adminSaw).message.text).toBe('Пришло после конца сессии');
    expect(seen).toEqual([]);
    expect((await op.api.get('/api/me')).status).toBe(401);
  });

  it('a password reset cuts off the user’s connections; an admin resetting their own stays connected', async () => {
    const { op, server, admin, adminSocket } = await setup();
    const opSocket = await server.socket((await server.login('op', 'password-123')).cookie);
    // The reset hashes the new password first (argon2, slow on a busy machine): the wait covers it.
    const cut = nextEvent<string>(opSocket, 'disconnect', 10_000);
    expect((await admin.api.patch(`/api/users/${op.id}`, { password: 'new-password-9' })).status).toBe(200);
    expect(await cut).toBe('io server disconnect');

    const me = json<{ user: UserRow }>(await admin.api.get('/api/me')).user.id;
    const reloaded = nextEvent(adminSocket, 'session.changed', 10_000);
    expect((await admin.api.patch(`/api/users/${me}`, { password: 'admin-secret-2' })).status).toBe(200);
    await reloaded;
    expect(adminSocket.connected).toBe(true);
  });
});

describe('the realtime handshake checks Origin', () => {
  it('refuses a connection opened from another origin, even with a valid cookie, and accepts the console’s own', async () => {
    const { server, admin } = await setup();
    const otherPort = `http://127.0.0.1:${Number(new URL(server.base).port) + 1}`;
    await expect(server.socket(admin.cookie, { origin: otherPort })).rejects.toThrow();
    await expect(server.socket(admin.cookie, { origin: 'null' })).rejects.toThrow();
    expect((await server.socket(admin.cookie, { origin: server.base })).connected).toBe(true);

    // Long-polling, as a browser starts: another origin, or no Origin but a same-site fetch from another port.
    const handshake = (headers: Record<string, string>) =>
      fetch(`${server.base}/socket.io/?EIO=4&transport=polling`, { headers: { cookie: admin.cookie, ...headers } }).then((r) => r.status);
    expect(await handshake({ origin: otherPort })).toBe(403);
    expect(await handshake({ 'sec-fetch-site': 'same-site' })).toBe(403);
    expect(await handshake({ 'sec-fetch-site': 'same-origin' })).toBe(200);
    // No Origin and no Sec-Fetch-Site: not a browser (browsers send Origin on every WebSocket handshake).
    expect(await handshake({})).toBe(200);
  });

  it('with PUBLIC_ORIGIN, accepts only the configured origins', async () => {
    const { server, admin } = await setup({ PUBLIC_ORIGIN: ['https://vic.sud.kz'] });
    expect((await server.socket(admin.cookie, { origin: 'https://vic.sud.kz' })).connected).toBe(true);
    await expect(server.socket(admin.cookie, { origin: server.base })).rejects.toThrow();
    await expect(server.socket(admin.cookie, { origin: 'https://vic.sud.kz.evil.test' })).rejects.toThrow();
  });
});
