import { describe, expect, it } from 'vitest';
import {
  ChannelUnavailableError,
  PermanentDeliveryError,
  type ChannelAdapter,
  type ChannelHealth,
  type OutboundMessage,
} from '../../src/channels.ts';
import { DEMO_NOT_SENT, Outbox } from '../../src/outbox.ts';
import { envelope, makeVic } from '../helpers.ts';

/** `send` answers as the channel would, or throws as it would fail: the adapter settles its promise with that, as an
 * async method does. */
function adapter(
  send: (m: OutboundMessage) => { externalId?: string },
  health: () => ChannelHealth = () => ({ state: 'connected', since: 0 }),
): ChannelAdapter {
  return {
    name: 'whatsapp',
    start: async () => {},
    stop: async () => {},
    health,
    send: (m) => new Promise((resolve) => resolve(send(m))),
    canSend: () => health().state === 'connected',
  };
}

const HOUR = 3_600_000;

async function ticketWithReply(text = 'Заседание назначено на 10 декабря.') {
  const made = await makeVic({ OUTBOX_BASE_DELAY_MS: 1000, OUTBOX_MAX_DELAY_MS: 600_000, OUTBOX_RETRY_FOR_HOURS: 72 });
  const r = made.vic.ingest(envelope());
  const admin = made.vic.store.getUserByLogin('admin')!;
  const { messageId } = made.vic.tickets.post(admin, r.ticketId, 'reply', text);
  return { ...made, ticketId: r.ticketId, messageId, admin };
}

