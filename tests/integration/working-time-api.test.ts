// GET /api/working-hours (#16): each court the user may see, with its working periods as UTC instants from the
// court's calendar (its own week and days included, changes applied at once), and the reply-by time of a new ticket
// is two working hours of them.
import { describe, expect, it } from 'vitest';
import { workingBetween, type WorkingHours } from '../../operator-ui/src/working-time.ts';
import { WORKING, addUser, envelope, makeVic, serve } from '../helpers.ts';

const MIN = 60_000;
/** Court time (Asia/Almaty, UTC+5) as an instant. */
const at = (local: string) => Date.parse(`${local}+05:00`);
const day = (h: WorkingHours, courtId: number, date: string) =>
  h.courts.find((c) => c.courtId === courtId)!.intervals.filter(([s]) => s >= at(`${date}T00:00`) && s < at(`${date}T24:00`));

describe('GET /api/working-hours', () => {
  it('gives an operator their court, an admin every court, a specialist every court, and nobody signed out', async () => {
    const { vic } = await makeVic();
    const server = await serve(vic);
    await addUser(vic, 'op', 'operator', 'petropavl-city-2');
    await addUser(vic, 'spec', 'specialist', 'sko-regional');
    const courts = vic.store.listCourts().map((c) => c.id);
    const ids = (b: unknown) => (b as WorkingHours).courts.map((c) => c.courtId);
    const admin = (await server.login('admin', 'admin-secret-1')).api;
    expect(ids((await admin.get('/api/working-hours')).body)).toEqual(courts);
    const op = (await server.login('op', 'password-123')).api;
    expect(ids((await op.get('/api/working-hours')).body)).toEqual([vic.store.getCourtByCode('petropavl-city-2')!.id]);
    const spec = (await server.login('spec', 'password-123')).api;
    expect(ids((await spec.get('/api/working-hours')).body)).toEqual(courts);
    expect((await server.anon.get('/api/working-hours')).status).toBe(401);
  });

  it('follows the court’s calendar, changed by an admin, and holds the reply-by time of a new ticket', async () => {
    const { vic, clock } = await makeVic();
    const server = await serve(vic);
    const admin = (await server.login('admin', 'admin-secret-1')).api;
    const court = vic.store.getCourtByCode('sko-regional')!.id;
    const get = async () => (await admin.get('/api/working-hours')).body as WorkingHours;

    const h = await get();
    expect(h.generatedAt).toBe(WORKING);
    expect(h.from).toBe(at('2026-11-17T00:00'));
    expect(h.to).toBe(at('2026-12-15T00:00'));
    expect(day(h, court, '2026-12-01')).toEqual([
      [at('2026-12-01T09:00'), at('2026-12-01T13:00')],
      [at('2026-12-01T14:30'), at('2026-12-01T18:30')],
    ]);
    expect(day(h, court, '2026-12-05')).toEqual([]);

    // A message at 12:50, ten minutes before lunch: due two working hours later.
    clock.set(at('2026-12-01T12:50'));
    const { ticketId } = vic.ingest(envelope({ receivedAt: clock.now() }));
    const t = vic.store.getTicket(ticketId)!;
    expect(t.firstResponseDueAt).toBe(at('2026-12-01T16:20'));
    const { intervals } = (await get()).courts.find((c) => c.courtId === court)!;
    expect(workingBetween(intervals, t.createdAt, t.firstResponseDueAt!)).toBe(120 * MIN);

    // The court's own day off and its own week reach the console's next load.
    expect((await admin.put(`/api/courts/${court}/calendar/2026-12-02`, { kind: 'off' })).status).toBe(200);
    const monToFri = { start: '08:00', end: '17:00' };
    const week = { 1: [monToFri], 2: [monToFri], 3: [monToFri], 4: [monToFri], 5: [monToFri], 6: [], 7: [] };
    expect((await admin.put(`/api/courts/${court}/hours`, { week })).status).toBe(200);
    const changed = await get();
    expect(day(changed, court, '2026-12-02')).toEqual([]);
    expect(day(changed, court, '2026-12-03')).toEqual([[at('2026-12-03T08:00'), at('2026-12-03T17:00')]]);
    // The other courts keep the default week.
    const other = vic.store.getCourtByCode('sko-economic')!.id;
    expect(day(changed, other, '2026-12-03')).toEqual(day(h, other, '2026-12-03'));
  });
});
