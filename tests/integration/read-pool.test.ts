// The read workers (src/readpool/): reads that may scan run in worker processes with their own read-only
// connections, answer as the main thread would, are stopped at their time limit without stopping the server, and
// cannot write.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { Vic } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { testConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { checkQueueCounters } from '../../src/readpool/counter-check.ts';
import { READS } from '../../src/readpool/reads.ts';
import { Store } from '../../src/store/index.ts';
import { addUser, envelope, serve, tempDir, WORKING } from '../helpers.ts';

const EXTRA_READS = fileURLToPath(new URL('../fixtures/read-pool-reads.ts', import.meta.url));
type AnyRun = (method: string, ...args: unknown[]) => Promise<unknown>;

async function vicWith(over: Partial<Config> = {}, extraReads?: string) {
  const vic = new Vic({
    config: testConfig({ DATA_DIR: tempDir(), ADMIN_PASSWORD: 'admin-secret-1', ...over }),
    clock: new ManualClock(WORKING),
    extraReads,
  });
  await vic.seed();
  return vic;
}

/** The read workers this process has running (their command line names the workers' entry). */
function runningWorkers(): number {
  const out = execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('worker-loader.mjs')).length;
}

describe('read workers', () => {
  it('answer a read as the main thread does', async () => {
    const vic = await vicWith();
    try {
      for (let i = 0; i < 5; i++)
        vic.ingest(envelope({ sender: { kind: 'whatsapp', address: `7701000000${i}@c.us` }, text: `Заседание по делу номер ${i}` }));
      const admin = await addUser(vic, 'boss', 'admin', null);
      vic.store.audit({ at: WORKING, userId: admin.id, action: 'ticket.read', entity: 'ticket', entityId: 1 });
      expect(vic.reads.inThread).toBe(false);

      const page = { limit: 50, offset: 0 };
      const inWorker = await vic.reads.run('auditPage', page);
      expect(inWorker.items.length).toBeGreaterThan(0);
      expect(inWorker).toEqual(READS.auditPage(vic.store, page));

      const viewer = { id: admin.id, role: admin.role, courtId: null };
      const search = { q: 'заседание', limit: 20 };
      // On the main thread first: it indexes what was just ingested (the server's indexer does so within a second).
      const here = vic.store.searchTickets(viewer, search);
      expect(here.total).toBe(5);
      expect(await vic.reads.run('searchTickets', viewer, search)).toEqual(here);

      const stats = await vic.reads.run('scopeStats', WORKING - 86_400_000, WORKING + 86_400_000, 10);
      expect(stats).toEqual(READS.scopeStats(vic.store, WORKING - 86_400_000, WORKING + 86_400_000, 10));
      expect(await vic.reads.run('queueCounterDrift')).toEqual([]);
    } finally {
      await vic.close();
    }
  });

  it('refuse what is not on their list, and their connection cannot write', async () => {
    const vic = await vicWith({}, EXTRA_READS);
    try {
      const before = vic.store.counts().audit_log;
      const run = vic.reads.run.bind(vic.reads) as AnyRun;
      await expect(run('audit', { at: 0, userId: null, action: 'worker.audit' })).rejects.toThrow(/is not a read/);
      await expect(run('rebuildQueueCounters')).rejects.toThrow(/is not a read/);
      await expect(run('tryWrite')).rejects.toThrow(/readonly/);
      expect(vic.store.counts().audit_log).toBe(before);
      // Without test reads the server itself refuses before asking a worker.
      const plain = await vicWith();
      await expect((plain.reads.run.bind(plain.reads) as AnyRun)('audit', {})).rejects.toThrow(/is not a read/);
      await plain.close();
    } finally {
      await vic.close();
    }
  });

  it('stop a read at the time limit with a clear 503, the server answering meanwhile, and go on', async () => {
    const vic = await vicWith({ READ_QUERY_TIMEOUT_MS: 1500 }, EXTRA_READS);
    const { api } = await (await serve(vic)).login('admin', 'admin-secret-1');
    // The workers start first: their start-up is not what is measured.
    expect((await api.get('/api/audit')).status).toBe(200);

    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    // GET /api/scope/stats runs a count to 1e9 here (tests/fixtures/read-pool-reads.ts): minutes of one SQLite step.
    const slow = api.get('/api/scope/stats');
    let health = 0;
    const started = Date.now();
    while (Date.now() - started < 1000) {
      expect((await api.get('/api/health')).status).toBe(200);
      health++;
    }
    const res = await slow;
    lag.disable();
    expect(res.status).toBe(503);
    const error = (res.body as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('VIC_QUERY_TIMEOUT');
    expect(error.message).toMatch(/longer than 1\.5 s.*stopped/);
    expect(health).toBeGreaterThan(5);
    expect(lag.percentile(99) / 1e6).toBeLessThan(50);

    // The next read gets a new worker; the stopped one is gone, not left counting.
    expect((await api.get('/api/audit')).status).toBe(200);
    expect(runningWorkers()).toBeLessThanOrEqual(vic.config.READ_WORKERS);
    await vic.close();
    expect(runningWorkers()).toBe(0);
  }, 30_000);

  it('read while the main thread holds a write transaction open (WAL)', async () => {
    const vic = await vicWith();
    try {
      const page = { action: 'test.pending', limit: 10, offset: 0 };
      expect((await vic.reads.run('auditPage', page)).items).toEqual([]);
      vic.store.db.exec('BEGIN IMMEDIATE');
      vic.store.audit({ at: WORKING, userId: null, action: 'test.pending' });
      // The writer's lock is held across this await: the reader reads the last commit, neither waiting nor failing.
      expect((await vic.reads.run('auditPage', page)).items).toEqual([]);
      vic.store.db.exec('COMMIT');
      expect((await vic.reads.run('auditPage', page)).items).toHaveLength(1);
    } finally {
      if (vic.store.db.inTransaction) vic.store.db.exec('ROLLBACK');
      await vic.close();
    }
  });

  it('run in the server itself for a database in memory', async () => {
    const store = new Store(':memory:');
    const vic = new Vic({ config: testConfig(), clock: new ManualClock(WORKING), store });
    try {
      await vic.seed();
      expect(vic.reads.inThread).toBe(true);
      expect((await vic.reads.run('auditPage', { limit: 5, offset: 0 })).until).toBe(vic.store.lastAuditId());
    } finally {
      await vic.close();
    }
  });

  it('find counters that drifted from a recount, and have them rebuilt', async () => {
    const vic = await vicWith();
    try {
      vic.ingest(envelope());
      vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77019999999@c.us' } }));
      vic.store.db.exec(`UPDATE queue_counts SET n = n + 3`);
      const keys = await checkQueueCounters({ reads: vic.reads, store: vic.store, log: createLogger('silent') });
      expect(keys.length).toBeGreaterThan(0);
      expect(vic.store.queueCounterDrift()).toEqual([]);
      expect(await checkQueueCounters({ reads: vic.reads, store: vic.store, log: createLogger('silent') })).toEqual([]);
    } finally {
      await vic.close();
    }
  });
});
