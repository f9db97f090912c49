// Mail servers for tests. A throw-away Dovecot: its own config, Maildir and passwd-file under a temporary folder, IMAP and
// LMTP on free localhost ports, nothing system-wide (needs Debian's dovecot-imapd and dovecot-lmtpd); and an
// in-process SMTP server that records what it receives.
import { afterAll, beforeAll } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import type { EmailConfig } from '../../channels/email/index.ts';

export const DOVECOT_BIN = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => fs.existsSync(p));
/** Why the e-mail integration tests cannot run here, or null when they can. */
export const dovecotMissing: string | null = DOVECOT_BIN ? null : 'dovecot is not installed (apt-get install dovecot-imapd dovecot-lmtpd)';

export interface DovecotUser {
  user: string;
  password: string;
}

/** The name of a group id (Dovecot's settings want names). */
function groupName(gid: number): string {
  const line = fs
    .readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[2] === String(gid));
  return line?.split(':')[0] ?? String(gid);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function until(what: string, cond: () => Promise<boolean> | boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`dovecot: ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export class Dovecot {
  readonly host = '127.0.0.1';
  private child: ChildProcess | null = null;

  private constructor(
    readonly dir: string,
    readonly imapPort: number,
    readonly lmtpPort: number,
    readonly users: DovecotUser[],
  ) {}

  /** Starts a new instance with these users (`name@domain`, password `secret-<name>` unless given). */
  static async start(users: (string | DovecotUser)[] = ['vic@court.test']): Promise<Dovecot> {
    if (!DOVECOT_BIN) throw new Error(dovecotMissing!);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vic-dovecot-'));
    const list = users.map((u) => (typeof u === 'string' ? { user: u, password: `secret-${u.split('@')[0]}` } : u));
    const d = new Dovecot(dir, await freePort(), await freePort(), list);
    d.writeConfig();
    await d.resume();
    return d;
  }

  get configFile() {
    return path.join(this.dir, 'dovecot.conf');
  }

  private writeConfig() {
    const { dir } = this;
    // As root, Dovecot's login and mail processes must run as its own unprivileged users (a uid 0 userdb
    // is refused); as any other user everything runs as that user, without the chroots only root may make.
    const root = process.getuid?.() === 0;
    const me = os.userInfo();
    const loginUser = root ? 'dovenull' : me.username;
    const internalUser = root ? 'dovecot' : me.username;
    const mailUid = root ? 'dovecot' : String(me.uid);
    const mailGid = root ? 'dovecot' : String(me.gid);
    for (const sub of ['run', 'state', 'mail']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, 'run'), 0o755);
    if (root) execFileSync('chown', ['dovecot:dovecot', path.join(dir, 'mail')]);
    fs.writeFileSync(path.join(dir, 'passwd'), this.users.map((u) => `${u.user}:{PLAIN}${u.password}\n`).join(''), { mode: 0o644 });
    fs.writeFileSync(
      this.configFile,
      `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = ${loginUser}
default_internal_user = ${internalUser}
${root ? '' : `default_internal_group = ${groupName(me.gid)}\n`}first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:${dir}/mail/%u
postmaster_address = postmaster@court.test
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${dir}/mail/%u
}
${root ? '' : 'service anvil {\n  chroot =\n}\n'}service imap-login {
${root ? '' : '  chroot =\n'}  inet_listener imap {
    address = 127.0.0.1
    port = ${this.imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${this.lmtpPort}
  }
}
`,
    );
  }

  /** Starts the (stopped) instance again on the same ports and Maildir. */
  async resume() {
    await until('ports free', async () => !(await portOpen(this.imapPort)) && !(await portOpen(this.lmtpPort)), 10_000);
    // In the foreground (-F) as our own child: we know its pid and Node reaps it, so stop() can wait for its exit.
    // Its own process group, so stop() can end the IMAP processes with it, as `systemctl restart` does.
    const child = spawn(DOVECOT_BIN!, ['-F', '-c', this.configFile], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    let exited = false;
    child.once('exit', () => (exited = true));
    this.child = child;
    await until(
      'IMAP and LMTP listening',
      async () => {
        if (exited) throw new Error(`dovecot did not start: ${stderr}\n${this.log()}`);
        return (await portOpen(this.imapPort)) && (await portOpen(this.lmtpPort));
      },
      10_000,
    );
  }

  /** Stops Dovecot and drops every connection; the Maildir stays. */
  async stop() {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }

  async restart() {
    await this.stop();
    await this.resume();
  }

  /** Stops and removes everything. */
  async destroy() {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  log(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  }

  user(name = this.users[0].user): DovecotUser {
    const u = this.users.find((x) => x.user === name);
    if (!u) throw new Error(`dovecot: no user ${name}`);
    return u;
  }

  /** A connected IMAP client for a user (close it with logout()). */
  async imap(name?: string): Promise<ImapFlow> {
    const u = this.user(name);
    const c = new ImapFlow({
      host: this.host,
      port: this.imapPort,
      secure: false,
      doSTARTTLS: false,
      auth: { user: u.user, pass: u.password },
      logger: false,
    });
    await c.connect();
    return c;
  }

  /** IMAP APPEND of raw messages into a mailbox (INBOX by default); returns their UIDs. */
  async append(raw: (string | Buffer)[] | string | Buffer, opts: { user?: string; mailbox?: string } = {}): Promise<number[]> {
    const c = await this.imap(opts.user);
    try {
      const uids: number[] = [];
      for (const m of Array.isArray(raw) ? raw : [raw]) {
        const r = await c.append(opts.mailbox ?? 'INBOX', m);
        if (!r) throw new Error('dovecot: APPEND failed');
        uids.push(r.uid ?? 0);
      }
      return uids;
    } finally {
      await c.logout().catch(() => c.close());
    }
  }

  /** Delivers raw messages through LMTP, as an MTA would. */
  async deliver(raw: string | Buffer, to = this.users[0].user, from = 'sender@example.test') {
    const t = nodemailer.createTransport({ host: this.host, port: this.lmtpPort, lmtp: true, secure: false, ignoreTLS: true });
    try {
      await t.sendMail({ envelope: { from, to: [to] }, raw });
    } finally {
      t.close();
    }
  }

  /** UIDs and flags of the messages in a mailbox. */
  async list(opts: { user?: string; mailbox?: string } = {}): Promise<{ uid: number; flags: string[] }[]> {
    const c = await this.imap(opts.user);
    try {
      await c.mailboxOpen(opts.mailbox ?? 'INBOX');
      const out: { uid: number; flags: string[] }[] = [];
      if ((c.mailbox && c.mailbox.exists) === 0) return out;
      for await (const m of c.fetch('1:*', { uid: true, flags: true })) out.push({ uid: m.uid, flags: [...(m.flags ?? [])] });
      return out;
    } finally {
      await c.logout().catch(() => c.close());
    }
  }
}

/** An in-process SMTP server (smtp-server) that keeps what it receives; it can be stopped and resumed on its port. */
export class SmtpSink {
  readonly received: { from: string; to: string[]; raw: Buffer }[] = [];
  private server: SMTPServer | null = null;
  /** Recipients answered with this SMTP reply (e.g. `550 5.1.1 no such user`). */
  readonly refuse = new Map<string, string>();

  private constructor(readonly port: number) {}

  static async start(): Promise<SmtpSink> {
    const s = new SmtpSink(await freePort());
    await s.resume();
    return s;
  }

  async resume() {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 50,
      onRcptTo: (address, _session, cb) => {
        const refusal = this.refuse.get(address.address.toLowerCase());
        if (!refusal) return cb();
        const err = new Error(refusal.replace(/^\d{3}\s*/, '')) as Error & { responseCode: number };
        err.responseCode = Number(refusal.slice(0, 3));
        cb(err);
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          });
          cb();
        });
      },
    });
    await until('ports free', async () => !(await portOpen(this.port)), 10_000);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Stops listening and drops every connection: clients see the server go down. */
  async stop() {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A Dovecot with these mailboxes and an SMTP sink for one suite: started before it, stopped after it. */
export function useMailServers(mailboxes: string[], started: (dovecot: Dovecot, smtp: SmtpSink) => void) {
  let dovecot: Dovecot | undefined;
  let smtp: SmtpSink | undefined;
  beforeAll(async () => {
    dovecot = await Dovecot.start(mailboxes);
    smtp = await SmtpSink.start();
    started(dovecot, smtp);
  });
  afterAll(async () => {
    await smtp?.stop();
    await dovecot?.destroy();
  });
}

/** The e-mail channel's settings for `user`'s mailbox on this Dovecot, sending through `smtpPort`, with short reconnects. */
export function emailChannelConfig(
  d: Dovecot,
  o: { user: string; smtpPort: number; mailbox?: string; from?: string; attachmentsMaxBytes?: number },
): EmailConfig {
  return {
    imap: {
      host: d.host,
      port: d.imapPort,
      security: 'plain',
      user: o.user,
      password: d.user(o.user).password,
      mailbox: o.mailbox ?? 'INBOX',
      markSeen: false,
    },
    smtp: { host: '127.0.0.1', port: o.smtpPort, security: 'plain' },
    from: o.from ?? `ВИЦ судов СКО <${o.user}>`,
    address: o.user,
    attachmentsMaxBytes: o.attachmentsMaxBytes ?? 20 * 1024 * 1024,
    reconnectBaseMs: 200,
    reconnectMaxMs: 1000,
    smtpTimeoutMs: 3000,
  };
}
