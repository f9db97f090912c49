// Poison e-mail against a real Dovecot and a real Vic (issue 14, item 1): a message that used to freeze the
// process (a 2 MB From display name) or that keeps the parser busy past its deadline is stored as unreadable with
// the reason and the raw message, the mail behind it becomes tickets within seconds, the HTTP API keeps
// answering, the event loop is never held up, and after a restart the poison is not read again.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it, vi } from 'vitest';
import type { Vic } from '../../src/app.ts';
import type { VicEvent } from '../../src/events.ts';
import { createEmailChannel, type EmailConfig } from '../../channels/email/index.ts';
import { ParsePool } from '../../channels/email/parse-pool.ts';
import { Dovecot, SmtpSink, dovecotMissing, emailChannelConfig, useMailServers } from '../support/dovecot.ts';
import { makeVic, tempDir, until } from '../helpers.ts';

const MAILBOX = 'vic@court.test';
/** Short for the test (the default is 10 s); a normal message needs a few milliseconds. */
const PARSE_TIMEOUT_MS = 1000;

let n = 0;
function mail(from = `Айгерим <citizen${++n}@mail.kz>`, body = 'Здравствуйте! Когда заседание по делу 2-123/2026?') {
  const id = `<normal${++n}.${Date.now()}@mail.kz>`;
  return {
    id,
    raw: Buffer.from(
      `From: ${from}\r\nTo: ${MAILBOX}\r\nSubject: Вопрос\r\nMessage-ID: ${id}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`,
    ),
  };
}

/** The reported freeze: a From whose display name is 2 MB. */
function hugeFrom() {
  const id = `<poison-from.${Date.now()}@mail.kz>`;
  return {
    id,
    raw: Buffer.from(
      `From: ${'A'.repeat(2 * 1024 * 1024)} <poisoner@mail.kz>\r\nTo: ${MAILBOX}\r\nSubject: poison\r\nMessage-ID: ${id}\r\n\r\nx\r\n`,
    ),
  };
}

/** Keeps mailparser busy for many seconds: four HTML tables just under the 1 MB turned into text, each taking seconds. */
function stall() {
  const id = `<poison-stall.${Date.now()}@mail.kz>`;
  const html = `--b\r\nContent-Type: text/html\r\n\r\n<table>${'<tr><td>x</td><td>y</td></tr>'.repeat(34_000)}</table>\r\n`;
  return {
    id,
    raw: Buffer.from(
      `From: Stall <staller@mail.kz>\r\nTo: ${MAILBOX}\r\nSubject: stall\r\nMessage-ID: ${id}\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n${html.repeat(4)}--b--\r\n`,
    ),
  };
}

const inbound = (vic: Vic) =>
  (vic.store.db.prepare(`SELECT count(*) AS c FROM messages WHERE channel = 'email' AND direction = 'in'`).get() as { c: number }).c;

