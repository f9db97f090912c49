// Outbound e-mail through SMTP outages, against a real Dovecot (the channel's IMAP side, for its health) and a real
// SMTP server that is stopped, refuses recipients and comes back. Time is the test's clock: hours of outage take
// a few hundred milliseconds.
import { afterEach, describe, expect, it } from 'vitest';
import { createEmailChannel } from '../../channels/email/index.ts';
import type { Vic } from '../../src/app.ts';
import { Dovecot, SmtpSink, dovecotMissing, emailChannelConfig, useMailServers } from '../support/dovecot.ts';
import { envelope, makeVic, until } from '../helpers.ts';

const MAILBOX = 'vic@court.test';
const MINUTE = 60_000;

describe.skipIf(dovecotMissing)('outbox over SMTP outages', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  useMailServers([MAILBOX], (d, s) => ((dovecot = d), (smtp = s)));
  // A test that failed during an outage leaves no outage (nor its Vic) behind for the next one.
  let down = false;
  const vics: Vic[] = [];
  afterEach(async () => {
    await Promise.all(vics.splice(0).map((v) => v.close()));
    if (down) await smtp.resume();
    down = false;
  });
  async function smtpDown() {
    await smtp.stop();
    down = true;
  }

  let n = 0;
  /** A Vic (default outbox settings) with the e-mail channel connected and the outbox running, and a ticket per citizen. */
  async function rig(citizens: string[]) {
    const mailbox = `O${++n}`;
    const c = await dovecot.imap();
    await c.mailboxCreate(mailbox);
    await c.logout();
    const { vic, clock } = await makeVic();
    vics.push(vic);
    const cfg = emailChannelConfig(dovecot, { user: MAILBOX, smtpPort: smtp.port, mailbox, attachmentsMaxBytes: 1024 * 1024 });
    const channel = createEmailChannel(cfg);
    await vic.addChannel(channel);
    vic.outbox.start();
    const admin = vic.store.getUserByLogin('admin')!;
    const tickets = citizens.map(
      (address, i) =>
        vic.ingest(
          envelope({
            channel: 'email',
            account: MAILBOX,
            externalId: `<q${n}.${i}@citizen.test>`,
            sender: { kind: 'email', address },
            thread: { messageId: `<q${n}.${i}@citizen.test>`, subject: 'Вопрос о заседании' },
            receivedAt: clock.now(),
          }),
        ).ticketId,
    );
    const reply = (i: number, text = `Ответ ${i}`) => vic.tickets.post(admin, tickets[i], 'reply', text).messageId;
    const row = (messageId: number) => vic.store.getOutboxByMessage(messageId)!;
    const received = (address: string) => smtp.received.filter((m) => m.to.includes(address)).length;
    return { vic, clock: clock, channel, reply, row, received };
  }
  type Rig = Awaited<ReturnType<typeof rig>>;

  /**
   * SMTP is down for `ms` of the Vic's time: at each retry the clock jumps to it and the outbox is kicked. Returns
   * the tries made; `probe` is the message that tries (the oldest waiting).
   */
  async function outage(r: Rig, probe: number, ms: number) {
    await until('the first failed try', () => r.row(probe).attempts === 1 && r.row(probe).status === 'pending');
    expect(r.channel.health()).toMatchObject({
      state: 'degraded',
      reason: expect.stringMatching(/^SMTP delivery failing: .*ECONNREFUSED/) as string,
    });
    const start = r.clock.now();
    const tries = [start];
    while (r.clock.now() - start < ms) {
      const before = r.row(probe).attempts;
      r.clock.set(r.row(probe).nextAttemptAt);
      tries.push(r.clock.now());
      r.vic.outbox.kick();
      const row = await until('the next try', () => r.row(probe).attempts > before && r.row(probe).status !== 'sending' && r.row(probe));
      expect(row, 'still waiting after the retry').toMatchObject({ status: 'pending' });
    }
    return tries;
  }

  async function back(r: Rig, probe: number) {
    await smtp.resume();
    down = false;
    r.clock.set(r.row(probe).nextAttemptAt);
    r.vic.outbox.kick();
  }

  it('SMTP down 2 minutes: one reply probes it, the others wait without attempts; when it is back all go out at once and health is connected', async () => {
    const citizens = ['serik@citizen.test', 'asel@citizen.test', 'marat@citizen.test'];
    const r = await rig(citizens);
    await smtpDown();
    const ids = citizens.map((_, i) => r.reply(i));
    const tries = await outage(r, ids[0], 2 * MINUTE);
    // Backoff 5, 10, 20, 40 s …: a handful of connection attempts in 2 minutes, not one per reply per try.
    expect(tries.slice(1).map((t, i) => t - tries[i])).toEqual([5000, 10_000, 20_000, 40_000, 80_000]);
    expect(ids.slice(1).map((id) => r.row(id).attempts)).toEqual([0, 0]);
    expect(ids.map((id) => r.vic.store.getMessage(id)!.deliveryStatus)).toEqual(['queued', 'queued', 'queued']);

    await back(r, ids[0]);
    await until('all sent', () => ids.every((id) => r.vic.store.getMessage(id)!.deliveryStatus === 'sent'));
    expect(citizens.map(r.received)).toEqual([1, 1, 1]);
    expect(ids.slice(1).map((id) => r.row(id).attempts)).toEqual([1, 1]);
    await until('health connected', () => r.channel.health().state === 'connected');
    expect(r.vic.registry.health().email).toMatchObject({ state: 'connected' });
  });

  it('SMTP down longer than the old give-up time (~43 min): nothing fails for good, and everything goes out when it is back', async () => {
    const citizens = ['dana@citizen.test', 'erlan@citizen.test'];
    const r = await rig(citizens);
    await smtpDown();
    const ids = citizens.map((_, i) => r.reply(i));
    const tries = await outage(r, ids[0], 3 * 60 * MINUTE);
    const gaps = tries.slice(1).map((t, i) => t - tries[i]);
    expect(Math.max(...gaps)).toBe(10 * MINUTE); // capped: a returning server is noticed within 10 minutes
    expect(gaps.filter((g) => g === 10 * MINUTE).length).toBeGreaterThan(10);
    expect(ids.map((id) => r.vic.store.getMessage(id)!.deliveryStatus)).toEqual(['queued', 'queued']);

    await back(r, ids[0]);
    await until('all sent', () => ids.every((id) => r.vic.store.getMessage(id)!.deliveryStatus === 'sent'));
    expect(citizens.map(r.received)).toEqual([1, 1]);
    await until('health connected', () => r.channel.health().state === 'connected');
  });

  it("a 550 fails that reply at once with the server's reason; a greylisted (451) one is retried past the old give-up without holding the others", async () => {
    const citizens = ['gone@citizen.test', 'grey@citizen.test', 'fine@citizen.test'];
    const r = await rig(citizens);
    smtp.refuse.set('gone@citizen.test', '550 5.1.1 <gone@citizen.test>: Recipient address rejected: User unknown');
    smtp.refuse.set('grey@citizen.test', '451 4.7.1 <grey@citizen.test>: Recipient address rejected: Greylisted');
    try {
      const [gone, grey, fine] = citizens.map((_, i) => r.reply(i)) as [number, number, number];
      await until('fine sent', () => r.vic.store.getMessage(fine)!.deliveryStatus === 'sent');
      expect(r.vic.store.getMessage(gone)).toMatchObject({
        deliveryStatus: 'failed',
        deliveryError: expect.stringMatching(/^550 5\.1\.1 <gone@citizen\.test>: Recipient address rejected: User unknown/) as string,
      });
      expect(r.row(gone).attempts).toBe(1);

      const start = r.clock.now();
      while (r.clock.now() - start < 50 * MINUTE) {
        const before = r.row(grey).attempts;
        r.clock.set(r.row(grey).nextAttemptAt);
        r.vic.outbox.kick();
        const row = await until('the next try', () => r.row(grey).attempts > before && r.row(grey).status !== 'sending' && r.row(grey));
        expect(row, 'still waiting after the retry').toMatchObject({
          status: 'pending',
          lastError: expect.stringMatching(/^451 4\.7\.1 .*Greylisted/) as string,
        });
      }
      expect(r.vic.store.getMessage(grey)!.deliveryStatus).toBe('queued');
      // One recipient's trouble says nothing about the server.
      expect(r.channel.health().state).toBe('connected');

      smtp.refuse.delete('grey@citizen.test');
      r.clock.set(r.row(grey).nextAttemptAt);
      r.vic.outbox.kick();
      await until('grey sent', () => r.vic.store.getMessage(grey)!.deliveryStatus === 'sent');
      expect(citizens.map(r.received)).toEqual([0, 1, 1]);
    } finally {
      smtp.refuse.clear();
    }
  });
});
