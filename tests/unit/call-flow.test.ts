import { describe, expect, it } from 'vitest';
import { CallFlow, type CallFlowConfig, type Party } from '../../routing/call-flow.ts';

const cfg: CallFlowConfig = { ringTimeoutMs: 20_000, nobodyStatus: 486 };
const A: Party = { userId: 1, uri: 'sip:201@pbx' };
const B: Party = { userId: 2, uri: 'sip:202@pbx' };
const S: Party = { userId: 9, uri: 'sip:301@pbx' };
const CITIZEN: Party = { userId: null, uri: 'sip:87012345678@trunk' };
const T0 = Date.parse('2026-12-01T05:00:00Z');

/** A flow already ringing operator A (leg 1) with B next. */
function ringingA(c: CallFlowConfig = cfg) {
  const f = new CallFlow(c);
  expect(f.handle({ type: 'incoming', at: T0, working: true, hunt: [A, B] })).toEqual([
    { type: 'ring', leg: 1, userId: 1, uri: 'sip:201@pbx', timeoutMs: c.ringTimeoutMs },
  ]);
  return f;
}

/** A flow where operator A answered at T0 + 5 s. */
function answeredA() {
  const f = ringingA();
  f.handle({ type: 'answered', leg: 1, at: T0 + 5000 });
  return f;
}

