// kill -9 of the e-mail channel right after a message is committed (where the UID watermark used to be written in a
// transaction of its own): the watermark and the Message-ID fingerprints are committed with the message, so after
// each kill they say exactly what was stored, and after the restarts every message is stored once, none lost.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Dovecot, dovecotMissing, emailChannelConfig, freePort, useMailServers } from '../support/dovecot.ts';
import { tempDir } from '../helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAILBOX = 'vic@court.test';
/** Messages stored by each run before it is killed; a last run reads the rest. */
const KILLS = [4, 1, 6];

/** 16 messages: two pairs of different messages sharing a Message-ID (both stored), and two without one. */
function mails(): { raw: Buffer; messageId: string | null }[] {
  return Array.from({ length: 16 }, (_, i) => {
    const messageId = i === 14 || i === 15 ? null : i === 7 ? '<m3@citizen.kz>' : i === 11 ? '<m9@citizen.kz>' : `<m${i}@citizen.kz>`;
    const raw = [
      `From: Гражданин ${i} <c${i}@citizen.kz>`,
      `To: ${MAILBOX}`,
      `Subject: Вопрос ${i}`,
      ...(messageId ? [`Message-ID: ${messageId}`] : []),
      'Date: Tue, 01 Dec 2026 10:00:00 +0500',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Здравствуйте! Вопрос номер ${i}.`,
      '',
    ].join('\r\n');
    return { raw: Buffer.from(raw), messageId };
  });
}

describe.skipIf(dovecotMissing)('e-mail channel across kill -9', () => {
  let dovecot: Dovecot;
  useMailServers([MAILBOX], (d: Dovecot) => (dovecot = d));

  it('commits the watermark and fingerprints with each message: after every kill they match what is stored; all stored once', async () => {
    const list = mails();
    await dovecot.append(list.map((m) => m.raw));
    const dir = tempDir();
    const cfg = emailChannelConfig(dovecot, { user: MAILBOX, smtpPort: await freePort() });
    const db = new Database(path.join(dir, 'vic.sqlite'), { fileMustExist: false });
    const run = (killAfter: number) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/email-child.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATA_DIR: dir,
          KILL_AFTER: String(killAfter),
          EMAIL_CHILD_CONFIG: JSON.stringify(cfg),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      return { child, exited: new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, sig) => resolve(sig))) };
    };
    const stored = () =>
      db.prepare(`SELECT external_id FROM messages WHERE channel = 'email' AND direction = 'in' ORDER BY id`).pluck().all() as string[];
    const state = (key: string) =>
      db.prepare(`SELECT value FROM channel_state WHERE channel = 'email' AND key = ?`).pluck().get(key) as string | undefined;
    const fingerprintKeys = () =>
      db.prepare(`SELECT count(*) FROM channel_state WHERE channel = 'email' AND key LIKE 'mid:%'`).pluck().get();

    let total = 0;
    for (const k of KILLS) {
      const { exited } = run(k);
      expect(await exited).toBe('SIGKILL');
      total += k;
      const ids = stored();
      expect(ids).toHaveLength(total);
      // Mail is read in UID order, one UID per message: the watermark is the UID of the last one stored.
      expect(state('watermark')?.split(':')[1]).toBe(String(total));
      // One fingerprint per distinct Message-ID stored, none for a message that is not.
      expect(fingerprintKeys()).toBe(new Set(list.slice(0, total).flatMap((m) => (m.messageId ? [m.messageId] : []))).size);
    }

    const last = run(0);
    const deadline = Date.now() + 30_000;
    while (stored().length < list.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    last.child.kill('SIGKILL');
    await last.exited;
    const ids = stored();
    expect(ids).toHaveLength(list.length);
    expect(new Set(ids).size).toBe(list.length);
    // Both messages of a shared Message-ID are there, the second under its fingerprint.
    expect(ids.filter((id) => id.startsWith('<m3@citizen.kz>'))).toHaveLength(2);
    expect(ids.filter((id) => id.startsWith('<m9@citizen.kz>'))).toHaveLength(2);
    expect(state('watermark')?.split(':')[1]).toBe(String(list.length));
    expect(fingerprintKeys()).toBe(new Set(list.flatMap((m) => (m.messageId ? [m.messageId] : []))).size);
    // The keys are the hashes the channel computes.
    const key = `mid:${crypto.createHash('sha256').update('<m3@citizen.kz>').digest('hex').slice(0, 32)}`;
    expect(state(key)).toBeDefined();
    db.close();
  }, 120_000);
});
