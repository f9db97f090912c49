import { afterAll, afterEach, expect } from 'vitest';
// Shared set-up of the end-to-end suites: the console's build, Debian's Chromium through playwright-core,
// pages that record console errors, signing in, screenshots, and a WhatsApp channel the test controls.
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
import { WORKING } from '../helpers.ts';

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

/** A WhatsApp channel whose sending the test can hold back (to see a reply sit in the queue) or fail once. */
export class FakeWhatsApp implements ChannelAdapter {
  readonly name = 'whatsapp' as const;
  readonly commands = ['restart'] as const;
  ctx!: ChannelContext;
  sent: OutboundMessage[] = [];
  failNext: string | null = null;
  private state: ChannelHealth = { state: 'pairing', reason: 'scan the QR code', since: WORKING, details: { qr: QR } };
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
