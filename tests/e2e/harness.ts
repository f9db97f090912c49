import { afterAll, afterEach, beforeAll, expect } from 'vitest';
// Shared set-up of the end-to-end suites: the console's build, Debian's Chromium through playwright-core,
// pages that record console errors, signing in, screenshots, a WhatsApp channel the test controls, and all of it
// for one suite in one call (e2eSuite).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  PermanentDeliveryError,
  type ChannelAdapter,
  type ChannelContext,
  type ChannelHealth,
  type OutboundMessage,
} from '../../src/channels.ts';
import type { Vic } from '../../src/app.ts';
import type { ManualClock } from '../../src/clock.ts';
import type { Role, UserRow } from '../../src/store/index.ts';
import { addUser, makeVic, WORKING } from '../helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const UI = path.join(ROOT, 'operator-ui');
export const ARTIFACTS = process.env.VIC_E2E_ARTIFACTS ?? path.join(os.tmpdir(), 'vic-e2e');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** A 1×1 PNG standing in for the WhatsApp pairing QR. */
export const QR = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The server serves operator-ui/dist, so it must exist and be newer than the sources before Vic starts.
 * The suites run in parallel workers: one builds (under a lock directory) while the others wait for it. */
export function buildUiIfStale() {
  const built = path.join(UI, 'dist', 'index.html');
  const stale = () => {
    const sources = Math.max(
      newestMtime(path.join(UI, 'src')),
      newestMtime(path.join(UI, 'index.html')),
      newestMtime(path.join(UI, 'vite.config.ts')),
    );
    return !fs.existsSync(built) || fs.statSync(built).mtimeMs < sources;
  };
  if (!stale()) return;
  const lock = path.join(os.tmpdir(), `vic-ui-build-${Buffer.from(UI).toString('hex').slice(-24)}.lock`);
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is taken over after two minutes.
      if (Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000)
        fs.rmSync(lock, { recursive: true, force: true });
      sleepSync(200);
    }
  }
  try {
    if (!stale()) return;
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'operator-ui/vite.config.ts', '--logLevel', 'warn'],
      {
        cwd: ROOT,
        stdio: 'inherit',
        // vitest sets NODE_ENV=test, which would give React's development build.
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** A WhatsApp channel whose sending the test can hold back (to see a reply sit in the queue) or fail once, and
 * whose health the test sets. */
export class FakeWhatsApp implements ChannelAdapter {
  readonly name = 'whatsapp' as const;
  readonly commands = ['restart'] as const;
  ctx!: ChannelContext;
  sent: OutboundMessage[] = [];
  failNext: string | null = null;
  private state: ChannelHealth = { state: 'pairing', code: 'waScanQr', reason: 'scan the QR code', since: WORKING, details: { qr: QR } };
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};

  start(ctx: ChannelContext) {
    this.ctx = ctx;
    return Promise.resolve();
  }
  stop() {
    this.release();
    return Promise.resolve();
  }
  health() {
    return this.state;
  }
  /** As the real channel does: the new health, announced to the consoles. */
  setHealth(health: ChannelHealth) {
    this.state = health;
    this.ctx.healthChanged();
  }
  command() {
    this.state = { state: 'connected', since: WORKING };
    return Promise.resolve();
  }
  async send(m: OutboundMessage) {
    await this.gate;
    const fail = this.failNext;
    this.failNext = null;
    if (fail) throw new PermanentDeliveryError(fail);
    this.sent.push(m);
    return { externalId: `wa-${m.messageId}` };
  }
  hold() {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release() {
    this.open();
  }
}

/** One Chromium for a suite; every page gets its own browser context (own cookies) and records console errors. */
export class Browsers {
  private browser: Browser | null = null;
  private pages: { page: Page; errors: string[] }[] = [];
  constructor(private readonly base: () => string) {}

  async launch() {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    this.browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }

  async newPage(): Promise<Page> {
    const context = await this.browser!.newContext({ viewport: { width: 1280, height: 720 }, locale: 'ru-RU' });
    // Well under the test's own timeout, so a failure names the element that never showed up.
    context.setDefaultTimeout(5000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.stack ?? String(e)));
    this.pages.push({ page, errors });
    await page.goto(this.base());
    return page;
  }

  /** Closes this test's pages and answers the console errors they logged. HTTP errors the UI shows on purpose
   * (401 wrong password, 403 other court) are reported by Chromium as "Failed to load resource"; those are expected. */
  async closePages(): Promise<string[]> {
    const errors = this.pages.flatMap((p) => p.errors).filter((e) => !e.startsWith('Failed to load resource'));
    for (const p of this.pages.splice(0)) await p.page.context().close();
    return errors;
  }

  async close() {
    await this.browser?.close();
  }
}

