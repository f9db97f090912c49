// Every API route × every role, against the README's API table: the table's "who" column decides which roles get
// the route's success status and which get 401/403, and the routes the express app registers must be exactly the
// table's, so a route added without a row (or a row without a route) fails here. Each request gets a fresh
// fixture (ticket, user, canned answer…), so routes with side effects never depend on the order they run in.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { SESSION_COOKIE, openSession } from '../../src/auth.ts';
import { createApi } from '../../src/api/server.ts';
import type { LiveCall } from '../../src/live-call.ts';
import type { UserRow } from '../../src/store/index.ts';
import { envelope, makeVic, testHash } from '../helpers.ts';
import { wavFile } from '../support/wav.ts';

const ROLES = ['anonymous', 'admin', 'operator', 'otherCourtOperator', 'holdingSpecialist', 'otherSpecialist', 'supervisor'] as const;
type Role = (typeof ROLES)[number];
type Staff = Exclude<Role, 'anonymous'>;

/** The README's "who" phrases; in a ticket's row "operator" is one of the ticket's court. */
const WHO: Record<string, readonly Role[]> = {
  anyone: ROLES,
  'signed in': ROLES.filter((r) => r !== 'anonymous'),
  // Everyone signed in who handles tickets: a supervisor (reports of their court) does not.
  staff: ROLES.filter((r) => r !== 'anonymous' && r !== 'supervisor'),
  supervisor: ['supervisor'],
  // Reports: every court for admins, their own court for a supervisor.
  'admin or supervisor': ['admin', 'supervisor'],
  'who may see it': ['admin', 'operator', 'holdingSpecialist'],
  'who may see the ticket': ['admin', 'operator', 'holdingSpecialist'],
  operator: ['operator'],
  // Bulk actions: any operator may ask; a ticket of another court is then refused in the answer, per ticket.
  'any operator': ['operator', 'otherCourtOperator'],
  admin: ['admin'],
  'the specialist holding it': ['holdingSpecialist'],
};

/** The README table's routes ("METHOD /api/path") with their "who" cell. */
function readmeRoutes(): Map<string, string> {
  const md = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const lines = md
    .slice(md.indexOf('## HTTP API'))
    .split('\n')
    .filter((l) => l.startsWith('| `'));
  const routes = new Map<string, string>();
  for (const line of lines) {
    const [first, who] = line
      .split(/(?<!\\)\|/)
      .slice(1, 3)
      .map((c) => c.trim()) as [string, string];
    // Written as `GET /api/a`, `GET/POST /api/b`, `/reopen` (same method, sibling path), `POST` (previous path),
    // `DELETE …/:date` (the previous path's parent); anything else (a body, a CSV header) is not a route.
    let methods: string[] = [];
    let route = '';
    for (const [, token] of first.matchAll(/`([^`]+)`/g)) {
      if (!/^(GET|POST|PUT|PATCH|DELETE)\b|^[/…]/.test(token)) continue;
      const m = /^((?:GET|POST|PUT|PATCH|DELETE)(?:\/(?:GET|POST|PUT|PATCH|DELETE))*)?\s*([/…]\S*)?$/.exec(token);
      if (!m || (!m[1] && !m[2])) throw new Error(`README: cannot read the route \`${token}\``);
      // A route outside /api (`GET /metrics`) has its own access rule, not a role: not this matrix's.
      if (m[1] && m[2]?.startsWith('/') && !m[2].startsWith('/api/')) break;
      if (m[1]) methods = m[1].split('/');
      if (m[2]) route = m[2].startsWith('/api/') ? m[2].replace(/\?.*/, '') : path.posix.dirname(route) + m[2].replace(/^…/, '');
      for (const method of methods) {
        const key = `${method} ${route}`;
        if (routes.has(key) && routes.get(key) !== who) throw new Error(`README: ${key} has two "who" cells`);
        routes.set(key, who);
      }
    }
  }
  return routes;
}

function allowedRoles(who: string, method: string): readonly Role[] {
  const phrase = who === 'signed in; admin writes' ? (method === 'GET' ? 'signed in' : 'admin') : who;
  return phrase.split(', ').flatMap((part) => {
    if (!WHO[part]) throw new Error(`README: unknown "who": ${part}`);
    return WHO[part];
  });
}

