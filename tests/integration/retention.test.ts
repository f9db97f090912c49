// Retention across a year of generated data with a fixed clock: tickets on every channel over 400 days (resolved,
// open, filtered out as appeals), attachments on disk (one file shared by an old and a recent ticket), audit rows
// and sessions. The job runs at several dates and each time exactly what is past its age goes: checked against
// this file's own model of the policy, with real files and a real database. Then a citizen's own request:
// `vic contact export|erase` run as the command it is.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../routing/calendar/days.ts';
import type { Vic } from '../../src/app.ts';
import { openSession } from '../../src/auth.ts';
import type { ManualClock } from '../../src/clock.ts';
import { RetentionJob, nextRunAt } from '../../src/retention/job.ts';
import { MARKERS, zeroCounts, type PolicyEntry, type RetentionCounts } from '../../src/retention/policy.ts';
import type { exportSubjects } from '../../src/retention/subject.ts';
import type { UserRow } from '../../src/store/index.ts';
import { addUser, envelope, makeVic, serve, until } from '../helpers.ts';
import { json } from './json.ts';

/** What `vic contact export` prints. */
type ContactExport = ReturnType<typeof exportSubjects>;

/** GET /api/retention/preview. */
interface RetentionPreview {
  computedAt: number;
  timeZone: string;
  runAt: string | null;
  nextRunAt: number | null;
  policy: PolicyEntry[];
  preview: RetentionCounts;
  lastRun: { at: number; counts: RetentionCounts | null } | null;
}

/** Monday 2025-01-06, 10:00 in Petropavl. */
const D0 = Date.parse('2025-01-06T05:00:00Z');
const AGES = {
  RETENTION_MESSAGE_TEXT_DAYS: 180,
  RETENTION_RECORDINGS_DAYS: 90,
  RETENTION_CONTACT_DAYS: 240,
  RETENTION_AUDIT_DAYS: 300,
  RETENTION_SESSIONS_DAYS: 7,
  // The ticket rule alone here; the recordings' own age (90 by default) is in the default-ages case.
  SIP_RECORDING_RETENTION_DAYS: 3650,
};
const COMMON = Buffer.from('%PDF-1.4 бланк заявления о выдаче копии судебного акта');
const APPEAL = 'Не согласен с решением суда первой инстанции, прошу отменить решение и пересмотреть дело в апелляционном порядке';

interface Generated {
  id: number;
  channel: string;
  citizen: string;
  /** Left unresolved on purpose. */
  open: boolean;
}

const rows = <T = Record<string, unknown>>(vic: Vic, sql: string, ...args: unknown[]) => vic.store.db.prepare(sql).all(...args) as T[];
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const fileOf = (vic: Vic, hash: string) => vic.attachments.pathOf(hash)!;

/**
 * 400 days: one ticket a day, channel by day (WhatsApp with a photo, e-mail with a subject and a PDF, a call with
 * a recording, an appeal the filter keeps out); replies, resolution two days later except every tenth day; two
 * citizens who come back; an operator's "mark as appeal"; a session and an audit read every day.
 */
