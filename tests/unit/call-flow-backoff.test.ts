// Re-ringing a phone that refuses at once while a caller waits in the queue (media): the flow reports the refusal
// (`ring-refused`; not for a phone that rang out, nor without the queue), and RingBackoff keeps that operator off
// the hunt list 2, 4, 8, 16, 30, 30 s after each refusal, until they answer or come back free.
import { describe, expect, it } from 'vitest';
import { CallFlow, type CallFlowConfig, type Party } from '../../routing/call-flow.ts';
import { RingBackoff } from '../../routing/ring-backoff.ts';

const cfg: CallFlowConfig = { ringTimeoutMs: 20_000, nobodyStatus: 486 };
const A: Party = { userId: 1, uri: 'sip:201@pbx' };
const B: Party = { userId: 2, uri: 'sip:202@pbx' };
const T0 = Date.parse('2026-12-01T05:00:00Z');

describe('re-ring back-off', () => {
  it('the flow reports a phone refusing at once (486, 603) only for a queued caller, and not a ring-out', () => {
    const q = new CallFlow(cfg);
    q.handle({ type: 'incoming', at: T0, working: true, hunt: [A, B], queue: true });
    expect(q.handle({ type: 'failed', leg: 1, status: 603, at: T0 + 50 })).toEqual([
      { type: 'ring-refused', userId: 1, status: 603 },
      { type: 'ring', leg: 2, userId: 2, uri: B.uri, timeoutMs: 20_000 },
    ]);
    q.handle({ type: 'ring-timeout', leg: 2, at: T0 + 20_050 });
    expect(q.handle({ type: 'failed', leg: 2, status: 487, at: T0 + 20_060 })).toEqual([
      { type: 'ring-result', userId: 2, answered: false },
    ]);

    const plain = new CallFlow(cfg); // without media: a busy phone moves on as before, nothing more
    plain.handle({ type: 'incoming', at: T0, working: true, hunt: [A, B] });
    expect(plain.handle({ type: 'failed', leg: 1, status: 486, at: T0 + 50 })).toEqual([
      { type: 'ring', leg: 2, userId: 2, uri: B.uri, timeoutMs: 20_000 },
    ]);
  });

  it('each refusal doubles the wait before the next ring, up to 30 s; other operators are rung meanwhile', () => {
    const b = new RingBackoff();
    let at = T0;
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      b.refused(1, at);
      waits.push(b.until(1) - at);
      expect(b.filter([A, B], b.until(1) - 1)).toEqual([B]); // still waiting: only the other operator
      at = b.until(1);
      expect(b.filter([A, B], at)).toEqual([A, B]); // due: rung again
    }
    expect(waits).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('a queued caller with a phone refusing at once: rung at 0, 2, 6, 14 s — not every 2 s', () => {
    const b = new RingBackoff();
    const f = new CallFlow(cfg);
    const rings: number[] = [];
    const run = (cmds: ReturnType<CallFlow['handle']>, at: number) => {
      for (const c of cmds) {
        if (c.type === 'ring') {
          rings.push(at - T0);
          run(f.handle({ type: 'failed', leg: c.leg, status: 486, at }), at);
        }
        if (c.type === 'ring-refused') b.refused(c.userId, at);
      }
    };
    run(f.handle({ type: 'incoming', at: T0, working: true, hunt: b.filter([A], T0), queue: true }), T0);
    for (let at = T0 + 2000; at <= T0 + 20_000; at += 2000) run(f.handle({ type: 'requeue', at, hunt: b.filter([A], at) }), at);
    expect(rings).toEqual([0, 2000, 6000, 14_000]);
    expect(f.state.name).toBe('queued');
  });

  it('answering, or leaving the list (away) or talking on a VIC call and coming back, rings them at once again', () => {
    const b = new RingBackoff();
    b.refused(1, T0);
    b.refused(1, T0 + 2000);
    b.reset(1); // answered
    expect(b.filter([A], T0 + 2001)).toEqual([A]);
    b.refused(1, T0);
    expect(b.filter([B], T0 + 1)).toEqual([B]); // away: off the list, forgotten
    expect(b.filter([A], T0 + 2)).toEqual([A]);
    b.refused(1, T0);
    expect(b.filter([A, B], T0 + 3, new Set([1]))).toEqual([A, B]); // on a VIC call now: free of it afterwards
    expect(b.until(1)).toBe(0);
  });
});
