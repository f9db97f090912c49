// Queue counters across kill -9: a child process changes tickets at random in transactions of 50 changes and is
// killed at a random moment, five times. Counters live in the transaction of the ticket change (triggers), so
// after each restart they must equal a full recount.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.ts';
import { tempDir } from '../helpers.ts';
import { makeWorld } from '../support/queue-ops.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs the child until it has committed once, then kills it after `ms`. */
async function churnAndKill(dir: string, world: string, seed: number, ms: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/queue-churn.ts', dir, world, String(seed)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', () => reject(new Error('the child ended by itself')));
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe('queue counters across kill -9', () => {
  it('equal a full recount after each of five kills in the middle of ticket changes', async () => {
    const dir = tempDir();
    const setup = Store.open(dir);
    const world = JSON.stringify(makeWorld(setup, Date.parse('2026-12-01T05:00:00Z')));
    setup.close();
    let tickets = 0;
    for (let seed = 1; seed <= 5; seed++) {
      await churnAndKill(dir, world, seed, 100 + seed * 60);
      const store = Store.open(dir);
      try {
        const now = store.counts().tickets;
        expect(now).toBeGreaterThan(tickets);
        tickets = now;
        expect(store.queueCounterDrift()).toEqual([]);
      } finally {
        store.close();
      }
    }
  }, 120_000);
});
