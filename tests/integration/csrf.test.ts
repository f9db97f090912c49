// Changes are taken only from the console's own origin and only as JSON (the case directory as text/csv):
// a page on another port of the same host (the same site, so the browser sends the SameSite=Strict cookie)
// can change nothing. The browser's own behaviour is in tests/e2e/csrf.test.ts.
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { addUser, envelope, makeVic, serve } from '../helpers.ts';
import { errorOf } from './json.ts';

async function setup(over: Partial<Config> = {}) {
  const { vic } = await makeVic(over);
  await addUser(vic, 'clerk', 'specialist');
  const server = await serve(vic);
  const admin = await server.login('admin', 'admin-secret-1');
  const { ticketId } = vic.ingest(envelope());
  /** A raw request with the admin's cookie, as a browser would send it. */
  const send = async (method: string, url: string, headers: Record<string, string>, body?: string) => {
    const res = await fetch(`${server.base}${url}`, { method, headers: { cookie: admin.cookie, ...headers }, body });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const otherPort = `http://127.0.0.1:${Number(new URL(server.base).port) + 1}`;
  return { vic, server, admin, ticketId, send, otherPort };
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

describe('changes only from the console’s own origin', () => {
  it('refuses a form posted from another port of the same host, and the ticket stays open', async () => {
    const { vic, server, ticketId, send, otherPort } = await setup();
    const r = await send('POST', `/api/tickets/${ticketId}/resolve`, { origin: otherPort, ...FORM });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'VIC_CROSS_ORIGIN' } } });
    expect(errorOf(r).message).toMatch(/origin/);
    // Not even as JSON (a fetch that got through a preflight), nor with Origin "null" (sandboxed frame).
    expect((await send('POST', `/api/tickets/${ticketId}/resolve`, { origin: otherPort, ...JSON_TYPE }, '{}')).status).toBe(403);
    expect((await send('POST', `/api/tickets/${ticketId}/resolve`, { origin: 'null', ...JSON_TYPE }, '{}')).status).toBe(403);
    // No Origin, but the browser says the request came from another page of the site.
    expect((await send('POST', `/api/tickets/${ticketId}/resolve`, { 'sec-fetch-site': 'same-site', ...JSON_TYPE }, '{}')).status).toBe(
      403,
    );
    expect((await send('DELETE', `/api/users/${vic.store.getUserByLogin('clerk')!.id}`, { origin: otherPort, ...JSON_TYPE })).status).toBe(
      403,
    );
    expect(vic.store.getTicket(ticketId)!.status).not.toBe('resolved');
    expect(vic.store.getUserByLogin('clerk')!.active).toBe(true);

    // The console itself (its own origin, or Sec-Fetch-Site same-origin) goes through.
    expect((await send('POST', `/api/tickets/${ticketId}/resolve`, { 'sec-fetch-site': 'same-origin', ...JSON_TYPE }, '{}')).status).toBe(
      200,
    );
    expect((await send('POST', `/api/tickets/${ticketId}/reopen`, { origin: server.base, ...JSON_TYPE }, '{}')).status).toBe(200);
  });

  it('refuses sign-in and sign-out from another origin', async () => {
    const { server, admin, otherPort } = await setup();
    const login = await fetch(`${server.base}/api/auth/login`, {
      method: 'POST',
      headers: { origin: otherPort, ...JSON_TYPE },
      body: JSON.stringify({ login: 'admin', password: 'admin-secret-1' }),
    });
    expect(login.status).toBe(403);
    expect(login.headers.get('set-cookie')).toBeNull();
    const logout = await fetch(`${server.base}/api/auth/logout`, {
      method: 'POST',
      headers: { origin: otherPort, cookie: admin.cookie, ...JSON_TYPE },
      body: '{}',
    });
    expect(logout.status).toBe(403);
    expect((await admin.api.get('/api/me')).status).toBe(200);
  });

  it('with PUBLIC_ORIGIN, takes changes from those origins only', async () => {
    const { vic, ticketId, send, server } = await setup({ PUBLIC_ORIGIN: ['https://vic.sud.kz'] });
    expect((await send('POST', `/api/tickets/${ticketId}/resolve`, { origin: server.base, ...JSON_TYPE }, '{}')).status).toBe(403);
    expect((await send('POST', `/api/tickets/${ticketId}/resolve`, { origin: 'https://vic.sud.kz', ...JSON_TYPE }, '{}')).status).toBe(200);
    expect(vic.store.getTicket(ticketId)!.status).toBe('resolved');
  });

  it('PUBLIC_ORIGIN is a list of origins, checked at start-up', () => {
    expect(loadConfig({ PUBLIC_ORIGIN: 'https://VIC.sud.kz/, http://vic.court.local:8080' }, false).PUBLIC_ORIGIN).toEqual([
      'https://vic.sud.kz',
      'http://vic.court.local:8080',
    ]);
    expect(loadConfig({}, false).PUBLIC_ORIGIN).toBeUndefined();
    expect(() => loadConfig({ PUBLIC_ORIGIN: 'vic.sud.kz' }, false)).toThrow(/^config: PUBLIC_ORIGIN .*not an origin/);
    expect(() => loadConfig({ PUBLIC_ORIGIN: 'https://vic.sud.kz/console' }, false)).toThrow(/PUBLIC_ORIGIN/);
  });
});

describe('changes only as JSON, or the documented type', () => {
  it('refuses a bodiless POST with a form type, or with none, with 415 and a clear error', async () => {
    const { vic, ticketId, send } = await setup();
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
      const r = await send('POST', `/api/tickets/${ticketId}/resolve`, { 'content-type': type });
      expect(r, type).toMatchObject({
        status: 415,
        body: { error: { code: 'VIC_UNSUPPORTED_MEDIA_TYPE', message: 'Send the request as Content-Type: application/json' } },
      });
    }
    expect((await send('POST', `/api/tickets/${ticketId}/resolve`, {})).status).toBe(415);
    expect((await send('DELETE', `/api/users/${vic.store.getUserByLogin('clerk')!.id}`, {})).status).toBe(415);
    expect(vic.store.getTicket(ticketId)!.status).not.toBe('resolved');
    expect(vic.store.getUserByLogin('clerk')!.active).toBe(true);
    // JSON, bodiless or not, with a charset or not.
    expect((await send('POST', `/api/tickets/${ticketId}/resolve`, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(
      200,
    );
    expect((await send('DELETE', `/api/users/${vic.store.getUserByLogin('clerk')!.id}`, JSON_TYPE)).status).toBe(200);
  });

  it('imports the case directory as text/csv only: text/plain (a form can send it) is refused', async () => {
    const { vic, send } = await setup();
    const csv = 'case_number,court,judge,specialist_login\n7599-24-00-2A/8554,sko-regional,Судья Ахметов,clerk\n';
    const plain = await send('POST', '/api/case-assignments', { 'content-type': 'text/plain' }, csv);
    expect(plain).toMatchObject({
      status: 415,
      body: { error: { code: 'VIC_UNSUPPORTED_MEDIA_TYPE', message: 'Send the request as Content-Type: text/csv' } },
    });
    expect((await send('POST', '/api/case-assignments', JSON_TYPE, JSON.stringify({ csv }))).status).toBe(415);
    expect(vic.store.db.prepare('SELECT count(*) AS n FROM case_assignments').get()).toEqual({ n: 0 });
    expect(await send('POST', '/api/case-assignments', { 'content-type': 'text/csv; charset=utf-8' }, csv)).toMatchObject({
      status: 200,
      body: { new: 1 },
    });
  });
});