describe('outbox', () => {
  it('counts no attempt while the channel is not registered or not ready, and delivers once it is', async () => {
    const { vic, clock, messageId } = await ticketWithReply();
    vic.outbox.start();
    await vic.outbox.tick();
    // A restart used to cost an attempt here ("channel whatsapp is not connected"), each one pushing the reply back.
    expect(vic.store.getOutboxByMessage(messageId)).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    expect(vic.store.getMessage(messageId)).toMatchObject({ deliveryStatus: 'queued', deliveryError: null });

    const sent: OutboundMessage[] = [];
    let health: ChannelHealth = { state: 'pairing', since: 0 };
    const a = adapter(
      (m) => (sent.push(m), { externalId: 'wa-1' }),
      () => health,
    );
    await vic.addChannel(a);
    clock.advance(HOUR);
    await vic.outbox.tick();
    expect(sent).toHaveLength(0);
    expect(vic.store.getOutboxByMessage(messageId)!.attempts).toBe(0);
    expect(vic.store.getMessage(messageId)).toMatchObject({
      deliveryStatus: 'queued',
      deliveryError: 'waiting: the whatsapp channel is not connected (pairing)',
    });

    health = { state: 'connected', since: 0 };
    vic.channelContext(a).healthChanged();
    await vic.outbox.tick();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: '77012345678@c.us', text: 'Заседание назначено на 10 декабря.' });
    expect(vic.store.getMessage(messageId)).toMatchObject({ deliveryStatus: 'sent', externalId: 'wa-1', deliveryError: null });
    expect(vic.store.getOutboxByMessage(messageId)).toMatchObject({ status: 'sent', attempts: 1 });
    await vic.outbox.stop();
  });

  it('retries a temporary failure with backoff capped at OUTBOX_MAX_DELAY_MS for OUTBOX_RETRY_FOR_HOURS, then fails it with the reason', async () => {
    const { vic, clock, messageId } = await ticketWithReply();
    const tries: number[] = [];
    vic.registry.register(
      adapter(() => {
        tries.push(clock.now());
        throw new Error('451 4.7.1 try again later');
      }),
    );
    const start = clock.now();
    await vic.outbox.tick();
    expect(vic.store.getMessage(messageId)).toMatchObject({ deliveryStatus: 'queued', deliveryError: '451 4.7.1 try again later' });
    await vic.outbox.tick();
    expect(tries).toHaveLength(1); // not due yet
    clock.advance(999);
    await vic.outbox.tick();
    expect(tries).toHaveLength(1);
    // Through the first hour from one retry to the next, then by the capped delay.
    while (clock.now() - start < HOUR) {
      clock.set(vic.store.getOutboxByMessage(messageId)!.nextAttemptAt);
      await vic.outbox.tick();
    }
    const gaps = tries.slice(1).map((t, i) => t - tries[i]);
    expect(gaps.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect(Math.max(...gaps)).toBe(600_000);
    // The old give-up (10 attempts, ~43 min with the defaults) has passed: still waiting, not failed.
    expect(tries.length).toBeGreaterThan(10);
    expect(vic.store.getOutboxByMessage(messageId)!.status).toBe('pending');

    while (clock.now() - start < 72 * HOUR - 600_000) {
      clock.advance(600_000);
      await vic.outbox.tick();
    }
    expect(vic.store.getMessage(messageId)!.deliveryStatus).toBe('queued');
    clock.advance(600_000);
    await vic.outbox.tick();
    expect(vic.store.getMessage(messageId)).toMatchObject({
      deliveryStatus: 'failed',
      deliveryError: 'not delivered within 72 h: 451 4.7.1 try again later',
    });
    const count = tries.length;
    clock.advance(HOUR);
    await vic.outbox.tick();
    expect(tries).toHaveLength(count);
    // An operator sends it again: a new retry period, at once.
    expect(vic.outbox.retry(messageId)).toBe(true);
    expect(vic.store.getOutboxByMessage(messageId)).toMatchObject({ status: 'pending', attempts: 0, queuedAt: clock.now() });
    await vic.outbox.tick();
    expect(tries).toHaveLength(count + 1);
    expect(vic.store.getMessage(messageId)!.deliveryStatus).toBe('queued');
  });

  it('holds a channel that is unavailable: one message probes it, and everything waiting goes out once it is back', async () => {
    const { vic, clock, ticketId, admin } = await ticketWithReply('Первый');
    vic.tickets.post(admin, ticketId, 'reply', 'Второй');
    vic.tickets.post(admin, ticketId, 'reply', 'Третий');
    let up = false;
    const sent: string[] = [];
    let tries = 0;
    const a = adapter((m) => {
      tries++;
      if (!up) throw new ChannelUnavailableError('connect ECONNREFUSED 127.0.0.1:25');
      sent.push(m.text);
      return {};
    });
    vic.registry.register(a);
    await vic.outbox.tick();
    expect(tries).toBe(1); // not three connection failures
    clock.advance(1000);
    await vic.outbox.tick();
    expect(tries).toBe(2);
    clock.advance(1000);
    await vic.outbox.tick();
    expect(tries).toBe(2); // the channel's second delay is 2 s
    up = true;
    clock.advance(1000);
    await vic.outbox.tick();
    expect(sent).toEqual(['Первый', 'Второй', 'Третий']);

    // Down again; this time the channel reports itself connected before the next probe is due.
    up = false;
    vic.tickets.post(admin, ticketId, 'reply', 'Четвёртый');
    await vic.outbox.tick();
    expect(tries).toBe(6);
    up = true;
    vic.channelContext(a).healthChanged();
    await vic.outbox.tick();
    expect(sent.at(-1)).toBe('Четвёртый');
  });

  it('sends several at once, but a channel found unavailable by all of them is probed by one message at a time', async () => {
    const { vic, clock } = await makeVic({ OUTBOX_BASE_DELAY_MS: 1000, OUTBOX_CONCURRENCY: 4 });
    const admin = vic.store.getUserByLogin('admin')!;
    const tickets = Array.from(
      { length: 6 },
      (_, i) => vic.ingest(envelope({ sender: { kind: 'whatsapp', address: `7701234560${i}@c.us` } })).ticketId,
    );
    for (const [i, t] of tickets.entries()) vic.tickets.post(admin, t, 'reply', `Ответ ${i}`);
    vic.tickets.post(admin, tickets[0], 'reply', 'Ответ 0, второй');
    let up = false;
    let tries = 0;
    const sent: string[] = [];
    vic.registry.register(
      adapter((m) => {
        tries++;
        if (!up) throw new ChannelUnavailableError('connect ECONNREFUSED 127.0.0.1:25');
        sent.push(m.text);
        return {};
      }),
    );
    await vic.outbox.tick();
    expect(tries).toBe(4); // in flight together when the server was found gone
    clock.advance(1000);
    await vic.outbox.tick();
    expect(tries).toBe(5); // then one probe
    clock.advance(1000);
    await vic.outbox.tick();
    expect(tries).toBe(5); // the four failures together counted as one: the channel's second delay is 2 s
    up = true;
    clock.advance(1000);
    await vic.outbox.tick();
    expect(sent).toHaveLength(7);
    expect(sent.indexOf('Ответ 0, второй')).toBeGreaterThan(sent.indexOf('Ответ 0'));
  });

  it('fails what waited on a channel unavailable for OUTBOX_RETRY_FOR_HOURS, all at once, with the reason', async () => {
    const { vic, clock, ticketId, messageId, admin } = await ticketWithReply();
    const others = [
      vic.tickets.post(admin, ticketId, 'reply', 'Второй').messageId,
      vic.tickets.post(admin, ticketId, 'reply', 'Третий').messageId,
    ];
    let tries = 0;
    vic.registry.register(
      adapter(() => {
        tries++;
        throw new ChannelUnavailableError('connect ETIMEDOUT 10.0.0.25:587');
      }),
    );
    const start = clock.now();
    while (clock.now() - start < 72 * HOUR) {
      await vic.outbox.tick();
      expect(vic.store.getMessage(messageId)!.deliveryStatus).toBe('queued');
      clock.advance(600_000);
    }
    await vic.outbox.tick();
    for (const id of [messageId, ...others]) {
      expect(vic.store.getMessage(id)).toMatchObject({
        deliveryStatus: 'failed',
        deliveryError: 'not delivered within 72 h: connect ETIMEDOUT 10.0.0.25:587',
      });
    }
    expect(others.map((id) => vic.store.getOutboxByMessage(id)!.attempts)).toEqual([0, 0]);
    expect(tries).toBe(72 * 6 + 1); // one probe per 10 minutes, not one per message
  });

  it('sends the auto-reply and the operator reply in the order they were written', async () => {
    const { vic, clock } = await makeVic();
    const sent: string[] = [];
    vic.registry.register(adapter((m) => (sent.push(m.text), {})));
    const r = vic.ingest(envelope({ text: 'Требую отменить приговор, он незаконный' }));
    clock.advance(1);
    vic.tickets.post(vic.store.getUserByLogin('admin')!, r.ticketId, 'reply', 'Второе');
    await vic.outbox.tick();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe('Второе');
  });

  it('applies delivery receipts forward only', async () => {
    const { vic, messageId } = await ticketWithReply();
    const a = adapter(() => ({ externalId: 'wa-9' }));
    vic.registry.register(a);
    await vic.outbox.tick();
    const ctx = vic.channelContext(a);
    ctx.reportDelivery('wa-9', 'read');
    ctx.reportDelivery('wa-9', 'delivered');
    expect(vic.store.getMessage(messageId)!.deliveryStatus).toBe('read');
  });

  it('fails a message at once when the channel says retrying cannot help', async () => {
    const { vic, messageId } = await ticketWithReply();
    let calls = 0;
    vic.registry.register(
      adapter(() => {
        calls++;
        throw new PermanentDeliveryError('550 5.1.1 mailbox unavailable');
      }),
    );
    await vic.outbox.tick();
    expect(calls).toBe(1);
    expect(vic.store.getMessage(messageId)).toMatchObject({ deliveryStatus: 'failed', deliveryError: '550 5.1.1 mailbox unavailable' });
  });

  it('records the attempt before the channel is asked, and sends a message left in flight by a crash again at start', async () => {
    const { vic, messageId } = await ticketWithReply();
    let seen: unknown;
    vic.registry.register(
      adapter(() => {
        seen = vic.store.getOutboxByMessage(messageId);
        throw new ChannelUnavailableError('down');
      }),
    );
    await vic.outbox.tick();
    expect(seen).toMatchObject({ status: 'sending', attempts: 1 });
    expect(vic.store.db.prepare('SELECT last_attempt_at AS t FROM outbox').get()).toEqual({ t: vic.clock.now() });

    // As a kill -9 mid-send leaves it: committed as sending, never finished.
    const { vic: again, clock } = await makeVic();
    const r = again.ingest(envelope());
    const { messageId: inFlight } = again.tickets.post(again.store.getUserByLogin('admin')!, r.ticketId, 'reply', 'Ответ');
    again.store.markOutboxSending([again.store.getOutboxByMessage(inFlight)!.id], clock.now());
    const sent: number[] = [];
    again.registry.register(adapter((m) => (sent.push(m.messageId), {})));
    await again.outbox.tick();
    expect(sent).toEqual([]); // in flight: not picked up while this process may still be sending it
    const restarted = new Outbox({
      store: again.store,
      registry: again.registry,
      clock,
      events: again.events,
      log: again.log,
      config: again.config,
    });
    restarted.start();
    await restarted.tick();
    await restarted.stop();
    expect(sent).toEqual([inFlight]);
    expect(again.store.getOutboxByMessage(inFlight)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('never hands a message on a demo ticket to a channel: it fails with the reason, registered channel or not', async () => {
    const { vic, ticketId, messageId, admin } = await ticketWithReply();
    vic.store.markDemoTicket(ticketId);
    await vic.outbox.tick();
    expect(vic.store.getMessage(messageId)).toMatchObject({ deliveryStatus: 'failed', deliveryError: DEMO_NOT_SENT });
    const sent: string[] = [];
    vic.registry.register(adapter((m) => (sent.push(m.text), {})));
    const { messageId: later } = vic.tickets.post(admin, ticketId, 'reply', 'Ещё');
    expect(vic.outbox.retry(messageId)).toBe(true);
    await vic.outbox.tick();
    expect(sent).toEqual([]);
    expect(vic.store.getMessage(later)).toMatchObject({ deliveryStatus: 'failed', deliveryError: DEMO_NOT_SENT });
    expect(vic.store.getMessage(messageId)!.deliveryStatus).toBe('failed');
  });
});
