import { describe, expect, it } from 'vitest';
import { addUser, envelope, makeVic, serve } from '../helpers.ts';
import {
  errorOf,
  json,
  responseJson,
  type ApiError,
  type CannedRow,
  type CourtRow,
  type MessageRow,
  type Page,
  type TicketRow,
  type TicketView,
  type UserRow,
} from './json.ts';

async function setup(over = {}) {
  const { vic, clock } = await makeVic(over);
  const server = await serve(vic);
  return { vic, clock, server };
}

const ROUTES: [string, string][] = [
  ['GET', '/api/me'],
  ['PUT', '/api/me/presence'],
  ['GET', '/api/tickets'],
  ['GET', '/api/tickets/1'],
  ['POST', '/api/tickets/1/messages'],
  ['POST', '/api/tickets/1/claim'],
  ['POST', '/api/tickets/1/assign'],
  ['POST', '/api/tickets/1/resolve'],
  ['POST', '/api/tickets/1/reopen'],
  ['PATCH', '/api/tickets/1'],
  ['POST', '/api/tickets/1/scope'],
  ['POST', '/api/messages/1/retry'],
  ['GET', '/api/attachments/1'],
  ['GET', '/api/courts'],
  ['POST', '/api/courts'],
  ['PATCH', '/api/courts/1'],
  ['GET', '/api/courts/1/hours'],
  ['PUT', '/api/courts/1/hours'],
  ['GET', '/api/users'],
  ['POST', '/api/users'],
  ['PATCH', '/api/users/1'],
  ['DELETE', '/api/users/1'],
  ['GET', '/api/audit'],
  ['GET', '/api/no-such-route'],
];
const ADMIN_ROUTES = ROUTES.filter(
  ([m, u]) => u.startsWith('/api/users') || u === '/api/audit' || (u.startsWith('/api/courts') && m !== 'GET'),
);