/** Signs in and waits until the realtime link is up, so no event can be missed after this returns. */
export async function signIn(page: Page, login: string, password: string) {
  await page.getByLabel('Логин').fill(login);
  await page.getByLabel('Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.locator('[data-link="connected"]').waitFor();
}

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
export const ticketList = (page: Page) => page.getByRole('list', { name: 'Список обращений' });

/**
 * The suite's set-up once its Vic holds the suite's users: a port of its own (not serve(), whose servers close
 * after every test, while a suite shares one across its tests) and Chromium. Answers the console's address.
 */
export async function openSuite(vic: { listen(port: number, host: string): Promise<number> }, browsers: Browsers): Promise<string> {
  const base = `http://127.0.0.1:${await vic.listen(0, '127.0.0.1')}`;
  await browsers.launch();
  return base;
}

/** The suite's teardown: every test leaves no console errors; the browser and the server close at the end. */
export function closeAfterSuite(browsers: Browsers, vic: () => { close(): Promise<void> } | undefined) {
  afterEach(async () => {
    expect(await browsers.closePages()).toEqual([]);
  });
  afterAll(async () => {
    await browsers.close();
    await vic()?.close();
  });
}

/** A suite's user: login, role, court code (addUser's defaults: the regional court, password-123), and a person's
 * name and title where the test shows them (else the name is the login). */
export type SuiteUser = [login: string, role: Role, court?: string | null, person?: { name: string; title?: string }];
/** The usual pair: operators A and B of the regional court. */
export const TWO_OPERATORS: readonly SuiteUser[] = [
  ['op-a', 'operator'],
  ['op-b', 'operator'],
];

export interface Suite {
  vic: Vic;
  clock: ManualClock;
  /** The console's address. */
  base: string;
  /** The suite's users by login. */
  users: Record<string, UserRow>;
}

/**
 * How long a suite's set-up may take: a minute, because it may include the console's build (vite: 7–11 s on the
 * 2-core machine while other suites run), waiting on another suite's build under the lock, and then Vic, the users'
 * password hashes and Chromium. Measured under load (seven sessions' tests on 2 cores): 11–17 s, and 39 s for a suite
 * that built the console.
 */
export const SUITE_SETUP_MS = 60_000;
// A test's own timeout, where it needs one over vitest's 20 s, is about 1.7 times its time measured under that load
// (3 to 5 times what it takes on the idle machine).

/**
 * An end-to-end suite's set-up and teardown in one call: the console built if stale, a Vic with the suite's users
 * and channels and its data (`seed`, before the server listens), a port of its own, and one Chromium whose pages
 * are the suite's (the answered Browsers); after each test no console error, after the suite all closed. `ready`
 * hands the suite's Vic, address and users to the test file before its first test.
 */
export function e2eSuite(o: {
  users?: readonly SuiteUser[];
  channels?: ChannelAdapter[];
  seed?: (vic: Vic, users: Record<string, UserRow>) => unknown;
  ready?: (suite: Suite) => void;
}): Browsers {
  let suite: Suite | undefined;
  const browsers = new Browsers(() => suite!.base);
  beforeAll(async () => {
    buildUiIfStale();
    const { vic, clock } = await makeVic();
    const users: Record<string, UserRow> = {};
    for (const [login, role, court, person] of o.users ?? []) {
      const { id } = await addUser(vic, login, role, court);
      if (person) vic.store.updateUser(id, person);
      users[login] = vic.store.getUser(id)!;
    }
    for (const channel of o.channels ?? []) await vic.addChannel(channel);
    await o.seed?.(vic, users);
    suite = { vic, clock, users, base: '' };
    suite.base = await openSuite(vic, browsers);
    o.ready?.(suite);
  }, SUITE_SETUP_MS);
  closeAfterSuite(browsers, () => suite?.vic);
  return browsers;
}
