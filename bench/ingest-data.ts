// The envelopes both ingest benchmarks push (run.ts times them, wal-frames.ts counts the pages they write), and
// the "before" schema they compare with.
import type { Vic } from '../src/app.ts';
import type { InboundEnvelope } from '../src/envelope.ts';
import { indexesAndTriggersUpTo } from './build-db.ts';

export const TEXTS = [
  'Здравствуйте, когда будет готово решение по делу о разделе имущества?',
  'Шешімнің көшірмесін қалай алуға болады? Өзім бара алмаймын.',
  'Требую отменить постановление о штрафе, в тот день я был в другом городе',
  'Добрый день, как подать иск через Судебный кабинет? Нет ЭЦП.',
  'Сот отырысы қашан болады? Іс нөмірі 5999-25-00-2/417',
];
export const SENDERS = 7000;
/** Tuesday 10:00 in Petropavl: working time. */
export const AT = Date.parse('2026-12-01T05:00:00Z');

/** Every fourth is an e-mail, each a new matter (no reply headers); WhatsApp senders write again, so about half continue a ticket. */
export function envelope(i: number, at: number): InboundEnvelope {
  const mail = i % 4 === 0;
  return {
    channel: mail ? 'email' : 'whatsapp',
    account: 'bench',
    externalId: `bench-${i}`,
    sender: mail
      ? { kind: 'email', address: `c${i % SENDERS}@mail.kz` }
      : { kind: 'whatsapp', address: `7701${String(i % SENDERS).padStart(7, '0')}@c.us` },
    text: TEXTS[i % TEXTS.length],
    receivedAt: at,
    ...(mail ? { thread: { messageId: `<bench-${i}@mail.kz>`, subject: 'Вопрос' } } : {}),
  };
}

/** The schema before issue #21: the migrations the "before" pipeline's indexes and triggers are put back to. */
export const BEFORE = 11;

/**
 * Puts a seeded Vic's indexes and triggers back as migrations 1–BEFORE made them, found generically (later
 * migrations need no change here): added or changed since are dropped; dropped or changed since are made again.
 * `indexesOnly` leaves every trigger as it is now (the queue counters kept), so only the indexes differ.
 */
export function restoreBefore(vic: Vic, { indexesOnly = false } = {}): { dropped: string[]; restored: string[] } {
  const isIndex = (sql: string) => !/^CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(sql);
  const then = new Map([...indexesAndTriggersUpTo(BEFORE)].filter(([, sql]) => !indexesOnly || isIndex(sql)));
  const now = (
    vic.store.db.prepare(`SELECT type, name, sql FROM sqlite_master WHERE type IN ('index','trigger') AND sql IS NOT NULL`).all() as {
      type: string;
      name: string;
      sql: string;
    }[]
  ).filter((x) => !indexesOnly || x.type === 'index');
  const dropped = now.filter((x) => then.get(x.name) !== x.sql);
  for (const x of dropped) vic.store.db.exec(`DROP ${x.type.toUpperCase()} "${x.name}"`);
  const restored = [...then].filter(([name, sql]) => !now.some((x) => x.name === name && x.sql === sql));
  for (const [, sql] of restored) vic.store.db.exec(sql);
  return { dropped: dropped.map((x) => x.name), restored: restored.map(([name]) => name) };
}
