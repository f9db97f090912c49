// The SIP bridge against a real drachtio-server, with Debian's sipp (package sip-tester) as the citizen and
// as the phones (tests/sip/*.xml). Runs only when DRACHTIO_TEST_HOST is set; the server must reach this host's
// 127.0.0.1 (run it here, or with --net=host), and SIP for the centre arrives at DRACHTIO_TEST_SIP.
//   DRACHTIO_TEST_HOST=127.0.0.1 DRACHTIO_TEST_PORT=9022 DRACHTIO_TEST_SECRET=cymru npx vitest run tests/integration/sip-real.test.ts
// Phones are sipp UAS instances on local ports; the operator URI template maps an extension to a port
// (`sip:phone@127.0.0.1:{extension}`), so extension 5071 is the phone listening on port 5071.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { createSipChannel, type SipChannel } from '../../channels/sip/index.ts';
import { addUser, envelope, makeVic } from '../helpers.ts';

const HOST = process.env.DRACHTIO_TEST_HOST;
const PORT = Number(process.env.DRACHTIO_TEST_PORT ?? 9022);
const SECRET = process.env.DRACHTIO_TEST_SECRET ?? 'cymru';
const SIP_TARGET = process.env.DRACHTIO_TEST_SIP ?? `${HOST}:5060`;
const SIPP = ['/usr/bin/sipp', '/usr/local/bin/sipp'].find((p) => fs.existsSync(p));
const SCENARIOS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'sip');
const SUNDAY_NOON = Date.parse('2026-11-29T07:00:00Z');

const skip = !HOST
  ? 'DRACHTIO_TEST_HOST is not set: no real drachtio-server to test against (see docs/sip.md)'
  : !SIPP
    ? 'sipp is not installed (apt-get install sip-tester)'
    : null;

let current: Vic | null = null;
const children: { kill(): void }[] = [];
afterEach(async () => {
  children.splice(0).forEach((c) => c.kill());
  await current?.close();
  current = null;
});

/** Runs one sipp scenario to its end; resolves with its exit code (0: every message as scripted). */
function sipp(scenario: string, args: string[], ms = 30_000): Promise<number> {
  const child = spawn(SIPP!, ['-sf', path.join(SCENARIOS, scenario), '-i', '127.0.0.1', '-m', '1', '-timeout', `${ms / 1000}s`, '-timeout_error', '-nostdin', ...args], { stdio: 'ignore' });
  children.push({ kill: () => child.kill() });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
}
const phone = (scenario: string, port: number) => sipp(scenario, ['-p', String(port)]);
const citizen = (scenario: string, port = 5090) => sipp(scenario, ['-s', '1401', '-p', String(port), SIP_TARGET]);

async function setup(at?: number, ringTimeoutMs = 5_000) {
  const { vic, clock } = await makeVic({}, at);
  current = vic;
  const ops = [];
  for (const [login, ext] of [['op-a', '5071'], ['op-b', '5072']] as const) {
    const u = await addUser(vic, login, 'operator');
    vic.store.updateUser(u.id, { sipExtension: ext });
    vic.store.changeConnections(u.id, 1, clock.now());
    ops.push(u);
  }
  const sip = createSipChannel({
    host: HOST!, port: PORT, secret: SECRET, operatorUriTemplate: 'sip:phone@127.0.0.1:{extension}', outboundUriTemplate: 'sip:citizen@127.0.0.1:5073',
    ringTimeoutMs, nobodyStatus: 486,
  }) as SipChannel;
  await vic.addChannel(sip);
  await until(() => sip.health().state === 'connected', 10_000);
  return { vic, ops, sip };
}