describe('incoming call', () => {
  it('off hours: 480 and a rejected call (the core sets the callback at the next opening)', () => {
    const f = new CallFlow(cfg);
    expect(f.handle({ type: 'incoming', at: T0, working: false, hunt: [A] })).toEqual([
      { type: 'reject', status: 480 },
      { type: 'record', outcome: 'rejected_off_hours', endedAt: T0 },
    ]);
    expect(f.finished).toBe(true);
  });

  it('nobody to ring: the configured status and a missed call', () => {
    for (const nobodyStatus of [486, 480] as const) {
      const f = new CallFlow({ ...cfg, nobodyStatus });
      expect(f.handle({ type: 'incoming', at: T0, working: true, hunt: [] })).toEqual([
        { type: 'reject', status: nobodyStatus },
        { type: 'record', outcome: 'missed', endedAt: T0, rung: [] },
      ]);
    }
  });

  it('the first operator answers: screen-pop on ringing, bridge and record on answer', () => {
    const f = ringingA();
    expect(f.handle({ type: 'ringing', leg: 1, at: T0 + 100 })).toEqual([
      { type: 'screen-pop', userId: 1 },
      { type: 'record', outcome: 'ringing', userId: 1 },
    ]);
    expect(f.handle({ type: 'ringing', leg: 1, at: T0 + 200 })).toEqual([]); // 183 after 180: one pop
    expect(f.handle({ type: 'answered', leg: 1, at: T0 + 5000 })).toEqual([
      { type: 'ring-result', userId: 1, answered: true },
      { type: 'bridge', from: 0, to: 1 },
      { type: 'record', outcome: 'answered', userId: 1, answeredAt: T0 + 5000 },
    ]);
    expect(f.state).toMatchObject({ name: 'connected', agentLeg: 1 });
  });

  it('ring timeout cancels the leg, its final response moves on to the next operator', () => {
    const f = ringingA({ ...cfg, ringTimeoutMs: 7000 });
    expect(f.handle({ type: 'ring-timeout', leg: 1, at: T0 + 7000 })).toEqual([{ type: 'cancel', leg: 1 }]);
    expect(f.handle({ type: 'ring-timeout', leg: 1, at: T0 + 7001 })).toEqual([]);
    expect(f.handle({ type: 'ringing', leg: 1, at: T0 + 7002 })).toEqual([]); // no pop for a leg we gave up on
    expect(f.handle({ type: 'failed', leg: 1, status: 487, at: T0 + 7010 })).toEqual([
      { type: 'ring-result', userId: 1, answered: false },
      { type: 'ring', leg: 2, userId: 2, uri: 'sip:202@pbx', timeoutMs: 7000 },
    ]);
    expect(f.handle({ type: 'answered', leg: 2, at: T0 + 9000 })).toEqual([
      { type: 'ring-result', userId: 2, answered: true },
      { type: 'bridge', from: 0, to: 2 },
      { type: 'record', outcome: 'answered', userId: 2, answeredAt: T0 + 9000 },
    ]);
  });

  it.each([486, 603, 480, 404, 408])('a %i from an operator moves on at once', (status) => {
    const f = ringingA();
    expect(f.handle({ type: 'failed', leg: 1, status, at: T0 + 1000 }).filter((c) => c.type === 'ring')).toEqual([
      { type: 'ring', leg: 2, userId: 2, uri: 'sip:202@pbx', timeoutMs: 20_000 },
    ]);
  });

  it('an answer that crossed our CANCEL still connects the caller', () => {
    const f = ringingA();
    f.handle({ type: 'ring-timeout', leg: 1, at: T0 + 20_000 });
    expect(f.handle({ type: 'answered', leg: 1, at: T0 + 20_001 }).find((c) => c.type === 'bridge')).toEqual({
      type: 'bridge',
      from: 0,
      to: 1,
    });
  });

  it('nobody answers: reject with the configured status and a missed call', () => {
    const f = ringingA({ ...cfg, nobodyStatus: 480 });
    f.handle({ type: 'failed', leg: 1, status: 486, at: T0 + 1 });
    f.handle({ type: 'ring-timeout', leg: 2, at: T0 + 20_001 });
    expect(f.handle({ type: 'failed', leg: 2, status: 487, at: T0 + 20_002 })).toEqual([
      { type: 'ring-result', userId: 2, answered: false },
      { type: 'reject', status: 480 },
      { type: 'record', outcome: 'missed', endedAt: T0 + 20_002, rung: [1, 2] },
    ]);
    expect(f.state).toEqual({ name: 'done', outcome: 'missed' });
  });

  it('caller hangs up while ringing: abandoned, and late responses change nothing', () => {
    const f = ringingA();
    expect(f.handle({ type: 'caller-cancel', at: T0 + 3000 })).toEqual([
      { type: 'record', outcome: 'abandoned', endedAt: T0 + 3000, rung: [1] },
    ]);
    expect(f.handle({ type: 'failed', leg: 1, status: 487, at: T0 + 3001 })).toEqual([]);
    expect(f.handle({ type: 'answered', leg: 1, at: T0 + 3002 })).toEqual([]);
  });

  it('ignores events of other legs and stale timers', () => {
    const f = ringingA();
    f.handle({ type: 'failed', leg: 1, status: 486, at: T0 });
    expect(f.handle({ type: 'ring-timeout', leg: 1, at: T0 + 20_000 })).toEqual([]);
    expect(f.handle({ type: 'answered', leg: 1, at: T0 + 20_000 })).toEqual([]);
    expect(f.handle({ type: 'bye', leg: 0, at: T0 })).toEqual([]); // no dialog with the caller yet
    expect(f.state).toMatchObject({ name: 'hunting', leg: 2 });
  });

  it.each([
    ['the caller', 0, 1],
    ['the operator', 1, 0],
  ])('BYE from %s ends the call with its duration and hangs up the other side', (_who, from, other) => {
    const f = answeredA();
    expect(f.handle({ type: 'bye', leg: from, at: T0 + 65_000 })).toEqual([
      { type: 'hangup', leg: other },
      { type: 'record', outcome: 'ended', endedAt: T0 + 65_000, durationMs: 60_000 },
    ]);
    expect(f.handle({ type: 'bye', leg: other, at: T0 + 65_001 })).toEqual([]);
  });

  it('a transfer request while not connected does nothing', () => {
    expect(ringingA().handle({ type: 'transfer', target: S, at: T0 })).toEqual([]);
    expect(new CallFlow(cfg).handle({ type: 'ringing', leg: 1, at: T0 })).toEqual([]);
  });
});

