// #18 against a real drachtio-server, a real rtpengine and sipp (set-up in tests/support/sip-real.ts): the queue end
// to end. The only operator is talking; a second citizen is answered by VIC at once (rtpengine's SDP, greeting and
// queue) and waits; the operator hangs up, their phone rings for the waiting citizen, they pick up, the citizen is
// connected and the ticket is theirs; rtpengine holds no session afterwards.
//   DRACHTIO_TEST_HOST=127.0.0.1 npx vitest run tests/integration/sip-real-18.test.ts
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RtpengineClient } from '../../channels/sip/media/rtpengine.ts';
import { DEFAULT_CALLER_QUEUE } from '../../routing/caller-queue.ts';
import { freeUdpPort, Rtpengine, rtpengineMissing } from '../support/rtpengine.ts';
import { CITIZEN, CITIZEN_2, OP_A, cleanUp, citizenFrom, passed, phone, removeLogs, setup, skip, until } from '../support/sip-real.ts';

afterEach(cleanUp);
afterAll(removeLogs);

const why = skip ?? rtpengineMissing;

describe.skipIf(why)(`#18 queue with a real drachtio-server, rtpengine and sipp${why ? ` (skipped: ${why})` : ''}`, () => {
  it('the caller waits while the only operator is busy; the operator frees up; the caller is connected, the ticket is theirs', async () => {
    const t0 = performance.now();
    const dtmfPort = await freeUdpPort();
    const rtpe = await Rtpengine.start({ dtmfLogDest: `127.0.0.1:${dtmfPort}` });
    const client = new RtpengineClient({ host: rtpe.host, port: rtpe.ngPort, timeoutMs: 1000 });
    try {
      const { vic, ops, sip } = await setup({
        cfg: {
          media: {
            rtpengine: { host: rtpe.host, port: rtpe.ngPort, timeoutMs: 1000 },
            dtmfListen: { host: '127.0.0.1', port: dtmfPort },
            queue: DEFAULT_CALLER_QUEUE,
          },
          queuePollMs: 300,
        },
      });
      expect(sip.health()).toMatchObject({ state: 'connected' });
      vic.store.setPresenceStatus(ops[1].id, 'away'); // op-a is the only operator
      // op-a's phone takes two calls, each answered after 300 ms and hung up after 2.5 s.
      const opA = await phone('uas-answer-hangup.xml', OP_A, '-m', '2', '-d', '2500');
      const first = citizenFrom(CITIZEN, 'uac-queued.xml', '-key', 'number', '77010000001');
      const byNumber = (n: string) =>
        vic.store.db.prepare('SELECT call_id AS callId FROM calls WHERE from_number = ?').get(n) as { callId: string } | undefined;
      await until(() => vic.store.getCall(byNumber('+77010000001')?.callId ?? '')?.outcome === 'answered');

      // The second citizen is answered by VIC at once and waits: op-a is talking.
      const second = citizenFrom(CITIZEN_2, 'uac-queued.xml', '-key', 'number', '77010000002');
      await until(() => byNumber('+77010000002') !== undefined);
      const waiting = byNumber('+77010000002')!.callId;
      expect(vic.store.getCall(waiting)!.outcome).toBe('ringing');

      // op-a hangs up the first call; their phone rings for the waiting citizen and they pick up.
      await until(() => vic.store.getCall(waiting)!.outcome === 'answered', 10_000);
      const call = vic.store.getCall(waiting)!;
      expect(call.operatorId).toBe(ops[0].id);
      expect(vic.store.getTicket(call.ticketId)!.assigneeId).toBe(ops[0].id);
      passed(await Promise.all([opA.done, first, second]));
      await until(() => vic.store.getCall(waiting)!.outcome === 'ended');
      const end = Date.now() + 3000;
      while ((await client.list()).length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(await client.list()).toEqual([]);
    } finally {
      client.close();
      await rtpe.stop();
      console.info(`sip-real-18: ${Math.round(performance.now() - t0)} ms`);
    }
  });
});