const lastCall = (vic: Vic) => vic.store.db.prepare('SELECT call_id AS callId FROM calls ORDER BY id DESC LIMIT 1').get() as { callId: string } | undefined;

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
    const [a, b] = await Promise.all([phone('uas-answer.xml', 5071), citizen('uac-answered.xml')]);
    expect([a, b]).toEqual([0, 0]);
    await until(() => vic.store.getCall(lastCall(vic)!.callId)?.outcome === 'ended');
    expect(vic.store.getCall(lastCall(vic)!.callId)).toMatchObject({ operatorId: ops[0]!.id, from: '+77012345678' });
  });

  it('first operator rings out, the second answers', async () => {
    const { vic, ops } = await setup(undefined, 2_000);
    const codes = await Promise.all([phone('uas-noanswer.xml', 5071), phone('uas-answer.xml', 5072), citizen('uac-answered.xml')]);
    expect(codes).toEqual([0, 0, 0]);
    await until(() => vic.store.getCall(lastCall(vic)!.callId)?.outcome === 'ended');
    expect(vic.store.getCall(lastCall(vic)!.callId)!.operatorId).toBe(ops[1]!.id);
  });

  it('nobody answers (busy, then ring out) → 486 and a missed call with a callback task', async () => {
    const { vic } = await setup(undefined, 2_000);
    const codes = await Promise.all([phone('uas-busy.xml', 5071), phone('uas-noanswer.xml', 5072), citizen('uac-expect-486.xml')]);
    expect(codes).toEqual([0, 0, 0]);
    await until(() => vic.store.getCall(lastCall(vic)!.callId)?.outcome === 'missed');
    expect(vic.store.getCall(lastCall(vic)!.callId)!.callbackDueAt).toBe(vic.clock.now());
  });

  it('Sunday → 480 and a callback due Monday at opening', async () => {
    const { vic } = await setup(SUNDAY_NOON);
    expect(await citizen('uac-expect-480.xml')).toBe(0);
    await until(() => vic.store.getCall(lastCall(vic)?.callId ?? '')?.outcome === 'rejected_off_hours');
    expect(vic.store.getCall(lastCall(vic)!.callId)!.callbackDueAt).toBe(Date.parse('2026-11-30T04:00:00Z'));
  });

  it('the caller hangs up while it rings → abandoned', async () => {
    const { vic } = await setup();
    expect(await Promise.all([phone('uas-noanswer.xml', 5071), citizen('uac-cancel.xml')])).toEqual([0, 0]);
    await until(() => vic.store.getCall(lastCall(vic)!.callId)?.outcome === 'abandoned');
  });

  it('a retransmitted INVITE → one ticket, one call', async () => {
    const { vic } = await setup();
    expect(await Promise.all([phone('uas-answer.xml', 5071), citizen('uac-retransmit.xml')])).toEqual([0, 0]);
    await until(() => vic.store.getCall(lastCall(vic)!.callId)?.outcome === 'ended');
    const row = vic.store.getCall(lastCall(vic)!.callId)!;
    expect(vic.store.listCalls(row.ticketId)).toHaveLength(1);
  });

  it('WhatsApp and a call from the same number land on one ticket', async () => {
    const { vic } = await setup();
    const wa = vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77012345678@c.us' } }));
    expect(await Promise.all([phone('uas-answer.xml', 5071), citizen('uac-answered.xml')])).toEqual([0, 0]);
    await until(() => lastCall(vic) !== undefined);
    expect(vic.store.getCall(lastCall(vic)!.callId)!.ticketId).toBe(wa.ticketId);
  });

  it('call back: the operator’s phone first, then the citizen', async () => {
    const { vic, ops, sip } = await setup();
    const operator = phone('uas-answer.xml', 5071);
    const citizenPhone = phone('uas-answer.xml', 5073);
    await new Promise((r) => setTimeout(r, 300)); // the phones listen
    const id = sip.callBack({ userId: ops[0]!.id, extension: '5071', number: '+77012345678' });
    await until(() => vic.store.getCall(id)?.outcome === 'answered');
    const bridged = vic.store.getCall(id)!;
    expect(bridged.operatorId).toBe(ops[0]!.id);
    children.forEach((c) => c.kill());
    await Promise.allSettled([operator, citizenPhone]);
  });
});
