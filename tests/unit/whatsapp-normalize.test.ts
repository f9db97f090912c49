import { describe, expect, it } from 'vitest';
import { toEnvelope } from '../../channels/whatsapp/normalize.ts';
import { tempDir } from '../helpers.ts';
import { FakeMessage, FakeWhatsapp, type RawMessage } from '../support/fake-whatsapp.ts';

async function ready() {
  const world = new FakeWhatsapp(() => Date.parse('2026-12-01T05:00:00Z'));
  const dataPath = tempDir();
  world.linkSession(dataPath);
  const client = world.createClient({ dataPath });
  await client.initialize();
  await new Promise((r) => setImmediate(r));
  const msg = (raw: RawMessage) => new FakeMessage(client, raw);
  const env = (raw: RawMessage, maxMediaBytes = 1000) => toEnvelope(msg(raw), { account: world.me, maxMediaBytes, client });
  return { world, client, env };
}

describe('WhatsApp message → envelope', () => {
  it('carries the id, the time in ms, the profile name and the court of the number', async () => {
    const { world, client } = await ready();
    const raw = world.incoming({ body: 'Добрый день', notifyName: ' Айгерим ' });
    const e = await toEnvelope(new FakeMessage(client, raw), { account: world.me, court: 'sko-econ', maxMediaBytes: 1000, client });
    expect(e).toEqual({
      channel: 'whatsapp',
      account: world.me,
      externalId: raw.id._serialized,
      text: 'Добрый день',
      receivedAt: raw.t * 1000,
      courtHint: 'sko-econ',
      sender: { kind: 'whatsapp', address: '77012345678@c.us', displayName: 'Айгерим' },
    });
  });

  it('takes the pushname from the contact when the message has no notifyName', async () => {
    const { world, env } = await ready();
    world.pushnames.set('77012345678@c.us', 'Ержан');
    expect((await env(world.incoming({ body: 'вопрос' })))!.sender.displayName).toBe('Ержан');
  });

  it('adds the phone behind an @lid, from the contact or from the lid/phone lookup', async () => {
    const { world, client, env } = await ready();
    world.lidPhones.set('111222333444555@lid', '77011112233');
    expect((await env(world.incoming({ from: '111222333444555@lid' })))!.sender).toEqual({
      kind: 'whatsapp',
      address: '111222333444555@lid',
      also: [{ kind: 'phone', address: '+77011112233' }],
    });
    // The contact model does not show it, the lookup does.
    world.lidPhones.set('555444333222111@lid', '77015556677');
    const raw = world.incoming({ from: '555444333222111@lid', notifyName: 'Асель' });
    const m = new FakeMessage(client, raw);
    m.getContact = () =>
      Promise.resolve({
        id: { server: 'lid', user: '555444333222111', _serialized: '555444333222111@lid' },
        number: '555444333222111',
      });
    expect((await toEnvelope(m, { account: world.me, maxMediaBytes: 1000, client }))!.sender.also).toEqual([
      { kind: 'phone', address: '+77015556677' },
    ]);
    expect((await env(world.incoming({ from: '999888777666555@lid' })))!.sender.also).toBeUndefined();
  });

  it('renders locations and contact cards as text', async () => {
    const { world, env } = await ready();
    const loc = await env(world.incoming({ location: { lat: 54.8667, lng: 69.15, loc: 'Суд\nул. Конституции Казахстана, 30' } }));
    expect(loc!.text).toBe('📍 54.8667, 69.15\nСуд\nул. Конституции Казахстана, 30\nhttps://maps.google.com/?q=54.8667,69.15');
    const card = 'BEGIN:VCARD\nVERSION:3.0\nFN:Иванов Иван\nitem1.TEL;waid=77011234567:+7 701 123 4567\nEND:VCARD';
    expect((await env(world.incoming({ vcards: [card] })))!.text).toBe('👤 Иванов Иван: +7 701 123 4567');
    expect((await env(world.incoming({ vcards: [card, 'BEGIN:VCARD\nFN:Петров\nEND:VCARD'] })))!.text).toBe(
      '👤 Иванов Иван: +7 701 123 4567\n👤 Петров',
    );
  });

  it('says what an unsupported message was instead of storing nothing', async () => {
    const { world, env } = await ready();
    const raw = world.incoming({ type: 'poll_creation' });
    raw.body = '';
    expect((await env(raw))!.text).toBe('[WhatsApp: poll_creation]');
  });

  it('skips what a citizen did not write: own, status, group, notifications, undecrypted placeholders', async () => {
    const { world, env } = await ready();
    const own = world.incoming();
    own.id = { ...own.id, fromMe: true };
    expect(await env(own)).toBeNull();
    expect(await env(world.incoming({ status: true }))).toBeNull();
    expect(await env(world.incoming({ group: '120363025246125888@g.us' }))).toBeNull();
    expect(await env(world.incoming({ type: 'e2e_notification' }))).toBeNull();
    expect(await env(world.incoming({ type: 'ciphertext' }))).toBeNull();
    expect(await env(world.incoming({ from: '120363111111111111@newsletter' }))).toBeNull();
  });

  it('downloads media within the limit and notes every file it could not keep', async () => {
    const { world, client, env } = await ready();
    const ok = await env(
      world.incoming({
        body: 'скан',
        type: 'document',
        media: { mimetype: 'application/pdf', content: Buffer.from('%PDF-1.4'), filename: 'иск.pdf' },
      }),
    );
    expect(ok!.text).toBe('скан');
    expect(ok!.attachments).toEqual([{ filename: 'иск.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4'), size: 8 }]);

    const announced = world.incoming({ type: 'video', media: { mimetype: 'video/mp4', content: Buffer.alloc(1), announcedSize: 5000 } });
    const m = new FakeMessage(client, announced);
    let downloaded = false;
    m.downloadMedia = () => {
      downloaded = true;
      return Promise.resolve(undefined);
    };
    const e = await toEnvelope(m, { account: world.me, maxMediaBytes: 1000, client });
    expect(downloaded).toBe(false);
    expect(e!.attachments![0]).toMatchObject({ content: null, size: 5000, droppedReason: 'larger than the WhatsApp limit of 1 KB' });

    const failing = new FakeMessage(client, world.incoming({ media: { mimetype: 'image/jpeg', content: Buffer.alloc(10) } }));
    failing.downloadMedia = () => Promise.reject(new Error('Evaluation failed: media fetch 404'));
    expect((await toEnvelope(failing, { account: world.me, maxMediaBytes: 1000, client }))!.attachments![0]).toMatchObject({
      content: null,
      droppedReason: 'download failed: Evaluation failed: media fetch 404',
    });
  });
});
