// WhatsApp channel settings, from the environment like the core's (src/config.ts): one line naming the variable on error.
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../src/config.ts';

export interface WhatsappConfig {
  /** DATA_DIR/whatsapp: LocalAuth's session (the Chromium profile) and the WhatsApp Web version cache. */
  dataPath: string;
  chromiumPath: string;
  /** Added to the built-in headless arguments (e.g. a proxy). */
  chromiumArgs: string[];
  /** The centre's number as put on tickets; by default the number of the paired phone. */
  account?: string;
  /** Court code of tickets from this number; by default DEFAULT_COURT. */
  court?: string;
  /** Pinned WhatsApp Web version; its page comes from webVersionUrl, else from the local cache. */
  webVersion?: string;
  webVersionUrl?: string;
  /** Launch until the first QR code or authentication. */
  initTimeoutMs: number;
  /** From `authenticated` to `ready`. */
  readyTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** 0: never restart a healthy client. */
  restartEveryMs: number;
  maxMediaBytes: number;
  /** Messages read per chat when catching up after a restart. */
  catchupLimit: number;
}

const bool = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const ms = (def: number) => z.coerce.number().int().min(1000).default(def);

const schema = z.object({
  WHATSAPP_ENABLED: bool.default(false),
  WHATSAPP_CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  WHATSAPP_CHROMIUM_ARGS: z.string().default(''),
  WHATSAPP_ACCOUNT: z
    .string()
    .regex(/^\+?\d{6,15}$/, 'must be a phone number')
    .optional(),
  WHATSAPP_COURT: z
    .string()
    .regex(/^[a-z0-9-]{2,40}$/, 'must be a court code')
    .optional(),
  WHATSAPP_WEB_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'must look like 2.3000.1017054665')
    .optional(),
  WHATSAPP_WEB_VERSION_URL: z
    .url()
    .refine((u) => u.includes('{version}'), 'must contain {version}')
    .optional(),
  WHATSAPP_INIT_TIMEOUT_MS: ms(120_000),
  WHATSAPP_READY_TIMEOUT_MS: ms(120_000),
  WHATSAPP_RETRY_BASE_MS: ms(5_000),
  WHATSAPP_RETRY_MAX_MS: ms(300_000),
  WHATSAPP_RESTART_EVERY_HOURS: z.coerce.number().min(0).default(0),
  WHATSAPP_MAX_MEDIA_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024),
  WHATSAPP_CATCHUP_LIMIT: z.coerce.number().int().min(1).max(500).default(50),
});

/** null when the channel is off (WHATSAPP_ENABLED is not 1). */
export function whatsappConfigFromEnv(env: NodeJS.ProcessEnv = process.env, dataDir: string): WhatsappConfig | null {
  const source = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('WHATSAPP_') && v !== ''));
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`config: ${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  if (!e.WHATSAPP_ENABLED) return null;
  return {
    dataPath: path.resolve(dataDir, 'whatsapp'),
    chromiumPath: e.WHATSAPP_CHROMIUM_PATH,
    // Split before each `--`, so a value may hold spaces (--host-resolver-rules=MAP * ~NOTFOUND).
    chromiumArgs: e.WHATSAPP_CHROMIUM_ARGS.trim()
      .split(/\s+(?=--)/)
      .filter(Boolean),
    account: e.WHATSAPP_ACCOUNT?.replace(/^\+/, ''),
    court: e.WHATSAPP_COURT,
    webVersion: e.WHATSAPP_WEB_VERSION,
    webVersionUrl: e.WHATSAPP_WEB_VERSION_URL,
    initTimeoutMs: e.WHATSAPP_INIT_TIMEOUT_MS,
    readyTimeoutMs: e.WHATSAPP_READY_TIMEOUT_MS,
    retryBaseMs: e.WHATSAPP_RETRY_BASE_MS,
    retryMaxMs: Math.max(e.WHATSAPP_RETRY_MAX_MS, e.WHATSAPP_RETRY_BASE_MS),
    restartEveryMs: Math.round(e.WHATSAPP_RESTART_EVERY_HOURS * 3_600_000),
    maxMediaBytes: e.WHATSAPP_MAX_MEDIA_BYTES,
    catchupLimit: e.WHATSAPP_CATCHUP_LIMIT,
  };
}
