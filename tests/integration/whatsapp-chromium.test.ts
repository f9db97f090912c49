// Smoke test of the real launch path: whatsapp-web.js's Client, LocalAuth and Debian's headless Chromium, offline.
// Every host name resolves to "not found", so whatever the network here, WhatsApp Web cannot load: the launch
// must get as far as navigating, fail with ERR_NAME_NOT_RESOLVED, and leave no browser process behind.
import fs from 'node:fs';
import type WAWebJS from 'whatsapp-web.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { createWhatsappChannel, createWwebjsClient, whatsappConfigFromEnv, type WhatsappConfig } from '../../channels/whatsapp/index.ts';
import { makeVic, tempDir } from '../helpers.ts';
import { ManualTimers } from '../support/fake-whatsapp.ts';

const CHROMIUM = '/usr/bin/chromium';
const present = fs.existsSync(CHROMIUM);
if (!present)
  console.warn(`SKIPPED whatsapp-chromium smoke test: ${CHROMIUM} is absent (apt-get install chromium; scripts/test.sh does it)`);

const offline = (dataDir: string): WhatsappConfig =>
  whatsappConfigFromEnv(
    { WHATSAPP_ENABLED: '1', WHATSAPP_CHROMIUM_PATH: CHROMIUM, WHATSAPP_CHROMIUM_ARGS: '--host-resolver-rules=MAP * ~NOTFOUND' },
    dataDir,
  )!;

/**
 * Live processes whose command line names this profile: Chromium and all its helpers carry --user-data-dir.
 * Helpers that exit after the browser are re-parented to PID 1; an init that does not reap them (as in some
 * sandboxes) keeps them as zombies, which have no command line and hold nothing but a process-table entry.
 */
function processesUsing(dir: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until<T>(probe: () => T | undefined | null, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let current: Vic | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

describe.skipIf(!present)(`whatsapp-web.js with ${CHROMIUM}${present ? '' : ' (SKIPPED: not installed)'}`, () => {
  it('launches headless, fails to reach WhatsApp Web with ERR_NAME_NOT_RESOLVED, and destroy() leaves no process', async () => {
    const cfg = offline(tempDir());
    // The factory's answer is a real whatsapp-web.js Client: look at its browser.
    const client = createWwebjsClient(cfg) as unknown as WAWebJS.Client;
    const events: string[] = [];
    for (const e of ['qr', 'authenticated', 'ready', 'auth_failure', 'disconnected']) client.on(e, () => events.push(e));
    let timer: NodeJS.Timeout | undefined;
    const settled = Promise.race([
      client.initialize().then(
        () => 'resolved',
        (e: Error) => e.message,
      ),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('initialize() did not settle within 20 s'), 20_000))),
    ]);
    try {
      const browser = await until(() => client.pupBrowser, 'the browser');
      expect(await browser.version()).toMatch(/^(Headless)?Chrome\/\d+/);
      expect(browser.process()?.spawnfile).toBe(CHROMIUM);
      expect(processesUsing(cfg.dataPath).length).toBeGreaterThan(0);
      expect(await settled).toMatch(/ERR_NAME_NOT_RESOLVED/);
    } finally {
      clearTimeout(timer);
      await client.destroy();
    }
    expect(events).toEqual([]);
    await until(() => processesUsing(cfg.dataPath).length === 0, 'no Chromium process left', 5_000);
    expect(fs.existsSync(`${cfg.dataPath}/session`)).toBe(true);
  });

  it('the supervisor reports the launch error as the reason and stops without leaving a process', async () => {
    const { vic } = await makeVic();
    current = vic;
    const cfg = offline(vic.config.DATA_DIR);
    const channel = createWhatsappChannel(cfg, { timers: new ManualTimers() });
    await vic.addChannel(channel);
    await until(() => channel.health().state === 'down', 'state down');
    expect(channel.health().reason).toMatch(/^WhatsApp Web could not start: .*ERR_NAME_NOT_RESOLVED/);
    await channel.stop();
    await until(() => processesUsing(cfg.dataPath).length === 0, 'no Chromium process left', 5_000);
  });
});
