// The set-up shared by the real-server SIP tests (tests/integration/sip-real*.test.ts): a VIC bridged to a real
// drachtio-server, with Debian's sipp (package sip-tester) as the citizen and as the phones (tests/sip/*.xml).
// They run only when DRACHTIO_TEST_HOST is set; the server must reach this host's 127.0.0.1 (run it here, or with
// --net=host), and SIP for the centre arrives at DRACHTIO_TEST_SIP.
// Phones are sipp UAS instances on local ports; the operator URI template maps an extension to a port
// (`sip:phone@127.0.0.1:{extension}`), so extension 5071 is the phone listening on port 5071.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'socket.io-client';
import { expect } from 'vitest';
import type { Vic } from '../../src/app.ts';
import { createSipChannel } from '../../channels/sip/index.ts';
import type { SipConfig } from '../../channels/sip/config.ts';
import { addUser, makeVic, serve } from '../helpers.ts';

export const HOST = process.env.DRACHTIO_TEST_HOST;
const PORT = Number(process.env.DRACHTIO_TEST_PORT ?? 9022);
const SECRET = process.env.DRACHTIO_TEST_SECRET ?? 'cymru';
export const SIP_TARGET = process.env.DRACHTIO_TEST_SIP ?? `${HOST}:5060`;
const SIPP = ['/usr/bin/sipp', '/usr/local/bin/sipp'].find((p) => fs.existsSync(p));
const SCENARIOS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'sip');
export const OP_A = 5071;
export const OP_B = 5072;
export const CITIZEN_PHONE = 5073;
export const SPECIALIST = 5074;
export const PBX = 5075;
/** Where the citizen's sipp sends from; a second caller uses CITIZEN_2. */
export const CITIZEN = 5090;
export const CITIZEN_2 = 5091;

export const skip = !HOST
  ? 'DRACHTIO_TEST_HOST is not set: no real drachtio-server to test against (see docs/sip.md)'
  : !SIPP
    ? 'sipp is not installed (apt-get install sip-tester)'
    : null;

export interface SippResult {
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
/** Console sockets a test opened: closed after it. */
export const sockets: Socket[] = [];

/** For afterEach: every sipp still running is killed, the consoles and VIC closed. */
export async function cleanUp() {
  await Promise.all([...children].map((c) => new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGKILL')))));
  children.clear();
  sockets.splice(0).forEach((s) => s.close());
  await current?.close();
  current = null;
}
/** For afterAll: sipp's logs. */
export function removeLogs() {
  if (logDir) fs.rmSync(logDir, { recursive: true, force: true });
  logDir = null;
}

/** Runs one sipp scenario to its end (every scenario is one call, bounded by -timeout). */
export function sipp(scenario: string, args: string[], timeoutS = 15): Promise<SippResult> {
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
export async function phone(scenario: string, port: number, ...args: string[]) {
  const done = sipp(scenario, ['-p', String(port), ...args]);
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  await until(() => fs.readFileSync('/proc/net/udp', 'utf8').includes(hex), 5_000);
  return { done };
}
/** The citizen calling the centre's number 1401 from sipp's port `port`. */
export const citizenFrom = (port: number, scenario: string, ...args: string[]) =>
  sipp(scenario, ['-s', '1401', '-p', String(port), ...args, SIP_TARGET]);
export const citizen = (scenario: string) => citizenFrom(CITIZEN, scenario);

/** Every sipp run went exactly as scripted; a failure shows sipp's own account of it. */
export function passed(results: SippResult[]) {
  expect(results.filter((r) => r.code !== 0).map((r) => `${r.scenario} exited ${r.code}\n${r.log}`)).toEqual([]);
}

export async function setup(
  o: {
    at?: number;
    ringTimeoutMs?: number;
    serve?: boolean;
    operatorUriTemplate?: string;
    keepAliveMs?: number;
    /** More of the bridge's settings (trust, RONA). */
    cfg?: Partial<SipConfig>;
  } = {},
) {
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
      ...o.cfg,
    },
    o.keepAliveMs ? { keepAliveMs: o.keepAliveMs } : {},
  );
  await vic.addChannel(sip);
  await until(() => sip.health().state === 'connected', 10_000);
  return { vic, clock, ops, specialist, sip, server };
}

export const lastCall = (vic: Vic) => {
  const row = vic.store.db.prepare('SELECT call_id AS callId FROM calls ORDER BY id DESC LIMIT 1').get() as { callId: string } | undefined;
  return row ? vic.store.getCall(row.callId) : undefined;
};
/** How the call went, in order, as the ticket's audit trail has it. */
export const history = (vic: Vic) =>
  (vic.store.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'call.%' ORDER BY id").all() as { action: string }[]).map(
    (r) => r.action,
  );
/** The text of a call's entry in its ticket's conversation (a missed call's or a call-back's readable line). */
export const callLine = (vic: Vic, callId: string) => {
  const id = vic.store.getCall(callId)?.messageId;
  return id == null ? undefined : vic.store.getMessage(id)?.text;
};

export async function until(ok: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
