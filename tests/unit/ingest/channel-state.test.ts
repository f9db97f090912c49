// Channel state handed with an envelope (the e-mail channel's watermark and fingerprints) is committed in the
// message's own transaction: with the message, with a repeat of it, and not at all when storing fails.
import { describe, expect, it } from 'vitest';
import { ingest } from '../../../src/ingest/pipeline.ts';
import { envelope, makeVic } from '../../helpers.ts';

describe('channel state written with the message', () => {
  it('commits the state with the message and with a repeat, and not when the pipeline fails', async () => {
    const { vic } = await makeVic();
    const state = (key: string) => vic.store.getChannelState('email', key);
    const mail = envelope({ channel: 'email', externalId: '<s1@citizen.kz>', sender: { kind: 'email', address: 'a@citizen.kz' } });

    const failing = {
      ...vic.pipeline,
      afterStep: (name: string) => {
        if (name === 'persist') throw new Error('crash');
      },
    };
    expect(() => ingest(failing, mail, { channel: 'email', values: { watermark: '7:1', 'mid:x': 'fp' } })).toThrow('crash');
    expect(state('watermark')).toBeUndefined();
    expect(state('mid:x')).toBeUndefined();
    expect(vic.store.findMessageByExternal('email', '<s1@citizen.kz>')).toBeUndefined();

    expect(vic.ingest(mail, { channel: 'email', values: { watermark: '7:1', 'mid:x': 'fp' } }).duplicate).toBe(false);
    expect([state('watermark'), state('mid:x')]).toEqual(['7:1', 'fp']);
    // Read again under a later UID (a second copy in the mailbox): not stored again, but the watermark moves on.
    expect(vic.ingest(mail, { channel: 'email', values: { watermark: '7:2' } }).duplicate).toBe(true);
    expect(state('watermark')).toBe('7:2');
  });
});