function generate(vic: Vic, clock: ManualClock, op: UserRow): Generated[] {
  const out: Generated[] = [];
  const toResolve = new Map<number, number[]>();
  const returning: Record<number, string> = { 20: 'ret-a', 250: 'ret-a', 30: 'ret-b', 395: 'ret-b' };
  for (let day = 0; day < 400; day++) {
    clock.set(D0 + day * DAY);
    for (const id of toResolve.get(day) ?? []) vic.tickets.resolve(op, id);
    const citizen = returning[day] ?? `c${day}`;
    const n = returning[day] ? (citizen === 'ret-a' ? 1 : 2) : day + 10;
    const phone = `+7701${String(n).padStart(7, '0')}`;
    const own = Buffer.from(`файл ${day} ${citizen}`);
    const files = [{ filename: `скан паспорта ${day}.pdf`, contentType: 'application/pdf', content: own, size: own.length }];
    if (day === 5 || day === 389)
      files.push({ filename: 'бланк.pdf', contentType: 'application/pdf', content: COMMON, size: COMMON.length });
    const kind = returning[day] ? 0 : day % 4;
    const base = { receivedAt: clock.now(), courtHint: 'sko-regional', attachments: files };
    const env =
      kind === 1
        ? envelope({
            ...base,
            channel: 'email',
            externalId: `<m${day}@example.com>`,
            sender: { kind: 'email', address: `c${day}@example.com`, displayName: `Гражданин ${day}` },
            text: `Прошу сообщить дату заседания по делу 5999-25-00-2/${day}`,
            thread: { messageId: `<m${day}@example.com>`, subject: `Дело 5999-25-00-2/${day}` },
          })
        : kind === 2
          ? envelope({
              ...base,
              channel: 'sip',
              externalId: `call-${day}@pbx`,
              text: '',
              sender: { kind: 'phone', address: phone },
              attachments: [{ filename: `запись ${day}.wav`, contentType: 'audio/wav', content: own, size: own.length }],
              call: {
                callId: `call-${day}@pbx`,
                from: phone,
                to: '+77152000000',
                outcome: 'ended',
                startedAt: clock.now(),
                answeredAt: clock.now(),
                endedAt: clock.now() + 120_000,
              },
            })
          : envelope({
              ...base,
              sender: { kind: 'whatsapp', address: `${phone.slice(1)}@c.us`, displayName: `Гражданин ${citizen}` },
              text: kind === 3 ? APPEAL : `Здравствуйте, когда заседание по моему делу? День ${day}`,
            });
    const { ticketId } = vic.ingest(env);
    const status = vic.store.getTicket(ticketId)!.status;
    const open = (day % 10 === 7 && kind !== 3) || day === 395;
    if (day === 4) vic.tickets.markAppeal(op, ticketId, 'Жалоба на приговор');
    else if (status !== 'out_of_scope') {
      vic.tickets.post(op, ticketId, kind === 2 ? 'note' : 'reply', `Ответ оператора по обращению дня ${day}`);
      if (!open) toResolve.set(day + 2, [...(toResolve.get(day + 2) ?? []), ticketId]);
    }
    openSession(vic.store, op.id, clock.now(), 12 * HOUR);
    vic.store.audit({ at: clock.now(), userId: op.id, action: 'ticket.read', entity: 'ticket', entityId: ticketId });
    out.push({ id: ticketId, channel: env.channel, citizen, open });
  }
  return out;
}

/** What reports count: none of it may change. */
function report(vic: Vic) {
  return {
    tickets: rows(
      vic,
      `SELECT court_id, channel, status, language, scope_verdict, count(*) AS n, sum(first_response_at - created_at) AS fr,
      sum(resolved_at - created_at) AS res, sum(sla_breached_at IS NOT NULL) AS sla, min(created_at) AS first, max(updated_at) AS last
      FROM tickets GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
    ),
    messages: rows(
      vic,
      `SELECT direction, channel, auto, delivery_status, count(*) AS n FROM messages GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    ),
    calls: rows(vic, `SELECT outcome, count(*) AS n, sum(ended_at - started_at) AS talk FROM calls GROUP BY 1`),
    attachments: rows(vic, `SELECT content_type, count(*) AS n, sum(size) AS bytes FROM attachments GROUP BY 1 ORDER BY 1`),
    contacts: rows(vic, `SELECT language, count(*) AS n FROM contacts GROUP BY 1 ORDER BY 1`),
  };
}

/** Everything the job may write, to prove a run changed nothing. */
const dump = (vic: Vic) =>
  [
    'tickets',
    'messages',
    'attachments',
    'contacts',
    'contact_identities',
    'calls',
    'escalations',
    'scope_decisions',
    'outbox',
    'sessions',
  ].map((t) => rows(vic, `SELECT * FROM ${t}`));

