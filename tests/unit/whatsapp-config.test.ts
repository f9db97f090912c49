import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { whatsappConfigFromEnv } from '../../channels/whatsapp/index.ts';
import { ConfigError } from '../../src/config.ts';

describe('whatsappConfigFromEnv', () => {
  it('is null unless WHATSAPP_ENABLED is 1', () => {
    expect(whatsappConfigFromEnv({}, '/data')).toBeNull();
    expect(whatsappConfigFromEnv({ WHATSAPP_ENABLED: '0' }, '/data')).toBeNull();
    expect(whatsappConfigFromEnv({ WHATSAPP_ENABLED: '' }, '/data')).toBeNull();
  });

  it('keeps the session under DATA_DIR and uses Debian’s Chromium by default', () => {
    const cfg = whatsappConfigFromEnv({ WHATSAPP_ENABLED: '1' }, './data')!;
    expect(cfg).toMatchObject({
      dataPath: path.resolve('./data/whatsapp'),
      chromiumPath: '/usr/bin/chromium',
      chromiumArgs: [],
      initTimeoutMs: 120_000,
      readyTimeoutMs: 120_000,
      retryBaseMs: 5_000,
      retryMaxMs: 300_000,
      restartEveryMs: 0,
      maxMediaBytes: 16 * 1024 * 1024,
      catchupLimit: 50,
    });
    expect(cfg.webVersion).toBeUndefined();
  });

  it('reads every option', () => {
    const cfg = whatsappConfigFromEnv(
      {
        WHATSAPP_ENABLED: 'true',
        WHATSAPP_CHROMIUM_PATH: '/opt/chromium/chrome',
        WHATSAPP_CHROMIUM_ARGS: ' --proxy-server=http://proxy:3128  --host-resolver-rules=MAP * ~NOTFOUND --lang=ru',
        WHATSAPP_ACCOUNT: '+77152000000',
        WHATSAPP_COURT: 'sko-regional',
        WHATSAPP_WEB_VERSION: '2.3000.1017054665',
        WHATSAPP_WEB_VERSION_URL: 'https://example.org/wa/{version}.html',
        WHATSAPP_READY_TIMEOUT_MS: '60000',
        WHATSAPP_RESTART_EVERY_HOURS: '24',
        WHATSAPP_MAX_MEDIA_BYTES: '1000000',
      },
      '/var/lib/vic',
    )!;
    expect(cfg).toMatchObject({
      dataPath: '/var/lib/vic/whatsapp',
      chromiumPath: '/opt/chromium/chrome',
      chromiumArgs: ['--proxy-server=http://proxy:3128', '--host-resolver-rules=MAP * ~NOTFOUND', '--lang=ru'],
      account: '77152000000',
      court: 'sko-regional',
      webVersion: '2.3000.1017054665',
      webVersionUrl: 'https://example.org/wa/{version}.html',
      readyTimeoutMs: 60_000,
      restartEveryMs: 86_400_000,
      maxMediaBytes: 1_000_000,
    });
  });

  it.each([
    ['WHATSAPP_ENABLED', 'yes'],
    ['WHATSAPP_READY_TIMEOUT_MS', 'soon'],
    ['WHATSAPP_INIT_TIMEOUT_MS', '10'],
    ['WHATSAPP_ACCOUNT', 'centre'],
    ['WHATSAPP_WEB_VERSION', 'latest'],
    ['WHATSAPP_WEB_VERSION_URL', 'https://example.org/wa.html'],
  ])('stops with one line naming %s', (name, value) => {
    const run = () => whatsappConfigFromEnv({ WHATSAPP_ENABLED: '1', [name]: value }, '/data');
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(new RegExp(`^config: ${name} `));
    try {
      run();
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
    }
  });
});
