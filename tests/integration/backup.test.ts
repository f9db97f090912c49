// Backups on real files: taken while e-mails keep arriving (by `vic backup` in its own process, and by the
// helpdesk's own schedule), restored elsewhere and started; corrupt and incomplete backups refused with one line;
// scheduled backups keeping BACKUP_KEEP.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEmailChannel, type EmailConfig } from '../../channels/email/index.ts';
import { Vic } from '../../src/app.ts';
import { verifyBackup } from '../../src/backup/verify.ts';
import { runBackupCommand, type Command } from '../../src/cli/backup.ts';
import { testConfig } from '../../src/config.ts';
import type { InboundEnvelope } from '../../src/envelope.ts';
import { createLogger } from '../../src/log.ts';
import { ManualClock } from '../../src/clock.ts';
import { type Dovecot, dovecotMissing, emailChannelConfig, useMailServers } from '../support/dovecot.ts';
import { WORKING, makeVic, serve, tempDir, until } from '../helpers.ts';
import { json, type Page, type TicketRow } from './json.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAILBOX = 'vic@court.test';
const SHARED = crypto.randomBytes(4096);
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** E-mail number i; every 5th has an attachment of its own, every 10th also one all of them share. */
function mail(i: number, at: number): InboundEnvelope {
  const id = `<b${i}@citizen.test>`;
  const own =
    i % 5 === 0 ? [{ filename: `скан-${i}.pdf`, contentType: 'application/pdf', content: crypto.randomBytes(8192), size: 8192 }] : [];
  const shared = i % 10 === 0 ? [{ filename: 'бланк.pdf', contentType: 'application/pdf', content: SHARED, size: SHARED.length }] : [];
  return {
    channel: 'email',
    account: MAILBOX,
    externalId: id,
    receivedAt: at,
    sender: { kind: 'email', address: `citizen${i % 97}@citizen.test`, displayName: 'Ержан Сапаров' },
    thread: { messageId: id, subject: `Вопрос ${i}` },
    text: `Здравствуйте! Вопрос ${i}: когда будет заседание по делу 2-${i}/2026? ${'Прошу сообщить подробности. '.repeat(30)}`,
    attachments: [...own, ...shared],
  };
}

/** Steady ingest, an e-mail every few milliseconds; `acked` holds the numbers whose ingest has returned. */
function feed(vic: Vic, from: number) {
  const acked: number[] = [];
  let stopped = false;
  let n = from;
  const done = (async () => {
    while (!stopped) {
      vic.ingest(mail(n, vic.clock.now()));
      acked.push(n++);
      await new Promise((r) => setTimeout(r, 4));
    }
  })();
  return { acked, stop: async () => ((stopped = true), await done) };
}

