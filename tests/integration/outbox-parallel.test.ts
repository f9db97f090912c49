// The outbox sends several messages at once (the e-mail channel: as many as its SMTP connections), but never two of
// one ticket: against an SMTP server that takes its time over each message, replies of different tickets overlap,
// and each ticket's replies arrive one after the other, in the order they were written.
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmailChannel } from '../../channels/email/index.ts';
import type { EmailConfig } from '../../channels/email/index.ts';
import type { Vic } from '../../src/app.ts';
import { freePort } from '../support/dovecot.ts';
import { envelope, makeVic, until } from '../helpers.ts';

const MAILBOX = 'vic@court.test';
const TICKETS = 4;
const REPLIES = 3;

/** What the server saw of one message: when its DATA began and when we answered it. */
interface Seen {
  text: string;
  start: number;
  end: number;
}

/** An SMTP server that answers each DATA after `delayMs`, recording when each message was being received. */
async function slowSink(delayMs: number) {
  const seen: Seen[] = [];
  let busy = 0;
  let maxBusy = 0;
  const port = await freePort();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream, _session, cb) => {
      const start = performance.now();
      maxBusy = Math.max(maxBusy, ++busy);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () =>
        setTimeout(() => {
          busy--;
          const text = /reply \d+\.\d+/.exec(Buffer.concat(chunks).toString('utf8'))?.[0] ?? '?';
          seen.push({ text, start, end: performance.now() });
          cb();
        }, delayMs),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return { port, seen, maxBusy: () => maxBusy, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The channel with IMAP pointed at a closed port: only SMTP is used here. */
async function emailChannel(smtpPort: number, connections: number): Promise<EmailConfig> {
  return {
    imap: { host: '127.0.0.1', port: await freePort(), security: 'plain', user: MAILBOX, password: 'x', mailbox: 'INBOX', markSeen: false },
    smtp: { host: '127.0.0.1', port: smtpPort, security: 'plain', connections },
    from: `ВИЦ <${MAILBOX}>`,
    address: MAILBOX,
    attachmentsMaxBytes: 1024 * 1024,
    reconnectBaseMs: 60_000,
    reconnectMaxMs: 60_000,
    smtpTimeoutMs: 5000,
  };
}

describe('outbox sending in parallel', () => {
  let vic: Vic | undefined;
  let sink: Awaited<ReturnType<typeof slowSink>> | undefined;
  afterEach(async () => {
    await vic?.close();
    await sink?.close();
  });

  it("sends replies of different tickets at once, up to the SMTP pool size, and one ticket's replies one after another in order", async () => {
    sink = await slowSink(40);
    const made = await makeVic();
    vic = made.vic;
    const admin = vic.store.getUserByLogin('admin')!;
    const tickets = Array.from(
      { length: TICKETS },
      (_, t) =>
        vic!.ingest(
          envelope({
            channel: 'email',
            account: MAILBOX,
            externalId: `<p${t}@citizen.test>`,
            sender: { kind: 'email', address: `citizen${t}@citizen.test` },
            thread: { messageId: `<p${t}@citizen.test>`, subject: 'Question' },
          }),
        ).ticketId,
    );
    // Each ticket's replies written one after another: the oldest due messages are all of one ticket.
    for (let t = 0; t < TICKETS; t++) for (let r = 0; r < REPLIES; r++) vic.tickets.post(admin, tickets[t], 'reply', `reply ${t}.${r}`);

    await vic.addChannel(createEmailChannel(await emailChannel(sink.port, 3)));
    vic.outbox.start();
    await until('all replies received', () => sink!.seen.length === TICKETS * REPLIES);

    // Several tickets' replies were being received at the same time, never more than the pool's connections.
    expect(sink.maxBusy()).toBeGreaterThan(1);
    expect(sink.maxBusy()).toBeLessThanOrEqual(3);
    for (let t = 0; t < TICKETS; t++) {
      const mine = sink.seen.filter((s) => s.text.startsWith(`reply ${t}.`)).sort((a, b) => a.start - b.start);
      expect(mine.map((s) => s.text)).toEqual(Array.from({ length: REPLIES }, (_, r) => `reply ${t}.${r}`));
      // Each began only after the server had answered the one before.
      for (let r = 1; r < REPLIES; r++) expect(mine[r].start).toBeGreaterThanOrEqual(mine[r - 1].end);
    }
    await until('all recorded as sent', () =>
      vic!.store.db.prepare(`SELECT count(*) AS c FROM outbox WHERE status = 'sent'`).pluck().get() === TICKETS * REPLIES ? true : false,
    );
  });
});
