// The store's core: the one better-sqlite3 connection (the single writer, WAL), migrations, the transaction
// boundary and the statement caches. Each aggregate's SQL lives in its own file as a mixin over this core, and
// src/store/index.ts composes them into the one Store every service uses.
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type Raw = Record<string, unknown>;

/** What a mixin extends: the core, or the core with aggregates already mixed in. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StoreBase = abstract new (...args: any[]) => StoreCore;

export class StoreCore {
  readonly db: Database.Database;
  readonly attachmentsDir: string | null;

  /**
   * `readonly`: a reader beside the writer (a read worker, src/readpool/): it cannot write, runs no migrations and
   * refuses a database whose schema is not the one this code knows, since it could not bring it up to date.
   */
  constructor(file: string, attachmentsDir: string | null = null, opts: { readonly?: boolean } = {}) {
    this.db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    if (!opts.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
    }
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    // Checkpoint less often: hot pages then reach the database file once per checkpoint, not once per commit.
    this.db.pragma('wal_autocheckpoint = 10000');
    // 64 MB of page cache: the pages ingest looks up (contacts, open tickets, message ids) stay in memory.
    this.db.pragma('cache_size = -65536');
    this.attachmentsDir = attachmentsDir;
    this.runInTx = this.db.transaction((fn: () => unknown) => fn());
    if (!opts.readonly) this.migrate();
    else if (this.schemaVersion !== MIGRATIONS.length)
      throw new Error(
        `the database has schema version ${this.schemaVersion}, this code knows ${MIGRATIONS.length}: open it for writing first`,
      );
  }

  /**
   * A migration may rebuild a table other tables refer to (SQLite changes a CHECK no other way). With foreign keys
   * on, dropping the old table would delete the rows that refer to it (ON DELETE CASCADE: sessions, presence) or
   * fail. So, as https://sqlite.org/lang_altertable.html#otheralter prescribes: keys off outside the transaction,
   * `foreign_key_check` before each such migration commits (a broken reference rolls it back), keys on again. The
   * check reads every reference in the database, so it runs only for a migration that drops a table.
   */
  private migrate() {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current >= MIGRATIONS.length) return;
    this.db.pragma('foreign_keys = OFF');
    try {
      for (let v = current; v < MIGRATIONS.length; v++) {
        this.db.transaction(() => {
          this.db.exec(MIGRATIONS[v]);
          if (/\bDROP\s+TABLE\b/i.test(MIGRATIONS[v])) {
            const broken = this.db.pragma('foreign_key_check') as unknown[];
            if (broken.length)
              throw new Error(`migration ${v + 1} would break ${broken.length} references, e.g. ${JSON.stringify(broken[0])}`);
          }
          this.db.pragma(`user_version = ${v + 1}`);
        })();
      }
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /** Runs fn in one transaction (nested calls become savepoints). fn must be synchronous. */
  tx<T>(fn: () => T): T {
    return this.runInTx(fn) as T;
  }
  // Built once: db.transaction() prepares its BEGIN/COMMIT statements on every call.
  private readonly runInTx: (fn: () => unknown) => unknown;

  close() {
    this.db.close();
  }

  // Prepared statements are cached: preparing costs more than running most of these queries.
  private readonly statements = new Map<string, Database.Statement>();
  protected q(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }
  /**
   * For wide rows read on every ingest: better-sqlite3 builds a row object at about 0.3 µs a column. Reading
   * the row as an array into an object literal compiled for the statement's columns (names from our own SQL,
   * never from input) halves the cost of a ticket read.
   */
  private readonly wide = new Map<string, { get(...a: unknown[]): Raw | undefined; all(...a: unknown[]): Raw[] }>();
  protected w(sql: string) {
    let q = this.wide.get(sql);
    if (!q) {
      const stmt = this.db.prepare(sql).raw();
      const cols = stmt.columns().map((c) => c.name);
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- deliberate: the compiled row builder described above
      const row = new Function('r', `return {${cols.map((c, k) => `${JSON.stringify(c)}: r[${k}]`).join(', ')}};`) as (r: unknown[]) => Raw;
      q = {
        get: (...a) => {
          const r = stmt.get(...a) as unknown[] | undefined;
          return r && row(r);
        },
        all: (...a) => (stmt.all(...a) as unknown[][]).map(row),
      };
      this.wide.set(sql, q);
    }
    return q;
  }
}
