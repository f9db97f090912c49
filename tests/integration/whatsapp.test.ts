// The WhatsApp channel in a real VIC, with the fake whatsapp-web.js client (tests/support/fake-whatsapp.ts).
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import type { ChannelHealth } from '../../src/channels.ts';
import { createWhatsappChannel, sessionDir, whatsappConfigFromEnv, type WhatsappConfig } from '../../channels/whatsapp/index.ts';
import { addUser, envelope, makeVic, nextEvent, serve } from '../helpers.ts';
import { FakeWhatsapp, ManualTimers, MessageAck, type FakeMessage } from '../support/fake-whatsapp.ts';
import { json } from './json.ts';

let current: Vic | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

async function waitFor<T>(probe: () => T | undefined | null | false, what = 'condition', ms = 2000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function setup(opts: { linked?: boolean; cfg?: Partial<WhatsappConfig> } = {}) {
  const { vic, clock } = await makeVic();
  current = vic;
  const world = new FakeWhatsapp(() => clock.now());
  const timers = new ManualTimers();
  const cfg = { ...whatsappConfigFromEnv({ WHATSAPP_ENABLED: '1' }, vic.config.DATA_DIR)!, ...opts.cfg };
  if (opts.linked ?? true) world.linkSession(cfg.dataPath);
  const channel = createWhatsappChannel(cfg, { createClient: world.createClient, timers });
  await vic.addChannel(channel);
  // Once the state shows, one more turn lets the supervisor finish what it does next (destroy, schedule a retry).
  const state = async (s: string) => {
    await waitFor(() => channel.health().state === s, `state ${s} (now ${channel.health().state}: ${channel.health().reason ?? ''})`);
    await new Promise((r) => setImmediate(r));
  };
  const stored = (externalId: string) => waitFor(() => vic.store.findMessageByExternal('whatsapp', externalId), `message ${externalId}`);
  return { vic, clock, world, timers, channel, cfg, state, stored };
}

const admin = (vic: Vic) => vic.store.getUserByLogin('admin')!;
/** GET /api/channels: each channel with its health (details included) and the admin commands it offers. */
interface ChannelList {
  items: { name: string; health: ChannelHealth; commands: string[] }[];
}
/** GET /api/health: each channel's state and reason, without details. */
interface PublicHealth {
  ok: boolean;
  channels: Record<string, ChannelHealth>;
}
const channelOf = ({ items }: ChannelList) => items.find((i) => i.name === 'whatsapp')!;

describe('WhatsApp pairing', () => {
  it('shows the QR code to admins on GET /api/channels and refreshes it; operators get nothing', async () => {
    const { vic, world, state, channel } = await setup({ linked: false });
    const server = await serve(vic);
    await state('pairing');
    const { api } = await server.login('admin', 'admin-secret-1');
    const first = channelOf(json<ChannelList>(await api.get('/api/channels')));
    expect(first.health.state).toBe('pairing');
    expect(first.health.details?.qr).toMatch(/^data:image\/png;base64,/);
    expect(first.commands).toEqual(expect.arrayContaining(['logout', 'restart']));

    const { cookie } = await server.login('admin', 'admin-secret-1');
    const socket = await server.socket(cookie);
    const pushed = nextEvent(socket, 'channel.health');
    world.client.showQr();
    await waitFor(() => channel.health().details?.qr !== first.health.details?.qr, 'a new QR code');
    expect(await pushed).toMatchObject({
      channel: 'whatsapp',
      health: { state: 'pairing', details: { qr: channel.health().details?.qr } },
    });
    socket.close();
    const second = channelOf(json<ChannelList>(await api.get('/api/channels')));
    expect(second.health.details?.qr).toMatch(/^data:image\/png;base64,/);
    expect(second.health.details?.qr).not.toBe(first.health.details?.qr);

    await addUser(vic, 'op', 'operator');
    const op = await server.login('op', 'password-123');
    expect((await op.api.get('/api/channels')).status).toBe(403);
    expect((await server.anon.get('/api/channels')).status).toBe(401);

    world.client.scanned();
    await state('connected');
    expect(channel.health().details?.qr).toBeUndefined();
    expect(json<PublicHealth>(await server.anon.get('/api/health')).channels.whatsapp.state).toBe('connected');
  });

  // Whoever scans the code links their own phone to the helpdesk: it is for admins only.
  it('never puts the QR code into the public GET /api/health', async () => {
    const { vic, state } = await setup({ linked: false });
    const server = await serve(vic);
    await state('pairing');
    const health = await server.anon.get('/api/health');
    expect(json<PublicHealth>(health).channels.whatsapp.state).toBe('pairing');
    expect(JSON.stringify(health.body)).not.toContain('data:image');
  });

  it('restores a linked session without a QR code', async () => {
    const { world, state } = await setup();
    await state('connected');
    expect(world.clients).toHaveLength(1);
  });
});

describe('WhatsApp inbound', () => {
  it('turns a text message into a ticket whose contact is the one a phone call from +7 701 … has', async () => {
    const { vic, world, state, stored } = await setup();
    await state('connected');
    const raw = world.send({
      from: '77012345678@c.us',
      body: 'Здравствуйте, когда заседание по делу 2-123/2026?',
      notifyName: 'Ержан',
      at: Date.parse('2026-12-01T05:00:00Z'),
    });
    const { id, ticketId } = await stored(raw.id._serialized);
    const msg = vic.store.getMessage(id)!;
    expect(msg.text).toBe('Здравствуйте, когда заседание по делу 2-123/2026?');
    expect(msg.externalId).toBe(raw.id._serialized);
    expect(msg.createdAt).toBe(Date.parse('2026-12-01T05:00:00Z'));
    const ticket = vic.store.getTicket(ticketId)!;
    expect(ticket.channel).toBe('whatsapp');
    expect(ticket.account).toBe(world.me);
    const contact = vic.store.getContact(ticket.contactId)!;
    expect(contact.name).toBe('Ержан');
    expect(contact.identities).toEqual(
      expect.arrayContaining([
        { kind: 'whatsapp', address: '77012345678@c.us' },
        { kind: 'phone', address: '+77012345678' },
      ]),
    );

    const call = vic.ingest(
      envelope({
        channel: 'sip',
        sender: { kind: 'phone', address: '8 701 234 56 78' },
        text: '',
        call: { callId: 'c1', from: '87012345678', to: '100', outcome: 'missed', startedAt: 0 },
      }),
    );
    expect(vic.store.getTicket(call.ticketId)!.contactId).toBe(ticket.contactId);
  });

  it('stores a message delivered twice once', async () => {
    const { vic, world, state, stored } = await setup();
    await state('connected');
    const raw = world.send({ body: 'Первый вопрос' });
    await stored(raw.id._serialized);
    world.client.deliver(raw);
    world.client.deliver(raw);
    const again = world.send({ body: 'Второй вопрос' });
    await stored(again.id._serialized);
    await new Promise((r) => setTimeout(r, 20));
    expect(vic.store.counts().messages).toBe(2);
  });

  it('keeps media as attachments, voice notes as audio, and notes media over the limit or expired', async () => {
    const { vic, world, state, stored } = await setup({ cfg: { maxMediaBytes: 1000 } });
    await state('connected');
    const photo = world.send({ body: 'Фото повестки', media: { mimetype: 'image/jpeg', content: Buffer.alloc(600, 1) } });
    const voice = world.send({ type: 'ptt', media: { mimetype: 'audio/ogg; codecs=opus', content: Buffer.alloc(300, 2) } });
    const big = world.send({
      type: 'document',
      media: { mimetype: 'application/pdf', content: Buffer.alloc(10, 3), filename: 'решение.pdf', announcedSize: 50_000_000 },
    });
    const unannounced = world.send({ type: 'video', media: { mimetype: 'video/mp4', content: Buffer.alloc(5000, 4), announcedSize: 0 } });
    const expired = world.send({ media: { mimetype: 'image/jpeg', content: Buffer.alloc(10), expired: true } });
    for (const r of [photo, voice, big, unannounced, expired]) await stored(r.id._serialized);

    const { ticketId } = vic.store.findMessageByExternal('whatsapp', photo.id._serialized)!;
    const byMessage = (raw: { id: { _serialized: string } }) => {
      const m = vic.store.findMessageByExternal('whatsapp', raw.id._serialized)!;
      return vic.store.listAttachments(ticketId).find((a) => a.messageId === m.id)!;
    };
    expect(vic.store.getMessage(vic.store.findMessageByExternal('whatsapp', photo.id._serialized)!.id)!.text).toBe('Фото повестки');
    expect(byMessage(photo)).toMatchObject({ contentType: 'image/jpeg', size: 600, droppedReason: null });
    expect(byMessage(photo).sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(byMessage(voice)).toMatchObject({ contentType: 'audio/ogg; codecs=opus', size: 300, droppedReason: null });
    expect(byMessage(voice).filename).toMatch(/^voice-.*\.ogg$/);
    expect(byMessage(big)).toMatchObject({ filename: 'решение.pdf', size: 50_000_000, sha256: null });
    expect(byMessage(big).droppedReason).toMatch(/larger than/);
    expect(byMessage(unannounced)).toMatchObject({ size: 5000, sha256: null });
    expect(byMessage(unannounced).droppedReason).toMatch(/larger than/);
    expect(byMessage(expired).droppedReason).toMatch(/no longer has the file/);
  });

  it('maps an @lid sender to the phone contact when WhatsApp Web knows the number, and adds it later when it learns it', async () => {
    const { vic, world, state, stored } = await setup();
    await state('connected');
    const call = vic.ingest(
      envelope({
        channel: 'sip',
        sender: { kind: 'phone', address: '+7 701 234 5678' },
        text: '',
        call: { callId: 'c9', from: '+77012345678', to: '100', outcome: 'missed', startedAt: 0 },
      }),
    );
    const callContact = vic.store.getTicket(call.ticketId)!.contactId;

    world.lidPhones.set('203040506070809@lid', '77012345678');
    const known = world.send({ from: '203040506070809@lid', body: 'Я звонил утром', notifyName: 'Ержан' });
    const a = await stored(known.id._serialized);
    expect(vic.store.getTicket(a.ticketId)!.contactId).toBe(callContact);
    expect(vic.store.getContact(callContact)!.identities).toEqual(
      expect.arrayContaining([{ kind: 'whatsapp', address: '203040506070809@lid' }]),
    );

    const anon = world.send({ from: '998877665544332@lid', body: 'Вопрос без номера' });
    const b = await stored(anon.id._serialized);
    const anonContact = vic.store.getTicket(b.ticketId)!.contactId;
    expect(vic.store.getContact(anonContact)!.identities).toEqual([{ kind: 'whatsapp', address: '998877665544332@lid' }]);
    world.lidPhones.set('998877665544332@lid', '77779998877');
    const later = world.send({ from: '998877665544332@lid', body: 'Ещё вопрос' });
    const c = await stored(later.id._serialized);
    expect(vic.store.getTicket(c.ticketId)!.contactId).toBe(anonContact);
    expect(vic.store.getContact(anonContact)!.identities).toEqual(expect.arrayContaining([{ kind: 'phone', address: '+77779998877' }]));
  });

  it('ignores groups, status updates and its own messages', async () => {
    const { vic, world, state, stored } = await setup();
    await state('connected');
    world.send({ group: '120363025246125888@g.us', body: 'в группе' });
    world.send({ status: true, body: 'статус' });
    const own = world.incoming({ body: 'сам себе' });
    own.id = { ...own.id, fromMe: true, _serialized: own.id._serialized.replace(/^false_/, 'true_') };
    world.client.deliver(own);
    const marker = world.send({ body: 'последнее' });
    await stored(marker.id._serialized);
    expect(vic.store.counts().messages).toBe(1);
  });

  it('catches up on messages that came while it was offline: unread ones, and ones read on the phone meanwhile', async () => {
    const { vic, clock, world, state, stored, timers } = await setup();
    await state('connected');
    const before = world.send({ from: '77010000001@c.us', body: 'до перерыва' });
    await stored(before.id._serialized);

    world.client.disconnect('CONFLICT');
    await state('down');
    clock.advance(60_000);
    const unread = world.incoming({ from: '77010000002@c.us', body: 'пока VIC был недоступен' });
    const readOnPhone = world.incoming({ from: '77010000001@c.us', body: 'прочитано на телефоне' });
    world.chat('77010000001@c.us').unreadCount = 0;
    world.incoming({ from: '77010000003@c.us', body: 'давно прочитано', at: clock.now() - 86_400_000 * 30 });
    world.chat('77010000003@c.us').unreadCount = 0;

    timers.advance(timers.delays()[0]);
    await state('connected');
    await stored(unread.id._serialized);
    await stored(readOnPhone.id._serialized);
    await new Promise((r) => setTimeout(r, 20));
    expect(vic.store.counts().messages).toBe(3);
  });
});

describe('WhatsApp outbound', () => {
  async function replyTo(vic: Vic, ticketId: number, text: string) {
    const { messageId } = vic.tickets.post(admin(vic), ticketId, 'reply', text);
    await vic.outbox.tick();
    return messageId;
  }

  it('sends an operator reply with sendMessage, and its acks move the status sent → delivered → read, never back', async () => {
    const { vic, world, state, stored } = await setup();
    await state('connected');
    const raw = world.send({ from: '77012345678@c.us', body: 'Вопрос' });
    const { ticketId } = await stored(raw.id._serialized);
    const id = await replyTo(vic, ticketId, 'Заседание назначено на 10 декабря.');
    const [sent] = world.client.sent as [FakeMessage];
    expect(sent.to).toBe('77012345678@c.us');
    expect(sent.body).toBe('Заседание назначено на 10 декабря.');
    const status = () => vic.store.getMessage(id)!.deliveryStatus;
    expect(vic.store.getMessage(id)!.externalId).toBe(sent.id._serialized);
    expect(status()).toBe('sent');

    world.client.ack(sent, MessageAck.ACK_SERVER);
    expect(status()).toBe('sent');
    world.client.ack(sent, MessageAck.ACK_DEVICE);
    expect(status()).toBe('delivered');
    world.client.ack(sent, MessageAck.ACK_SERVER);
    expect(status()).toBe('delivered');
    world.client.ack(sent, MessageAck.ACK_READ);
    expect(status()).toBe('read');
    world.client.ack(sent, MessageAck.ACK_DEVICE);
    expect(status()).toBe('read');

    const id2 = await replyTo(vic, ticketId, 'Второй ответ');
    world.client.ack(world.client.sent[1], MessageAck.ACK_ERROR);
    expect(vic.store.getMessage(id2)!).toMatchObject({ deliveryStatus: 'failed', deliveryError: expect.stringMatching(/error/) as string });
  });

  it('counts an ack that overtakes the answer of sendMessage', async () => {
    const { vic, world, state, stored } = await setup();
    await state('connected');
    const { ticketId } = await stored(world.send({ body: 'Вопрос' }).id._serialized);
    const client = world.client;
    const original = client.sendMessage.bind(client);
    client.sendMessage = async (chatId, content) => {
      const m = (await original(chatId, content))!;
      client.ack(m, MessageAck.ACK_DEVICE);
      return m;
    };
    const id = await replyTo(vic, ticketId, 'Ответ');
    await waitFor(() => vic.store.getMessage(id)!.deliveryStatus === 'delivered', 'delivered');
  });

  it('keeps a reply queued while disconnected and delivers it after the reconnection', async () => {
    const { vic, clock, world, state, stored, timers } = await setup();
    await state('connected');
    const { ticketId } = await stored(world.send({ from: '77012345678@c.us', body: 'Вопрос' }).id._serialized);
    const first = world.client;
    first.disconnect('CONFLICT');
    await state('down');
    const id = await replyTo(vic, ticketId, 'Ответ после восстановления связи');
    expect(vic.store.getMessage(id)!).toMatchObject({
      deliveryStatus: 'queued',
      deliveryError: expect.stringMatching(/not connected/) as string,
    });
    expect(first.sent).toHaveLength(0);

    timers.advance(timers.delays()[0]);
    await state('connected');
    clock.advance(vic.outbox.backoff(1));
    await vic.outbox.tick();
    expect(world.client).not.toBe(first);
    expect(world.client.sent.map((m) => m.body)).toEqual(['Ответ после восстановления связи']);
    expect(vic.store.getMessage(id)!.deliveryStatus).toBe('sent');
  });

  it('does not send while WhatsApp Web reports the phone offline (degraded)', async () => {
    const { world, state, channel } = await setup();
    await state('connected');
    world.client.changeState('TIMEOUT');
    await state('degraded');
    await expect(
      channel.send!({
        messageId: 1,
        ticketRef: 'VIC-2026-00001',
        channel: 'whatsapp',
        account: null,
        to: '77012345678@c.us',
        text: 'x',
        idempotencyKey: 'k',
      }),
    ).rejects.toThrow(/not connected/);
    world.client.changeState('CONNECTED');
    await state('connected');
  });

  it('fails at once for an address that is not a WhatsApp chat', async () => {
    const { state, channel } = await setup();
    await state('connected');
    await expect(
      channel.send!({
        messageId: 1,
        ticketRef: 'VIC-2026-00001',
        channel: 'whatsapp',
        account: null,
        to: '120363025246125888@g.us',
        text: 'x',
        idempotencyKey: 'k',
      }),
    ).rejects.toMatchObject({ permanent: true });
  });
});

describe('WhatsApp supervisor', () => {
  it('replaces a client after `disconnected`: the old one destroyed, the reason in health, delays growing', async () => {
    const { world, state, channel, timers, cfg } = await setup();
    await state('connected');
    const first = world.client;
    first.disconnect('CONFLICT');
    await state('down');
    expect(channel.health().reason).toBe('disconnected: CONFLICT');
    expect(channel.health().code).toBe('waDisconnected');
    expect(first.destroyed).toBe(true);
    expect(timers.delays()).toEqual([cfg.retryBaseMs]);

    world.initialize = 'fail';
    timers.advance(cfg.retryBaseMs);
    expect(world.clients).toHaveLength(2);
    await waitFor(() => timers.delays()[0] === cfg.retryBaseMs * 2, 'the second, longer delay');
    expect(channel.health()).toMatchObject({
      state: 'down',
      code: 'waStartFailed',
      reason: expect.stringContaining('ERR_NAME_NOT_RESOLVED') as string,
    });
    expect(channel.health().details?.lastProblem).toMatchObject({ reason: expect.stringContaining('ERR_NAME_NOT_RESOLVED') as string });

    world.initialize = 'ok';
    timers.advance(cfg.retryBaseMs * 2);
    await state('connected');
    expect(world.clients).toHaveLength(3);
    expect(world.clients.slice(0, 2).every((c) => c.destroyed)).toBe(true);
  });

  it('restarts when `ready` does not come within the timeout after `authenticated`', async () => {
    const { world, state, channel, timers, cfg } = await setup();
    world.readyAfterAuthentication = false;
    await waitFor(() => world.clients[0]?.phase === 'authenticated', 'authenticated');
    expect(channel.health().state).toBe('connecting');
    timers.advance(cfg.readyTimeoutMs - 1);
    expect(channel.health().state).toBe('connecting');
    timers.advance(1);
    await state('down');
    expect(channel.health().reason).toMatch(/"ready" did not come/);
    expect(channel.health().code).toBe('waLoadTimeout');
    expect(world.clients[0].destroyed).toBe(true);

    world.readyAfterAuthentication = true;
    timers.advance(timers.delays()[0]);
    await state('connected');
    expect(world.clients).toHaveLength(2);
  });

  it('restarts when initialize() never settles', async () => {
    const { vic, clock } = await makeVic();
    current = vic;
    const world = new FakeWhatsapp(() => clock.now());
    world.initialize = 'hang';
    const timers = new ManualTimers();
    const cfg = whatsappConfigFromEnv({ WHATSAPP_ENABLED: '1' }, vic.config.DATA_DIR)!;
    const channel = createWhatsappChannel(cfg, { createClient: world.createClient, timers });
    await vic.addChannel(channel);
    timers.advance(cfg.initTimeoutMs);
    await waitFor(() => channel.health().state === 'down', 'down');
    expect(channel.health().reason).toMatch(/did not load within 120 s/);
    expect(world.clients[0].destroyed).toBe(true);
  });

  it('replaces a connected client whose page stopped answering (a crashed page emits nothing)', async () => {
    const { world, state, channel, timers } = await setup();
    await state('connected');
    const first = world.client;
    first.getState = () => new Promise(() => {});
    timers.advance(60_000);
    expect(channel.health().state).toBe('connected');
    timers.advance(30_000);
    await state('down');
    expect(channel.health().reason).toBe('WhatsApp Web stopped answering: getState() did not answer within 30 s');
    expect(channel.health().code).toBe('waUnresponsive');
    expect(first.destroyed).toBe(true);
  });

  it('picks up a state change it was not told about when it probes', async () => {
    const { world, state, timers } = await setup();
    await state('connected');
    world.client.waState = 'TIMEOUT';
    timers.advance(60_000);
    await state('degraded');
    world.client.waState = 'CONNECTED';
    timers.advance(60_000);
    await state('connected');
  });

  it('restarts a healthy client on schedule when asked to', async () => {
    const { world, state, timers } = await setup({ cfg: { restartEveryMs: 24 * 3_600_000 } });
    await state('connected');
    timers.advance(24 * 3_600_000);
    await waitFor(() => world.clients.length === 2 && world.clients[1].phase === 'ready', 'the second client');
    expect(world.clients[0].destroyed).toBe(true);
  });

  it('kills the browser when destroy() hangs', async () => {
    const { world, state, timers, channel } = await setup();
    await state('connected');
    const first = world.client;
    first.destroy = () => new Promise(() => {});
    const restarting = channel.command!('restart');
    timers.advance(15_000);
    await restarting;
    expect(first.pupBrowser!.killed).toBe('SIGKILL');
    await state('connected');
    expect(world.clients).toHaveLength(2);
  });

  it('logout (admin command) unlinks the phone, deletes the session and shows a new QR code', async () => {
    const { vic, world, state, cfg } = await setup();
    await state('connected');
    const server = await serve(vic);
    const { api } = await server.login('admin', 'admin-secret-1');
    const first = world.client;
    const r = await api.post('/api/channels/whatsapp/logout');
    expect(r.status).toBe(200);
    expect(first.logoutCalls).toBe(1);
    expect(fs.existsSync(`${sessionDir(cfg)}/Default/fake-whatsapp-paired`)).toBe(false);
    await state('pairing');
    expect(world.clients).toHaveLength(2);
    expect(vic.store.searchAudit({ action: 'channel.logout', limit: 10, offset: 0 }).items.length).toBeGreaterThan(0);
  });

  it('logout while the client is down still forgets the session', async () => {
    const { world, state, channel, cfg } = await setup();
    await state('connected');
    world.client.disconnect('CONFLICT');
    await state('down');
    await channel.command!('logout');
    expect(fs.existsSync(`${sessionDir(cfg)}/Default/fake-whatsapp-paired`)).toBe(false);
    await state('pairing');
  });

  it('restart (admin command) replaces the client', async () => {
    const { world, state, channel } = await setup();
    await state('connected');
    await channel.command!('restart');
    await state('connected');
    expect(world.clients).toHaveLength(2);
    expect(world.clients[0].destroyed).toBe(true);
  });

  it('stop() destroys the client and schedules nothing', async () => {
    const { world, state, channel, timers } = await setup();
    await state('connected');
    await channel.stop();
    expect(world.client.destroyed).toBe(true);
    expect(timers.delays()).toEqual([]);
  });
});
