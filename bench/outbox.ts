// `npm run bench:outbox`: do auto-replies keep up with e-mail ingest? A mailbox backlog of off-hours e-mails, each
// a new ticket that gets an automatic answer, is read at full speed by the real e-mail channel (a local Dovecot over
// IMAP, mail parsed in its workers), while the answers go out through an SMTP server in another process that takes
// 20 ms to answer each DATA. Measured in the same run with one message in flight (OUTBOX_CONCURRENCY=1, as the
// outbox sent before) and with the default (the SMTP pool size). The last line is JSON.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmailChannel } from '../channels/email/index.ts';
import { DEFAULT_SMTP_CONNECTIONS } from '../channels/email/config.ts';
import { Vic } from '../src/app.ts';
import { testConfig } from '../src/config.ts';
import { Dovecot, dovecotMissing, emailChannelConfig, freePort } from '../tests/support/dovecot.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_OUTBOX_N ?? 1500);
const SMTP_DELAY_MS = Number(process.env.BENCH_SMTP_DELAY_MS ?? 20);
const MAILBOX = 'vic@court.test';
/** Saturday 2026-11-28 22:00 in Petropavl: every new ticket is told when the centre opens. */
const SATURDAY_NIGHT = Date.parse('2026-11-28T17:00:00Z');

if (dovecotMissing) throw new Error(dovecotMissing);

/** The slow SMTP server, in its own process so its work does not share VIC's event loop. */
async function startSink(port: number) {
  const code = `const { SMTPServer } = require('smtp-server');
    new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
      onData(stream, _s, cb) { stream.resume(); stream.on('end', () => setTimeout(cb, ${SMTP_DELAY_MS})); } })
      .listen(${port}, '127.0.0.1', () => process.stdout.write('ready\\n'));`;
  const child = spawn(process.execPath, ['-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`the SMTP sink exited (${c})`)));
  });
  return child;
}

function mail(phase: number, i: number): Buffer {
  return Buffer.from(
    [
      `From: Гражданин ${i} <c${phase}.${i}@citizen.kz>`,
      `To: ${MAILBOX}`,
      'Subject: Вопрос о заседании',
      `Message-ID: <bench-${phase}.${i}@citizen.kz>`,
      'Date: Sat, 28 Nov 2026 22:00:00 +0500',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      `Здравствуйте! Когда будет заседание по делу 2-${i}/2026?`,
      '',
    ].join('\r\n'),
  );
}

interface PhaseResult {
  concurrency: number;
  ingestPerS: number;
  autoRepliesPerS: number;
  /** From the last message stored to the last auto-reply accepted by the SMTP server. */
  lagAfterIngestMs: number;
  /** Share of the time VIC's event loop was busy (the rest it waited: for IMAP, the parse workers, SMTP). */
  eventLoopBusy: number;
}

async function phase(dovecot: Dovecot, smtpPort: number, k: number, concurrency: number | undefined): Promise<PhaseResult> {
  const mailbox = `B${k}`;
  const c = await dovecot.imap();
  await c.mailboxCreate(mailbox);
  await c.logout();
  await dovecot.append(
    Array.from({ length: N }, (_, i) => mail(k, i)),
    { mailbox },
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vic-bench-outbox-'));
  const offset = SATURDAY_NIGHT - Date.now();
  const vic = new Vic({
    config: testConfig({ DATA_DIR: dir, ...(concurrency ? { OUTBOX_CONCURRENCY: concurrency } : {}) }),
    clock: { now: () => Date.now() + offset },
  });
  await vic.seed();
  let stored = 0;
  let sent = 0;
  let first = 0;
  let ingested = 0;
  let replied = 0;
  const done = new Promise<void>((resolve) =>
    vic.events.on((e) => {
      if (e.type === 'message.created' && e.message.direction === 'in') {
        if (++stored === 1) first = performance.now();
        if (stored === N) ingested = performance.now();
      } else if (e.type === 'message.updated' && e.message.deliveryStatus === 'sent' && ++sent === N) {
        replied = performance.now();
        resolve();
      }
    }),
  );
  vic.outbox.start();
  const elu = performance.eventLoopUtilization();
  const channel = createEmailChannel({ ...emailChannelConfig(dovecot, { user: MAILBOX, smtpPort, mailbox }) });
  await vic.addChannel(channel);
  await done;
  const busy = performance.eventLoopUtilization(elu).utilization;
  await vic.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const result = {
    concurrency: concurrency ?? channel.sendConcurrency ?? 1,
    ingestPerS: Math.round((N / (ingested - first)) * 1000),
    autoRepliesPerS: Math.round((N / (replied - first)) * 1000),
    lagAfterIngestMs: Math.round(replied - ingested),
    eventLoopBusy: Math.round(busy * 100) / 100,
  };
  console.info(
    `concurrency ${result.concurrency}: ${N} e-mails stored at ${result.ingestPerS}/s, their auto-replies sent at ${result.autoRepliesPerS}/s` +
      ` (last one ${result.lagAfterIngestMs} ms after the last e-mail was stored); event loop busy ${Math.round(busy * 100)} %`,
  );
  return result;
}

const smtpPort = await freePort();
const sink = await startSink(smtpPort);
const dovecot = await Dovecot.start([MAILBOX]);
try {
  console.info(
    `${N} off-hours e-mails, each answered automatically; SMTP answers each DATA after ${SMTP_DELAY_MS} ms; ${os.cpus().length} CPUs, load ${os
      .loadavg()[0]
      .toFixed(1)}`,
  );
  const before = await phase(dovecot, smtpPort, 1, 1);
  const after = await phase(dovecot, smtpPort, 2, undefined);
  console.info(
    JSON.stringify({
      bench: 'outbox',
      mails: N,
      smtpDelayMs: SMTP_DELAY_MS,
      smtpConnections: DEFAULT_SMTP_CONNECTIONS,
      cpus: os.cpus().length,
      loadAverage: Math.round(os.loadavg()[0] * 10) / 10,
      before,
      after,
      keepsUp: after.autoRepliesPerS >= 0.9 * after.ingestPerS,
    }),
  );
} finally {
  sink.kill();
  await dovecot.destroy();
}
