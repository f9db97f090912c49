// Counts (and on demand records) every statement better-sqlite3 runs in this thread, by wrapping the Statement
// methods once: the benchmark's way to see what a request or an event costs in queries, and to get the SQL of
// each console request for EXPLAIN QUERY PLAN without copying it out of the store.
import type Database from 'better-sqlite3';

export interface Trace {
  count: number;
  /** While set, each statement run is appended with its arguments. */
  capture: { sql: string; args: unknown[] }[] | null;
}

export const trace: Trace = { count: 0, capture: null };
let patched = false;

export function traceStatements(db: Database.Database) {
  if (patched) return;
  patched = true;
  const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['run', 'get', 'all', 'iterate']) {
    const orig = proto[m];
    proto[m] = function (this: Database.Statement, ...args: unknown[]) {
      trace.count++;
      trace.capture?.push({ sql: this.source, args });
      return orig.apply(this, args);
    };
  }
}
