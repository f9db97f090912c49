// /metrics on a real Vic over HTTP, read with a Prometheus text-format parser: what it shows after messages came in
// on two channels, console requests, replies that failed, an overdue first response; and who may read it.
import { createRequire } from 'node:module';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { PermanentDeliveryError, type ChannelAdapter, type ChannelHealth, type OutboundMessage } from '../../src/channels.ts';
import { addUser, envelope, makeVic, serve, until } from '../helpers.ts';

interface Sample {
  labels?: Record<string, string>;
  value?: string;
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}
const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

type Families = Map<string, Family>;
const families = (text: string): Families => new Map(parse(text).map((f) => [f.name, f]));

/** The value of the family's sample with exactly these labels (undefined when there is none). */
function value(fams: Families, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = fams.get(name);
  if (!family) throw new Error(`no metric ${name}`);
  const sample = family.metrics.find(
    (s) => JSON.stringify(Object.entries(s.labels ?? {}).sort()) === JSON.stringify(Object.entries(labels).sort()),
  );
  return sample === undefined ? undefined : Number(sample.value);
}

/**
 * One label set of a histogram. The parser reads a histogram's `le` label only (it folds all label sets of the
 * family into one), so the label set's lines are picked and parsed on their own.
 */
function histogram(text: string, name: string, labels: Record<string, string>) {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const lines = text
    .split('\n')
    .filter((l) => new RegExp(`^${name}_(bucket|sum|count)\\{`).test(l) && want.every((w) => l.includes(w)))
    .map((l) => l.replace(/\{([^}]*)\}/, (_, inner: string) => (/le="[^"]*"/.exec(inner) ? `{${/le="[^"]*"/.exec(inner)![0]}}` : '')));
  if (!lines.length) return undefined;
  const [family] = parse(`# TYPE ${name} histogram\n${lines.join('\n')}\n`);
  const s = family.metrics[0];
  return { count: Number(s.count), sum: Number(s.sum), buckets: s.buckets! };
}

function fakeChannel(name: 'whatsapp' | 'email', send: (m: OutboundMessage) => Promise<{ externalId?: string }>) {
  let health: ChannelHealth = { state: 'connected', since: 0 };
  const adapter: ChannelAdapter = { name, start: async () => {}, stop: async () => {}, health: () => health, send };
  return { adapter, setHealth: (h: ChannelHealth) => (health = h) };
}

async function scrape(base: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), auth: res.headers.get('www-authenticate'), text: await res.text() };
}

const MIN = 60_000;
const WA = (n: string) => ({ kind: 'whatsapp' as const, address: `7701000000${n}@c.us`, displayName: `Гражданин ${n}` });

