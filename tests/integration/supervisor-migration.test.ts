// The migration that adds the supervisor role rebuilds the users table (SQLite cannot change its CHECK): on a
// database with users, sessions and tickets, every id and every reference to a user must come through intact.
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { databaseAtVersion } from '../helpers.ts';

/** The version just before the topics / supervisor migration. */
const BEFORE = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE ticket_topics'));
const at = Date.parse('2026-11-30T05:00:00Z');

function oldDatabase() {
  const { file, db } = databaseAtVersion(BEFORE);
  db.prepare(
    `INSERT INTO courts (id, code, name_ru, name_kk, created_at) VALUES (1, 'sko-regional', 'Областной суд', 'Облыстық сот', ?)`,
  ).run(at);
  const user = db.prepare(
    `INSERT INTO users (id, login, name, role, password_hash, court_id, sip_extension, languages, max_concurrent, title, active, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Ids with gaps: the rebuild must keep them, not renumber.
  user.run(3, 'admin', 'Администратор', 'admin', 'hash-a', null, null, 'kk,ru', 10, null, 1, at);
  user.run(7, 'Aigerim', 'Айгерім Сейітова', 'operator', 'hash-o', 1, '201', 'kk', 12, null, 1, at + 1);
  user.run(9, 'secretary1', 'Асель Жумабаева', 'specialist', 'hash-s', 1, null, 'ru', 5, 'Секретарь судебного заседания', 0, at + 2);
  for (const id of [3, 7, 9]) db.prepare(`INSERT INTO presence (user_id, status, connections) VALUES (?, 'away', 0)`).run(id);
  db.prepare(`INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('tok', 7, ?, ?)`).run(at, at + 3_600_000);
  db.prepare(`INSERT INTO contacts (id, name, created_at) VALUES (1, 'Ержан', ?)`).run(at);
  db.prepare(
    `INSERT INTO tickets (id, ref, court_id, contact_id, channel, status, assignee_id, specialist_id, created_at, updated_at)
     VALUES (5, 'VIC-2026-00005', 1, 1, 'whatsapp', 'open', 7, 9, ?, ?)`,
  ).run(at, at);
  db.prepare(
    `INSERT INTO messages (id, ticket_id, direction, channel, author_id, text, created_at) VALUES (11, 5, 'out', 'whatsapp', 7, 'Ответ', ?)`,
  ).run(at);
  db.prepare(
    `INSERT INTO escalations (id, ticket_id, from_user_id, to_user_id, question, created_at) VALUES (2, 5, 7, 9, 'Когда заседание?', ?)`,
  ).run(at);
  db.prepare(`INSERT INTO audit_log (at, user_id, action, entity, entity_id) VALUES (?, 7, 'ticket.read', 'ticket', 5)`).run(at);
  db.close();
  return file;
}

describe('the supervisor migration', () => {
  it('keeps every user, id and reference, and the rows that cascade from users', () => {
    const file = oldDatabase();
    const store = new Store(file);
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    const db = store.db;

    expect(store.listUsers().map((u) => [u.id, u.login, u.role, u.courtId, u.active])).toEqual([
      [3, 'admin', 'admin', null, true],
      [7, 'Aigerim', 'operator', 1, true],
      [9, 'secretary1', 'specialist', 1, false],
    ]);
    expect(store.getUser(7)).toMatchObject({ sipExtension: '201', languages: ['kk'], maxConcurrent: 12 });
    expect(store.getPasswordHash(9)).toBe('hash-s');
    expect(store.getUser(9)!.title).toBe('Секретарь судебного заседания');
    // The login stays case-insensitive and unique.
    expect(store.getUserByLogin('aigerim')?.id).toBe(7);
    expect(() =>
      db.prepare(`INSERT INTO users (login, name, role, password_hash, created_at) VALUES ('AIGERIM', 'x', 'operator', 'x', 0)`).run(),
    ).toThrow(/UNIQUE/);
    // ON DELETE CASCADE did not fire: the old table was dropped with foreign keys off.
    expect(db.prepare(`SELECT user_id AS u, status FROM presence ORDER BY user_id`).all()).toEqual([
      { u: 3, status: 'away' },
      { u: 7, status: 'away' },
      { u: 9, status: 'away' },
    ]);
    expect(db.prepare(`SELECT user_id AS u FROM sessions`).all()).toEqual([{ u: 7 }]);
    expect(store.getTicket(5)).toMatchObject({ assigneeId: 7, specialistId: 9 });
    expect(db.prepare(`SELECT author_id AS a FROM messages WHERE id = 11`).get()).toEqual({ a: 7 });
    expect(db.prepare(`SELECT from_user_id AS f, to_user_id AS t FROM escalations WHERE id = 2`).get()).toEqual({ f: 7, t: 9 });
    expect(db.prepare(`SELECT user_id AS u FROM audit_log`).all()).toEqual([{ u: 7 }]);

    // Foreign keys are on again, every reference resolves, and other tables still point at users (not users_new).
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE sql LIKE '%users_new%'`).get()).toEqual({ n: 0 });
    expect(() => store.updateTicket(5, { assigneeId: 42 }, at)).toThrow(/FOREIGN KEY/);

    // The new role is accepted, an unknown one still refused.
    const chair = store.createUser({ login: 'chair', name: 'Председатель', role: 'supervisor', passwordHash: 'x', courtId: 1 }, at);
    expect(store.getUser(chair)).toMatchObject({ role: 'supervisor', courtId: 1 });
    expect(() => db.prepare(`UPDATE users SET role = 'boss' WHERE id = 7`).run()).toThrow(/CHECK/);
    // And the topics arrived with it.
    expect(store.listTopics()).toHaveLength(7);
    store.close();
  });

  it('opens a migrated database again without migrating it twice', () => {
    const file = oldDatabase();
    new Store(file).close();
    const again = new Store(file);
    expect(again.listUsers()).toHaveLength(3);
    expect(again.db.pragma('foreign_keys', { simple: true })).toBe(1);
    again.close();
  });
});