describe('the retention job over a year of data', () => {
  let vic: Vic;
  let clock: ManualClock;
  let gen: Generated[];
  let job: RetentionJob;
  /** Each ticket's texts and each contact's identities as generated. */
  const texts = new Map<number, string[]>();
  const identities = new Map<number, number>();

  beforeAll(async () => {
    ({ vic, clock } = await makeVic(AGES, D0));
    gen = generate(vic, clock, await addUser(vic, 'op', 'operator'));
    for (const g of gen)
      texts.set(
        g.id,
        vic.store.listMessages(g.id).map((m) => m.text),
      );
    for (const r of rows<{ c: number; n: number }>(vic, `SELECT contact_id AS c, count(*) AS n FROM contact_identities GROUP BY 1`))
      identities.set(r.c, r.n);
    // Small windows, so one run takes many transactions.
    job = new RetentionJob({ store: vic.store, clock, config: vic.config, attachments: vic.attachments, log: vic.log }, 16);
  }, 60_000);

  type Row = {
    id: number;
    status: string;
    resolved_at: number | null;
    updated_at: number;
    contact_id: number;
    anonymised_at: number | null;
    subject: string | null;
  };
  const tickets = () =>
    new Map(
      rows<Row>(vic, `SELECT id, status, resolved_at, updated_at, contact_id, anonymised_at, subject FROM tickets`).map((t) => [t.id, t]),
    );
  const ticket = (id: number) => tickets().get(id)!;
  /** The policy's own rule, written again here: a ticket ended (resolved, or out of scope and untouched) before the cutoff. */
  const ended = (t: Row, cutoff: number) =>
    (t.status === 'resolved' && t.resolved_at! < cutoff) || (t.status === 'out_of_scope' && t.updated_at < cutoff);

  /** Runs at `day` and checks every ticket, attachment, file, contact, audit row and session against the policy. */
  async function runAndCheck(day: number): Promise<RetentionCounts> {
    clock.set(D0 + day * DAY);
    const now = clock.now();
    const cut = { text: now - 180 * DAY, rec: now - 90 * DAY, contacts: now - 240 * DAY, audit: now - 300 * DAY, sessions: now - 7 * DAY };
    const before = report(vic);
    const auditKept = rows<{ n: number }>(vic, `SELECT count(*) AS n FROM audit_log WHERE at >= ?`, cut.audit)[0].n;
    const sessionsKept = rows<{ n: number }>(vic, `SELECT count(*) AS n FROM sessions WHERE expires_at > ?`, cut.sessions)[0].n;
    const preview = await job.preview();
    const counts = await job.run();
    expect(counts, 'the preview is what the run removed').toEqual(preview);

    const all = tickets();
    for (const g of gen) {
      const t = all.get(g.id)!;
      const gone = ended(t, cut.text);
      if (g.open) expect(gone, `open ticket ${g.id}`).toBe(false);
      expect(t.anonymised_at !== null, `ticket ${g.id} anonymised`).toBe(gone);
      expect(vic.store.listMessages(g.id).map((m) => m.text)).toEqual(
        gone ? texts.get(g.id)!.map(() => MARKERS.retention) : texts.get(g.id),
      );
      if (gone) expect(t.subject).toBeNull();
      const recording = g.channel === 'sip';
      for (const a of vic.store.listAttachments(g.id)) {
        const removed = ended(t, recording ? cut.rec : cut.text);
        expect(a.sha256 === null, `attachment ${a.id} of ticket ${g.id} removed`).toBe(removed);
        if (removed) expect(a.filename).toBe('removed');
      }
    }
    // A file stays exactly as long as a row refers to it; the shared form stays while the recent ticket has it.
    const kept = new Set(rows<{ sha256: string }>(vic, `SELECT sha256 FROM attachments WHERE sha256 IS NOT NULL`).map((r) => r.sha256));
    const onDisk = fs
      .readdirSync(path.join(vic.config.DATA_DIR, 'attachments'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
    expect(new Set(onDisk)).toEqual(kept);

    for (const c of new Set(gen.map((g) => all.get(g.id)!.contact_id))) {
      const mine = [...all.values()].filter((t) => t.contact_id === c);
      const gone = mine.every((t) => ended(t, cut.text) || ended(t, cut.contacts));
      const contact = vic.store.getContact(c)!;
      expect(contact.identities.length === 0, `contact ${c} anonymised`).toBe(gone);
      if (gone) expect(contact.name).toBeNull();
      else expect(contact.identities.length).toBe(identities.get(c));
    }
    expect(rows(vic, `SELECT 1 FROM audit_log WHERE at < ?`, cut.audit)).toEqual([]);
    // The rows kept, and the run's own entry with its counts.
    expect(rows<{ n: number }>(vic, `SELECT count(*) AS n FROM audit_log WHERE at >= ?`, cut.audit)[0].n).toBe(auditKept + 1);
    expect(vic.store.lastRetentionRun()).toEqual({ at: now, details: expect.objectContaining({ counts }) as unknown });
    expect(rows<{ n: number }>(vic, `SELECT count(*) AS n FROM sessions`)[0].n).toBe(sessionsKept);
    expect(report(vic), 'the counts reports need').toEqual(before);
    return counts;
  }

  it('generated what the policy has to deal with', () => {
    const statuses = new Set([...tickets().values()].map((t) => t.status));
    expect([...statuses]).toEqual(expect.arrayContaining(['resolved', 'open', 'waiting', 'out_of_scope']));
    expect(rows(vic, `SELECT 1 FROM scope_decisions WHERE text IS NOT NULL`).length).toBeGreaterThan(0);
    expect(fs.existsSync(fileOf(vic, sha(COMMON)))).toBe(true);
    expect(rows<{ n: number }>(vic, `SELECT count(*) AS n FROM attachments WHERE sha256 = ?`, sha(COMMON))[0].n).toBe(2);
  });

  it('at day 120 removes recordings of calls that ended 90 days ago, audit rows and sessions, and no text', async () => {
    const c = await runAndCheck(120);
    expect(c.recordings).toBeGreaterThan(0);
    expect(c).toMatchObject({ tickets: 0, messages: 0, attachments: 0, contacts: 0, scopeDecisions: 0 });
    expect(c.sessions).toBeGreaterThan(100);
  });

  it('at days 200, 300 and 400 anonymises what ended 180 days before, and keeps the shared file for the recent ticket', async () => {
    const c200 = await runAndCheck(200);
    expect(c200.tickets).toBeGreaterThan(0);
    expect(c200.files).toBeGreaterThan(0);
    expect(c200.scopeDecisions).toBe(1);
    expect(rows(vic, `SELECT text, reason FROM scope_decisions`)).toEqual([{ text: null, reason: MARKERS.retention }]);
    expect((await runAndCheck(300)).contacts).toBeGreaterThan(0);
    const c400 = await runAndCheck(400);
    expect(c400.audit).toBeGreaterThan(0);
    // The old ticket with the shared form is anonymised; the form's file stays for the recent one.
    expect(fs.existsSync(fileOf(vic, sha(COMMON)))).toBe(true);
    const shared = rows<{ id: number; removed: number }>(
      vic,
      `SELECT m.ticket_id AS id, a.removed_at IS NOT NULL AS removed FROM attachments a
      JOIN messages m ON m.id = a.message_id WHERE a.filename IN ('бланк.pdf', 'removed') AND m.ticket_id IN (?, ?)`,
      gen[5].id,
      gen[389].id,
    );
    expect(shared).toContainEqual({ id: gen[5].id, removed: 1 });
    expect(shared).toContainEqual({ id: gen[389].id, removed: 0 });
  });

  it('a second run the same day changes nothing; the citizen coming back keeps their contact', async () => {
    const before = dump(vic);
    expect(await job.preview()).toEqual(zeroCounts());
    expect(await job.run()).toEqual(zeroCounts());
    expect(dump(vic)).toEqual(before);
    // ret-a wrote on day 20 (anonymised now) and day 250: the contact and the recent ticket are whole.
    const [old, recent] = gen.filter((g) => g.citizen === 'ret-a');
    expect(ticket(old.id).anonymised_at).not.toBeNull();
    expect(vic.store.getContact(ticket(recent.id).contact_id)!.identities.map((i) => i.address)).toContain('+77010000001');
  });

  it('two years on, everything ended is gone (the shared form too) and open tickets are untouched', async () => {
    await runAndCheck(800);
    expect(fs.existsSync(fileOf(vic, sha(COMMON)))).toBe(false);
    for (const g of gen.filter((x) => x.open)) {
      expect(vic.store.listMessages(g.id).map((m) => m.text)).toEqual(texts.get(g.id));
      expect(vic.store.getContact(ticket(g.id).contact_id)!.identities.length).toBeGreaterThan(0);
    }
  });
});

describe('the retention schedule and the admin page', () => {
  it('runs daily at RETENTION_RUN_AT in court time', async () => {
    expect(new Date(nextRunAt('Asia/Almaty', '03:00', Date.parse('2026-03-10T21:59:00Z'))).toISOString()).toBe('2026-03-10T22:00:00.000Z');
    expect(new Date(nextRunAt('Asia/Almaty', '03:00', Date.parse('2026-03-10T22:00:00Z'))).toISOString()).toBe('2026-03-11T22:00:00.000Z');
    // 100 ms before 03:00 local: the run comes by itself, with its audit entry.
    const { vic } = await makeVic({}, Date.parse('2026-03-10T21:59:59.900Z'));
    vic.retention.start();
    try {
      await until('the scheduled run', () => vic.store.lastRetentionRun());
    } finally {
      vic.retention.stop();
    }
    const { vic: off } = await makeVic({ RETENTION_RUN_AT: 'off' });
    expect(off.retention.nextRunAt()).toBeNull();
  });

  it('with the default ages a year of data keeps every text; only old recordings and expired sessions go', async () => {
    const { vic, clock } = await makeVic({}, D0);
    const gen = generate(vic, clock, await addUser(vic, 'op', 'operator'));
    clock.set(D0 + 400 * DAY);
    const preview = await vic.retention.preview();
    expect(await vic.retention.run()).toEqual(preview);
    expect(preview).toMatchObject({ tickets: 0, messages: 0, attachments: 0, contacts: 0, audit: 0, scopeDecisions: 0 });
    // Calls that ended more than 90 days before day 400 (SIP_RECORDING_RETENTION_DAYS: the recording's own age,
    // open tickets' too); those resolved more than 365 days before (RETENTION_RECORDINGS_DAYS) are among them.
    expect(preview.recordings).toBe(gen.filter((g, day) => g.channel === 'sip' && day < 310).length);
    expect(preview.sessions).toBe(400);
  }, 60_000);

  it('shows admins the policy, what the next run would remove and the last run', async () => {
    const { vic, clock } = await makeVic({ RETENTION_MESSAGE_TEXT_DAYS: 30 }, D0);
    vic.ingest(envelope({ receivedAt: D0 }));
    const admin = vic.store.getUserByLogin('admin')!;
    vic.tickets.resolve(admin, 1);
    clock.set(D0 + 40 * DAY);
    const srv = await serve(vic);
    const { api } = await srv.login('admin', 'admin-secret-1');
    const res = await api.get('/api/retention/preview');
    expect(res.status).toBe(200);
    const first = json<RetentionPreview>(res);
    expect(first.policy).toContainEqual({
      kind: 'messageText',
      days: 30,
      env: 'RETENTION_MESSAGE_TEXT_DAYS',
      cutoff: clock.now() - 30 * DAY,
    });
    expect(first.policy.map((p) => p.env)).toEqual([
      'RETENTION_MESSAGE_TEXT_DAYS',
      'RETENTION_RECORDINGS_DAYS',
      'SIP_RECORDING_RETENTION_DAYS',
      'RETENTION_CONTACT_DAYS',
      'RETENTION_AUDIT_DAYS',
      'RETENTION_SESSIONS_DAYS',
    ]);
    expect(first.preview).toMatchObject({ tickets: 1, messages: 1, contacts: 1 });
    expect(first.lastRun).toBeNull();
    expect(first.nextRunAt).toBe(nextRunAt('Asia/Almaty', '03:00', clock.now()));
    const counts = await vic.retention.run();
    const after = json<RetentionPreview>(await api.get('/api/retention/preview'));
    expect(after.lastRun).toEqual({ at: clock.now(), counts });
    expect(after.preview.tickets).toBe(0);
    expect((await api.get('/api/retention/preview?dry=0')).status).toBe(400);
  });
});

/** `npm run vic -- contact …` as a separate process on the same data folder, while VIC has it open. */
function vicCli(dataDir: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/vic.ts', 'contact', ...args], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

describe('a citizen asks for their data: vic contact export|erase', () => {
  let vic: Vic;
  let admin: UserRow;
  const photo = Buffer.from('фото квитанции об оплате госпошлины');
  const ids = { a: 0, b: 0, c: 0 };

  beforeAll(async () => {
    ({ vic } = await makeVic());
    admin = vic.store.getUserByLogin('admin')!;
    const op = await addUser(vic, 'op', 'operator');
    const files = (...b: Buffer[]) =>
      b.map((content, i) => ({ filename: `квитанция Иванова ${i}.pdf`, contentType: 'application/pdf', content, size: content.length }));
    ids.a = vic.ingest(
      envelope({
        sender: { kind: 'whatsapp', address: '77011112233@c.us', displayName: 'Иванов Иван' },
        text: 'Я Иванов, ИИН 850101300123, когда заседание?',
        attachments: files(photo, COMMON),
      }),
    ).ticketId;
    vic.ingest(
      envelope({
        channel: 'sip',
        externalId: 'call-a@pbx',
        text: '',
        sender: { kind: 'phone', address: '+77011112233' },
        call: { callId: 'call-a@pbx', from: '+77011112233', to: '+77152000000', outcome: 'ended', startedAt: vic.clock.now() },
      }),
    );
    vic.tickets.post(op, ids.a, 'reply', 'Иван Иванович, заседание 10 декабря');
    vic.tickets.resolve(op, ids.a);
    ids.b = vic.ingest(
      envelope({
        channel: 'email',
        externalId: '<b@example.com>',
        sender: { kind: 'email', address: 'b@example.com' },
        text: 'Бланк во вложении',
        attachments: files(COMMON),
        thread: { messageId: '<b@example.com>', subject: 'Бланк' },
      }),
    ).ticketId;
    vic.tickets.resolve(op, ids.b);
    ids.c = vic.ingest(
      envelope({ sender: { kind: 'whatsapp', address: '77015556677@c.us', displayName: 'Петров' }, text: 'Вопрос по делу Петрова' }),
    ).ticketId;
  });

  it('exports everything held about the citizen found by phone, audited with who ran it', async () => {
    const r = await vicCli(vic.config.DATA_DIR, ['export', '+7 701 111 22 33', '--by', 'admin']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const { contacts } = JSON.parse(r.out) as ContactExport;
    expect(contacts).toHaveLength(1);
    const [c] = contacts;
    expect(c.contact).toMatchObject({ name: 'Иванов Иван', anonymisedAt: null });
    expect(c.identities.map((i) => i.address).sort()).toEqual(['+77011112233', '77011112233@c.us']);
    expect(c.tickets).toHaveLength(1);
    expect(c.tickets[0].messages.map((m) => m.text)).toEqual(
      expect.arrayContaining(['Я Иванов, ИИН 850101300123, когда заседание?', 'Иван Иванович, заседание 10 декабря']),
    );
    expect(c.tickets[0].attachments.map((a) => a.sha256)).toEqual([sha(photo), sha(COMMON)]);
    expect(c.tickets[0].calls).toEqual([expect.objectContaining({ from: '+77011112233', outcome: 'ended' })]);
    const contactId = vic.store.getTicket(ids.a)!.contactId;
    expect(vic.store.auditOf('contact', contactId)).toEqual([expect.objectContaining({ action: 'contact.exported', userId: admin.id })]);
  }, 60_000);

  it('refuses without --by or --reason, an unknown login, and an open ticket unless --force', async () => {
    const refused = await Promise.all(
      [
        ['export', '+77011112233'],
        ['erase', '+77011112233', '--by', 'admin'],
        ['export', '+77011112233', '--by', 'nobody'],
      ].map((a) => vicCli(vic.config.DATA_DIR, a)),
    );
    expect(refused.map((r) => r.code)).toEqual([2, 2, 1]);
    expect(refused[1].err).toContain('--reason is required');
    const before = dump(vic);
    const open = await vicCli(vic.config.DATA_DIR, ['erase', '77015556677@c.us', '--reason', 'Заявление № 7', '--by', 'admin']);
    expect(open.code).toBe(1);
    expect(open.err).toContain(vic.store.getTicket(ids.c)!.ref);
    expect(dump(vic)).toEqual(before);
    const forced = await vicCli(vic.config.DATA_DIR, [
      'erase',
      '77015556677@c.us',
      '--reason',
      'Заявление № 7',
      '--by',
      'admin',
      '--force',
    ]);
    expect(forced.code).toBe(0);
    expect(vic.store.listMessages(ids.c).map((m) => m.text)).toEqual([MARKERS.erasure]);
    // It stays in its queue for the operator to close.
    expect(vic.store.getTicket(ids.c)!.status).toBe('open');
  }, 60_000);

  it('erases the citizen now, whatever the age, keeps the counts, a file another citizen sent, and the audit', async () => {
    const before = report(vic);
    const contactId = vic.store.getTicket(ids.a)!.contactId;
    const search = (q: string) => vic.store.searchTickets({ id: admin.id, role: 'admin', courtId: null }, { q, limit: 10 }).total;
    expect([search('850101300123'), search('Иванов'), search('77011112233')]).toEqual([1, 1, 1]);
    const r = await vicCli(vic.config.DATA_DIR, ['erase', '87011112233', '--reason', 'Заявление № 12 от 01.12.2026', '--by', 'cli']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('kept: the ticket rows');
    expect(vic.store.getContact(contactId)).toMatchObject({ name: null, iin: null, identities: [] });
    expect(
      vic.store
        .listMessages(ids.a)
        .map((m) => m.text)
        .every((t) => t === MARKERS.erasure),
    ).toBe(true);
    expect(vic.store.listCalls(ids.a)).toEqual([expect.objectContaining({ from: '', to: '+77152000000' })]);
    expect(vic.store.listAttachments(ids.a).map((a) => a.sha256)).toEqual([null, null]);
    expect(fs.existsSync(fileOf(vic, sha(photo)))).toBe(false);
    expect(fs.existsSync(fileOf(vic, sha(COMMON))), 'the other citizen sent the same file').toBe(true);
    expect(vic.store.listMessages(ids.b).map((m) => m.text)).toEqual(['Бланк во вложении']);
    expect(report(vic)).toEqual(before);
    // Search finds nothing of them any more: not the text, the name or the phone.
    expect([search('850101300123'), search('Иванов'), search('77011112233')]).toEqual([0, 0, 0]);
    expect(vic.store.auditOf('contact', contactId).at(-1)).toMatchObject({ action: 'contact.erased', userId: null });
    expect(JSON.parse(vic.store.auditOf('contact', contactId).at(-1)!.details!)).toMatchObject({
      reason: 'Заявление № 12 от 01.12.2026',
      by: expect.stringMatching(/^cli/) as string,
    });
    // Nothing left to find by the phone; the contact id shows what remains.
    expect((await vicCli(vic.config.DATA_DIR, ['export', '+77011112233', '--by', 'admin'])).code).toBe(1);
    const left = (JSON.parse((await vicCli(vic.config.DATA_DIR, ['export', String(contactId), '--by', 'admin'])).out) as ContactExport)
      .contacts[0];
    expect(left.identities).toEqual([]);
    expect(left.tickets[0].subject).toBeNull();
  }, 60_000);
});
