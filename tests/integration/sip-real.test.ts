// The SIP bridge against a real drachtio-server, with Debian's sipp (package sip-tester) as the citizen and
// as the phones (tests/sip/*.xml). Runs only when DRACHTIO_TEST_HOST is set; the server must reach this host's
// 127.0.0.1 (run it here, or with --net=host), and SIP for the centre arrives at DRACHTIO_TEST_SIP.
//   DRACHTIO_TEST_HOST=127.0.0.1 DRACHTIO_TEST_PORT=9022 DRACHTIO_TEST_SECRET=cymru npx vitest run tests/integration/sip-real.test.ts
// Phones are sipp UAS instances on local ports; the operator URI template maps an extension to a port
// (`sip:phone@127.0.0.1:{extension}`), so extension 5071 is the phone listening on port 5071.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { createSipChannel } from '../../channels/sip/index.ts';
import { addUser, envelope, makeVic, serve } from '../helpers.ts';
import { json } from './json.ts';

const HOST = process.env.DRACHTIO_TEST_HOST;
const PORT = Number(process.env.DRACHTIO_TEST_PORT ?? 9022);
const SECRET = process.env.DRACHTIO_TEST_SECRET ?? 'cymru';
const SIP_TARGET = process.env.DRACHTIO_TEST_SIP ?? `${HOST}:5060`;
const SIPP = ['/usr/bin/sipp', '/usr/local/bin/sipp'].find((p) => fs.existsSync(p));
const SCENARIOS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'sip');
const SUNDAY_NOON = Date.parse('2026-11-29T07:00:00Z');
const MONDAY_OPENING = Date.parse('2026-11-30T04:00:00Z');
const OP_A = 5071;
const OP_B = 5072;
const CITIZEN_PHONE = 5073;
const SPECIALIST = 5074;
const PBX = 5075;

const skip = !HOST
  ? 'DRACHTIO_TEST_HOST is not set: no real drachtio-server to test against (see docs/sip.md)'
  : !SIPP
    ? 'sipp is not installed (apt-get install sip-tester)'
    : null;

interface SippResult {
  scenario: string;
  code: number;
  /** sipp's error log and message trace when it failed: what was expected and what came instead. */
  log: string;
}

// sipp writes its logs next to the scenario unless told otherwise: they go to a temporary folder instead.
let logDir: string | null = null;
let runs = 0;
const children = new Set<ChildProcess>();
let current: Vic | null = null;
const sockets: Socket[] = [];

afterEach(async () => {
  await Promise.all([...children].map((c) => new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGKILL')))));
  children.clear();
  sockets.splice(0).forEach((s) => s.close());
  await current?.close();
  current = null;
});
afterAll(() => {
  if (logDir) fs.rmSync(logDir, { recursive: true, force: true });
});

/** Runs one sipp scenario to its end (every scenario is one call, bounded by -timeout). */
function sipp(scenario: string, args: string[], timeoutS = 15): Promise<SippResult> {
  logDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'vic-sipp-'));
  const base = path.join(logDir, `${++runs}-${path.basename(scenario, '.xml')}`);
  const child = spawn(
    SIPP!,
    [
      '-sf',
      path.join(SCENARIOS, scenario),
      '-i',
      '127.0.0.1',
      '-m',
      '1',
      '-timeout',
      `${timeoutS}s`,
      '-timeout_error',
      '-nostdin',
      '-trace_err',
      '-error_file',
      `${base}-errors.log`,
      '-trace_msg',
      '-message_file',
      `${base}-messages.log`,
      ...args,
    ],
    { cwd: logDir, stdio: 'ignore' },
  );
  children.add(child);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
      const log = code === 0 ? '' : `${read(`${base}-errors.log`)}\n--- messages\n${read(`${base}-messages.log`).slice(-4000)}`;
      resolve({ scenario, code: code ?? -1, log }); // -1: killed
    }),
  );
}

/** A phone (sipp UAS) on `port`, resolved once it listens so that the bridge never rings a closed port. */
async function phone(scenario: string, port: number, ...args: string[]) {
  const done = sipp(scenario, ['-p', String(port), ...args]);
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  await until(() => fs.readFileSync('/proc/net/udp', 'utf8').includes(hex), 5_000);
  return { done };
}
const citizen = (scenario: string) => sipp(scenario, ['-s', '1401', '-p', '5090', SIP_TARGET]);

/** Every sipp run went exactly as scripted; a failure shows sipp's own account of it. */
function passed(results: SippResult[]) {
  expect(results.filter((r) => r.code !== 0).map((r) => `${r.scenario} exited ${r.code}\n${r.log}`)).toEqual([]);
}

