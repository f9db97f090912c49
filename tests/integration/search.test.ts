import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { eraseSubjects } from '../../src/retention/subject.ts';
import { Store, type Viewer } from '../../src/store/index.ts';
import { addUser, databaseAtVersion, envelope, makeVic, serve } from '../helpers.ts';

const admin: Viewer = { id: 1, role: 'admin', courtId: null };
let phone = 0;
/** A new citizen on WhatsApp (a new contact each time unless `address` is given). */
const citizen = (text: string, over: { name?: string; address?: string; court?: string } = {}) =>
  envelope({
    sender: { kind: 'whatsapp', address: over.address ?? `7705${String(++phone).padStart(7, '0')}@c.us`, displayName: over.name },
    text,
    ...(over.court ? { courtHint: over.court } : {}),
  });

async function setup() {
  const { vic, clock } = await makeVic();
  const ingest = (e: ReturnType<typeof envelope>) => {
    clock.advance(1000);
    return vic.ingest({ ...e, receivedAt: clock.now() }).ticketId;
  };
  const find = (q: string, viewer: Viewer = admin, f: { status?: 'open' | 'waiting' | 'out_of_scope' | 'resolved' } = {}) =>
    vic.store.searchTickets(viewer, { q, limit: 50, ...f }).items.map((t) => t.id);
  return { vic, clock, ingest, find };
}