/** `vic <args>` in a process of its own, as an operator or cron runs it. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/vic.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The same command in this process, with what it prints. */
async function run(command: Command, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runBackupCommand(command, args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const only = (dir: string) => {
  const names = fs.readdirSync(dir);
  expect(names).toHaveLength(1);
  return path.join(dir, names[0]);
};

/**
 * A VIC started on the restored DATA_DIR: the database is sound, its e-mails are exactly the first K sent (a
 * transaction-consistent copy of a sequential ingest can hold nothing else), K covers everything acknowledged
 * before the backup started, every message has its ticket, and every attachment its file with its content.
 */
async function checkRestored(dataDir: string, ackedBefore: number, sent: number) {
  const vic = new Vic({ config: testConfig({ DATA_DIR: dataDir }), clock: new ManualClock(WORKING) });
  const db = vic.store.db;
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);

  const numbers = (db.prepare(`SELECT external_id FROM messages WHERE channel = 'email' AND direction = 'in'`).pluck().all() as string[])
    .map((id) => Number(/^<b(\d+)@/.exec(id)![1]))
    .sort((a, b) => a - b);
  const k = numbers.length;
  expect(k).toBeGreaterThanOrEqual(ackedBefore);
  expect(k).toBeLessThanOrEqual(sent);
  expect(numbers).toEqual(Array.from({ length: k }, (_, i) => i));
  expect(db.prepare('SELECT count(*) FROM messages m LEFT JOIN tickets t ON t.id = m.ticket_id WHERE t.id IS NULL').pluck().get()).toBe(0);

  const attachments = db.prepare('SELECT id, sha256 FROM attachments').all() as { id: number; sha256: string | null }[];
  expect(attachments).toHaveLength(numbers.filter((i) => i % 5 === 0).length + numbers.filter((i) => i % 10 === 0).length);
  for (const a of attachments) {
    const file = path.join(dataDir, 'attachments', a.sha256!.slice(0, 2), a.sha256!);
    expect(sha(fs.readFileSync(file)), file).toBe(a.sha256);
  }

  // And it serves them: the admin of the original signs in, sees every ticket and downloads a file.
  const server = await serve(vic);
  const { cookie, api } = await server.login('admin', 'admin-secret-1');
  expect(json<Page<TicketRow>>(await api.get('/api/tickets?queue=all&limit=1')).total).toBe(
    db.prepare('SELECT count(*) FROM tickets').pluck().get(),
  );
  const one = attachments.at(-1)!;
  const res = await fetch(`${server.base}/api/attachments/${one.id}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(one.sha256);
}

describe('backup and restore', () => {
  it('a backup taken while e-mails keep arriving holds every one acknowledged before it started, and nothing half-written', async () => {
    const backupsByHand = tempDir();
    const scheduled = tempDir();
    const { vic, clock } = await makeVic({ BACKUP_DIR: scheduled, BACKUP_KEEP: 2 });
    const dataDir = vic.config.DATA_DIR;
    // Some history first, so the copies take more than one step.
    const PREFILL = 600;
    for (let i = 0; i < PREFILL; i++) vic.ingest(mail(i, clock.now()));

    const feeder = feed(vic, PREFILL);
    // `vic backup` in its own process: a separate connection while this one keeps writing.
    const beforeCli = PREFILL + feeder.acked.length;
    const byHand = await cli(['backup', backupsByHand, '--data-dir', dataDir]);
    expect(byHand.stderr).toBe('');
    expect(byHand.code).toBe(0);
    const duringCli = PREFILL + feeder.acked.length - beforeCli;
    // The helpdesk's own scheduled backup: the same connection the e-mails are written through, in steps.
    const beforeScheduled = PREFILL + feeder.acked.length;
    const taken = await vic.backups!.tick();
    expect(taken).not.toBeNull();
    const duringScheduled = PREFILL + feeder.acked.length - beforeScheduled;
    await feeder.stop();
    const sent = PREFILL + feeder.acked.length;
    await vic.close();
    // Both really ran while messages were being stored.
    expect(duringCli).toBeGreaterThan(0);
    expect(duringScheduled).toBeGreaterThan(0);

    const dir = only(backupsByHand);
    expect(byHand.stdout).toMatch(new RegExp(`^backup written: ${dir} \\(\\d+ files, .+, database schema \\d+, taken .+\\)\\n$`));
    const restoredByHand = path.join(tempDir(), 'data');
    const restore = await cli(['restore', dir, '--data-dir', restoredByHand]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    await checkRestored(restoredByHand, beforeCli, sent);

    expect(taken!.dir).toBe(only(scheduled));
    const restoredScheduled = tempDir();
    expect((await run('restore', [taken!.dir, '--data-dir', restoredScheduled])).code).toBe(0);
    await checkRestored(restoredScheduled, beforeScheduled, sent);
  }, 90_000);

  /** A small DATA_DIR with attachments and a WhatsApp session, and one backup of it. */
  async function smallBackup() {
    const { vic, clock } = await makeVic();
    for (let i = 0; i < 20; i++) vic.ingest(mail(i, clock.now()));
    const session = path.join(vic.config.DATA_DIR, 'whatsapp', 'session', 'Default');
    fs.mkdirSync(path.join(session, 'Cache'), { recursive: true });
    fs.writeFileSync(path.join(session, 'Cookies'), 'the paired session');
    fs.writeFileSync(path.join(session, 'Cache', 'data_0'), 'rebuilt by Chromium');
    fs.symlinkSync('vic-host-4242', path.join(vic.config.DATA_DIR, 'whatsapp', 'session', 'SingletonLock'));
    const root = tempDir();
    const r = await run('backup', [root, '--data-dir', vic.config.DATA_DIR]);
    expect(r.code).toBe(0);
    await vic.close();
    return { dir: only(root), vic };
  }

  const copyOf = (dir: string) => {
    const copy = path.join(tempDir(), path.basename(dir));
    fs.cpSync(dir, copy, { recursive: true });
    return copy;
  };

  it('verify passes a sound backup; it holds the WhatsApp session but not Chromium caches or lock links', async () => {
    const { dir } = await smallBackup();
    const v = await run('verify', [dir]);
    expect(v).toMatchObject({ code: 0, err: [] });
    expect(v.out).toEqual([expect.stringMatching(new RegExp(`^backup ${dir}: ok \\(7 files, `))]);
    expect(fs.readFileSync(path.join(dir, 'whatsapp/session/Default/Cookies'), 'utf8')).toBe('the paired session');
    expect(fs.existsSync(path.join(dir, 'whatsapp/session/Default/Cache'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'whatsapp/session/SingletonLock'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'vic.sqlite-wal'))).toBe(false);
  });

  it('refuses a corrupt or incomplete backup, in verify and restore, with one line and nothing restored', async () => {
    const { dir } = await smallBackup();
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
      files: { path: string; size: number; sha256: string }[];
    };
    const attachment = manifest.files.find((f) => f.path.startsWith('attachments/'))!.path;

    const flipped = copyOf(dir);
    const db = path.join(flipped, 'vic.sqlite');
    const bytes = fs.readFileSync(db);
    bytes[bytes.length >> 1] ^= 0x01;
    fs.writeFileSync(db, bytes);

    const lost = copyOf(dir);
    fs.rmSync(path.join(lost, attachment));

    const unfinished = copyOf(dir);
    fs.rmSync(path.join(unfinished, 'manifest.json'));

    // A backup of a database already damaged: the checksums agree, SQLite does not.
    const damaged = copyOf(dir);
    const file = path.join(damaged, 'vic.sqlite');
    const page = fs.readFileSync(file);
    const pageSize = page.readUInt16BE(16);
    page[pageSize] = 0x07; // page 2's b-tree page type: no such type
    fs.writeFileSync(file, page);
    const m = JSON.parse(fs.readFileSync(path.join(damaged, 'manifest.json'), 'utf8')) as typeof manifest;
    m.files.find((f) => f.path === 'vic.sqlite')!.sha256 = sha(page);
    fs.writeFileSync(path.join(damaged, 'manifest.json'), JSON.stringify(m));

    const cases: [string, RegExp][] = [
      [flipped, /: vic\.sqlite: checksum mismatch$/],
      [lost, new RegExp(`: ${attachment}: missing$`)],
      [unfinished, /: incomplete \(no manifest\.json\)$/],
      [damaged, /: vic\.sqlite: (integrity_check: .+|not a sound SQLite database \(.+\))$/],
    ];
    for (const [backup, line] of cases) {
      const verify = await run('verify', [backup]);
      expect(verify, backup).toMatchObject({ code: 1, out: [] });
      expect(verify.err).toHaveLength(1);
      expect(verify.err[0]).toMatch(new RegExp(`^backup ${backup}${line.source}`));
      const target = path.join(tempDir(), 'data');
      const restore = await run('restore', [backup, '--data-dir', target]);
      expect(restore).toMatchObject({ code: 1, out: [], err: verify.err });
      expect(fs.existsSync(target)).toBe(false);
    }

    // The same from the command line, as cron sees it: a non-zero exit and the one line on stderr.
    const target = tempDir();
    const restore = await cli(['restore', flipped, '--data-dir', target]);
    expect(restore).toEqual({ code: 1, stdout: '', stderr: `backup ${flipped}: vic.sqlite: checksum mismatch\n` });
    expect(fs.readdirSync(target)).toEqual([]);
    const verify = await cli(['verify', unfinished]);
    expect(verify).toEqual({ code: 1, stdout: '', stderr: `backup ${unfinished}: incomplete (no manifest.json)\n` });
  });

  it('restores only into an empty DATA_DIR', async () => {
    const { dir } = await smallBackup();
    const target = tempDir();
    fs.writeFileSync(path.join(target, 'vic.sqlite'), 'someone else’s data');
    const r = await run('restore', [dir, '--data-dir', target]);
    expect(r).toEqual({
      code: 1,
      out: [],
      err: [`restore: DATA_DIR ${target} is not empty (1 entries, e.g. vic.sqlite): restore only into an empty or new folder`],
    });
    expect(fs.readFileSync(path.join(target, 'vic.sqlite'), 'utf8')).toBe('someone else’s data');
  });

  it('scheduled backups run every BACKUP_EVERY_HOURS, keep the newest BACKUP_KEEP, and leave others’ unfinished ones alone', async () => {
    const root = tempDir();
    const clock = new ManualClock(WORKING);
    const lines: { level: number; msg: string; err?: { message: string } }[] = [];
    const log = createLogger(
      'info',
      new Writable({ write: (chunk: Buffer, _enc, cb) => (lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]), cb()) }),
    );
    const vic = new Vic({
      config: testConfig({ DATA_DIR: tempDir(), BACKUP_DIR: root, BACKUP_EVERY_HOURS: 6, BACKUP_KEEP: 3 }),
      clock,
      log,
    });
    await vic.seed();
    const hours = (h: number) =>
      new Date(WORKING + h * 3_600_000)
        .toISOString()
        .replace(/\.000Z$/, 'Z')
        .replace(/:/g, '-');
    // Not ours; one another process is still writing (an hour old); one abandoned two days ago.
    fs.mkdirSync(path.join(root, 'notes'));
    fs.mkdirSync(path.join(root, hours(-1)));
    fs.mkdirSync(path.join(root, hours(-48)));

    const names = () => fs.readdirSync(root).sort();
    let n = 0;
    vic.ingest(mail(n++, clock.now()));
    expect((await vic.backups!.tick())?.dir).toBe(path.join(root, hours(0)));
    expect(names()).toEqual([hours(-1), hours(0), 'notes']);
    clock.advance(5 * 3_600_000);
    expect(await vic.backups!.tick()).toBeNull();

    for (let h = 6; h <= 30; h += 6) {
      clock.set(WORKING + h * 3_600_000);
      vic.ingest(mail(n++, clock.now()));
      expect((await vic.backups!.tick())?.dir).toBe(path.join(root, hours(h)));
    }
    // The one in progress became a day old: abandoned.
    expect(names()).toEqual([hours(18), hours(24), hours(30), 'notes']);
    const newest = await verifyBackup(path.join(root, hours(30)));
    expect(newest.createdAt).toBe(new Date(WORKING + 30 * 3_600_000).toISOString());
    // An attachment the previous backup holds is shared with it (a hard link), not stored once more per backup.
    const older = new Set((await verifyBackup(path.join(root, hours(18)))).files.map((f) => f.path));
    const attachment = newest.files.find((f) => f.path.startsWith('attachments/') && older.has(f.path))!.path;
    expect(fs.statSync(path.join(root, hours(30), attachment)).ino).toBe(fs.statSync(path.join(root, hours(18), attachment)).ino);
    expect(lines.filter((l) => l.msg === 'backup written')).toHaveLength(6);
    expect(lines.filter((l) => l.msg === 'old backups removed')).not.toHaveLength(0);

    // A failure is logged and tried again an hour later, not at every tick; the helpdesk goes on.
    fs.rmSync(root, { recursive: true });
    fs.writeFileSync(root, 'not a folder');
    clock.set(WORKING + 36 * 3_600_000);
    expect(await vic.backups!.tick()).toBeNull();
    expect(lines.at(-1)).toMatchObject({ level: 50, msg: 'backup failed' });
    fs.rmSync(root);
    clock.advance(30 * 60_000);
    expect(await vic.backups!.tick()).toBeNull();
    expect(fs.existsSync(root)).toBe(false);
    clock.advance(30 * 60_000);
    expect((await vic.backups!.tick())?.dir).toBe(path.join(root, hours(37)));
    await vic.close();
  });
});

describe.skipIf(dovecotMissing)('backup with the e-mail channel reading a real mailbox (Dovecot)', () => {
  let dovecot: Dovecot;
  useMailServers([MAILBOX], (d) => (dovecot = d));

  // The outbox is not started in this test: nothing is sent.
  const config = (mailbox: string): EmailConfig => emailChannelConfig(dovecot, { user: MAILBOX, smtpPort: 9, mailbox });
  const storedIds = (vic: Vic) =>
    new Set(
      vic.store.db.prepare(`SELECT external_id FROM messages WHERE channel = 'email' AND direction = 'in'`).pluck().all() as string[],
    );

  it('mail stored before the backup is in it; restored, the channel fetches what came after from its watermark, each message once', async () => {
    const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
    const mailbox = 'Backup';
    const imap = await dovecot.imap();
    await imap.mailboxCreate(mailbox);
    const { vic } = await makeVic();
    await vic.addChannel(createEmailChannel(config(mailbox)));

    // Citizens keep writing until the backup is done, and a few times after.
    const sent: string[] = [];
    let backupDone = false;
    const writing = (async () => {
      for (let after = 0; after < 5; after += backupDone ? 1 : 0) {
        const i = sent.length;
        const id = `<d${i}.${Date.now()}@citizen.test>`;
        const raw = await new MailComposer({
          from: `Гражданин ${i} <citizen${i}@citizen.test>`,
          to: MAILBOX,
          subject: `Вопрос ${i}`,
          messageId: id,
          text: `Здравствуйте! Когда будет заседание по делу 2-${i}/2026?`,
          attachments:
            i % 3 === 0 ? [{ filename: `скан-${i}.pdf`, content: crypto.randomBytes(4096), contentType: 'application/pdf' }] : [],
        })
          .compile()
          .build();
        await imap.append(mailbox, raw);
        sent.push(id);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await until('the first ten stored', () => storedIds(vic).size >= 10, 30_000);
    const before = storedIds(vic);
    const root = tempDir();
    const backup = await cli(['backup', root, '--data-dir', vic.config.DATA_DIR]);
    backupDone = true;
    expect(backup.stderr).toBe('');
    await writing;
    await until('all stored', () => storedIds(vic).size === sent.length, 30_000);
    await vic.close();
    await imap.logout();

    const target = path.join(tempDir(), 'data');
    expect((await run('restore', [only(root), '--data-dir', target])).code).toBe(0);
    const restored = new Vic({ config: testConfig({ DATA_DIR: target }), clock: new ManualClock(WORKING) });
    const inBackup = storedIds(restored);
    for (const id of before) expect(inBackup.has(id), id).toBe(true);
    // The last five were written after the backup finished.
    expect(inBackup.size).toBeLessThanOrEqual(sent.length - 5);

    await restored.addChannel(createEmailChannel(config(mailbox)));
    await until('the restored VIC caught up', () => storedIds(restored).size === sent.length, 30_000);
    expect(restored.store.db.prepare(`SELECT count(*) FROM messages WHERE channel = 'email' AND direction = 'in'`).pluck().get()).toBe(
      sent.length,
    );
    expect([...storedIds(restored)].sort()).toEqual([...sent].sort());
    for (const a of restored.store.db.prepare('SELECT sha256 FROM attachments').pluck().all() as string[]) {
      expect(sha(fs.readFileSync(path.join(target, 'attachments', a.slice(0, 2), a)))).toBe(a);
    }
    await restored.close();
  }, 90_000);
});