async function setup(o: { at?: number; ringTimeoutMs?: number; serve?: boolean; operatorUriTemplate?: string; keepAliveMs?: number } = {}) {
  const { vic, clock } = await makeVic({}, o.at);
  current = vic;
  // before the operators come online: listening resets everyone's connections
  const server = o.serve ? await serve(vic) : null;
  const ops = [];
  for (const [login, ext] of [
    ['op-a', OP_A],
    ['op-b', OP_B],
  ] as const) {
    const u = await addUser(vic, login, 'operator');
    vic.store.updateUser(u.id, { sipExtension: String(ext) });
    vic.store.changeConnections(u.id, 1, clock.now());
    ops.push(u);
  }
  const specialist = await addUser(vic, 'secretary', 'specialist');
  vic.store.updateUser(specialist.id, { sipExtension: String(SPECIALIST) });
  const sip = createSipChannel(
    {
      host: HOST!,
      port: PORT,
      secret: SECRET,
      operatorUriTemplate: o.operatorUriTemplate ?? 'sip:phone@127.0.0.1:{extension}',
      outboundUriTemplate: `sip:{number}@127.0.0.1:${CITIZEN_PHONE}`,
      ringTimeoutMs: o.ringTimeoutMs ?? 5_000,
      nobodyStatus: 486,
    },
    o.keepAliveMs ? { keepAliveMs: o.keepAliveMs } : {},
  );
  await vic.addChannel(sip);
  await until(() => sip.health().state === 'connected', 10_000);
  return { vic, ops, specialist, sip, server };
}

const lastCall = (vic: Vic) => {
  const row = vic.store.db.prepare('SELECT call_id AS callId FROM calls ORDER BY id DESC LIMIT 1').get() as { callId: string } | undefined;
  return row ? vic.store.getCall(row.callId) : undefined;
};
/** How the call went, in order, as the ticket's audit trail has it. */
const history = (vic: Vic) =>
  (vic.store.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'call.%' ORDER BY id").all() as { action: string }[]).map(
    (r) => r.action,
  );

