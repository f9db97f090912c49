// Demo data (VIC_DEMO=1) can never reach a citizen: refused together with a channel, reserved addresses only,
// and a DATA_DIR that held demo data and is restarted with e-mail configured sends none of it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailChannel } from '../../channels/email/index.ts';
import { Vic } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { testConfig } from '../../src/config.ts';
import { loadDemo } from '../../src/demo.ts';
import { DEMO_NOT_SENT } from '../../src/outbox.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { SmtpSink, freePort } from '../support/dovecot.ts';
import { SATURDAY_NIGHT, WORKING, envelope, makeVic, tempDir, until } from '../helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAILBOX = 'vic@court.test';

describe('demo data never reaches a citizen', () => {
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await SmtpSink.start();
  });
  afterAll(async () => {
    await smtp?.stop();
  });

  /** Restarts on `dir` without VIC_DEMO and with the e-mail channel (SMTP: the sink; IMAP: nothing listening). */
  async function restartWithEmail(dir: string) {
    const clock = new ManualClock(WORKING);
    const vic = new Vic({ config: testConfig({ DATA_DIR: dir }), clock });
    await vic.listen(0, '127.0.0.1');
    await vic.addChannel(
      createEmailChannel({
        imap: {
          host: '127.0.0.1',
          port: await freePort(),
          security: 'plain',
          user: MAILBOX,
          password: 'x',
          mailbox: 'INBOX',
          markSeen: false,
        },
        smtp: { host: '127.0.0.1', port: smtp.port, security: 'plain' },
        from: MAILBOX,
        address: MAILBOX,
        attachmentsMaxBytes: 1024 * 1024,
        reconnectBaseMs: 60_000,
        reconnectMaxMs: 60_000,
        smtpTimeoutMs: 3000,
      }),
    );
    // A real citizen's reply goes out: the channel works, so nothing demo was held back by accident.
    const r = vic.ingest(
      envelope({
        channel: 'email',
        account: MAILBOX,
        externalId: '<real@citizen.kz>',
        sender: { kind: 'email', address: 'real@citizen.kz' },
        thread: { messageId: '<real@citizen.kz>', subject: 'Вопрос' },
        receivedAt: WORKING,
      }),
    );
    const { messageId } = vic.tickets.post(vic.store.getUserByLogin('admin')!, r.ticketId, 'reply', 'Ответ');
    await until('the real reply sent', () => vic.store.getMessage(messageId)!.deliveryStatus === 'sent');
    // Any retry of anything still waiting would be due by now.
    clock.advance(3_600_000);
    await vic.outbox.tick();
    return vic;
  }

  const outbound = (vic: Vic) =>
    vic.store.db
      .prepare(
        `SELECT m.id, m.delivery_status AS status, m.delivery_error AS error FROM messages m JOIN tickets t ON t.id = m.ticket_id
      WHERE m.direction = 'out' AND t.account = 'demo'`,
      )
      .all() as { id: number; status: string; error: string | null }[];

  it('refuses VIC_DEMO=1 with a channel configured, in one line', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: tempDir(),
      PORT: '0',
      HOST: '127.0.0.1',
      VIC_DEMO: '1',
      ADMIN_PASSWORD: 'admin-secret-1',
      EMAIL_IMAP_HOST: 'imap.court.test',
      EMAIL_IMAP_USER: MAILBOX,
      EMAIL_IMAP_PASSWORD: 'x',
      EMAIL_SMTP_HOST: 'smtp.court.test',
      EMAIL_FROM: MAILBOX,
      SIP_DRACHTIO_HOST: '127.0.0.1',
      SIP_DRACHTIO_SECRET: 'x',
      SIP_OPERATOR_URI_TEMPLATE: 'sip:{extension}@pbx.court.test',
      SIP_ALLOWED_SOURCES: '10.0.0.9',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(out).toBe(
      "config: VIC_DEMO=1 cannot run with a channel configured (EMAIL_IMAP_HOST, SIP_DRACHTIO_HOST): unset VIC_DEMO or the channel's variables\n",
    );
  }, 30_000);

  it('gives demo citizens reserved addresses only; restarted with e-mail on the same DATA_DIR, no demo message goes out', async () => {
    // Saturday night: the demo's messages fall in and out of working hours, so auto-replies are queued.
    const { vic } = await makeVic({ VIC_DEMO: true }, SATURDAY_NIGHT);
    const dir = vic.config.DATA_DIR;
    expect(await loadDemo(vic)).not.toBeNull();
    const identities = vic.store.db.prepare('SELECT kind, address FROM contact_identities').all() as { kind: string; address: string }[];
    expect(identities.length).toBeGreaterThan(25);
    const reserved: Record<string, RegExp> = {
      // RFC 2606 / 6761: example.com/.net/.org and the .test TLD deliver nowhere.
      email: /@(?:[a-z0-9-]+\.)*(?:example\.(?:com|net|org)|test)$/,
      // Ofcom's drama numbers, never assigned: mobile 07700 900xxx, London 020 7946 0xxx.
      whatsapp: /^447700900\d{3}@c\.us$/,
      phone: /^\+44(?:7700900|2079460)\d{3}$/,
    };
    for (const { kind, address } of identities) expect(address, kind).toMatch(reserved[kind]);
    expect(vic.store.db.prepare('SELECT count(*) AS c FROM tickets WHERE demo = 0').get()).toEqual({ c: 0 });
    const queued = outbound(vic);
    expect(queued.length).toBeGreaterThan(0);
    await vic.close();

    const again = await restartWithEmail(dir);
    expect(smtp.received.map((m) => m.to)).toEqual([['real@citizen.kz']]);
    expect(outbound(again)).toEqual(queued.map((m) => ({ ...m, status: 'failed', error: DEMO_NOT_SENT })));
    await again.close();
  });

  it('does not send demo data loaded before demo tickets were marked either (an old DATA_DIR, real-looking addresses)', async () => {
    // The schema before migration 8, with what the old demo left: an auto-reply to a gmail.com address, queued.
    const dir = tempDir();
    const db = new Database(path.join(dir, 'vic.sqlite'));
    MIGRATIONS.slice(0, 7).forEach((m) => db.exec(m));
    db.pragma('user_version = 7');
    const t = WORKING;
    db.prepare(
      `INSERT INTO courts (id, code, name_ru, name_kk, created_at) VALUES (1, 'sko-regional', 'Областной суд', 'Облыстық сот', ?)`,
    ).run(t);
    db.prepare(`INSERT INTO contacts (id, name, created_at) VALUES (1, 'Айгүл Бейсенова', ?)`).run(t);
    db.prepare(`INSERT INTO contact_identities (kind, address, contact_id, added_at) VALUES ('email', 'a.beisenova@gmail.com', 1, ?)`).run(
      t,
    );
    db.prepare(
      `INSERT INTO tickets (id, ref, court_id, contact_id, channel, account, status, created_at, updated_at) VALUES (1, 'VIC-2026-00007', 1, 1, 'email', 'demo', 'waiting', ?, ?)`,
    ).run(t, t);
    db.prepare(
      `INSERT INTO messages (id, ticket_id, direction, channel, auto, text, delivery_status, created_at) VALUES (1, 1, 'out', 'email', 'off-hours', 'Ваше обращение принято', 'queued', ?)`,
    ).run(t);
    const payload = {
      messageId: 1,
      ticketRef: 'VIC-2026-00007',
      channel: 'email',
      account: 'demo',
      to: 'a.beisenova@gmail.com',
      text: 'Ваше обращение принято',
      idempotencyKey: 'vic-out-1',
      auto: 'off-hours',
    };
    db.prepare(
      `INSERT INTO outbox (message_id, channel, payload, status, next_attempt_at, created_at, updated_at) VALUES (1, 'email', ?, 'pending', ?, ?, ?)`,
    ).run(JSON.stringify(payload), t, t, t);
    db.close();

    const before = smtp.received.length;
    const vic = await restartWithEmail(dir);
    expect(smtp.received.slice(before).map((m) => m.to)).toEqual([['real@citizen.kz']]);
    expect(vic.store.getMessage(1)).toMatchObject({ deliveryStatus: 'failed', deliveryError: DEMO_NOT_SENT });
    await vic.close();
  });
});