describe('HTTP API', () => {
  it('answers health without a session', async () => {
    const { server } = await setup();
    const r = await server.anon.get('/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, channels: {} });
  });

  it('refuses every route to an anonymous user', async () => {
    const { server } = await setup();
    for (const [method, url] of ROUTES) {
      const res = await fetch(`${server.base}${url}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'GET' ? undefined : '{}',
      });
      expect(res.status, `${method} ${url}`).toBe(401);
      expect((await responseJson<{ error: ApiError }>(res)).error.code).toBe('VIC_UNAUTHENTICATED');
    }
  });

  it('refuses admin routes to an operator', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'op', 'operator');
    const { api } = await server.login('op', 'password-123');
    for (const [method, url] of ADMIN_ROUTES) {
      const res = await fetch(`${server.base}${url}`, {
        method,
        headers: { cookie: (await server.login('op', 'password-123')).cookie, 'content-type': 'application/json' },
        body: method === 'GET' ? undefined : '{}',
      });
      expect(res.status, `${method} ${url}`).toBe(403);
    }
    expect(errorOf(await api.get('/api/users')).code).toBe('VIC_FORBIDDEN');
  });

  it('logs in with ADMIN_PASSWORD into an httpOnly SameSite cookie, and refuses a wrong password', async () => {
    const { server } = await setup();
    const bad = await server.login('admin', 'wrong-password');
    expect(bad.res.status).toBe(401);
    expect((await responseJson<{ error: ApiError }>(bad.res)).error.code).toBe('VIC_BAD_CREDENTIALS');
    const ok = await server.login('admin', 'admin-secret-1');
    expect(ok.res.status).toBe(200);
    const setCookie = ok.res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const me = await ok.api.get('/api/me');
    expect(json<{ user: UserRow }>(me).user).toMatchObject({ login: 'admin', role: 'admin' });
    expect(JSON.stringify(me.body)).not.toMatch(/argon2|password/i);
    await ok.api.post('/api/auth/logout');
    expect((await ok.api.get('/api/me')).status).toBe(401);
  });

  it('rate-limits failed logins (the login at this address waits; see security tests for the rest)', async () => {
    const { server } = await setup({ LOGIN_FREE_FAILURES: 3 });
    for (let i = 0; i < 3; i++) expect((await server.login('admin', 'nope')).res.status).toBe(401);
    const blocked = await server.login('admin', 'admin-secret-1');
    expect(blocked.res.status).toBe(429);
    expect((await responseJson<{ error: ApiError }>(blocked.res)).error.code).toBe('VIC_TOO_MANY_LOGINS');
  });

  it('validates input and answers with a JSON error naming the field', async () => {
    const { vic, server } = await setup();
    const t = vic.ingest(envelope());
    const { api } = await server.login('admin', 'admin-secret-1');
    const r = await api.post(`/api/tickets/${t.ticketId}/messages`, { kind: 'shout', text: '' });
    expect(r.status).toBe(400);
    expect(errorOf(r)).toMatchObject({ code: 'VIC_VALIDATION' });
    expect(errorOf(r).message).toMatch(/kind/);
    const raw = await fetch(`${server.base}/api/tickets`, {
      method: 'GET',
      headers: { cookie: (await server.login('admin', 'admin-secret-1')).cookie },
    });
    expect(raw.status).toBe(200);
    expect((await api.get('/api/tickets?limit=5000')).status).toBe(400);
    expect((await api.get('/api/tickets/abc')).status).toBe(400);
    expect(errorOf(await api.get('/api/tickets/999999')).code).toBe('VIC_TICKET_NOT_FOUND');
  });

  it('lets an operator see, answer and resolve tickets of their court only', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'op', 'operator', 'sko-regional');
    const mine = vic.ingest(envelope({ courtHint: 'sko-regional', text: 'Когда заседание?' }));
    const other = vic.ingest(envelope({ courtHint: 'sko-economic', sender: { kind: 'email', address: 'firm@too.kz' }, channel: 'email' }));
    const { api } = await server.login('op', 'password-123');
    const list = json<Page<TicketRow>>(await api.get('/api/tickets'));
    expect(list.items.map((t) => t.id)).toEqual([mine.ticketId]);
    expect(list.total).toBe(1);
    expect(errorOf(await api.get(`/api/tickets/${other.ticketId}`)).code).toBe('VIC_FORBIDDEN_COURT');
    expect((await api.post(`/api/tickets/${other.ticketId}/messages`, { kind: 'reply', text: 'x' })).status).toBe(403);

    const reply = await api.post(`/api/tickets/${mine.ticketId}/messages`, { kind: 'reply', text: 'Заседание 10 декабря в 10:00.' });
    expect(reply.status).toBe(201);
    expect(json<{ message: MessageRow }>(reply).message).toMatchObject({ direction: 'out', deliveryStatus: 'queued' });
    await api.post(`/api/tickets/${mine.ticketId}/messages`, { kind: 'note', text: 'Позвонить секретарю' });
    const t = json<TicketView>(await api.get(`/api/tickets/${mine.ticketId}`));
    expect(t.messages.map((m) => m.direction)).toEqual(['in', 'out', 'note']);
    expect(t.firstResponseAt).not.toBeNull();
    expect(json<{ ticket: TicketRow }>(await api.post(`/api/tickets/${mine.ticketId}/resolve`)).ticket.status).toBe('resolved');
    expect((await api.post(`/api/tickets/${mine.ticketId}/resolve`)).status).toBe(409);
    expect(json<{ ticket: TicketRow }>(await api.post(`/api/tickets/${mine.ticketId}/reopen`)).ticket.status).toBe('open');
    const actions = vic.store.auditOf('ticket', mine.ticketId).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['ticket.read', 'ticket.reply', 'ticket.note', 'ticket.resolved', 'ticket.reopened']));
  });

  it('lets an operator without a court serve every court', async () => {
    const { vic, server } = await setup();
    await addUser(vic, 'centre', 'operator', null);
    vic.ingest(envelope({ courtHint: 'sko-regional' }));
    vic.ingest(envelope({ courtHint: 'sko-economic', sender: { kind: 'email', address: 'firm@too.kz' }, channel: 'email' }));
    const { api } = await server.login('centre', 'password-123');
    expect(json<Page<TicketRow>>(await api.get('/api/tickets')).total).toBe(2);
  });

  it('filters by queue and searches by reference, phone, name and text (Cyrillic, any case)', async () => {
    const { vic, server } = await setup();
    const a = vic.ingest(
      envelope({
        sender: { kind: 'whatsapp', address: '77011112233@c.us', displayName: 'Гүлнар Ахметова' },
        text: 'Как получить КОПИЮ приговора?',
      }),
    );
    vic.ingest(
      envelope({
        sender: { kind: 'whatsapp', address: '77019998877@c.us' },
        text: 'Требую отменить решение, оно незаконное и несправедливое',
      }),
    );
    const { api } = await server.login('admin', 'admin-secret-1');
    const ref = vic.store.getTicket(a.ticketId)!.ref;
    const ids = async (q: string) => json<Page<TicketRow>>(await api.get(`/api/tickets?${q}`)).items.map((t) => t.id);
    expect(await ids(`q=${encodeURIComponent(ref.toLowerCase())}`)).toEqual([a.ticketId]);
    expect(await ids(`q=${encodeURIComponent('8 701 111 22 33')}`)).toEqual([a.ticketId]);
    expect(await ids(`q=${encodeURIComponent('гүлнар')}`)).toEqual([a.ticketId]);
    expect(await ids(`q=${encodeURIComponent('копию')}`)).toEqual([a.ticketId]);
    expect(json<Page<TicketRow>>(await api.get('/api/tickets?queue=out-of-scope')).total).toBe(1);
    expect(json<Page<TicketRow>>(await api.get('/api/tickets?queue=unassigned')).total).toBe(1);
  });

  it('lets an admin manage users and courts, with hashed passwords', async () => {
    const { vic, server } = await setup();
    const { api } = await server.login('admin', 'admin-secret-1');
    const court = await api.post('/api/courts', { code: 'test-court', nameRu: 'Тестовый суд', nameKk: 'Сынақ соты' });
    expect(court.status).toBe(201);
    const u = await api.post('/api/users', {
      login: 'newop',
      name: 'Новый',
      role: 'operator',
      courtId: json<{ court: CourtRow }>(court).court.id,
      password: 'long-password-1',
    });
    expect(u.status).toBe(201);
    const newop = json<{ user: UserRow }>(u).user;
    // The production parameters (64 MiB, 3 passes): the tests' own users are hashed cheaply (tests/helpers.ts).
    expect(vic.store.getPasswordHash(newop.id)).toMatch(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/);
    expect(errorOf(await api.post('/api/users', { login: 'newop', name: 'x', role: 'operator', password: 'long-password-1' })).code).toBe(
      'VIC_LOGIN_TAKEN',
    );
    expect((await server.login('newop', 'long-password-1')).res.status).toBe(200);
    await api.del(`/api/users/${newop.id}`);
    expect((await server.login('newop', 'long-password-1')).res.status).toBe(401);
  });

  it('overrules an out-of-scope verdict: the ticket is routed again and nothing is deleted', async () => {
    const { vic, server } = await setup();
    const r = vic.ingest(envelope({ text: 'Требую отменить постановление о штрафе, оно незаконное' }));
    expect(vic.store.getTicket(r.ticketId)!.status).toBe('out_of_scope');
    const { api } = await server.login('admin', 'admin-secret-1');
    const res = await api.post(`/api/tickets/${r.ticketId}/scope`, { verdict: 'in_scope', reason: 'Гражданин спрашивает о сроках' });
    expect(json<{ ticket: TicketRow }>(res).ticket).toMatchObject({ status: 'open', scopeVerdict: 'in_scope' });
    // The citizen's message, the appeal answer and the notice that it was taken after all.
    expect(vic.store.listMessages(r.ticketId).map((m) => m.auto)).toEqual([null, 'appeal', 'overrule']);
    expect(vic.store.auditOf('ticket', r.ticketId).map((a) => a.action)).toContain('ticket.scope_overruled');
  });

  it('serves attachments as downloads with nosniff', async () => {
    const { vic, server } = await setup();
    const html = Buffer.from('<script>alert(1)</script>');
    const r = vic.ingest(envelope({ attachments: [{ filename: 'x.html', contentType: 'text/html', content: html, size: html.length }] }));
    const { api } = await server.login('admin', 'admin-secret-1');
    const a = vic.store.listAttachments(r.ticketId)[0];
    const res = await api.get(`/api/attachments/${a.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-type')).toMatch(/application\/octet-stream/);
  });

  it('shows only real raster images inline, typed by their own bytes, sandboxed, to those who may see the ticket', async () => {
    const { vic, server } = await setup();
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>');
    const html = Buffer.from('<!doctype html><script>alert(1)</script>');
    const files = {
      'фото.png': { contentType: 'image/jpeg', content: png },
      'x.png': { contentType: 'image/png', content: svg },
      'y.png': { contentType: 'image/png', content: html },
      'z.jpg': { contentType: 'application/octet-stream', content: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]) },
      'a.gif': { contentType: 'image/gif', content: Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1') },
      'b.webp': {
        contentType: 'image/webp',
        content: Buffer.concat([Buffer.from('RIFF'), Buffer.from([26, 0, 0, 0]), Buffer.from('WEBPVP8L')]),
      },
    };
    const r = vic.ingest(
      envelope({
        courtHint: 'sko-regional',
        attachments: Object.entries(files).map(([filename, f]) => ({ filename, ...f, size: f.content.length })),
      }),
    );
    const { api } = await server.login('admin', 'admin-secret-1');
    const id = (name: string) => vic.store.listAttachments(r.ticketId).find((a) => a.filename === name)!.id;

    const photo = await api.get(`/api/attachments/${id('фото.png')}?inline=1`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect(photo.headers.get('content-disposition')).toMatch(/^inline; filename=.*filename\*=UTF-8''%D1%84%D0%BE%D1%82%D0%BE\.png/);
    expect(photo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(photo.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(photo.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(photo.headers.get('cache-control')).toMatch(/private/);
    expect(
      vic.store
        .auditOf('ticket', r.ticketId)
        .filter((a) => a.action === 'attachment.read')
        .map((a) => JSON.parse(a.details!) as unknown),
    ).toEqual([{ attachmentId: id('фото.png'), inline: true }]);
    for (const [name, type] of [
      ['z.jpg', 'image/jpeg'],
      ['a.gif', 'image/gif'],
      ['b.webp', 'image/webp'],
    ]) {
      expect((await api.get(`/api/attachments/${id(name)}?inline=1`)).headers.get('content-type'), name).toBe(type);
    }

    // SVG and HTML that claim to be PNG are never shown inline, and their download is typed as bytes, not as an image.
    for (const name of ['x.png', 'y.png']) {
      const inline = await api.get(`/api/attachments/${id(name)}?inline=1`);
      expect(inline.status, name).toBe(415);
      expect(errorOf(inline).code).toBe('VIC_NOT_AN_IMAGE');
      expect(inline.headers.get('content-type')).toMatch(/application\/json/);
      const download = await api.get(`/api/attachments/${id(name)}`);
      expect(download.headers.get('content-disposition')).toMatch(/^attachment/);
      expect(download.headers.get('content-type')).toBe('application/octet-stream');
    }
    expect((await api.get(`/api/attachments/${id('фото.png')}?inline=yes`)).status).toBe(400);

    await addUser(vic, 'op-eco', 'operator', 'sko-economic');
    const other = (await server.login('op-eco', 'password-123')).api;
    expect((await other.get(`/api/attachments/${id('фото.png')}?inline=1`)).status).toBe(403);
  });
});

describe('console support routes', () => {
  it('counts every queue in one call, and lets admins manage canned answers that everyone reads', async () => {
    const { vic } = await makeVic();
    const server = await serve(vic);
    vic.ingest(envelope());
    vic.ingest(
      envelope({ sender: { kind: 'whatsapp', address: '77019998877@c.us' }, text: 'Требую отменить решение суда, оно незаконное' }),
    );
    await addUser(vic, 'op', 'operator');
    const admin = (await server.login('admin', 'admin-secret-1')).api;
    const op = (await server.login('op', 'password-123')).api;
    expect((await op.get('/api/tickets/counts')).body).toMatchObject({ all: 2, unassigned: 1, 'out-of-scope': 1, mine: 0 });
    expect((await admin.post('/api/canned', { title: 'Копия', lang: 'ru', text: 'Здравствуйте, {name}! {ref}' })).status).toBe(201);
    expect((await op.post('/api/canned', { title: 'x', lang: 'ru', text: 'y' })).status).toBe(403);
    expect(json<{ items: CannedRow[] }>(await op.get('/api/canned')).items).toEqual([
      expect.objectContaining({ title: 'Копия', lang: 'ru' }),
    ]);
    expect(json<{ timeZone: string }>(await op.get('/api/me')).timeZone).toBe('Asia/Almaty');
  });
});