async function until(ok: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(skip)(`SIP bridge with a real drachtio-server and sipp${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('answered by the first operator, ended by the caller', async () => {
    const { vic, ops } = await setup();
    const a = await phone('uas-answer.xml', OP_A);
    passed(await Promise.all([a.done, citizen('uac-answered.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(lastCall(vic)).toMatchObject({ operatorId: ops[0].id, from: '+77012345678' });
    expect(history(vic)).toEqual(['call.ringing', 'call.answered', 'call.ended']);
  });

  it('first operator rings out, the second answers', async () => {
    const { vic, ops } = await setup({ ringTimeoutMs: 1_500 });
    const a = await phone('uas-noanswer.xml', OP_A);
    const b = await phone('uas-answer.xml', OP_B);
    passed(await Promise.all([a.done, b.done, citizen('uac-answered.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(lastCall(vic)!.operatorId).toBe(ops[1].id);
    expect(history(vic)).toEqual(['call.ringing', 'call.ringing', 'call.answered', 'call.ended']);
  });

  it('nobody answers (busy, then ring out) → 486 and a missed call with a callback task', async () => {
    const { vic } = await setup({ ringTimeoutMs: 1_500 });
    const a = await phone('uas-busy.xml', OP_A);
    const b = await phone('uas-noanswer.xml', OP_B);
    passed(await Promise.all([a.done, b.done, citizen('uac-expect-486.xml')]));
    await until(() => lastCall(vic)?.outcome === 'missed');
    expect(lastCall(vic)!.callbackDueAt).toBeGreaterThanOrEqual(vic.clock.now()); // due in working time (src/calls.ts)
    expect(history(vic)).toEqual(['call.ringing', 'call.missed']); // the busy phone never rang
  });

  it('Sunday → 480 and a callback due Monday at opening', async () => {
    const { vic } = await setup({ at: SUNDAY_NOON });
    passed([await citizen('uac-expect-480.xml')]);
    await until(() => lastCall(vic)?.outcome === 'rejected_off_hours');
    expect(lastCall(vic)!.callbackDueAt).toBeGreaterThanOrEqual(MONDAY_OPENING);
    expect(history(vic)).toEqual(['call.rejected_off_hours']);
  });

  it('the caller hangs up while it rings → the phone gets CANCEL, the call is abandoned', async () => {
    const { vic } = await setup();
    const a = await phone('uas-noanswer.xml', OP_A);
    passed(await Promise.all([a.done, citizen('uac-cancel.xml')]));
    await until(() => lastCall(vic)?.outcome === 'abandoned');
    expect(history(vic)).toEqual(['call.ringing', 'call.abandoned']);
  });

  it('a retransmitted INVITE → one ticket, one call', async () => {
    const { vic } = await setup();
    const a = await phone('uas-answer.xml', OP_A);
    passed(await Promise.all([a.done, citizen('uac-retransmit.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(vic.store.db.prepare('SELECT COUNT(*) AS n FROM calls').get()).toEqual({ n: 1 });
    expect(vic.store.db.prepare("SELECT COUNT(*) AS n FROM tickets WHERE channel = 'sip'").get()).toEqual({ n: 1 });
  });

  it('WhatsApp and a call from the same number land on one ticket', async () => {
    const { vic } = await setup();
    const wa = vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77012345678@c.us' } }));
    // the WhatsApp ticket went to op-a, so op-b is the least loaded and rung first
    const b = await phone('uas-answer.xml', OP_B);
    passed(await Promise.all([b.done, citizen('uac-answered.xml')]));
    expect(lastCall(vic)!.ticketId).toBe(wa.ticketId);
  });

  it('hold: the operator’s re-INVITE goes to the citizen, and the citizen’s answer back', async () => {
    const { vic } = await setup();
    const a = await phone('uas-hold.xml', OP_A);
    passed(await Promise.all([a.done, citizen('uac-reinvited.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
  });

  it('the screen-pop reaches only the console of the operator whose phone rings', async () => {
    const { vic, server } = await setup({ serve: true });
    const pops: Record<string, { callId: string; from: string }[]> = { 'op-a': [], 'op-b': [] };
    for (const login of Object.keys(pops)) {
      const s = await server!.socket((await server!.login(login, 'password-123')).cookie);
      s.on('call.ringing', (p: { call: { callId: string; from: string } }) => pops[login].push(p.call));
      sockets.push(s);
    }
    const a = await phone('uas-answer.xml', OP_A);
    passed(await Promise.all([a.done, citizen('uac-answered.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(pops['op-a']).toEqual([expect.objectContaining({ callId: lastCall(vic)!.callId, from: '+77012345678' })]);
    expect(pops['op-b']).toEqual([]);
  });

  it('transfer from the console: the specialist answers, the citizen is re-INVITEd to them, the operator is released', async () => {
    const { vic, specialist, server } = await setup({ serve: true });
    const api = (await server!.login('op-a', 'password-123')).api;
    const operator = await phone('uas-answer.xml', OP_A);
    const spec = await phone('uas-late-offer.xml', SPECIALIST);
    const caller = citizen('uac-reinvited.xml');
    await until(() => lastCall(vic)?.outcome === 'answered');
    expect(
      (await api.post(`/api/calls/${encodeURIComponent(lastCall(vic)!.callId)}/transfer`, { specialistId: specialist.id })).status,
    ).toBe(202);
    passed(await Promise.all([operator.done, spec.done, caller]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(lastCall(vic)!.operatorId).toBe(specialist.id);
    expect(history(vic)).toEqual(['call.ringing', 'call.answered', 'call.transfer', 'call.transferred', 'call.ended']);
  });

  // The operator hangs up a while after answering: well after the transfer failed.
  it.each([
    {
      why: 'the specialist does not answer',
      ringTimeoutMs: 1_500,
      hangUpMs: '5000',
      specialistPhone: 'uas-noanswer.xml',
      citizenPhone: 'uac-hung-up-on.xml',
    },
    // Released only once the citizen refused the specialist's media: the operator keeps the call.
    {
      why: 'the citizen refuses the specialist’s media (the specialist is released)',
      ringTimeoutMs: 5_000,
      hangUpMs: '3000',
      specialistPhone: 'uas-late-offer-released.xml',
      citizenPhone: 'uac-refuses-reinvite.xml',
    },
  ])(
    'transfer from the console: $why, the citizen stays with the operator',
    async ({ ringTimeoutMs, hangUpMs, specialistPhone, citizenPhone }) => {
      const { vic, ops, specialist, server } = await setup({ serve: true, ringTimeoutMs });
      const api = (await server!.login('op-a', 'password-123')).api;
      const operator = await phone('uas-answer-hangup.xml', OP_A, '-d', hangUpMs);
      const spec = await phone(specialistPhone, SPECIALIST);
      const caller = citizen(citizenPhone);
      await until(() => lastCall(vic)?.outcome === 'answered');
      expect(
        (await api.post(`/api/calls/${encodeURIComponent(lastCall(vic)!.callId)}/transfer`, { specialistId: specialist.id })).status,
      ).toBe(202);
      passed([await spec.done]);
      expect(lastCall(vic)).toMatchObject({ outcome: 'answered', operatorId: ops[0].id });
      passed(await Promise.all([operator.done, caller]));
      await until(() => lastCall(vic)?.outcome === 'ended');
      expect(lastCall(vic)!.operatorId).toBe(ops[0].id);
      expect(history(vic)).toEqual(['call.ringing', 'call.answered', 'call.transfer', 'call.ended']);
    },
  );

  it('transfer from the operator’s phone (REFER): NOTIFY 100 then 200, the specialist takes over', async () => {
    const { vic } = await setup();
    const operator = await phone('uas-refer.xml', OP_A, '-key', 'specialist', String(SPECIALIST));
    const spec = await phone('uas-late-offer.xml', SPECIALIST);
    passed(await Promise.all([operator.done, spec.done, citizen('uac-reinvited.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(history(vic)).toEqual(['call.ringing', 'call.answered', 'call.transferred', 'call.ended']);
  });

  it('transfer from the operator’s phone (REFER), the specialist does not answer: NOTIFY 487, the operator keeps the citizen', async () => {
    const { vic, ops } = await setup({ ringTimeoutMs: 1_500 });
    const operator = await phone('uas-refer-unanswered.xml', OP_A, '-key', 'specialist', String(SPECIALIST));
    const spec = await phone('uas-noanswer.xml', SPECIALIST);
    passed(await Promise.all([operator.done, spec.done, citizen('uac-hung-up-on.xml')]));
    await until(() => lastCall(vic)?.outcome === 'ended');
    expect(lastCall(vic)!.operatorId).toBe(ops[0].id);
    expect(history(vic)).toEqual(['call.ringing', 'call.answered', 'call.ended']);
  });

  it('call back from the console: the operator’s phone first (no SDP), then the citizen with the operator’s offer', async () => {
    const { vic, ops, server } = await setup({ serve: true });
    const missed = vic.ingest(envelope({ channel: 'sip', sender: { kind: 'phone', address: '+77012345678' }, text: '' }));
    const operator = await phone('uas-callback-operator.xml', OP_A, '-d', '1000');
    const citizenPhone = await phone('uas-callback-citizen.xml', CITIZEN_PHONE);
    const res = await (await server!.login('op-a', 'password-123')).api.post(`/api/tickets/${missed.ticketId}/call-back`);
    expect(res.status).toBe(202);
    const { callId } = json<{ callId: string }>(res);
    passed(await Promise.all([operator.done, citizenPhone.done]));
    await until(() => vic.store.getCall(callId)?.outcome === 'ended');
    expect(vic.store.getCall(callId)).toMatchObject({ operatorId: ops[0].id, to: '+77012345678', ticketId: missed.ticketId });
    expect(history(vic)).toEqual(['call.call_back', 'call.answered', 'call.ended']);
  });

  it('keep-alive: OPTIONS reach the PBX through drachtio-server; a PBX that stops answering shows as degraded', async () => {
    const pbx = await phone('uas-options.xml', PBX);
    const { sip } = await setup({ operatorUriTemplate: `sip:{extension}@127.0.0.1:${PBX}`, keepAliveMs: 300 });
    passed([await pbx.done]);
    expect(sip.health().state).toBe('connected');
    // the next OPTIONS finds the port closed
    await until(() => sip.health().state === 'degraded');
    expect(sip.health().reason).toMatch(new RegExp(`^PBX 127\\.0\\.0\\.1:${PBX} does not answer OPTIONS \\(\\d{3}\\)$`));
  });

  it('keep-alive: drachtio-server refusing the PBX address (its own) is degraded, not a lost link', async () => {
    const { sip } = await setup({ operatorUriTemplate: `sip:{extension}@${SIP_TARGET}`, keepAliveMs: 300 });
    const states: string[] = [];
    const watch = setInterval(() => states.push(sip.health().state), 20);
    await until(() => sip.health().state === 'degraded');
    await new Promise((r) => setTimeout(r, 1_000)); // a few more keep-alives
    clearInterval(watch);
    expect(sip.health()).toMatchObject({
      state: 'degraded',
      reason: expect.stringContaining(`drachtio-server cannot send OPTIONS to the PBX ${SIP_TARGET}: `) as string,
    });
    expect(states).not.toContain('connecting');
  });
});