/** The routes the express app registers under /api ("METHOD /api/path"). */
function appRoutes(app: { router: { stack: unknown[] } }): string[] {
  type Layer = { route?: { path: unknown; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown };
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route && typeof layer.route.path === 'string') {
        for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk(app.router.stack as Layer[], '');
  return out.filter((r) => r.includes(' /api/'));
}

interface Case {
  url: string;
  body?: unknown;
  csv?: string;
  /** A raw audio/wav body (an announcement upload). */
  wav?: Buffer;
  /** The success status; 200 when not given. */
  ok?: number;
}

let vic: Vic;
let base: string;
let users: Record<Staff, UserRow>;
let third: UserRow;
let n = 0;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const courtId = (code: string) => vic.store.getCourtByCode(code)!.id;
const phone = () => `+7701${String(++n).padStart(7, '0')}`;

/** A new WhatsApp ticket (with a photo) of the operator's court, escalated by that operator to the specialist holding it. */
function ticket(escalated = true): number {
  const { ticketId } = vic.ingest(
    envelope({
      courtHint: 'sko-regional',
      sender: { kind: 'whatsapp', address: `${phone().slice(1)}@c.us`, displayName: 'Ержан' },
      attachments: [{ filename: 'фото.png', contentType: 'image/png', content: PNG, size: PNG.length }],
    }),
  );
  if (escalated) vic.escalations.escalate(users.operator, ticketId, users.holdingSpecialist.id, 'Когда заседание по делу?', false);
  return ticketId;
}
/** A ringing call's ticket, escalated like the others. */
function call(): { ticketId: number; callId: string } {
  const callId = `call-${++n}@pbx`;
  const from = phone();
  const { ticketId } = vic.ingest(
    envelope({
      channel: 'sip',
      externalId: callId,
      courtHint: 'sko-regional',
      sender: { kind: 'phone', address: from },
      text: '',
      call: { callId, from, to: '+77152000000', outcome: 'ringing', startedAt: vic.clock.now() },
    }),
  );
  vic.escalations.escalate(users.operator, ticketId, users.holdingSpecialist.id, 'Соедините с секретарём', false);
  return { ticketId, callId };
}
/** A missed call's ticket: its callback task is open. */
function missed(): string {
  const { callId } = call();
  vic.calls.progress(callId, { outcome: 'missed', endedAt: vic.clock.now() });
  return callId;
}
/** The phone channel's live legs: a call every user is on. */
const live: LiveCall[] = [];
function liveCall(): string {
  const { callId, ticketId } = call();
  for (const u of Object.values(users))
    live.push({ callId, ticketId, userId: u.id, role: 'operator', state: 'talking', since: vic.clock.now(), number: '+77010000000' });
  return callId;
}
const throwawayUser = () =>
  vic.store.createUser(
    { login: `temp-${++n}`, name: 'Временный', role: 'operator', passwordHash: 'x', courtId: courtId('sko-regional') },
    vic.clock.now(),
  );
const contactOf = (ticketId: number) => vic.store.getTicket(ticketId)!.contactId;
const topic = () => vic.store.createTopic({ nameRu: `Тема ${++n}`, nameKk: `Тақырып ${n}` }, vic.clock.now());
const canned = () => vic.store.saveCanned({ title: `Шаблон ${++n}`, lang: 'ru', text: 'Здравствуйте, {name}' }, vic.clock.now());

/** What each route is asked, built fresh for every request. */
const CASES: Record<string, () => Case> = {
  'GET /api/health': () => ({ url: '/api/health' }),
  'POST /api/auth/login': () => ({ url: '/api/auth/login', body: { login: 'probe', password: 'password-123' } }),
  'POST /api/auth/logout': () => ({ url: '/api/auth/logout' }),
  'GET /api/me': () => ({ url: '/api/me' }),
  'PUT /api/me/presence': () => ({ url: '/api/me/presence', body: { status: 'available' } }),
  'GET /api/tickets': () => ({ url: '/api/tickets?q=77010000001' }),
  'GET /api/tickets/counts': () => ({ url: '/api/tickets/counts' }),
  'POST /api/tickets/:id/read': () => ({ url: `/api/tickets/${ticket()}/read`, body: {} }),
  'GET /api/notifications': () => ({ url: '/api/notifications' }),
  'POST /api/notifications/read': () => ({ url: '/api/notifications/read', body: { all: true } }),
  'GET /api/tickets/:id/draft': () => ({ url: `/api/tickets/${ticket()}/draft` }),
  'PUT /api/tickets/:id/draft': () => ({ url: `/api/tickets/${ticket()}/draft`, body: { kind: 'reply', text: 'Черновик' } }),
  'DELETE /api/tickets/:id/draft': () => ({ url: `/api/tickets/${ticket()}/draft` }),
  'GET /api/tickets/:id': () => ({ url: `/api/tickets/${ticket()}` }),
  'GET /api/tickets/:id/csat': () => ({ url: `/api/tickets/${ticket()}/csat` }),
  'POST /api/tickets/:id/messages': () => ({ url: `/api/tickets/${ticket()}/messages`, body: { kind: 'note', text: 'Заметка' }, ok: 201 }),
  'POST /api/tickets/:id/claim': () => ({ url: `/api/tickets/${ticket()}/claim` }),
  'POST /api/tickets/:id/assign': () => ({ url: `/api/tickets/${ticket()}/assign`, body: { userId: null } }),
  'POST /api/tickets/:id/resolve': () => ({ url: `/api/tickets/${ticket()}/resolve` }),
  'POST /api/tickets/:id/reopen': () => {
    const id = ticket();
    vic.tickets.resolve(users.admin, id);
    return { url: `/api/tickets/${id}/reopen` };
  },
  'PATCH /api/tickets/:id': () => ({ url: `/api/tickets/${ticket()}`, body: { caseNumber: '5999-25-00-2/417' } }),
  'POST /api/tickets/:id/scope': () => {
    const id = ticket(false);
    vic.store.updateTicket(id, { status: 'out_of_scope', scopeVerdict: 'out_of_scope' }, vic.clock.now());
    return { url: `/api/tickets/${id}/scope`, body: { verdict: 'in_scope', reason: 'Вопрос о сроках' } };
  },
  'POST /api/tickets/bulk': () => ({ url: '/api/tickets/bulk', body: { ids: [ticket(false)], action: 'resolve' } }),
  'POST /api/messages/:id/retry': () => {
    const { messageId } = vic.tickets.post(users.operator, ticket(), 'reply', 'Заседание назначено на 10 декабря');
    return { url: `/api/messages/${messageId}/retry` };
  },
  'GET /api/attachments/:id': () => ({ url: `/api/attachments/${vic.store.listAttachments(ticket())[0].id}` }),
  'GET /api/contacts/:id': () => ({ url: `/api/contacts/${contactOf(ticket())}` }),
  'PATCH /api/contacts/:id': () => ({ url: `/api/contacts/${contactOf(ticket())}`, body: { name: 'Ержан Серікұлы', iin: '850315300128' } }),
  'POST /api/contacts/:id/merge': () => ({ url: `/api/contacts/${contactOf(ticket())}/merge`, body: { mergedId: contactOf(ticket()) } }),
  'POST /api/contacts/merges/:id/undo': () => ({
    url: `/api/contacts/merges/${vic.store.mergeContacts(contactOf(ticket()), contactOf(ticket()), users.admin.id, vic.clock.now())}/undo`,
  }),
  'GET /api/tickets/:id/specialists': () => ({ url: `/api/tickets/${ticket()}/specialists` }),
  'POST /api/tickets/:id/escalate': () => ({
    url: `/api/tickets/${ticket(false)}/escalate`,
    body: { specialistId: third.id, question: 'Когда заседание?' },
  }),
  'POST /api/tickets/:id/pass': () => ({
    url: `/api/tickets/${ticket()}/pass`,
    body: { specialistId: third.id, note: 'Это дело ведёт коллега' },
  }),
  'POST /api/tickets/:id/hand-back': () => ({ url: `/api/tickets/${ticket()}/hand-back`, body: { note: '' } }),
  'POST /api/case-assignments': () => ({
    url: '/api/case-assignments',
    csv: `case_number,court,judge,specialist_login\n5999-25-00-2/${++n},sko-regional,Судья,spec-h\n`,
  }),
  'POST /api/tickets/:id/call-back': () => ({ url: `/api/tickets/${call().ticketId}/call-back`, ok: 202 }),
  'POST /api/calls/:callId/transfer': () => ({ url: `/api/calls/${call().callId}/transfer`, body: { specialistId: third.id }, ok: 202 }),
  'GET /api/courts': () => ({ url: '/api/courts' }),
  'POST /api/courts': () => ({ url: '/api/courts', body: { code: `court-${++n}`, nameRu: 'Новый суд', nameKk: 'Жаңа сот' }, ok: 201 }),
  'PATCH /api/courts/:id': () => ({ url: `/api/courts/${courtId('petropavl-city-2')}`, body: { slaFirstResponseMin: 90 } }),
  'GET /api/courts/:id/calendar': () => ({ url: `/api/courts/${courtId('petropavl-city-2')}/calendar?year=2027` }),
  'PUT /api/courts/:id/calendar/:date': () => ({
    url: `/api/courts/${courtId('petropavl-city-2')}/calendar/2027-01-15`,
    body: { kind: 'off' },
  }),
  'DELETE /api/courts/:id/calendar/:date': () => {
    const id = courtId('petropavl-city-2');
    vic.store.setCalendarOverride(id, '2027-02-15', 'off', null, users.admin.id, vic.clock.now());
    return { url: `/api/courts/${id}/calendar/2027-02-15` };
  },
  'GET /api/courts/:id/hours': () => ({ url: `/api/courts/${courtId('petropavl-city-2')}/hours` }),
  'PUT /api/courts/:id/hours': () => ({ url: `/api/courts/${courtId('petropavl-city-2')}/hours`, body: { week: null } }),
  'GET /api/working-hours': () => ({ url: '/api/working-hours' }),
  'GET /api/canned': () => ({ url: '/api/canned' }),
  'POST /api/canned': () => ({ url: '/api/canned', body: { title: 'Часы работы', lang: 'ru', text: 'Пн–Пт 09:00–18:30' }, ok: 201 }),
  'PUT /api/canned/:id': () => ({ url: `/api/canned/${canned()}`, body: { title: 'Часы работы', lang: 'kk', text: 'Дс–Жм 09:00–18:30' } }),
  'DELETE /api/canned/:id': () => ({ url: `/api/canned/${canned()}` }),
  'GET /api/users': () => ({ url: '/api/users' }),
  'POST /api/users': () => ({
    url: '/api/users',
    body: { login: `new-${++n}`, name: 'Новый оператор', role: 'operator', password: 'password-123' },
    ok: 201,
  }),
  'PATCH /api/users/:id': () => ({ url: `/api/users/${throwawayUser()}`, body: { name: 'Переименован' } }),
  'DELETE /api/users/:id': () => ({ url: `/api/users/${throwawayUser()}` }),
  'GET /api/channels': () => ({ url: '/api/channels' }),
  'POST /api/channels/:name/:command': () => ({ url: '/api/channels/sip/restart' }),
  'GET /api/audit': () => ({ url: '/api/audit' }),
  'GET /api/retention/preview': () => ({ url: '/api/retention/preview' }),
  'GET /api/scope/stats': () => ({ url: '/api/scope/stats' }),
  'GET /api/reports/summary': () => ({ url: '/api/reports/summary' }),
  'GET /api/reports/mine': () => ({ url: '/api/reports/mine' }),
  'GET /api/calls/live': () => ({ url: '/api/calls/live' }),
  'POST /api/calls/:callId/hangup': () => ({ url: `/api/calls/${liveCall()}/hangup` }),
  'GET /api/callbacks': () => ({ url: '/api/callbacks' }),
  'GET /api/callbacks/counts': () => ({ url: '/api/callbacks/counts' }),
  'POST /api/callbacks/:callId/done': () => ({ url: `/api/callbacks/${missed()}/done` }),
  'POST /api/callbacks/:callId/retry': () => ({ url: `/api/callbacks/${missed()}/retry`, body: { at: vic.clock.now() + 3_600_000 } }),
  'GET /api/reports/tickets': () => ({ url: '/api/reports/tickets?figure=received' }),
  'GET /api/reports/export.csv': () => ({ url: '/api/reports/export.csv' }),
  'GET /api/reports/export.xlsx': () => ({ url: '/api/reports/export.xlsx?table=days' }),
  'GET /api/reports/monthly.xlsx': () => ({ url: `/api/reports/monthly.xlsx?courtId=${courtId('sko-regional')}&month=2026-12&lang=kk` }),
  'GET /api/topics': () => ({ url: '/api/topics' }),
  'POST /api/topics': () => ({ url: '/api/topics', body: { nameRu: `Тема ${++n}`, nameKk: `Тақырып ${n}` }, ok: 201 }),
  'PATCH /api/topics/:id': () => ({ url: `/api/topics/${topic()}`, body: { active: false } }),
  'PUT /api/topics/order': () => ({ url: '/api/topics/order', body: { ids: [topic()] } }),
  'GET /api/tickets/:id/topics': () => ({ url: `/api/tickets/${ticket()}/topics` }),
  'PUT /api/tickets/:id/topics': () => ({ url: `/api/tickets/${ticket()}/topics`, body: { topicIds: [topic()] } }),
  'GET /api/announcements': () => ({ url: '/api/announcements' }),
  'GET /api/announcements/:lang/:message.wav': () => ({ url: '/api/announcements/ru/greeting.wav' }),
  'PUT /api/announcements/:lang/:message': () => ({ url: '/api/announcements/kk/goodbye', wav: wavFile({ ms: 500 }) }),
  'DELETE /api/announcements/:lang/:message': () => ({ url: '/api/announcements/kk/goodbye' }),
  'GET /api/announcements/music.wav': () => ({ url: '/api/announcements/music.wav' }),
  'PUT /api/announcements/music': () => ({ url: '/api/announcements/music', wav: wavFile({ ms: 500 }) }),
  'DELETE /api/announcements/music': () => ({ url: '/api/announcements/music' }),
};

/** Asks the route as `role`, each time with a session of its own (logout ends the one it is given). */
async function status(role: Role, method: string, c: Case): Promise<number> {
  const headers: Record<string, string> = {};
  if (role !== 'anonymous') headers.cookie = `${SESSION_COOKIE}=${openSession(vic.store, users[role].id, vic.clock.now(), 3_600_000)}`;
  let body: string | undefined;
  if (method !== 'GET') {
    headers['content-type'] = c.wav ? 'audio/wav' : c.csv === undefined ? 'application/json' : 'text/csv';
    body = c.csv ?? JSON.stringify(c.body ?? {});
  }
  const res = await fetch(`${base}${c.url}`, { method, headers, body: c.wav ? new Uint8Array(c.wav) : body });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  // The six sign-ins of the login row run at once: each counts as a failure until its password is checked.
  ({ vic } = await makeVic({ LOGIN_FREE_FAILURES: 10 }));
  // Cheap argon2 parameters: the login row signs in six times.
  const hash = await testHash('password-123');
  const user = (login: string, role: UserRow['role'], court: string, sipExtension: string | null = null) =>
    vic.store.getUser(
      vic.store.createUser({ login, name: login, role, passwordHash: hash, courtId: courtId(court), sipExtension }, vic.clock.now()),
    )!;
  users = {
    admin: vic.store.getUserByLogin('admin')!,
    operator: user('op-a', 'operator', 'sko-regional', '201'),
    otherCourtOperator: user('op-b', 'operator', 'sko-economic', '202'),
    holdingSpecialist: user('spec-h', 'specialist', 'sko-regional', '301'),
    otherSpecialist: user('spec-o', 'specialist', 'sko-regional', '302'),
    supervisor: user('sup', 'supervisor', 'sko-regional'),
  };
  third = user('spec-3', 'specialist', 'sko-regional', '303');
  user('probe', 'operator', 'sko-regional');
  // A phone channel that calls back, transfers any call and restarts.
  vic.registry.register({
    name: 'sip',
    commands: ['restart'],
    start: async () => {},
    stop: async () => {},
    command: async () => {},
    health: () => ({ state: 'connected', since: 0 }),
    callBack: () => `cb-${++n}`,
    transfer: () => true,
    liveCalls: () => live,
    hangup: (callId) => live.some((c) => c.callId === callId),
  });
  base = `http://127.0.0.1:${await vic.listen(0, '127.0.0.1')}`;
});
afterAll(() => vic?.close());

describe('who may use which route (README table × roles)', () => {
  const table = readmeRoutes();

  it('has one matrix row for every route the app registers and every route of the README table', () => {
    const registered = appRoutes(createApi({ ...vic, uiDir: path.join(vic.config.DATA_DIR, 'no-ui') }) as never);
    expect(new Set(registered).size, 'a route registered twice').toBe(registered.length);
    expect([...table.keys()].sort()).toEqual([...registered].sort());
    expect(Object.keys(CASES).sort()).toEqual([...registered].sort());
  });

  it.each([...table])('%s: %s', async (route, who) => {
    const method = route.split(' ')[0];
    const allowed = allowedRoles(who, method);
    // Each role has its own fixture, so the six requests may run at once.
    const cases = ROLES.map(() => CASES[route]());
    const expected = Object.fromEntries(
      ROLES.map((role, i) => [role, allowed.includes(role) ? (cases[i].ok ?? 200) : role === 'anonymous' ? 401 : 403]),
    );
    const actual = Object.fromEntries(
      await Promise.all(ROLES.map(async (role, i) => [role, await status(role, method, cases[i])] as const)),
    );
    expect(actual).toEqual(expected);
  });
});