describe('/metrics', () => {
  it('shows ingest per channel, outbox depth and failures, open tickets per court and queue, SLA, consoles and HTTP by route pattern', async () => {
    const { vic, clock } = await makeVic();
    const wa = fakeChannel('whatsapp', (m) =>
      m.to === '77010000003@c.us'
        ? Promise.reject(new PermanentDeliveryError('not a WhatsApp number'))
        : Promise.resolve({ externalId: `wa-${m.messageId}` }),
    );
    const email = fakeChannel('email', () => Promise.reject(new Error('451 4.7.1 try again later')));
    await vic.addChannel(wa.adapter);
    await vic.addChannel(email.adapter);
    await addUser(vic, 'op-1', 'operator', 'sko-regional');

    // WhatsApp: citizen 1 writes twice (and the first message arrives again), 2 and 3 once; one envelope is invalid.
    const first = envelope({ sender: WA('1') });
    const a = vic.ingest(first).ticketId;
    vic.ingest(envelope({ sender: WA('1'), text: 'И ещё вопрос' }));
    vic.ingest(first);
    const b = vic.ingest(envelope({ sender: WA('2') })).ticketId;
    const c = vic.ingest(envelope({ sender: WA('3') })).ticketId;
    expect(() => vic.ingest(envelope({ externalId: '' }))).toThrow(/invalid envelope/);
    // E-mail: two citizens of the economic court.
    const mail = (n: number) =>
      vic.ingest(
        envelope({
          channel: 'email',
          account: 'vic@court.test',
          courtHint: 'sko-economic',
          externalId: `<m${n}@citizen.test>`,
          sender: { kind: 'email', address: `c${n}@example.com` },
        }),
      ).ticketId;
    const e1 = mail(1);
    mail(2);

    const s = await serve(vic);
    const admin = (await s.login('admin', 'admin-secret-1')).api;
    const op = (await s.login('op-1', 'password-123')).api;
    expect((await admin.get(`/api/tickets/${a}`)).status).toBe(200);
    expect((await admin.get(`/api/tickets/${b}`)).status).toBe(200);
    expect((await s.anon.get(`/api/tickets/${a}`)).status).toBe(401);
    expect((await op.get('/api/audit')).status).toBe(403);
    // The operator answers citizen 1 (and takes the ticket); the admin answers citizen 3 (not on WhatsApp) and e-mail 1
    // (the mail server says try later).
    expect((await op.post(`/api/tickets/${a}/messages`, { kind: 'reply', text: 'Заседание 10 декабря.' })).status).toBe(201);
    expect((await admin.post(`/api/tickets/${c}/messages`, { kind: 'reply', text: 'Ответ' })).status).toBe(201);
    expect((await admin.post(`/api/tickets/${e1}/messages`, { kind: 'reply', text: 'Ответ' })).status).toBe(201);
    const outboxOf = (ticketId: number) =>
      vic.store.db
        .prepare('SELECT o.status, o.attempts FROM outbox o JOIN messages m ON m.id = o.message_id WHERE m.ticket_id = ?')
        .get(ticketId) as { status: string; attempts: number };
    await until(
      'the three replies tried',
      () =>
        outboxOf(a).status === 'sent' &&
        outboxOf(c).status === 'failed' &&
        outboxOf(e1).status === 'pending' &&
        outboxOf(e1).attempts === 1,
    );
    email.setHealth({ state: 'degraded', reason: 'SMTP delivery failing', since: clock.now() });
    const cookie = (await s.login('admin', 'admin-secret-1')).cookie;
    await s.socket(cookie);

    const scraped = await scrape(s.base);
    expect(scraped.status).toBe(200);
    expect(scraped.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = families(scraped.text);

    // Ingest: counts per channel and result, and the latency histogram per channel.
    expect(value(m, 'vic_ingest_messages_total', { channel: 'whatsapp', result: 'created' })).toBe(3);
    expect(value(m, 'vic_ingest_messages_total', { channel: 'whatsapp', result: 'appended' })).toBe(1);
    expect(value(m, 'vic_ingest_messages_total', { channel: 'whatsapp', result: 'duplicate' })).toBe(1);
    expect(value(m, 'vic_ingest_messages_total', { channel: 'whatsapp', result: 'error' })).toBe(1);
    expect(value(m, 'vic_ingest_messages_total', { channel: 'email', result: 'created' })).toBe(2);
    expect(m.get('vic_ingest_duration_seconds')!.type).toBe('HISTOGRAM');
    expect(histogram(scraped.text, 'vic_ingest_duration_seconds', { channel: 'whatsapp' })).toMatchObject({ count: 6 });
    expect(histogram(scraped.text, 'vic_ingest_duration_seconds', { channel: 'email' })).toMatchObject({
      count: 2,
      buckets: { '+Inf': '2' },
    });

    // Outbox: one sent, one refused, one waiting for its retry.
    expect(value(m, 'vic_outbox_attempts_total', { channel: 'whatsapp' })).toBe(2);
    expect(value(m, 'vic_outbox_attempts_total', { channel: 'email' })).toBe(1);
    expect(value(m, 'vic_outbox_attempt_failures_total', { channel: 'email', kind: 'temporary' })).toBe(1);
    expect(value(m, 'vic_outbox_attempt_failures_total', { channel: 'whatsapp', kind: 'permanent' })).toBe(1);
    expect(value(m, 'vic_outbox_failed_total', { channel: 'whatsapp' })).toBe(1);
    expect(value(m, 'vic_outbox_failed_total', { channel: 'email' })).toBeUndefined();
    expect(value(m, 'vic_outbox_messages', { channel: 'email', status: 'queued' })).toBe(1);
    expect(value(m, 'vic_outbox_messages', { channel: 'whatsapp', status: 'queued' })).toBe(0);
    expect(value(m, 'vic_outbox_messages', { channel: 'whatsapp', status: 'failed' })).toBe(1);

    // Channel health.
    expect(value(m, 'vic_channel_up', { channel: 'whatsapp' })).toBe(1);
    expect(value(m, 'vic_channel_up', { channel: 'email' })).toBe(0);
    expect(value(m, 'vic_channel_state', { channel: 'email', state: 'degraded' })).toBe(1);
    expect(value(m, 'vic_channel_state', { channel: 'email', state: 'connected' })).toBe(0);

    // Open tickets per court and queue: the operator's reply took citizen 1's ticket.
    expect(value(m, 'vic_tickets_open', { court: 'sko-regional', queue: 'assigned' })).toBe(1);
    expect(value(m, 'vic_tickets_open', { court: 'sko-regional', queue: 'unassigned' })).toBe(2);
    expect(value(m, 'vic_tickets_open', { court: 'sko-economic', queue: 'unassigned' })).toBe(2);
    expect(value(m, 'vic_tickets_open', { court: 'sko-administrative', queue: 'unassigned' })).toBe(0);
    expect(value(m, 'vic_sla_first_response_overdue', { court: 'sko-regional' })).toBe(0);

    // Consoles, the process and SQLite.
    expect(value(m, 'vic_console_connections', { role: 'admin' })).toBe(1);
    expect(value(m, 'vic_console_connections', { role: 'operator' })).toBe(0);
    expect(m.get('nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE');
    expect(m.get('process_cpu_seconds_total')?.type).toBe('COUNTER');
    expect(value(m, 'vic_sqlite_wal_bytes')).toBeGreaterThan(0);
    expect(value(m, 'vic_sqlite_pages')).toBeGreaterThan(0);

    // HTTP: labelled by the route's pattern, also when the route refused (403) after its router was left.
    const http = (method: string, route: string, status: string) =>
      histogram(scraped.text, 'vic_http_request_duration_seconds', { method, route, status });
    expect(http('GET', '/api/tickets/:id', '2xx')).toMatchObject({ count: 2 });
    expect(http('POST', '/api/tickets/:id/messages', '2xx')).toMatchObject({ count: 3 });
    expect(http('GET', '/api/audit', '4xx')).toMatchObject({ count: 1 });
    expect(http('GET', 'unmatched', '4xx')).toMatchObject({ count: 1 });
    expect(http('POST', '/api/auth/login', '2xx')).toMatchObject({ count: 3 });
    const routes = new Set([...scraped.text.matchAll(/^vic_http_request_duration_seconds_count\{[^}]*route="([^"]*)"/gm)].map((r) => r[1]));
    expect(
      [...routes].filter((r) => /\/\d/.test(r)),
      'a raw URL as a label',
    ).toEqual([]);

    // Past the first-response deadline (two working hours): citizen 2 and e-mail 2 were never answered.
    clock.advance(150 * MIN);
    const overdue = families((await scrape(s.base)).text);
    expect(value(overdue, 'vic_sla_first_response_overdue', { court: 'sko-regional' })).toBe(1);
    expect(value(overdue, 'vic_sla_first_response_overdue', { court: 'sko-economic' })).toBe(1);
    expect(value(overdue, 'vic_sla_first_response_breaches_total', { court: 'sko-regional' })).toBeUndefined();
    vic.dispatcher.tick();
    vic.dispatcher.tick();
    const breached = families((await scrape(s.base)).text);
    // Counted once, when the dispatcher first flags them, however often it looks again.
    expect(value(breached, 'vic_sla_first_response_breaches_total', { court: 'sko-regional' })).toBe(1);
    expect(value(breached, 'vic_sla_first_response_breaches_total', { court: 'sko-economic' })).toBe(1);
  });

  it('several Vics in one process keep their own counts', async () => {
    const one = await makeVic();
    const two = await makeVic();
    one.vic.ingest(envelope());
    const [m1, m2] = await Promise.all([one.vic, two.vic].map(async (v: Vic) => families(await v.metrics.text())));
    expect(value(m1, 'vic_ingest_messages_total', { channel: 'whatsapp', result: 'created' })).toBe(1);
    expect(value(m2, 'vic_ingest_messages_total', { channel: 'whatsapp', result: 'created' })).toBeUndefined();
    await Promise.all([one.vic.close(), two.vic.close()]);
  });
});

/** This machine's first non-loopback IPv4 address, to reach the server as another host would. */
const external = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe('who may read /metrics', () => {
  it('without METRICS_TOKEN: this machine only, not through a proxy and not from the network', async () => {
    const { vic } = await makeVic();
    const s = await serve(vic);
    expect((await scrape(s.base)).status).toBe(200);
    // A reverse proxy on this host connects from loopback: what it passes on is refused.
    expect((await scrape(s.base, { 'X-Forwarded-For': '203.0.113.7' })).status).toBe(403);
    expect((await scrape(s.base, { Forwarded: 'for=203.0.113.7' })).status).toBe(403);
  });

  it.skipIf(!external)('without METRICS_TOKEN: refused to another host', async () => {
    const { vic } = await makeVic();
    const port = await vic.listen(0, '0.0.0.0');
    try {
      const refused = await scrape(`http://${external}:${port}`);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'VIC_FORBIDDEN' } });
      expect(refused.text).not.toMatch(/vic_/);
      expect((await scrape(`http://127.0.0.1:${port}`)).status).toBe(200);
    } finally {
      await vic.close();
    }
  });

  it('with METRICS_TOKEN: the bearer token is needed from anywhere; a console session is neither needed nor enough', async () => {
    const token = 'metrics-token-0123456789';
    const { vic } = await makeVic({ METRICS_TOKEN: token });
    const host = external ?? '127.0.0.1';
    const port = await vic.listen(0, external ? '0.0.0.0' : '127.0.0.1');
    try {
      const base = `http://${host}:${port}`;
      const none = await scrape(base);
      expect(none.status).toBe(401);
      expect(none.auth).toMatch(/^Bearer/);
      expect(none.text).not.toMatch(/vic_/);
      expect((await scrape(base, { Authorization: `Bearer ${token}x` })).status).toBe(401);
      expect((await scrape(base, { Authorization: `Bearer ${token.slice(0, -1)}` })).status).toBe(401);
      expect((await scrape(`http://127.0.0.1:${port}`)).status).toBe(401);
      const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'admin', password: 'admin-secret-1' }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      expect((await scrape(base, { cookie })).status).toBe(401);
      // Prometheus sends no Origin; a browser page elsewhere that has the token gets no further than anyone with it.
      const ok = await scrape(base, { Authorization: `Bearer ${token}`, Origin: 'https://elsewhere.example' });
      expect(ok.status).toBe(200);
      expect(value(families(ok.text), 'vic_tickets_open', { court: 'sko-regional', queue: 'unassigned' })).toBe(0);
    } finally {
      await vic.close();
    }
  });
});
