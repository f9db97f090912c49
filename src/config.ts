// Configuration comes only from the environment (and `.env` when present); every variable is in .env.example.
import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';

const bool = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

/** A comma-separated list of origins (scheme://host[:port], nothing after), normalized as browsers send them. */
const originList = z.string().transform((value, ctx) => {
  const origins: string[] = [];
  for (const part of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const url = URL.canParse(part) ? new URL(part) : null;
    if (
      !url ||
      !['http:', 'https:'].includes(url.protocol) ||
      url.username ||
      url.password ||
      url.pathname !== '/' ||
      url.search ||
      url.hash
    ) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not an origin such as https://vic.sud.kz` });
      return z.NEVER;
    }
    origins.push(url.origin);
  }
  return origins;
});

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  TZ_COURT: z
    .string()
    .default('Asia/Almaty')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'is not a known IANA time zone'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEFAULT_COURT: z.string().min(1).default('sko-regional'),
  REOPEN_WINDOW_HOURS: z.coerce.number().min(0).default(72),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  COOKIE_SECURE: bool.default(false),
  PUBLIC_ORIGIN: originList.optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').regex(/^\S+$/, 'must not contain spaces').optional(),
  LOGIN_FREE_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_DELAY_BASE_MS: z.coerce.number().int().positive().default(1000),
  LOGIN_DELAY_MAX_MS: z.coerce.number().int().positive().default(900_000),
  LOGIN_ACCOUNT_FAILURES: z.coerce.number().int().positive().default(30),
  LOGIN_ACCOUNT_DELAY_MAX_MS: z.coerce.number().int().positive().default(60_000),
  LOGIN_IP_FAILURES: z.coerce.number().int().positive().default(100),
  OUTBOX_RETRY_FOR_HOURS: z.coerce.number().positive().default(72),
  OUTBOX_BASE_DELAY_MS: z.coerce.number().int().positive().default(5000),
  OUTBOX_MAX_DELAY_MS: z.coerce.number().int().positive().default(600_000),
  // Messages in flight per channel; unset: the channel's own (e-mail: EMAIL_SMTP_CONNECTIONS), else 1.
  OUTBOX_CONCURRENCY: z.coerce.number().int().positive().max(100).optional(),
  OFFLINE_GRACE_MIN: z.coerce.number().min(0).default(5),
  ESCALATION_PICKUP_MIN: z.coerce.number().int().positive().default(60),
  ESCALATION_ANSWER_MIN: z.coerce.number().int().positive().default(480),
  ESCALATION_NOTIFY_CITIZEN: bool.default(true),
  // A missed call's callback task is due this much working time (court calendar) after the miss (src/callbacks.ts).
  CALLBACK_DUE_WORKING_MINUTES: z.coerce.number().int().positive().default(120),
  MAX_ATTACHMENT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  SCOPE_MODEL_FILE: z.string().optional(),
  // Reads that may scan run in worker processes (src/readpool/), each stopped at the time limit.
  READ_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  READ_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  COUNTER_CHECK_MINUTES: z.coerce.number().positive().default(60),
  // The report facts' job (src/catch-up-job.ts, started in src/app.ts): off, reports compute every ticket (slower, same figures).
  REPORT_FACTS: bool.default(true),
  // Scheduled backups (src/backup/schedule.ts, docs/backup.md): on when BACKUP_DIR is set.
  BACKUP_DIR: z.string().optional(),
  BACKUP_EVERY_HOURS: z.coerce.number().positive().default(24),
  BACKUP_KEEP: z.coerce.number().int().min(1).default(7),
  // Retention of personal data (src/retention/, docs/retention.md): ages in days, and the daily run in court time.
  RETENTION_MESSAGE_TEXT_DAYS: z.coerce.number().int().min(1).default(1095),
  RETENTION_RECORDINGS_DAYS: z.coerce.number().int().min(1).default(365),
  RETENTION_CONTACT_DAYS: z.coerce.number().int().min(1).default(1095),
  RETENTION_AUDIT_DAYS: z.coerce.number().int().min(1).default(1825),
  RETENTION_SESSIONS_DAYS: z.coerce.number().int().min(0).default(0),
  // The bell's notifications and unsent drafts (src/retention/policy.ts): staff data, kept a season, not years.
  NOTIFICATION_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
  RETENTION_RUN_AT: z
    .string()
    .default('03:00')
    .refine((v) => v === 'off' || /^([01]\d|2[0-3]):[0-5]\d$/.test(v), 'must be HH:MM (court time) or off'),
  VIC_DEMO: bool.default(false),
  DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  // The citizens' rating of answers (src/csat/): off until the centre has set the links' secret and PUBLIC_ORIGIN
  // and decided to write to citizens after each answer (it is a message they did not ask for).
  CSAT_ENABLED: bool.default(false),
  CSAT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CSAT_MIN_INTERVAL_DAYS: z.coerce.number().min(0).default(7),
  CSAT_REPLY_DAYS: z.coerce.number().positive().default(14),
  CSAT_COMMENT_WINDOW_MIN: z.coerce.number().min(0).default(15),
  // What callers hear (docs/media.md): rtpengine relays the citizen's media and plays announcements; unset: as before.
  SIP_RTPENGINE: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'must be host:port (rtpengine listen-ng)')
    .optional(),
  SIP_RTPENGINE_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2000),
  SIP_RTPENGINE_DTMF_LISTEN: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'must be host:port (rtpengine dtmf-log-dest)')
    .default('127.0.0.1:22224'),
  SIP_ANNOUNCEMENTS_DIR: z.string().min(1).optional(),
  SIP_LANGUAGE_MENU: bool.default(false),
  SIP_QUEUE_MAX_WAIT_S: z.coerce.number().int().min(10).max(3600).default(180),
  SIP_QUEUE_ANNOUNCE_EVERY_S: z.coerce.number().int().min(10).max(600).default(30),
  // Call recording (docs/media.md "Recording"): only with SIP_RTPENGINE; rtpengine writes pcaps to SIP_RECORDING_DIR.
  SIP_RECORDING: bool.default(false),
  SIP_RECORDING_DIR: z.string().min(1).default('/var/spool/rtpengine'),
  SIP_RECORDING_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** Parses the environment; the first problem becomes one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, useDotenv = true): Config {
  if (useDotenv) loadDotenv({ quiet: true });
  const source = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`config: ${String(issue.path[0])} ${issue.message}`);
  }
  return parsed.data;
}

/** Defaults for tests and tools, with overrides. */
export function testConfig(over: Partial<Config> = {}): Config {
  // The report facts' job off: tests and benchmarks run it by hand (it would work through a benchmark's whole
  // database in the measured server).
  return { ...schema.parse({}), LOG_LEVEL: 'silent', REPORT_FACTS: false, ...over };
}
