// kill -9 while 500 replies go out over SMTP, several at once: VIC runs as `src/main.ts` in a child process with the
// e-mail channel (4 SMTP connections) pointed at an SMTP server in this test that takes 20 ms over each message and
// kills the child at the worst moment — a message received, our answer (250) not yet sent — twice. After each
// restart the outbox must send everything, and only the messages in flight at a kill may arrive twice
// (recognisable: the same Message-ID).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/dovecot.ts';
import { envelope, makeVic, tempDir } from '../helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAILBOX = 'vic@court.test';
const REPLIES = 500;
const KILL_AT = [150, 350];
const CONNECTIONS = 4;

/** A DATA_DIR with REPLIES operator replies to e-mail tickets waiting in the outbox. */
async function prepare(): Promise<string> {
  const dir = tempDir();
  const { vic, clock } = await makeVic({ DATA_DIR: dir });
  const admin = vic.store.getUserByLogin('admin')!;
  for (let i = 0; i < REPLIES; i++) {
    const id = `<q${i}@citizen.test>`;
    const r = vic.ingest(
      envelope({
        channel: 'email',
        account: MAILBOX,
        externalId: id,
        sender: { kind: 'email', address: `citizen${i}@citizen.test` },
        thread: { messageId: id, subject: 'Вопрос' },
        receivedAt: clock.now(),
      }),
    );
    vic.tickets.post(admin, r.ticketId, 'reply', `Ответ ${i}`);
  }
  await vic.close();
  return dir;
}

describe('outbox across kill -9', () => {
  const children: ChildProcess[] = [];
  let server: SMTPServer | null = null;
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('sends all 500 replies through two kills mid-send; duplicates only of the messages in flight; no attempt lost to a restart', async () => {
    const dir = await prepare();
    const [smtpPort, closedPort] = [await freePort(), await freePort()];
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      ADMIN_PASSWORD: 'admin-secret-1',
      // IMAP is down (nothing listens there): SMTP is used all the same.
      EMAIL_IMAP_HOST: '127.0.0.1',
      EMAIL_IMAP_PORT: String(closedPort),
      EMAIL_IMAP_SECURE: 'false',
      EMAIL_IMAP_USER: MAILBOX,
      EMAIL_IMAP_PASSWORD: 'x',
      EMAIL_SMTP_HOST: '127.0.0.1',
      EMAIL_SMTP_PORT: String(smtpPort),
      EMAIL_SMTP_SECURE: 'false',
      EMAIL_SMTP_CONNECTIONS: String(CONNECTIONS),
      EMAIL_FROM: `ВИЦ <${MAILBOX}>`,
    };
    let child: ChildProcess;
    let exited: Promise<unknown>;
    const run = () => {
      child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(child);
      exited = new Promise((resolve) => child.once('exit', resolve));
    };

    const ids: string[] = [];
    const kills = [...KILL_AT];
    let killed: () => void = () => {};
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          ids.push(/^Message-ID:\s*(<[^>]+>)/im.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? '?');
          // The others wait, so that the pool's connections are all busy when the kill comes.
          if (ids.length !== kills[0]) return void setTimeout(cb, 20);
          // Received, not yet acknowledged: the sender dies before it can record the message as sent.
          kills.shift();
          child.kill('SIGKILL');
          void exited.then(() => {
            killed();
            cb();
          });
        });
      },
    });
    // A kill resets the other connections mid-transaction, which smtp-server reports as an 'error' on the server
    // (uncaught without a listener). Those resets are the point of the test; anything else fails it.
    const serverErrors: string[] = [];
    server.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') serverErrors.push(err.message);
    });
    await new Promise<void>((resolve) => server!.listen(smtpPort, '127.0.0.1', () => resolve()));

    const db = () => new Database(path.join(dir, 'vic.sqlite'));
    const inFlight: number[] = [];
    for (let k = 0; k < KILL_AT.length; k++) {
      const gone = new Promise<void>((resolve) => (killed = resolve));
      run();
      await gone;
      const d = db();
      inFlight.push((d.prepare(`SELECT count(*) AS c FROM outbox WHERE status = 'sending'`).get() as { c: number }).c);
      d.close();
    }
    run();
    const d = db();
    const unsent = () => (d.prepare(`SELECT count(*) AS c FROM outbox WHERE status <> 'sent'`).get() as { c: number }).c;
    const deadline = Date.now() + 60_000;
    while (unsent() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child!.kill('SIGTERM');
    await exited!;

    const distinct = new Set(ids);
    const duplicates = ids.length - distinct.size;
    console.info(
      `[outbox-crash] ${ids.length} mails received for ${distinct.size} replies; in flight at the kills: ${inFlight.join(', ')}; duplicates: ${duplicates}`,
    );
    expect(serverErrors).toEqual([]);
    expect(unsent()).toBe(0);
    expect(distinct.size).toBe(REPLIES);
    expect(distinct.has('?')).toBe(false);
    // Several were in flight at a kill, never more than the connections; only those can have arrived twice.
    const inFlightTotal = inFlight.reduce((a, b) => a + b, 0);
    for (const n of inFlight) expect(n).toBeGreaterThanOrEqual(1);
    for (const n of inFlight) expect(n).toBeLessThanOrEqual(CONNECTIONS);
    expect(inFlightTotal).toBeGreaterThan(KILL_AT.length);
    expect(duplicates).toBeLessThanOrEqual(inFlightTotal);
    // Every attempt counted reached the server, but for those in flight the kill stopped before the server had them
    // (at least the one that triggered each kill had arrived): restarts consumed none.
    const attempts = (d.prepare(`SELECT sum(attempts) AS s FROM outbox`).get() as { s: number }).s;
    expect(attempts).toBeGreaterThanOrEqual(ids.length);
    expect(attempts - ids.length).toBeLessThanOrEqual(inFlightTotal - KILL_AT.length);
    d.close();
  }, 120_000);
});
