// The SIP bridge's settings, from the environment; the channel is off unless SIP_DRACHTIO_HOST is set.
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { parseCidrs } from './cidr.ts';
import { mediaSetup, type MediaSetup } from './media/config.ts';

const sipUri = (placeholder: string) =>
  z
    .string()
    .regex(/^sips?:/, 'must be a sip: or sips: URI')
    .refine((v) => v.includes(placeholder), `must contain ${placeholder}`);

const SOURCES_REQUIRED = 'must be set: the PBX addresses INVITEs come from (0.0.0.0/0 accepts any: unsafe)';

const schema = z.object({
  SIP_DRACHTIO_HOST: z.string().min(1),
  SIP_DRACHTIO_PORT: z.coerce.number().int().min(1).max(65535).default(9022),
  SIP_DRACHTIO_SECRET: z.string().min(1, 'must be set (the secret in drachtio.conf.xml)'),
  SIP_OPERATOR_URI_TEMPLATE: sipUri('{extension}'),
  SIP_OUTBOUND_URI_TEMPLATE: sipUri('{number}').optional(),
  SIP_RING_TIMEOUT_S: z.coerce.number().int().min(5).max(300).default(20),
  SIP_NOBODY_STATUS: z
    .enum(['486', '480'])
    .default('486')
    .transform((v) => Number(v) as 486 | 480),
  SIP_COURT: z.string().min(1).optional(),
  // Required: a SIP port open to anyone would let anyone make tickets, ring operators and choose the caller's
  // number. Accepting every address takes writing it (0.0.0.0/0, ::/0).
  SIP_ALLOWED_SOURCES: z.string({ error: SOURCES_REQUIRED }).transform((v, c) => {
    try {
      const cidrs = parseCidrs(v);
      if (cidrs.length === 0) c.addIssue({ code: 'custom', message: SOURCES_REQUIRED });
      return cidrs;
    } catch (err) {
      c.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }),
  SIP_DIALLED_NUMBERS: z
    .string()
    .optional()
    .transform((v) => list(v ?? '')),
  SIP_RONA_LIMIT: z.coerce.number().int().min(1).max(20).default(2),
});

const list = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export interface SipConfig {
  host: string;
  port: number;
  secret: string;
  /** `sip:{extension}@pbx.court.local`: how an operator's (or specialist's) phone is reached. */
  operatorUriTemplate: string;
  /** `sip:{number}@trunk`: how a citizen is dialled on a call back (E.164 number); without it there is no call back. */
  outboundUriTemplate?: string;
  ringTimeoutMs: number;
  nobodyStatus: 486 | 480;
  /** Court code the centre's number belongs to; the core's DEFAULT_COURT when unset. */
  court?: string;
  /** CIDRs (`10.1.2.0/24`, `2001:db8::/32`, one address) INVITEs may come from (required from the environment);
   * empty here, as some tests build it: from anywhere. */
  allowedSources?: string[];
  /** The centre's numbers a call may be for (the Request-URI's user part); empty: any. */
  dialledNumbers?: string[];
  /** Unanswered rings in a row after which an operator is set away (default 2). */
  ronaLimit?: number;
  /** SIP_RTPENGINE and its settings: VIC answers callers with announcements and a queue (docs/media.md). */
  media?: MediaSetup;
  /** With media: how often queued callers look for a free operator besides when a call ends (default 2 s). */
  queuePollMs?: number;
}

/** The SIP settings, or null when the channel is not configured; a wrong value is one line naming the variable. */
export function sipConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SipConfig | null {
  const source = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('SIP_') && v !== ''));
  if (!source.SIP_DRACHTIO_HOST) return null;
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`config: ${String(issue.path[0])} ${issue.message}`);
  }
  const c = parsed.data;
  // The media variables are validated with the rest of the configuration (src/config.ts).
  const all = source.SIP_RTPENGINE ? loadConfig(env, false) : null;
  const setup = all && mediaSetup(all);
  const media = setup && all ? { ...setup, dataDir: all.DATA_DIR } : null;
  return {
    ...(media ? { media } : {}),
    host: c.SIP_DRACHTIO_HOST,
    port: c.SIP_DRACHTIO_PORT,
    secret: c.SIP_DRACHTIO_SECRET,
    operatorUriTemplate: c.SIP_OPERATOR_URI_TEMPLATE,
    ...(c.SIP_OUTBOUND_URI_TEMPLATE ? { outboundUriTemplate: c.SIP_OUTBOUND_URI_TEMPLATE } : {}),
    ringTimeoutMs: c.SIP_RING_TIMEOUT_S * 1000,
    nobodyStatus: c.SIP_NOBODY_STATUS,
    ...(c.SIP_COURT ? { court: c.SIP_COURT } : {}),
    allowedSources: c.SIP_ALLOWED_SOURCES,
    dialledNumbers: c.SIP_DIALLED_NUMBERS,
    ronaLimit: c.SIP_RONA_LIMIT,
  };
}
