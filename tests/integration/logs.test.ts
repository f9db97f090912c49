// What VIC writes to its log at the production level (info) while citizens write in and operators answer: one
// JSON line per event, a request id on every request line, and none of the citizens' words or identifiers.
import { describe, expect, it } from 'vitest';
import { Vic } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { testConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createWhatsappChannel, whatsappConfigFromEnv } from '../../channels/whatsapp/index.ts';
import { addUser, envelope, serve, tempDir, until, WORKING } from '../helpers.ts';
import { FakeWhatsapp, ManualTimers } from '../support/fake-whatsapp.ts';

const IIN = '870412300123';
const PHONE = '77015550123';
/** What citizens wrote or are: none of it may reach the log. */
const CITIZEN = [
  IIN,
  PHONE,
  '7015550123',
  '77015550124',
  '+7 701 555 01 99',
  'aigul.n',
  'Айгуль',
  'Ержан',
  'пенсионного',
  'алимент',
  'Ответ оператора',
];

function loggingVic() {
  const lines: string[] = [];
  const log = createLogger('info', { write: (line: string) => void lines.push(line) });
  const clock = new ManualClock(WORKING);
  const vic = new Vic({ config: testConfig({ DATA_DIR: tempDir(), ADMIN_PASSWORD: 'admin-secret-1', LOG_LEVEL: 'info' }), clock, log });
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { vic, clock, log, lines, parsed };
}

describe('logs', () => {
  it('keep citizen text, IIN and contact data out at info level, and give every request line its id', async () => {
    const { vic, clock, lines, parsed } = loggingVic();
    const server = await serve(vic);

    // A citizen writes on WhatsApp, through the channel adapter and the whole ingest pipeline.
    const world = new FakeWhatsapp(() => clock.now());
    const cfg = whatsappConfigFromEnv({ WHATSAPP_ENABLED: '1' }, vic.config.DATA_DIR)!;
    world.linkSession(cfg.dataPath);
    const channel = createWhatsappChannel(cfg, { createClient: world.createClient, timers: new ManualTimers() });
    await vic.addChannel(channel);
    await until('WhatsApp connected', () => channel.health().state === 'connected');
    const raw = world.send({
      from: `${PHONE}@c.us`,
      notifyName: 'Айгуль',
      body: `Здравствуйте, мой ИИН ${IIN}, телефон +7 701 555 01 99. Где моё дело о выплате пенсионного пособия?`,
    });
    const stored = await until('the WhatsApp message stored', () => vic.store.findMessageByExternal('whatsapp', raw.id._serialized));
    // By e-mail, the IIN in the subject; and a WhatsApp sender VIC cannot answer (a broadcast list).
    const mail = vic.ingest(
      envelope({
        channel: 'email',
        sender: { kind: 'email', address: 'aigul.n@mail.kz', displayName: 'Айгуль Н.' },
        thread: { messageId: '<q-7@mail.kz>', subject: `ИИН ${IIN}` },
        text: 'Прошу разъяснить порядок взыскания алиментов',
      }),
    );
    const broadcast = vic.ingest(
      envelope({ sender: { kind: 'whatsapp', address: '77015550124@broadcast', displayName: 'Ержан' }, text: 'Вопрос про алименты' }),
    );

    // Operators search by the IIN, read and answer.
    await addUser(vic, 'op', 'operator');
    const { api, cookie } = await server.login('op', 'password-123');
    const search = await fetch(`${server.base}/api/tickets?queue=all&q=${IIN}`, { headers: { cookie, 'X-Request-Id': 'lb-7f3a.42' } });
    expect(search.status).toBe(200);
    expect(search.headers.get('x-request-id')).toBe('lb-7f3a.42');
    expect(((await search.json()) as { total: number }).total).toBeGreaterThan(0);
    // An id that is too long or carries anything but plain characters is replaced, not echoed into the log.
    const odd = await fetch(`${server.base}/api/me`, { headers: { cookie, 'X-Request-Id': `${IIN} <script>` } });
    const oddId = odd.headers.get('x-request-id')!;
    expect(oddId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api.get(`/api/tickets/${stored.ticketId}`)).status).toBe(200);
    expect(
      (
        await api.post(`/api/tickets/${stored.ticketId}/messages`, {
          kind: 'reply',
          text: `Ответ оператора: дело по ИИН ${IIN} рассмотрено`,
        })
      ).status,
    ).toBe(201);
    await until('the reply sent on WhatsApp', () => world.client.sent.length === 1);
    expect(
      (await api.post(`/api/tickets/${broadcast.ticketId}/messages`, { kind: 'reply', text: 'Ответ оператора про алименты' })).status,
    ).toBe(201);
    await until('the reply to the broadcast list refused', () => parsed().some((l) => l.msg === 'outbound message refused'));
    expect((await api.get(`/api/tickets/${mail.ticketId}`)).status).toBe(200);

    const all = lines.join('');
    for (const secret of CITIZEN) expect(all, `"${secret}" is in the log`).not.toContain(secret);

    const entries = parsed();
    // The flow was logged (the log is not empty for want of lines): requests, and the refusal with its reason.
    const refused = entries.find((l) => l.msg === 'outbound message refused')!;
    expect(refused.error).toBe('[number]@broadcast is not a WhatsApp chat');
    const requests = entries.filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(6);
    for (const r of requests) expect(r.reqId, JSON.stringify(r)).toMatch(/^[\w.:-]{1,64}$/);
    expect(new Set(requests.map((r) => r.reqId)).size).toBe(requests.length);
    expect(requests).toContainEqual(
      expect.objectContaining({
        reqId: 'lb-7f3a.42',
        method: 'GET',
        path: '/api/tickets',
        status: 200,
        userId: expect.any(Number) as number,
      }),
    );
    expect(requests).toContainEqual(expect.objectContaining({ reqId: oddId, path: '/api/me', status: 200 }));
    expect(requests).toContainEqual(
      expect.objectContaining({ method: 'POST', path: `/api/tickets/${stored.ticketId}/messages`, status: 201 }),
    );
  });

  it('take citizen data out of what slips through: an error quoting a mail server, a field named for content', () => {
    const { log, lines, parsed } = loggingVic();
    const err = Object.assign(new Error(`550 5.1.1 <aigul.n@mail.kz>: recipient rejected (ИИН ${IIN})`), {
      response: `550 <aigul.n@mail.kz> ${PHONE}`,
    });
    log.error({ err, outbox: 7 }, 'delivery failed');
    log.warn(
      { ticket: 'VIC-2026-00012', text: 'Где моё дело?', sender: { kind: 'phone', address: '+77015550123' } },
      `call from 8 (701) 555-01-23`,
    );
    const all = lines.join('');
    for (const secret of [IIN, PHONE, '555-01-23', 'aigul.n', 'Где моё дело']) expect(all).not.toContain(secret);
    const [failed, call] = parsed() as [{ err: { stack: string } }, Record<string, unknown>];
    expect(failed).toMatchObject({
      level: 50,
      outbox: 7,
      msg: 'delivery failed',
      err: { type: 'Error', message: '550 5.1.1 <***@mail.kz>: recipient rejected (ИИН [number])', response: '550 <***@mail.kz> [number]' },
    });
    expect(failed.err.stack).toContain('logs.test.ts');
    expect(call).toMatchObject({ ticket: 'VIC-2026-00012', text: '[redacted]', sender: '[redacted]', msg: 'call from [number]' });
  });
});
