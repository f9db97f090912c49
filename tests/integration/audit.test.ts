// Every read of citizen data leaves one audit row with user, action, entity, filters or details and IP; the
// admin reads the log back through GET /api/audit, filtered by user, action, ticket and date.
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { SESSION_COOKIE, openSession } from '../../src/auth.ts';
import { READS } from '../../src/readpool/reads.ts';
import { client, envelope, makeVic, serve } from '../helpers.ts';
import { errorOf, json, type AuditEntry, type Page, type TicketRow } from './json.ts';

/** GET /api/audit: a page of the log up to `until` (the newest row when the reading began), and whether more follow. */
interface AuditPage {
  items: AuditEntry[];
  more: boolean;
  until: number;
  actions: string[];
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

async function setup() {
  const { vic } = await makeVic();
  const op = vic.store.getUser(
    vic.store.createUser(
      { login: 'op', name: 'Оператор', role: 'operator', passwordHash: 'x', courtId: vic.store.getCourtByCode('sko-regional')!.id },
      vic.clock.now(),
    ),
  )!;
  const server = await serve(vic);
  // Sessions as sign-in opens them (sign-in itself is tested elsewhere; argon2 would cost most of this file's time).
  const as = (userId: number) => client(server.base, `${SESSION_COOKIE}=${openSession(vic.store, userId, vic.clock.now(), 3_600_000)}`);
  return { vic, op, server, operator: as(op.id), admin: as(vic.store.getUserByLogin('admin')!.id) };
}

/** The audit rows of one action, oldest first, details parsed. */
const rows = (vic: Vic, action: string) =>
  (
    vic.store.db
      .prepare(`SELECT user_id AS userId, entity, entity_id AS entityId, details, ip FROM audit_log WHERE action = ? ORDER BY id`)
      .all(action) as { userId: number | null; entity: string | null; entityId: number | null; details: string | null; ip: string | null }[]
  ).map((r) => ({ ...r, details: r.details === null ? null : (JSON.parse(r.details) as unknown) }));

describe('reads of citizen data are audited', () => {
  it('records each ticket list and search with its filters, the search text and the IP: one row per request', async () => {
    const { vic, op, operator } = await setup();
    vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77015550101@c.us', displayName: 'Ержан' } }));
    vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77015550202@c.us' } }));
    vic.ingest(
      envelope({
        channel: 'email',
        sender: { kind: 'email', address: 'aigul@example.kz', displayName: 'Айгуль' },
        thread: { subject: 'Вопрос' },
      }),
    );

    const byPhone = await operator.get('/api/tickets?queue=court&channel=whatsapp&status=open&q=%2B7%20701%20555%2001%2001');
    expect(json<Page<TicketRow>>(byPhone).total).toBe(1);
    const all = await operator.get('/api/tickets');
    expect(json<Page<TicketRow>>(all).items).toHaveLength(3);
    await operator.get(`/api/tickets?q=aigul%40example.kz&court=${vic.store.getCourtByCode('sko-regional')!.id}&limit=10`);

    expect(rows(vic, 'ticket.list')).toEqual([
      {
        userId: op.id,
        entity: 'ticket',
        entityId: null,
        ip: '127.0.0.1',
        details: {
          queue: 'court',
          channel: 'whatsapp',
          status: 'open',
          q: '+7 701 555 01 01',
          sort: 'newest',
          limit: 50,
          shown: 1,
          total: 1,
        },
      },
      {
        userId: op.id,
        entity: 'ticket',
        entityId: null,
        ip: '127.0.0.1',
        details: { queue: 'all', sort: 'newest', limit: 50, shown: 3, total: 3 },
      },
      {
        userId: op.id,
        entity: 'ticket',
        entityId: null,
        ip: '127.0.0.1',
        details: {
          queue: 'all',
          court: vic.store.getCourtByCode('sko-regional')!.id,
          q: 'aigul@example.kz',
          sort: 'newest',
          limit: 10,
          shown: 1,
          total: 1,
        },
      },
    ]);
    // A request refused as invalid read nothing.
    expect((await operator.get('/api/tickets?queue=everything')).status).toBe(400);
    expect(rows(vic, 'ticket.list')).toHaveLength(3);
  });

  it('leaves the queue counters unaudited: they are numbers only', async () => {
    const { vic, operator } = await setup();
    vic.ingest(envelope());
    const before = vic.store.counts().audit_log;
    const { byCourt, ...queues } = json<{ byCourt: Record<string, Record<string, unknown>> }>(await operator.get('/api/tickets/counts'));
    const numbers = [...Object.values(queues), ...Object.values(byCourt).flatMap((c) => Object.values(c))];
    expect(numbers.length).toBeGreaterThan(8);
    expect(numbers.every((v) => typeof v === 'number')).toBe(true);
    expect(vic.store.counts().audit_log).toBe(before);
  });

  it('records ticket, attachment and suggestion reads with the user and the IP', async () => {
    const { vic, op, operator } = await setup();
    const { ticketId } = vic.ingest(
      envelope({
        text: 'Когда заседание по делу № 5999-25-00-2/417?',
        attachments: [{ filename: 'повестка.png', contentType: 'image/png', content: PNG, size: PNG.length }],
      }),
    );
    const attachmentId = vic.store.listAttachments(ticketId)[0].id;
    expect((await operator.get(`/api/tickets/${ticketId}`)).status).toBe(200);
    expect((await operator.get(`/api/attachments/${attachmentId}`)).status).toBe(200);
    expect((await operator.get(`/api/tickets/${ticketId}/specialists`)).status).toBe(200);
    const of = (action: string) =>
      vic.store
        .auditOf('ticket', ticketId)
        .filter((a) => a.action === action)
        .map(({ userId, details, ip }) => ({ userId, details, ip }));
    expect(of('ticket.read')).toEqual([{ userId: op.id, details: null, ip: '127.0.0.1' }]);
    expect(of('attachment.read')).toEqual([{ userId: op.id, details: JSON.stringify({ attachmentId }), ip: '127.0.0.1' }]);
    expect(of('ticket.specialists_read')).toEqual([
      { userId: op.id, details: JSON.stringify({ caseNumbers: ['5999-25-00-2/417'] }), ip: '127.0.0.1' },
    ]);
  });
});

describe('GET /api/audit', () => {
  it('filters by user, action, ticket (reference or id) and date in court time or epoch ms, newest first', async () => {
    const { vic, op, admin } = await setup();
    const { ticketId } = vic.ingest(envelope());
    const { ticketId: otherId } = vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77019990000@c.us' } }));
    const ref = vic.store.getTicket(ticketId)!.ref;
    // 23:30 and 00:30 in Petropavl (UTC+5), either side of local midnight between 1 and 2 December.
    const late = Date.parse('2026-12-01T18:30:00Z');
    const early = Date.parse('2026-12-01T19:30:00Z');
    vic.store.audit({ at: late, userId: op.id, action: 'ticket.read', entity: 'ticket', entityId: ticketId, ip: '10.0.0.7' });
    vic.store.audit({ at: early, userId: op.id, action: 'ticket.read', entity: 'ticket', entityId: otherId, ip: '10.0.0.7' });
    vic.store.audit({ at: early + 1, userId: null, action: 'auth.login_failed', details: { login: '<b>op</b>' }, ip: '10.0.0.9' });

    const get = async (query: string) => {
      const r = await admin.get(`/api/audit?${query}`);
      expect(r.status, `${query}: ${JSON.stringify(r.body)}`).toBe(200);
      return r.body as {
        items: {
          at: number;
          userId: number | null;
          userLogin: string | null;
          action: string;
          entityId: number | null;
          ticketRef: string | null;
          details: unknown;
          ip: string | null;
        }[];
        more: boolean;
        until: number;
        actions: string[];
      };
    };
    const reads = await get(`user=${op.id}&action=ticket.read`);
    expect(reads.items.map((i) => [i.at, i.entityId])).toEqual([
      [early, otherId],
      [late, ticketId],
    ]);
    expect(reads.items[1]).toMatchObject({ userLogin: 'op', ticketRef: ref, ip: '10.0.0.7' });
    expect((await get(`ticket=${ref}`)).items.map((i) => i.at)).toEqual([late]);
    expect((await get(`ticket=${ref.toLowerCase()}&action=ticket.read`)).items.map((i) => i.at)).toEqual([late]);
    expect((await get(`ticket=${otherId}`)).items.map((i) => i.at)).toEqual([early]);
    // Dates are whole days in court time, `to` included; digits are epoch ms, both ends included.
    expect((await get('from=2026-12-02&to=2026-12-02')).items.map((i) => i.at)).toEqual([early + 1, early]);
    expect((await get(`from=2026-12-01&to=2026-12-01&user=${op.id}`)).items.map((i) => i.at)).toEqual([late]);
    expect((await get(`from=${late}&to=${early}`)).items.map((i) => i.at)).toEqual([early, late]);
    // Citizen-controlled text comes back as data, never interpreted.
    expect((await get('action=auth.login_failed')).items[0]).toMatchObject({
      userId: null,
      userLogin: null,
      details: { login: '<b>op</b>' },
      ip: '10.0.0.9',
    });
    expect((await get('limit=1')).actions).toEqual(['audit.read', 'auth.login_failed', 'ticket.read']);

    for (const bad of [
      'from=2026-02-30',
      'from=yesterday',
      'to=2026-12-01&from=2026-12-02',
      'user=me',
      'action=DROP%20TABLE',
      'limit=501',
      'userId=1',
      'ticket=VIC-26-1',
    ]) {
      const r = await admin.get(`/api/audit?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(errorOf(r).code).toBe('VIC_VALIDATION');
    }
    expect(errorOf(await admin.get('/api/audit?ticket=VIC-2026-99999')).code).toBe('VIC_TICKET_NOT_FOUND');
  });

  it('pages through a log being written, without repeats or gaps, and audits its own reading', async () => {
    const { vic, op, admin, operator } = await setup();
    for (let i = 0; i < 7; i++)
      vic.store.audit({ at: vic.clock.now(), userId: op.id, action: 'ticket.note', entity: 'ticket', entityId: 1000 + i });
    const first = json<AuditPage>(await admin.get(`/api/audit?user=${op.id}&action=ticket.note&limit=3`));
    expect(first.more).toBe(true);
    const seen = first.items.map((i) => i.entityId);
    // Written meanwhile: newer than the first page, so it is not part of this reading.
    vic.store.audit({ at: vic.clock.now(), userId: op.id, action: 'ticket.note', entity: 'ticket', entityId: 2000 });
    await operator.get('/api/tickets?q=Ержан');
    for (let offset = 3; ; offset += 3) {
      const page = json<AuditPage>(
        await admin.get(`/api/audit?user=${op.id}&action=ticket.note&limit=3&offset=${offset}&until=${first.until}`),
      );
      seen.push(...page.items.map((i) => i.entityId));
      if (!page.more) break;
    }
    expect(seen).toEqual([1006, 1005, 1004, 1003, 1002, 1001, 1000]);

    const admins = rows(vic, 'audit.read');
    expect(admins).toHaveLength(3);
    expect(admins[0]).toMatchObject({
      entity: 'audit',
      ip: '127.0.0.1',
      details: { user: op.id, action: 'ticket.note', limit: 3, offset: 0, shown: 3 },
    });
    expect(json<AuditPage>(await admin.get('/api/audit?action=ticket.list')).items[0].details).toMatchObject({ q: 'Ержан' });
  });

  it('reads each filter as an index range in the order shown: no full scan, no sort, however large the log', async () => {
    const { vic, op, admin } = await setup();
    const { ticketId } = vic.ingest(envelope());
    for (const q of [
      '',
      `user=${op.id}`,
      'action=ticket.read',
      `ticket=${ticketId}`,
      'from=2026-12-01&to=2026-12-02',
      `user=${op.id}&action=ticket.read&from=2026-12-01`,
      `action=ticket.read&ticket=${ticketId}&until=5`,
    ]) {
      expect((await admin.get(`/api/audit?${q}`)).status, q).toBe(200);
    }
    // A read worker answered them (src/readpool/): the same filters once more on this store, to plan its statements.
    const day = Date.parse('2026-12-01T00:00:00+05:00');
    for (const f of [
      {},
      { userId: op.id },
      { action: 'ticket.read' },
      { ticketId },
      { from: day, to: day + 2 * 86_400_000 },
      { userId: op.id, action: 'ticket.read', from: day },
      { action: 'ticket.read', ticketId, until: 5 },
    ])
      READS.auditPage(vic.store, { ...f, limit: 100, offset: 0 });
    // The statements the store prepared for these reads, planned by SQLite as they ran.
    const statements = [...(vic.store as unknown as { statements: Map<string, unknown> }).statements.keys()].filter((sql) =>
      sql.includes('FROM audit_log a'),
    );
    expect(statements.length).toBeGreaterThanOrEqual(6);
    for (const sql of statements) {
      const plan = (
        vic.store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array<number>((sql.match(/\?/g) ?? []).length).fill(1)) as {
          detail: string;
        }[]
      ).map((r) => r.detail);
      expect(
        plan.filter((d) => /\ba\b/.test(d) || /TEMP B-TREE/.test(d)),
        sql,
      ).toEqual([expect.stringMatching(/^(SEARCH a USING INDEX audit_|SCAN a USING INDEX audit_at$)/)]);
    }
  });
});
