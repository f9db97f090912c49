// EXPLAIN QUERY PLAN of each console query: the store's methods the console's requests call (issue #21
// contract: listTickets, queueCounts, courtQueueCounts, searchTickets) run once with their statements recorded,
// and each distinct statement explained with the arguments it ran with. Printed as Markdown for
// docs/performance.md.
import { Store, type Viewer } from '../src/store/index.ts';
import { trace, traceStatements } from './sql-trace.ts';

type Method = (...a: unknown[]) => unknown;
const QUEUES = ['mine', 'court', 'unassigned', 'off-hours', 'escalated', 'out-of-scope', 'resolved', 'all'];

export function queryPlans(file: string, words: { ru: string; kk: string }): string {
  const store = new Store(file);
  traceStatements(store.db);
  const call = (name: string, ...args: unknown[]) => (store as unknown as Record<string, Method | undefined>)[name]?.apply(store, args);
  const sample = store.db
    .prepare(
      `SELECT t.ref, t.case_number AS caseNumber, (SELECT address FROM contact_identities WHERE contact_id = t.contact_id AND kind = 'phone') AS phone,
         (SELECT address FROM contact_identities WHERE contact_id = t.contact_id AND kind = 'email') AS email
       FROM tickets t WHERE t.court_id = 1 AND t.case_number IS NOT NULL ORDER BY t.id DESC LIMIT 1 OFFSET 500`,
    )
    .get() as { ref: string; caseNumber: string; phone: string | null; email: string | null };
  const out: string[] = [];
  // Each distinct statement is printed with its plan once, and named by its number where it runs again.
  const numbered = new Map<string, number>();
  const explain = (title: string, fn: () => unknown) => {
    trace.capture = [];
    let failed: string | null = null;
    try {
      fn();
    } catch (err) {
      failed = err instanceof Error ? err.message : String(err);
    }
    const captured = trace.capture;
    trace.capture = null;
    out.push(`### ${title}\n`);
    if (failed) out.push(`failed: ${failed}\n`);
    const again: number[] = [];
    const seen = new Set<string>();
    for (const s of captured.filter((c) => /^\s*(SELECT|WITH)/i.test(c.sql) && !seen.has(c.sql) && seen.add(c.sql))) {
      const known = numbered.get(s.sql);
      if (known !== undefined) {
        again.push(known);
        continue;
      }
      numbered.set(s.sql, numbered.size + 1);
      const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.args) as { id: number; parent: number; detail: string }[];
      const depth = new Map<number, number>([[0, -1]]);
      const lines = plan.map((p) => {
        depth.set(p.id, (depth.get(p.parent) ?? -1) + 1);
        return `${'  '.repeat(depth.get(p.id)!)}${p.detail}`;
      });
      out.push(`Statement ${numbered.size}:\n`, '```sql', s.sql.replace(/\s+/g, ' ').trim(), '```', '```', ...lines, '```\n');
    }
    if (again.length) out.push(`Also statement${again.length > 1 ? 's' : ''} ${again.join(', ')} (above).\n`);
  };
  for (const [who, login] of [
    ['operator (court 1)', 'op1-1'],
    ['admin', 'admin'],
  ] as const) {
    const u = store.getUserByLogin(login)!;
    const viewer: Viewer = { id: u.id, role: u.role, courtId: u.courtId };
    out.push(`## ${who}\n`);
    for (const queue of QUEUES) {
      explain(`queue=${queue}, first page`, () => call('listTickets', viewer, { queue, limit: 50, cursor: null }));
      let last: { updatedAt: number; id: number } | undefined;
      try {
        last = (call('listTickets', viewer, { queue, limit: 50, cursor: null }) as { items: { updatedAt: number; id: number }[] }).items.at(
          -1,
        );
      } catch {
        // Reported by the first page's plan.
      }
      if (last)
        explain(`queue=${queue}, next page`, () =>
          call('listTickets', viewer, { queue, limit: 50, cursor: { updatedAt: last.updatedAt, id: last.id } }),
        );
    }
    explain('counts', () => {
      call('queueCounts', viewer);
      call('courtQueueCounts', viewer.courtId);
    });
    for (const [kind, q] of [
      ['reference', sample.ref],
      ['phone', sample.phone],
      ['phone tail', sample.phone?.slice(-7)],
      ['e-mail', sample.email],
      ['case number', sample.caseNumber],
      ['word (ru)', words.ru],
      ['word (kk)', words.kk],
    ] as const)
      if (q) explain(`search: ${kind}`, () => call('searchTickets', viewer, { q, limit: 50 }));
  }
  store.close();
  return out.join('\n');
}
