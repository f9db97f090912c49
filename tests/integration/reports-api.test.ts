// The report routes: who may read them, the period and filters as asked, and the tickets behind a number,
// page by page, with each look at them recorded.
import { describe, expect, it } from 'vitest';

/** A read worker starting on a busy machine can take most of the default 20 s. */
const SLOW = 90_000;
import { loadDemo } from '../../src/demo.ts';
import { addUser, envelope, makeVic, serve } from '../helpers.ts';

type Summary = { tickets: { received: number; byChannel: Record<string, number> }; period: { from: string; to: string } };
type Page = {
  total: number;
  tickets: { id: number; ref: string; contactName: string | null; firstResponseMin: number | null }[];
  nextCursor: number | null;
};

async function setUp() {
  // One read worker: the reports run there, and starting it is most of each test's time.
  const { vic } = await makeVic({ READ_WORKERS: 1 });
  await addUser(vic, 'op', 'operator');
  await addUser(vic, 'sup', 'supervisor');
  // Tuesday 1 December 2026, 10:00 in court time: three citizens write.
  const ids = ['77010000001', '77010000002', '77010000003'].map(
    (n) => vic.ingest(envelope({ sender: { kind: 'whatsapp', address: `${n}@c.us`, displayName: 'Ержан' } })).ticketId,
  );
  const server = await serve(vic);
  const signedIn = await server.login('admin', 'admin-secret-1');
  const operator = (await server.login('op', 'password-123')).api;
  const supervisor = (await server.login('sup', 'password-123')).api;
  return { vic, ids, admin: signedIn.api, adminCookie: signedIn.cookie, base: server.base, operator, supervisor };
}

describe('reports API', () => {
  it(
    'refuses operators and lets admins read the figures of a period in court time',
    async () => {
      const { admin, operator } = await setUp();
      for (const url of ['/api/reports/summary', '/api/reports/tickets?figure=received']) {
        const res = await operator.get(url);
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ error: { code: 'VIC_FORBIDDEN' } });
      }
      const day = await admin.get('/api/reports/summary?period=day&from=2026-12-01');
      expect(day.status).toBe(200);
      const s = day.body as Summary;
      expect(s.period).toMatchObject({ from: '2026-12-01', to: '2026-12-01' });
      expect(s.tickets.received).toBe(3);
      expect(s.tickets.byChannel).toEqual({ whatsapp: 3 });
      // The next day has none.
      expect(((await admin.get('/api/reports/summary?period=day&from=2026-12-02')).body as Summary).tickets.received).toBe(0);
    },
    SLOW,
  );

  it(
    "shows a supervisor their own court's figures and refuses another court's",
    async () => {
      const { vic, supervisor } = await setUp();
      const own = await supervisor.get('/api/reports/summary?period=day&from=2026-12-01');
      expect(own.status).toBe(200);
      expect((own.body as Summary & { filters: { courts: number[] } }).filters.courts).toEqual([
        vic.store.getCourtByCode('sko-regional')!.id,
      ]);
      expect((own.body as Summary).tickets.received).toBe(3);
      const other = await supervisor.get(`/api/reports/summary?courtId=${vic.store.getCourtByCode('petropavl-city-2')!.id}`);
      expect(other.status).toBe(403);
      expect(other.body).toMatchObject({ error: { code: 'VIC_FORBIDDEN_COURT' } });
    },
    SLOW,
  );

  it(
    "has a supervisor in the demo data, who reads their court's report",
    async () => {
      const { vic } = await makeVic({ VIC_DEMO: true, DEMO_PASSWORD: 'demo-password-1', READ_WORKERS: 1 });
      expect((await loadDemo(vic))!.logins).toContain('chief');
      expect(vic.store.getUserByLogin('chief')).toMatchObject({
        role: 'supervisor',
        courtId: vic.store.getCourtByCode('sko-regional')!.id,
      });
      const server = await serve(vic);
      const chief = (await server.login('chief', 'demo-password-1')).api;
      const res = await chief.get('/api/reports/summary');
      expect(res.status).toBe(200);
      expect((res.body as { filters: { courts: number[] } }).filters.courts).toEqual([vic.store.getCourtByCode('sko-regional')!.id]);
    },
    SLOW,
  );

  it(
    'validates the filters',
    async () => {
      const { admin } = await setUp();
      const backwards = await admin.get('/api/reports/summary?period=custom&from=2026-12-03&to=2026-12-01');
      expect(backwards.status).toBe(400);
      expect(backwards.body).toMatchObject({ error: { code: 'VIC_VALIDATION', details: [{ path: 'from' }] } });
      expect((await admin.get('/api/reports/summary?period=year')).status).toBe(400);
      expect((await admin.get('/api/reports/tickets?figure=backlog')).status).toBe(400);
      expect((await admin.get('/api/reports/summary?courtId=999')).body).toMatchObject({ error: { code: 'VIC_COURT_NOT_FOUND' } });
    },
    SLOW,
  );

  it(
    'lists the tickets behind a number page by page, newest first, and records who looked',
    async () => {
      const { vic, ids, admin } = await setUp();
      const q = '/api/reports/tickets?figure=received&period=day&from=2026-12-01&limit=2';
      const first = (await admin.get(q)).body as Page;
      expect(first.total).toBe(3);
      expect(first.tickets.map((t) => t.id)).toEqual([ids[2], ids[1]]);
      expect(first.tickets[0]).toMatchObject({ contactName: 'Ержан', firstResponseMin: null });
      expect(first.nextCursor).toBe(ids[1]);
      const second = (await admin.get(`${q}&cursor=${first.nextCursor}`)).body as Page;
      expect(second.tickets.map((t) => t.id)).toEqual([ids[0]]);
      expect(second.nextCursor).toBeNull();
      const audit = vic.store.searchAudit({ action: 'reports.tickets_read', limit: 10, offset: 0 }).items;
      expect(audit).toHaveLength(2);
      expect(audit.map((a) => a.userLogin)).toEqual(['admin', 'admin']);
      expect(audit.flatMap((a) => (a.details as { tickets: number[] }).tickets).sort()).toEqual([...ids].sort());
    },
    SLOW,
  );

  it(
    'exports a table as CSV that Excel opens in Kazakh or Russian',
    async () => {
      const { base, adminCookie } = await setUp();
      const res = await fetch(`${base}/api/reports/export.csv?table=days&period=day&from=2026-12-01&lang=kk`, {
        headers: { cookie: adminCookie },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toContain('vic-days-2026-12-01_2026-12-01.csv');
      const bytes = Buffer.from(await res.arrayBuffer());
      // The byte-order mark first: without it Excel reads UTF-8 Cyrillic as mojibake.
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      // Three tickets arrived that day and none was resolved: all three are left at its end.
      expect(bytes.subarray(3).toString('utf8')).toBe('Күні;Түскен өтініштер;whatsapp;Күн соңындағы қалдық\r\n2026-12-01;3;3;3\r\n');
      const ru = await fetch(`${base}/api/reports/export.csv?period=day&from=2026-12-01`, { headers: { cookie: adminCookie } });
      expect((await ru.text()).split('\r\n')[1]).toBe('Поступило обращений;3');
    },
    SLOW,
  );
});
