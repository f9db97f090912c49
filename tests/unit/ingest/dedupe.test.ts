import { describe, expect, it } from 'vitest';
import { envelope, makeVic } from '../../helpers.ts';

describe('dedupe step', () => {
  it('stores the same envelope delivered twice as one message', async () => {
    const { vic } = await makeVic();
    const env = envelope();
    const first = vic.ingest(env);
    const second = vic.ingest({ ...env });
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, messageId: first.messageId, ticketId: first.ticketId });
    expect(vic.store.counts().messages).toBe(1);
  });

  it('stores one message when the same envelope arrives concurrently', async () => {
    const { vic } = await makeVic();
    const env = envelope();
    const results = await Promise.all(Array.from({ length: 10 }, () => Promise.resolve().then(() => vic.ingest({ ...env }))));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(vic.store.counts()).toMatchObject({ messages: 1, tickets: 1 });
  });

  it('is keyed on the channel: the same id on another channel is another message', async () => {
    const { vic } = await makeVic();
    vic.ingest(envelope({ externalId: 'same' }));
    vic.ingest(envelope({ externalId: 'same', channel: 'email', sender: { kind: 'email', address: 'a@b.kz' } }));
    expect(vic.store.counts().messages).toBe(2);
  });

  it('treats a unique-index conflict from another writer as a duplicate', async () => {
    const { vic } = await makeVic();
    const env = envelope();
    vic.ingest(env);
    // Simulate the race: the dedupe lookup misses, the insert then hits the unique index.
    const orig = vic.store.findMessageByExternal.bind(vic.store);
    let calls = 0;
    vic.store.findMessageByExternal = (c, e) => (calls++ < 1 ? undefined : orig(c, e));
    const r = vic.ingest({ ...env });
    expect(r.duplicate).toBe(true);
    expect(vic.store.counts().messages).toBe(1);
  });
});