describe('transfer to a specialist', () => {
  function transferring() {
    const f = answeredA();
    expect(f.handle({ type: 'transfer', target: S, at: T0 + 10_000 })).toEqual([
      { type: 'ring', leg: 2, userId: 9, uri: 'sip:301@pbx', timeoutMs: 20_000 },
    ]);
    return f;
  }

  it('answered: re-bridge the caller, then tell and release the operator', () => {
    const f = transferring();
    expect(f.handle({ type: 'answered', leg: 2, at: T0 + 15_000 })).toEqual([{ type: 'bridge', from: 0, to: 2 }]);
    // Until the citizen accepted the specialist's media, the operator keeps the call.
    expect(f.state).toMatchObject({ name: 'transferring', bridging: true });
    expect(f.handle({ type: 'bridged', leg: 2, at: T0 + 15_200 })).toEqual([
      { type: 'transfer-result', status: 200 },
      { type: 'hangup', leg: 1 },
      { type: 'record', outcome: 'transferred', userId: 9 },
    ]);
    expect(f.handle({ type: 'bye', leg: 1, at: T0 + 15_001 })).toEqual([]); // the released operator's leg is gone
    expect(f.handle({ type: 'bye', leg: 2, at: T0 + 125_000 })).toEqual([
      { type: 'hangup', leg: 0 },
      { type: 'record', outcome: 'ended', endedAt: T0 + 125_000, durationMs: 120_000 },
    ]);
  });

  it('the citizen refuses the re-INVITE: the specialist is released and the caller stays with the operator', () => {
    const f = transferring();
    expect(f.handle({ type: 'answered', leg: 2, at: T0 + 15_000 })).toEqual([{ type: 'bridge', from: 0, to: 2 }]);
    expect(f.handle({ type: 'bridge-failed', leg: 2, status: 488, at: T0 + 15_200 })).toEqual([
      { type: 'hangup', leg: 2 },
      { type: 'transfer-result', status: 488 },
    ]);
    expect(f.state).toMatchObject({ name: 'connected', agentLeg: 1 });
    expect(f.bridged).toEqual({ citizen: 0, agent: 1 });
  });

  it('a hang-up while the citizen is re-INVITEd towards the specialist hangs up every leg', () => {
    const f = transferring();
    f.handle({ type: 'answered', leg: 2, at: T0 + 15_000 });
    expect(f.handle({ type: 'bye', leg: 0, at: T0 + 15_100 })).toEqual([
      { type: 'hangup', leg: 2 },
      { type: 'hangup', leg: 1 },
      { type: 'record', outcome: 'ended', endedAt: T0 + 15_100, durationMs: 10_100 },
    ]);
    expect(f.handle({ type: 'bridged', leg: 2, at: T0 + 15_200 })).toEqual([]);
  });

  it('not answered (busy): the caller stays with the operator', () => {
    const f = transferring();
    expect(f.handle({ type: 'failed', leg: 2, status: 486, at: T0 + 11_000 })).toEqual([{ type: 'transfer-result', status: 486 }]);
    expect(f.state).toMatchObject({ name: 'connected', agentLeg: 1 });
    expect(f.handle({ type: 'bye', leg: 0, at: T0 + 30_000 })).toEqual([
      { type: 'hangup', leg: 1 },
      { type: 'record', outcome: 'ended', endedAt: T0 + 30_000, durationMs: 25_000 },
    ]);
  });

  it('not answered (ring timeout): cancel, then the caller stays with the operator', () => {
    const f = transferring();
    expect(f.handle({ type: 'ring-timeout', leg: 2, at: T0 + 30_000 })).toEqual([{ type: 'cancel', leg: 2 }]);
    expect(f.handle({ type: 'ring-timeout', leg: 2, at: T0 + 30_001 })).toEqual([]);
    expect(f.handle({ type: 'failed', leg: 2, status: 487, at: T0 + 30_002 })).toEqual([{ type: 'transfer-result', status: 487 }]);
    expect(f.state).toMatchObject({ name: 'connected', agentLeg: 1 });
  });

  it('a hang-up while the specialist rings cancels the specialist and ends the call', () => {
    const f = transferring();
    expect(f.handle({ type: 'bye', leg: 0, at: T0 + 12_000 })).toEqual([
      { type: 'cancel', leg: 2 },
      { type: 'hangup', leg: 1 },
      { type: 'record', outcome: 'ended', endedAt: T0 + 12_000, durationMs: 7000 },
    ]);
    const g = transferring();
    expect(g.handle({ type: 'bye', leg: 1, at: T0 + 12_000 })[1]).toEqual({ type: 'hangup', leg: 0 });
    expect(g.handle({ type: 'bye', leg: 7, at: T0 })).toEqual([]);
  });

  it('ignores responses of other legs while transferring', () => {
    const f = transferring();
    expect(f.handle({ type: 'answered', leg: 1, at: T0 })).toEqual([]);
    expect(f.handle({ type: 'failed', leg: 1, status: 500, at: T0 })).toEqual([]);
    expect(f.handle({ type: 'ring-timeout', leg: 1, at: T0 })).toEqual([]);
    expect(f.handle({ type: 'caller-cancel', at: T0 })).toEqual([]);
  });
});