describe('search', () => {
  it('finds Kazakh and Russian words whatever the letters and case, by word prefix', async () => {
    const { vic, ingest, find } = await setup();
    const kk = ingest(citizen('Қазақ тілінде шешімнің көшірмесін алғым келеді'));
    const ru = ingest(citizen('Пишу по-русски: казак Иванов просит КОПИЮ постановления'));
    expect(find('казак').sort()).toEqual([kk, ru].sort());
    expect(find('ҚАЗАҚ').sort()).toEqual([kk, ru].sort());
    expect(find('qazaq').sort()).toEqual([kk, ru].sort());
    expect(find('копию')).toEqual([ru]);
    expect(find('постановлен')).toEqual([ru]);
    expect(find('шешимнин коширме')).toEqual([kk]);
    expect(find('көшірме постановления')).toEqual([]);
    vic.store.rebuildSearchIndex();
    expect(find('казак').sort()).toEqual([kk, ru].sort());
  });

  it('finds a phone number by any spelling and by its last digits, an e-mail address and a reference', async () => {
    const { vic, ingest, find } = await setup();
    const t = ingest(citizen('Вопрос по делу', { address: '77011234567@c.us' }));
    ingest(citizen('Другой вопрос', { address: '77021234568@c.us' }));
    for (const q of ['+7 701 123 45 67', '87011234567', '8 (701) 123-45-67', '7011234567', '1234567', '123 45 67'])
      expect(find(q)).toEqual([t]);
    const mail = vic.ingest(
      envelope({ channel: 'email', sender: { kind: 'email', address: 'Aigul@Example.kz' }, thread: { subject: 'Вопрос' } }),
    );
    expect(find('aigul@example.KZ')).toEqual([mail.ticketId]);
    expect(find('aigul@example')).toEqual([]);
    const ref = vic.store.getTicket(t)!.ref;
    expect(find(ref.toLowerCase())).toEqual([t]);
    expect(find(ref.replace(/-/g, ''))).toEqual([t]);
    // A phone given later by a citizen the batches have already indexed (the searches above) is found at once.
    vic.store.addIdentity(vic.store.getTicket(mail.ticketId)!.contactId, 'phone', '+77059876543', vic.clock.now());
    expect(find('9876543')).toEqual([mail.ticketId]);
    vic.store.rebuildSearchIndex();
    expect([find('1234567'), find('87059876543')]).toEqual([[t], [mail.ticketId]]);
  });

  it('finds a case number as typed, with other separators, and by its beginning', async () => {
    const { vic, ingest, find } = await setup();
    const t = ingest(citizen('Вопрос'));
    const other = ingest(citizen('Вопрос'));
    vic.store.updateTicket(t, { caseNumber: '7599-26-00-2/101' }, vic.clock.now());
    vic.store.updateTicket(other, { caseNumber: '7599-26-00-2/102' }, vic.clock.now());
    expect(find('7599-26-00-2/101')).toEqual([t]);
    expect(find('7599 26 00 2 101')).toEqual([t]);
    expect(find('7599–26–00–2/101')).toEqual([t]);
    expect(find('7599-26-00-2/10')).toHaveLength(2);
  });

  it('ranks reference, case number, phone, name, then text; newest first within each', async () => {
    const { vic, ingest, find } = await setup();
    const byPhone = ingest(citizen('Здравствуйте', { address: '77015550101@c.us' }));
    const byText = ingest(citizen('Мой сосед с номером 5550101 просил узнать'));
    expect(find('5550101')).toEqual([byPhone, byText]);

    const named = ingest(citizen('Добрый день', { name: 'Асель Касымова' }));
    const mentions = ingest(citizen('Касымова просила перезвонить'));
    const mentionsTwice = ingest(citizen('Касымова Касымова, снова Касымова'));
    expect(find('касымова')).toEqual([named, mentionsTwice, mentions]);

    const withCase = ingest(citizen('Вопрос'));
    vic.store.updateTicket(withCase, { caseNumber: '5999-25-00-2/417' }, vic.clock.now());
    const quoting = ingest(citizen('Іс нөмірі 5999-25-00-2/417'));
    expect(find('5999-25-00-2/417')).toEqual([withCase, quoting]);

    const old = ingest(citizen('Тот же вопрос'));
    const newer = ingest(citizen('Тот же вопрос'));
    expect(find('тот же вопрос')).toEqual([newer, old]);
    const page = vic.store.searchTickets(admin, { q: 'вопрос', limit: 1 });
    expect(page.total).toBe(3);
    expect(page.items.map((i) => i.id)).toEqual([withCase]); // the shortest text that has it ranks first (bm25)
  });

  it('matches every word when some are in thousands of messages', async () => {
    const { vic, ingest, find } = await setup();
    const busy = ingest(citizen('Суд решение'));
    vic.store.tx(() => {
      for (let i = 0; i < 5001; i++)
        vic.store.insertMessage({ ticketId: busy, direction: 'in', channel: 'whatsapp', text: `Суд, решение ${i}`, now: vic.clock.now() });
    });
    const both = ingest(citizen('Суд вынес решение, где квитанция?'));
    const one = ingest(citizen('Решение и квитанция'));
    while (vic.store.indexPendingSearch() > 0); // more than a search's own catch-up batch
    expect(find('суд решение')).toEqual([both, busy]);
    expect(find('суд квитанция')).toEqual([both]);
    expect(find('квитанция').sort()).toEqual([both, one].sort());
  });

  it('shows an operator only their court, a specialist only their tickets, and applies the filters', async () => {
    const { vic, ingest, find } = await setup();
    const mine = ingest(citizen('Апелляция по алиментам', { court: 'sko-regional' }));
    const theirs = ingest(citizen('Апелляция по алиментам', { court: 'sko-economic' }));
    const op1 = await addUser(vic, 'op1', 'operator', 'sko-regional');
    const op2 = await addUser(vic, 'op2', 'operator', 'sko-economic');
    const specialist = await addUser(vic, 'sp', 'specialist', 'sko-regional');
    expect(vic.store.getTicket(mine)!.courtId).not.toBe(vic.store.getTicket(theirs)!.courtId);
    expect(find('апелляция', op1)).toEqual([mine]);
    expect(find('апелляция', op2)).toEqual([theirs]);
    expect(find(vic.store.getTicket(theirs)!.ref, op1)).toEqual([]);
    expect(find('апелляция', specialist)).toEqual([]);
    vic.store.updateTicket(mine, { specialistId: specialist.id }, vic.clock.now());
    expect(find('апелляция', specialist)).toEqual([mine]);
    expect(find('апелляция', admin).sort()).toEqual([mine, theirs].sort());
    expect(find('апелляция', admin, { status: 'resolved' })).toEqual([]);
  });

  it('indexes a new message within a second, without a search asking for it', async () => {
    const { vic } = await makeVic();
    await serve(vic);
    const reader = new Database(path.join(vic.config.DATA_DIR, 'vic.sqlite'), { readonly: true });
    try {
      const id = vic.ingest(citizen('Прошу выслать квитанцию об оплате госпошлины')).messageId;
      const indexed = () => reader.prepare(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH '"kvitanciu"'`).pluck().all();
      await vi.waitFor(() => expect(indexed()).toEqual([id]), { timeout: 1000, interval: 50 });
    } finally {
      reader.close();
    }
  });

  it('forgets what retention and a citizen erasure remove', async () => {
    const { vic, clock, ingest, find } = await setup();
    const t = ingest(citizen('Жалоба на пристава Нургалиева', { name: 'Ерлан Жаксылыков', address: '77017654321@c.us' }));
    expect(find('нургалиева')).toEqual([t]);
    expect(find('жаксылыков')).toEqual([t]);
    const contactId = vic.store.getTicket(t)!.contactId;
    const outcome = eraseSubjects({ store: vic.store, attachments: vic.attachments }, [contactId], {
      by: { userId: null, login: 'test' },
      reason: 'request',
      force: true,
      now: clock.now(),
    });
    expect(outcome).toHaveProperty('erased');
    expect(find('нургалиева')).toEqual([]);
    expect(find('жаксылыков')).toEqual([]);
    expect(find('7654321')).toEqual([]);
    expect(vic.store.db.prepare(`SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'zhaksilikov'`).pluck().get()).toBe(0);
  });

  it('answers hostile queries without an error, in bounded time', async () => {
    const { ingest, find } = await setup();
    for (let i = 0; i < 300; i++) ingest(citizen(`Сообщение номер ${i} о решении суда и апелляции`));
    const hostile = [
      '"*'.repeat(100),
      '*',
      '((((',
      'NEAR(a b, 3) OR NOT c:d ^e',
      'а '.repeat(100),
      'со '.repeat(66),
      'решение* '.repeat(22),
      '-- ; DROP TABLE messages',
      '%_%\\',
      '@',
      '+'.repeat(200),
      '1'.repeat(200),
      'VIC-9999-999999999',
    ];
    for (const q of hostile) {
      const started = performance.now();
      expect(() => find(q)).not.toThrow();
      expect(performance.now() - started).toBeLessThan(250);
    }
  });
});

describe('migration 14', () => {
  it('keeps the phones of a database made before it findable by their tails', () => {
    const { file, db } = databaseAtVersion(13);
    const at = Date.parse('2026-12-01T05:00:00Z');
    db.prepare(`INSERT INTO courts (id, code, name_ru, name_kk, created_at) VALUES (1, 'c', 'Суд', 'Сот', ?)`).run(at);
    const contact = db.prepare(`INSERT INTO contacts (id, created_at) VALUES (?, ?)`);
    const identity = db.prepare(`INSERT INTO contact_identities (contact_id, kind, address, added_at) VALUES (?, ?, ?, ?)`);
    const ticket = db.prepare(`INSERT INTO tickets (id, ref, court_id, contact_id, channel, status, created_at, updated_at)
      VALUES (?, ?, 1, ?, 'whatsapp', 'open', ?, ?)`);
    for (const [id, phone] of [
      [1, '+77011234567'],
      [2, '+77021234568'],
    ] as const) {
      contact.run(id, at);
      identity.run(id, 'phone', phone, at);
      identity.run(id, 'whatsapp', `${phone.slice(1)}@c.us`, at);
      ticket.run(id, `VIC-2026-0000${id}`, id, at, at);
    }
    // Both contacts indexed by the batches before the upgrade: the tails come from the migration alone.
    db.prepare(`INSERT INTO counters (name, value) VALUES ('search.contacts', 2)`).run();
    db.close();
    const store = new Store(file);
    const find = (q: string) => store.searchTickets(admin, { q, limit: 10 }).items.map((t) => t.id);
    expect([find('1234567'), find('87021234568'), find('4567')]).toEqual([[1], [2], []]);
    store.close();
  });
});
