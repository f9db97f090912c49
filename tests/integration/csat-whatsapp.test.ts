// The citizen's rating through the WhatsApp channel with the fake whatsapp-web.js client: the question reaches the
// citizen's chat after the ticket is resolved, "5 спасибо" is the rating (thanked, no ticket), the next message is
// its comment; while the channel is down the question waits in the outbox instead of being lost.
import { afterEach, describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { createWhatsappChannel, whatsappConfigFromEnv } from '../../channels/whatsapp/index.ts';
import { surveyOfTicket } from '../../src/csat/store.ts';
import { makeVic, until } from '../helpers.ts';
import { FakeWhatsapp, ManualTimers } from '../support/fake-whatsapp.ts';

const CSAT = { CSAT_ENABLED: true, CSAT_SECRET: 'test-secret-of-the-survey-links-0123456789', PUBLIC_ORIGIN: ['https://vic.sud.kz'] };

let current: Vic | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

async function setup() {
  const { vic, clock } = await makeVic(CSAT);
  current = vic;
  const world = new FakeWhatsapp(() => clock.now());
  const cfg = whatsappConfigFromEnv({ WHATSAPP_ENABLED: '1' }, vic.config.DATA_DIR)!;
  world.linkSession(cfg.dataPath);
  const channel = createWhatsappChannel(cfg, { createClient: world.createClient, timers: new ManualTimers() });
  await vic.addChannel(channel);
  await until('connected', () => channel.health().state === 'connected');
  const admin = vic.store.getUserByLogin('admin')!;
  const stored = (raw: { id: { _serialized: string } }) =>
    until(`message ${raw.id._serialized}`, () => vic.store.findMessageByExternal('whatsapp', raw.id._serialized));
  const sentTo = (chat: string) => world.client.sent.filter((m) => m.to === chat).map((m) => m.body);
  return { vic, clock, world, admin, stored, sentTo };
}
const tickets = (vic: Vic) => (vic.store.db.prepare('SELECT count(*) AS c FROM tickets').get() as { c: number }).c;

describe('CSAT on WhatsApp', () => {
  it('asks after resolution; "5 спасибо" is the rating and is thanked; the next message is the comment', async () => {
    const { vic, clock, world, admin, stored, sentTo } = await setup();
    const chat = '77015550101@c.us';
    const { ticketId } = await stored(world.send({ from: chat, body: 'Здравствуйте, когда будет заседание по моему делу?' }));
    vic.tickets.post(admin, ticketId, 'reply', 'Заседание назначено на 10 декабря.');
    vic.tickets.resolve(admin, ticketId);
    await until('the question', async () => (await vic.outbox.tick(), sentTo(chat).length === 2));
    const ref = vic.store.getTicket(ticketId)!.ref;
    expect(sentTo(chat)[1]).toContain(`Оцените, пожалуйста, ответ на ваше обращение ${ref}`);

    const before = tickets(vic);
    const rating = world.send({ from: chat, body: '5 спасибо' });
    await until('the rating', () => surveyOfTicket(vic.store, ticketId)?.score === 5);
    expect(vic.store.findMessageByExternal('whatsapp', rating.id._serialized)).toBeUndefined();
    await until('the thanks', async () => (await vic.outbox.tick(), sentTo(chat).length === 3));
    expect(sentTo(chat)[2]).toContain('Спасибо за оценку');

    clock.advance(2 * 60_000);
    world.send({ from: chat, body: 'Всё понятно объяснили' });
    await until('the comment', () => surveyOfTicket(vic.store, ticketId)?.comment === 'Всё понятно объяснили');
    expect(tickets(vic)).toBe(before);
    expect(vic.store.getTicket(ticketId)!.status).toBe('resolved');

    // A question after that is a message for the operators: the ticket is reopened as usual.
    const question = world.send({ from: chat, body: 'А копию решения где получить?' });
    expect((await stored(question)).ticketId).toBe(ticketId);
    expect(vic.store.getTicket(ticketId)!.status).not.toBe('resolved');
  });

  it('while WhatsApp is down the question waits in the outbox, not lost', async () => {
    const { vic, world, admin, stored, sentTo } = await setup();
    const chat = '77015550102@c.us';
    const { ticketId } = await stored(world.send({ from: chat, body: 'Как оплатить госпошлину?' }));
    vic.tickets.post(admin, ticketId, 'reply', 'Госпошлину можно оплатить через eGov.');
    await until('the reply', async () => (await vic.outbox.tick(), sentTo(chat).length === 1));
    world.client.disconnect();
    vic.tickets.resolve(admin, ticketId);
    await until('the survey', () => surveyOfTicket(vic.store, ticketId));
    await vic.outbox.tick();
    const q = vic.store.getOutboxByMessage(surveyOfTicket(vic.store, ticketId)!.messageId!)!;
    expect(q.status).toBe('pending');
    expect(sentTo(chat)).toHaveLength(1);
  });
});