describe('call back', () => {
  function operatorRinging() {
    const f = new CallFlow(cfg);
    expect(f.handle({ type: 'callback', at: T0, operator: A, citizen: CITIZEN })).toEqual([
      { type: 'ring', leg: 1, userId: 1, uri: 'sip:201@pbx', timeoutMs: 20_000 },
    ]);
    return f;
  }

  it('rings the operator first, then the citizen, then bridges them', () => {
    const f = operatorRinging();
    expect(f.handle({ type: 'answered', leg: 1, at: T0 + 2000 })).toEqual([
      { type: 'ring', leg: 2, userId: null, uri: CITIZEN.uri, timeoutMs: 20_000 },
    ]);
    expect(f.handle({ type: 'answered', leg: 2, at: T0 + 9000 })).toEqual([
      { type: 'bridge', from: 2, to: 1 },
      { type: 'record', outcome: 'answered', userId: 1, answeredAt: T0 + 9000 },
    ]);
    expect(f.handle({ type: 'bye', leg: 2, at: T0 + 69_000 })).toEqual([
      { type: 'hangup', leg: 1 },
      { type: 'record', outcome: 'ended', endedAt: T0 + 69_000, durationMs: 60_000 },
      { type: 'callback-result', result: 'answered' },
    ]);
  });

  it('the operator does not pick up: the citizen is never dialled', () => {
    const f = operatorRinging();
    expect(f.handle({ type: 'ring-timeout', leg: 1, at: T0 + 20_000 })).toEqual([{ type: 'cancel', leg: 1 }]);
    expect(f.handle({ type: 'ring-timeout', leg: 1, at: T0 + 20_000 })).toEqual([]);
    expect(f.handle({ type: 'ringing', leg: 1, at: T0 })).toEqual([]);
    expect(f.handle({ type: 'failed', leg: 1, status: 487, at: T0 + 20_001 })).toEqual([
      { type: 'record', outcome: 'missed', endedAt: T0 + 20_001 },
      { type: 'callback-result', result: 'operator_no_answer' },
    ]);
    expect(f.finished).toBe(true);
  });

  it('the citizen does not answer: the operator is released and the call stays missed', () => {
    const f = operatorRinging();
    f.handle({ type: 'answered', leg: 1, at: T0 + 2000 });
    expect(f.handle({ type: 'ringing', leg: 2, at: T0 + 2100 })).toEqual([]);
    expect(f.handle({ type: 'ring-timeout', leg: 2, at: T0 + 22_000 })).toEqual([{ type: 'cancel', leg: 2 }]);
    expect(f.handle({ type: 'ring-timeout', leg: 2, at: T0 + 22_000 })).toEqual([]);
    expect(f.handle({ type: 'failed', leg: 2, status: 487, at: T0 + 22_001 })).toEqual([
      { type: 'hangup', leg: 1 },
      { type: 'record', outcome: 'missed', endedAt: T0 + 22_001 },
      { type: 'callback-result', result: 'no_answer' },
    ]);
  });

  it('the operator hangs up while the citizen rings: cancel the citizen', () => {
    const f = operatorRinging();
    f.handle({ type: 'answered', leg: 1, at: T0 + 2000 });
    expect(f.handle({ type: 'bye', leg: 1, at: T0 + 4000 })).toEqual([
      { type: 'cancel', leg: 2 },
      { type: 'record', outcome: 'missed', endedAt: T0 + 4000 },
      { type: 'callback-result', result: 'no_answer' },
    ]);
    expect(f.handle({ type: 'answered', leg: 2, at: T0 + 4001 })).toEqual([]);
  });

  it('ignores events of other legs', () => {
    const f = operatorRinging();
    expect(f.handle({ type: 'answered', leg: 5, at: T0 })).toEqual([]);
    expect(f.handle({ type: 'caller-cancel', at: T0 })).toEqual([]);
    f.handle({ type: 'answered', leg: 1, at: T0 });
    expect(f.handle({ type: 'failed', leg: 1, status: 500, at: T0 })).toEqual([]);
    expect(f.handle({ type: 'transfer', target: S, at: T0 })).toEqual([]);
  });
});