describe.skipIf(dovecotMissing)('poison e-mail (Dovecot)', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  useMailServers([MAILBOX], (d, s) => ((dovecot = d), (smtp = s)));

  function config(): EmailConfig {
    return {
      ...emailChannelConfig(dovecot, { user: MAILBOX, smtpPort: smtp.port, from: `ВИЦ <${MAILBOX}>` }),
      parseTimeoutMs: PARSE_TIMEOUT_MS,
    };
  }

  async function start(dataDir: string) {
    const { vic } = await makeVic({ DATA_DIR: dataDir });
    const events: (VicEvent & { at: number })[] = [];
    vic.events.on((e) => events.push({ ...e, at: Date.now() }));
    const channel = createEmailChannel(config());
    await vic.addChannel(channel);
    const port = await vic.listen(0, '127.0.0.1');
    return { vic, channel, events, base: `http://127.0.0.1:${port}` };
  }

  it('stores poison as unreadable and reads the mail behind it within seconds, the API and event loop unhindered; a restart does not read it again', async () => {
    const dataDir = tempDir();
    const r = await start(dataDir);
    // Warm: the channel is connected and its parser workers have started.
    const first = mail();
    await dovecot.append(first.raw);
    await until('the first ticket', () => r.vic.store.findMessageByExternal('email', first.id), 60_000);

    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const health: { status: number; ms: number }[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const t = Date.now();
        const res = await fetch(`${r.base}/api/health`);
        await res.arrayBuffer();
        health.push({ status: res.status, ms: Date.now() - t });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const from = hugeFrom();
    const slow = stall();
    const behind = mail();
    const flood = Array.from({ length: 20 }, () => mail());
    await dovecot.append([from.raw, slow.raw]);
    await dovecot.append(behind.raw);
    const appended = Date.now();
    await dovecot.append(flood.map((m) => m.raw));
    const stored = await until('the message behind the poison', () => r.vic.store.findMessageByExternal('email', behind.id), 20_000);
    const behindMs = Date.now() - appended;
    await until('the flood stored', () => flood.every((m) => r.vic.store.findMessageByExternal('email', m.id)), 20_000);
    polling = false;
    await poll;
    lag.disable();
    const p99 = lag.percentile(99) / 1e6;
    console.info(
      `[email-poison] message behind the poison: ticket ${behindMs} ms after its APPEND; event-loop lag p99 ${p99.toFixed(1)} ms, ` +
        `max ${(lag.max / 1e6).toFixed(1)} ms; /api/health ${health.length} answers, slowest ${Math.max(...health.map((h) => h.ms))} ms`,
    );

    expect(r.vic.store.getTicket(stored.ticketId)).toBeDefined();
    expect(behindMs).toBeLessThan(10_000);
    expect(p99).toBeLessThan(100);
    expect(health.length).toBeGreaterThan(5);
    expect(health.every((h) => h.status === 200)).toBe(true);

    // Each poison: its own ticket, stored as unreadable with the reason, the raw message attached and kept.
    const poisons = [
      { m: from, reason: 'the From header is 2 MB, over the 64 KB limit for one header', sender: 'poisoner@mail.kz' },
      {
        m: slow,
        reason: `reading the message took longer than ${PARSE_TIMEOUT_MS / 1000} s, the limit for one message`,
        sender: 'staller@mail.kz',
      },
    ];
    for (const p of poisons) {
      const row = r.vic.store.findMessageByExternal('email', p.m.id)!;
      const msg = r.vic.store.getMessage(row.id)!;
      expect(msg.text.startsWith(`[${p.reason}; the original message is attached]`), msg.text.slice(0, 120)).toBe(true);
      const ticket = r.vic.store.getTicket(row.ticketId)!;
      expect(r.vic.store.contactAddress(ticket.contactId, 'email')).toBe(p.sender);
      const [eml] = r.vic.store.listAttachments(row.ticketId);
      expect(eml).toMatchObject({ filename: 'message.eml', contentType: 'message/rfc822', size: p.m.raw.length, droppedReason: null });
      expect(eml.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(inbound(r.vic)).toBe(1 + 2 + 1 + flood.length);
    expect(r.channel.health().state).toBe('connected');
    const watermark = r.vic.store.getChannelState('email', 'watermark')!;
    expect(watermark.endsWith(`:${1 + 2 + 1 + flood.length}`)).toBe(true);
    await r.vic.close();

    // Restarted on the same data: only what is new is read; the poison is not fetched (nor parsed) again.
    const parse = vi.spyOn(ParsePool.prototype, 'normalize');
    try {
      const again = await start(dataDir);
      const after = mail();
      await dovecot.append(after.raw);
      await until('the message after the restart', () => again.vic.store.findMessageByExternal('email', after.id), 30_000);
      expect(parse.mock.calls.map(([raw]) => raw.equals(after.raw))).toEqual([true]);
      expect(inbound(again.vic)).toBe(1 + 2 + 1 + flood.length + 1);
      await again.vic.close();
    } finally {
      parse.mockRestore();
    }
  }, 120_000);
});
