import { describe, expect, it } from 'vitest';
import { PermanentDeliveryError, type ChannelAdapter, type OutboundMessage } from '../../src/channels.ts';
import { envelope, makeVic } from '../helpers.ts';

function adapter(send: (m: OutboundMessage) => Promise<{ externalId?: string }>): ChannelAdapter {
  return { name: 'whatsapp', start: async () => {}, stop: async () => {}, health: () => ({ state: 'connected', since: 0 }), send };
}

async function ticketWithReply() {
  const made = await makeVic({ OUTBOX_BASE_DELAY_MS: 1000, OUTBOX_MAX_ATTEMPTS: 3 });
  const r = made.vic.ingest(envelope());
  const admin = made.vic.store.getUserByLogin('admin')!;
  const { messageId } = made.vic.tickets.post(admin, r.ticketId, 'reply', 'Заседание назначено на 10 декабря.');
  return { ...made, messageId };
}

describe('outbox', () => {
  it('keeps a message queued while no adapter is registered, and delivers it once one is', async () => {
    const { vic, clock, messageId } = await ticketWithReply();
    await vic.outbox.tick();
    expect(vic.store.getMessage(messageId)).toMatchObject({ deliveryStatus: 'queued', deliveryError: 'channel whatsapp is not connected' });
    const sent: OutboundMessage[] = [];
    vic.registry.register(adapter(async (m) => (sent.push(m), { externalId: 'wa-1' })));
    clock.advance(3_600_000);
    await vic.outbox.tick();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: '77012345678@c.us', text: 'Заседание назначено на 10 декабря.' });
    expect(vic.store.getMessage(messageId)).toMatchObject({ deliveryStatus: 'sent', externalId: 'wa-1', deliveryError: null });
  });

  it('retries a failing adapter with exponential backoff, then marks the message failed with the reason', async () => {
    const { vic, clock, messageId } = await ticketWithReply();
    let calls = 0;
    vic.registry.register(adapter(async () => {
      calls++;
      throw new Error('WhatsApp is disconnected');
    }));
    await vic.outbox.tick();
    expect(calls).toBe(1);
    expect(vic.store.getMessage(messageId)).toMatchObject({ deliveryStatus: 'queued', deliveryError: 'WhatsApp is disconnected' });
    await vic.outbox.tick();
    expect(calls).toBe(1); // not due yet
    clock.advance(1000);
    await vic.outbox.tick();
    expect(calls).toBe(2);
    clock.advance(1999);
    await vic.outbox.tick();
    expect(calls).toBe(2); // second backoff is 2 s
    clock.advance(1);
    await vic.outbox.tick();
    expect(calls).toBe(3);
    expect(vic.store.getMessage(messageId)).toMatchObject({ deliveryStatus: 'failed', deliveryError: 'WhatsApp is disconnected' });
    clock.advance(3_600_000);
    await vic.outbox.tick();
    expect(calls).toBe(3);
    // An operator sends it again; it is not lost.
    expect(vic.outbox.retry(messageId)).toBe(true);
    await vic.outbox.tick();
    expect(calls).toBe(4);
  });

  it('sends the auto-reply and the operator reply in the order they were written', async () => {
    const { vic, clock } = await makeVic();
    const sent: string[] = [];
    vic.registry.register(adapter(async (m) => (sent.push(m.text), {})));
    const r = vic.ingest(envelope({ text: 'Требую отменить приговор, он незаконный' }));
    clock.advance(1);
    vic.tickets.post(vic.store.getUserByLogin('admin')!, r.ticketId, 'reply', 'Второе');
    await vic.outbox.tick();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe('Второе');
  });

  it('applies delivery receipts forward only', async () => {
    const { vic, messageId } = await ticketWithReply();
    const a = adapter(async () => ({ externalId: 'wa-9' }));
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
    vic.registry.register(adapter(async () => {
      calls++;
      throw new PermanentDeliveryError('550 5.1.1 mailbox unavailable');
    }));
    await vic.outbox.tick();
    expect(calls).toBe(1);
    expect(vic.store.getMessage(messageId)).toMatchObject({ deliveryStatus: 'failed', deliveryError: '550 5.1.1 mailbox unavailable' });
  });
});
