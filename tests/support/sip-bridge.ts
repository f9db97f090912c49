// A VIC with the SIP bridge connected to the drachtio double, its log lines kept for assertions, and operators
// whose consoles are open (they are only rung then). Shared by the tests/integration/sip-*.test.ts files.
import { Writable } from 'node:stream';
import { Vic } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { testConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createSipChannel, type SipChannel, type SipDeps } from '../../channels/sip/index.ts';
import type { SipConfig } from '../../channels/sip/config.ts';
import { addUser, closeServed, tempDir, WORKING } from '../helpers.ts';
import { doubleConfig, FakeDrachtio, sdpOffer, type InboundCall, type OutboundInvite } from './fake-drachtio.ts';

export const CALLER = { from: '"Ержан Серікұлы" <sip:87012345678@pbx.court.local>', pai: '<sip:+77012345678@pbx.court.local>' };

export interface Bridge {
  vic: Vic;
  clock: ManualClock;
  fake: FakeDrachtio;
  sip: SipChannel;
  ops: { id: number; login: string }[];
  /** Log lines written so far (JSON). */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function sipBridge(
  o: { operators?: string[]; cfg?: Partial<SipConfig>; deps?: SipDeps; at?: number; connected?: boolean } = {},
): Promise<Bridge> {
  const fake = new FakeDrachtio('cymru');
  const port = await fake.listen();
  const clock = new ManualClock(o.at ?? WORKING);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const vic = new Vic({
    config: testConfig({ DATA_DIR: tempDir(), ADMIN_PASSWORD: 'admin-secret-1' }),
    clock,
    log: createLogger('debug', sink),
  });
  await vic.seed();
  const ops = [];
  for (const [i, login] of (o.operators ?? ['op-a', 'op-b']).entries()) {
    const u = await addUser(vic, login, 'operator');
    vic.store.updateUser(u.id, { sipExtension: String(201 + i) });
    if (o.connected !== false) vic.store.changeConnections(u.id, 1, clock.now());
    ops.push({ id: u.id, login });
  }
  const sip = createSipChannel(doubleConfig(port, o.cfg), o.deps);
  await vic.addChannel(sip);
  await fake.ready();
  await waitFor(() => sip.health().state === 'connected');
  return {
    vic,
    clock,
    fake,
    sip,
    ops,
    logs,
    async close() {
      await closeServed(); // the served console's sockets first: its server waits for them
      await vic.close();
      await fake.close();
    },
  };
}

/** The caller is connected to the phone that answers `invite` with 200 (the bridge completes on the caller's ACK). */
export async function answer(b: Bridge, call: InboundCall, invite: OutboundInvite) {
  invite.respond(180);
  invite.respond(200, sdpOffer('operator', 50000));
  await call.waitFinal();
  await call.ack();
  await invite.dialog!.waitFor('ACK');
  await waitFor(() => b.vic.store.getCall(call.callId)?.outcome === 'answered');
}

export async function waitFor(ok: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Whether anything was recorded: tickets and calls in the database. */
export function counts(vic: Vic) {
  const n = (sql: string) => (vic.store.db.prepare(sql).get() as { n: number }).n;
  return { tickets: n('SELECT count(*) AS n FROM tickets'), calls: n('SELECT count(*) AS n FROM calls') };
}
