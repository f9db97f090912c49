// "Мои показатели" (GET /api/reports/mine): an operator reads their own figures — the tickets they hold, answered
// and resolved in working time, and the citizens' ratings credited to them — and nobody else's.
import { describe, expect, it } from 'vitest';
import { addUser, envelope, makeVic, serve } from '../helpers.ts';

/** A read worker starting on a busy machine can take most of the default 20 s. */
const SLOW = 90_000;
const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+05:00`);

interface Mine {
  period: { from: string; to: string };
  tickets: {
    received: number;
    firstResponse: { count: number; medianMin: number | null; p90Min: number | null };
    resolution: { count: number; medianMin: number | null };
  };
  ratings: { counts: Record<string, number>; rated: number; mean: number | null; sent: number };
}

describe('my figures', () => {
  it(
    "gives an operator their own tickets' times and ratings, another operator theirs, and a supervisor none",
    async () => {
      const { vic } = await makeVic({ READ_WORKERS: 1 }, at('2026-12-01 10:00'));
      const mine = await addUser(vic, 'op', 'operator');
      const other = await addUser(vic, 'op2', 'operator');
      await addUser(vic, 'sup', 'supervisor');
      // Tuesday 1 December 2026, 10:00 court time: three citizens write.
      const ids = ['77010000001', '77010000002', '77010000003'].map(
        (n) => vic.ingest(envelope({ sender: { kind: 'whatsapp', address: `${n}@c.us`, displayName: 'Ержан' } })).ticketId,
      );
      const now = vic.clock.now();
      // op holds two, answered at 10:30 and (across lunch) 14:40, the second resolved at 15:00; op2 holds the third,
      // unanswered.
      vic.store.updateTicket(ids[0], { assigneeId: mine.id, firstResponseAt: at('2026-12-01 10:30') }, now);
      vic.store.updateTicket(
        ids[1],
        { assigneeId: mine.id, firstResponseAt: at('2026-12-01 14:40'), status: 'resolved', resolvedAt: at('2026-12-01 15:00') },
        now,
      );
      vic.store.updateTicket(ids[2], { assigneeId: other.id }, now);
      // Ratings: a 5 credited to op, a 2 to op2, and a survey to op not answered.
      const survey = vic.store.db.prepare(
        `INSERT INTO csat_surveys (id, ticket_id, contact_id, court_id, channel, language, sent_at, expires_at, score)
         SELECT ?, id, contact_id, court_id, 'whatsapp', 'ru', ?, ?, ? FROM tickets WHERE id = ?`,
      );
      const credit = vic.store.db.prepare(`INSERT INTO csat_operators (user_id, survey_id, sent_at) VALUES (?, ?, ?)`);
      const sent = at('2026-12-01 15:00');
      survey.run(1, sent, sent + 7 * 86_400_000, 5, ids[1]);
      credit.run(mine.id, 1, sent);
      survey.run(2, sent, sent + 7 * 86_400_000, 2, ids[2]);
      credit.run(other.id, 2, sent);
      survey.run(3, sent, sent + 7 * 86_400_000, null, ids[0]);
      credit.run(mine.id, 3, sent);

      const server = await serve(vic);
      const op = (await server.login('op', 'password-123')).api;
      const res = await op.get('/api/reports/mine?period=day&from=2026-12-01');
      expect(res.status).toBe(200);
      const figures = res.body as Mine;
      expect(figures.period).toMatchObject({ from: '2026-12-01', to: '2026-12-01' });
      // Received and held by op: two. First responses: 10:00 → 10:30 = 30; 10:00 → 14:40 = 180 (to 13:00) + 10
      // (14:30–14:40) = 190. Median of two: the first (30); p90: 190. Resolved: 10:00 → 15:00 = 180 + 30 = 210.
      expect(figures.tickets.received).toBe(2);
      expect(figures.tickets.firstResponse).toMatchObject({ count: 2, medianMin: 30, p90Min: 190 });
      expect(figures.tickets.resolution).toMatchObject({ count: 1, medianMin: 210 });
      expect(figures.ratings).toEqual({ counts: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 }, rated: 1, mean: 5, sent: 2 });

      const theirs = (await (await server.login('op2', 'password-123')).api.get('/api/reports/mine?period=day&from=2026-12-01'))
        .body as Mine;
      expect(theirs.tickets.received).toBe(1);
      expect(theirs.tickets.firstResponse.count).toBe(0);
      expect(theirs.ratings).toMatchObject({ rated: 1, mean: 2, sent: 1 });

      // Only their own: no way to name another operator; a supervisor (no tickets) is refused.
      expect((await op.get(`/api/reports/mine?operatorId=${other.id}`)).status).toBe(400);
      const sup = (await server.login('sup', 'password-123')).api;
      const refused = await sup.get('/api/reports/mine');
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: { code: 'VIC_FORBIDDEN' } });
    },
    SLOW,
  );
});
