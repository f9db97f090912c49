// Logs: one JSON line per event on stdout (pino), for journald or `docker logs`. Citizens' words and identifiers
// (message texts, subjects, names, phone numbers, e-mail addresses, IIN) are not logged: call sites log ids and
// references. scrubLine is the safety net for what slips through, an error's message quoting a server's answer
// for instance: it runs on every line, at every level.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Keys whose values are citizen content or contact data wherever they appear in a line: replaced whole. */
const CITIZEN_KEYS = new Set([
  'text',
  'body',
  'html',
  'subject',
  'caption',
  'raw',
  'content',
  'question',
  'note',
  'iin',
  'phone',
  'email',
  'address',
  'sender',
  'recipient',
  'from',
  'to',
  'cc',
  'bcc',
  'replyTo',
  'displayName',
  'pushname',
  'notifyName',
]);
/** Ids VIC makes or checks itself (src/api/request-log.ts): kept whole so lines can be matched up. */
const KEPT_KEYS = new Set(['reqId']);
/**
 * In any other string: runs of 10 to 15 digits standing alone (an IIN is 12, a phone number in E.164 has 11 to 15,
 * a WhatsApp chat id starts with one), Kazakh phone numbers as people write them, and e-mail addresses' local part.
 */
const NUMBER =
  /(?<![0-9A-Za-z])\+?\d{10,15}(?![0-9A-Za-z])|(?<![0-9A-Za-z])(?:\+7|8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?![0-9A-Za-z])/g;
const EMAIL = /[\p{L}\p{N}._%+-]+@(?=[\p{L}\p{N}-]+\.)/gu;
const REDACTED = '[redacted]';
const suspect = new RegExp(`"(?:${[...CITIZEN_KEYS].join('|')})":|${NUMBER.source}|${EMAIL.source}`, 'u');

const scrubString = (s: string) => s.replace(NUMBER, '[number]').replace(EMAIL, '***@');

function scrub(value: unknown, key: string | undefined, depth: number): unknown {
  if (key !== undefined && CITIZEN_KEYS.has(key) && value !== null && value !== '') return REDACTED;
  if (key !== undefined && KEPT_KEYS.has(key)) return value;
  if (typeof value === 'string') return scrubString(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 8) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => scrub(v, undefined, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, k, depth + 1)]));
}

/** One finished log line, with citizen data taken out; lines with nothing suspect pass untouched. */
export function scrubLine(line: string): string {
  if (!suspect.test(line)) return line;
  try {
    return `${JSON.stringify(scrub(JSON.parse(line), undefined, 0))}\n`;
  } catch {
    return `${scrubString(line.trimEnd())}\n`;
  }
}

/** `destination`: where the lines go (stdout when not given; tests pass a stream to read them). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, hooks: { streamWrite: scrubLine } };
  return destination ? pino(options, destination) : pino(options);
}
