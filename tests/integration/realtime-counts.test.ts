// Consoles follow events instead of asking again (#21): a new ticket reaches every console with the whole list row,
// and the queue counters follow as one `counts` event per court and second, read once whatever the number of
// consoles. Statements are counted by wrapping better-sqlite3's Statement methods for the length of a test.
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { openSession, SESSION_COOKIE } from '../../src/auth.ts';
import { LiveCounts, type CourtCounts } from '../../src/live-counts.ts';
import type { Role } from '../../src/store/index.ts';
import { client, envelope, makeVic, nextEvent, serve, until } from '../helpers.ts';
import type { TicketRow } from './json.ts';

/** Counts every statement run (run, get, all, iterate) on any connection of this process until restored. */
function countStatements(vic: Vic) {
  const proto = Object.getPrototypeOf(vic.store.db.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
  const wrapped = ['run', 'get', 'all', 'iterate'].map((name) => [name, proto[name]] as const);
  let n = 0;
  for (const [name, fn] of wrapped)
    proto[name] = function (this: unknown, ...a: unknown[]) {
      n++;
      return fn.apply(this, a);
    };
  restore.push(() => wrapped.forEach(([name, fn]) => (proto[name] = fn)));
  return () => n;
}
/** Statements run by the counters' flushes (the timer's work, apart from the other timers of the server). */
function countFlushes(statements: () => number) {
  const proto = LiveCounts.prototype as unknown as { flush: (this: LiveCounts) => void };
  const flush = proto.flush;
  const runs: number[] = [];
  proto.flush = function (this: LiveCounts) {
    const before = statements();
    flush.call(this);
    runs.push(statements() - before);
  };
  restore.push(() => (proto.flush = flush));
  return runs;
}
const restore: (() => void)[] = [];
const unwrap = () => restore.splice(0).forEach((fn) => fn());
afterEach(unwrap);

/** Everything one socket receives, by event name. */
function record(s: Socket) {
  const got: Record<string, unknown[]> = {};
  s.onAny((name: string, payload: unknown) => (got[name] ??= []).push(payload));
  return got;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A signed-in user's session cookie, made without a password check (argon2 for 20 users takes seconds). */
function signedIn(vic: Vic, login: string, role: Role, courtCode: string | null = 'sko-regional') {
  const courtId = courtCode ? vic.store.getCourtByCode(courtCode)!.id : null;
  const id =
    vic.store.getUserByLogin(login)?.id ?? vic.store.createUser({ login, name: login, role, passwordHash: '-', courtId }, vic.clock.now());
  return { id, cookie: `${SESSION_COOKIE}=${openSession(vic.store, id, vic.clock.now(), 3_600_000)}` };
}

/** `consoles` operators of one court signed in, one new ticket: what each console got, and what it cost in SQL. */
async function newTicketWith(consoles: number) {
  const { vic } = await makeVic();
  const server = await serve(vic);
  const logins = Array.from({ length: consoles }, (_, i) => signedIn(vic, `op-${i}`, 'operator'));
  const sockets = await Promise.all(logins.map((l) => server.socket(l.cookie)));
  const got = sockets.map(record);
  const created = sockets.map((s) => nextEvent<{ ticket: TicketRow }>(s, 'ticket.created', 1800));
  const counted = sockets.map((s) => nextEvent<CourtCounts>(s, 'counts', 1800));

  const statements = countStatements(vic);
  const flushes = countFlushes(statements);
  const before = statements();
  const { ticketId } = vic.ingest(envelope({ text: 'Когда заседание по делу 2-77/2026?' }));
  const ingest = statements() - before;
  const rows = (await Promise.all(created)).map((e) => e.ticket);
  const counts = await Promise.all(counted);
  // Long enough for a second flush, had the change caused one.
  await sleep(1300);
  unwrap();
  const answer = (await client(server.base, logins[0].cookie).get('/api/tickets/counts')).body as { byCourt: Record<string, unknown> };
  return { vic, ticketId, rows, counts, got, ingest, flushes, answer };
}

describe('counters and lists follow events', () => {
  it('brings a new ticket and one counts event to each of 20 consoles, at the SQL cost of one', async () => {
    const one = await newTicketWith(1);
    const twenty = await newTicketWith(20);
    const court = twenty.vic.store.getCourtByCode('sko-regional')!.id;

    // Every console has the list row whole, and the court's counters as GET /api/tickets/counts has them.
    expect(twenty.rows.map((r) => [r.id, r.courtCode, r.status])).toEqual(Array(20).fill([twenty.ticketId, 'sko-regional', 'open']));
    expect(twenty.rows[0]).toMatchObject({ contactName: 'Ержан', channel: 'whatsapp', updatedAt: expect.any(Number) as number });
    for (const c of twenty.counts) expect(c).toEqual({ courtId: court, counts: twenty.answer.byCourt[String(court)] });
    expect(twenty.counts[0].counts).toMatchObject({ court: 1, all: 1, resolved: 0 });
    expect(twenty.got.map((g) => g.counts?.length)).toEqual(Array(20).fill(1));
    // Routing gave the ticket to one of them, whose own counter follows.
    expect(twenty.got.flatMap((g) => g['counts.mine'] ?? [])).toEqual([{ count: 1 }]);

    // The fan-out reads nothing per console: the ingest and the one flush run the same statements for 1 and 20.
    expect(one.flushes).toHaveLength(1);
    expect(twenty.flushes).toHaveLength(1);
    expect(one.flushes[0]).toBeGreaterThan(0);
    expect(twenty.flushes[0]).toBe(one.flushes[0]);
    expect(twenty.ingest).toBe(one.ingest);
  });

  it('sends one counts event per court for several changes within a second, to those who see the court', async () => {
    const { vic } = await makeVic();
    const server = await serve(vic);
    const regCookie = signedIn(vic, 'op-reg', 'operator').cookie;
    const [reg, eco, adm] = await Promise.all(
      [regCookie, signedIn(vic, 'op-eco', 'operator', 'sko-economic').cookie, signedIn(vic, 'admin', 'admin').cookie].map((c) =>
        server.socket(c),
      ),
    );
    const [regGot, ecoGot, admGot] = [reg, eco, adm].map(record);
    const regional = vic.store.getCourtByCode('sko-regional')!.id;
    const economic = vic.store.getCourtByCode('sko-economic')!.id;

    const ids = [1, 2, 3].map((i) => vic.ingest(envelope({ sender: { kind: 'whatsapp', address: `7701555000${i}@c.us` } })).ticketId);
    const moved = await client(server.base, regCookie).patch(`/api/tickets/${ids[0]}`, { courtId: economic });
    expect(moved.status).toBe(200);
    await until('the counters', () => regGot.counts && ecoGot.counts && admGot.counts?.length === 2, 1800);
    await sleep(1300);

    expect(regGot.counts).toEqual([{ courtId: regional, counts: expect.objectContaining({ court: 2, all: 2 }) as unknown }]);
    expect(ecoGot.counts).toEqual([{ courtId: economic, counts: expect.objectContaining({ court: 1, all: 1 }) as unknown }]);
    expect(admGot.counts).toEqual(
      expect.arrayContaining([
        { courtId: regional, counts: (regGot.counts[0] as CourtCounts).counts },
        { courtId: economic, counts: (ecoGot.counts[0] as CourtCounts).counts },
      ]),
    );
    // The moved ticket left the regional list: the regional operator learnt only that.
    expect(regGot['ticket.left']).toEqual([{ ticketId: ids[0] }]);
    expect(regGot['ticket.updated']).toBeUndefined();
  });

  it('gives a specialist their own counters when a ticket is escalated to them', async () => {
    const { vic } = await makeVic();
    const server = await serve(vic);
    const op = client(server.base, signedIn(vic, 'op', 'operator').cookie);
    const specialist = signedIn(vic, 'sec', 'specialist');
    const sec = await server.socket(specialist.cookie);
    const { ticketId } = vic.ingest(envelope());
    const counted = nextEvent<{ counts: Record<string, number> }>(sec, 'counts.user', 1800);
    const updated = nextEvent<{ ticket: TicketRow; before: Record<string, unknown> }>(sec, 'ticket.updated', 1800);
    const escalated = await op.post(`/api/tickets/${ticketId}/escalate`, { specialistId: specialist.id, question: 'Протокол готов?' });
    expect(escalated.status).toBe(200);
    // The update says where the ticket was, so the specialist's list can tell it is new there.
    expect(await updated).toMatchObject({ ticket: { id: ticketId, specialistId: specialist.id }, before: { specialistId: null } });
    expect((await counted).counts).toMatchObject({ mine: 1, resolved: 0, all: 1 });
  });
});
