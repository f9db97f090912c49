// Issue #17's call-flow rules: fair hunting (busy operators skipped, who was rung, ring-no-answer runs), the
// specialist's screen-pop, the console's hang-up, live legs, and how a call back ended.
import { describe, expect, it } from 'vitest';
import { RonaCounter } from '../../routing/assign.ts';
import { CallFlow, type CallFlowConfig, type Party } from '../../routing/call-flow.ts';

const cfg: CallFlowConfig = { ringTimeoutMs: 20_000, nobodyStatus: 486 };
const A: Party = { userId: 1, uri: 'sip:201@pbx' };
const B: Party = { userId: 2, uri: 'sip:202@pbx' };
const C: Party = { userId: 3, uri: 'sip:203@pbx' };
const S: Party = { userId: 9, uri: 'sip:301@pbx' };
const CITIZEN: Party = { userId: null, uri: 'sip:+77012345678@trunk' };
const T0 = Date.parse('2026-12-01T05:00:00Z');
const ring = (leg: number, p: Party) => ({ type: 'ring', leg, userId: p.userId, uri: p.uri, timeoutMs: 20_000 });

describe('fair hunting', () => {
  it('skips operators busy on another call or ringing for one, at the start and when moving on', () => {
    const f = new CallFlow(cfg);
    expect(f.handle({ type: 'incoming', at: T0, working: true, hunt: [A, B, C] }, new Set([1]))).toEqual([ring(1, B)]);
    // C took another call meanwhile: after B is busy nobody is left
    expect(f.handle({ type: 'failed', leg: 1, status: 486, at: T0 + 1 }, new Set([1, 3]))).toEqual([
      { type: 'reject', status: 486 },
      { type: 'record', outcome: 'missed', endedAt: T0 + 1, rung: [2] },
    ]);
  });

  it('everybody busy: the caller hears the nobody status at once and nobody is named', () => {
    const f = new CallFlow(cfg);
    expect(f.handle({ type: 'incoming', at: T0, working: true, hunt: [A, B] }, new Set([1, 2]))).toEqual([
      { type: 'reject', status: 486 },
      { type: 'record', outcome: 'missed', endedAt: T0, rung: [] },
    ]);
  });

  it('a missed call lists who was rung in order and names no operator; rang-out phones count, busy ones do not', () => {
    const f = new CallFlow(cfg);
    f.handle({ type: 'incoming', at: T0, working: true, hunt: [A, B, C] });
    f.handle({ type: 'ringing', leg: 1, at: T0 + 1 });
    f.handle({ type: 'ring-timeout', leg: 1, at: T0 + 20_000 });
    expect(f.handle({ type: 'failed', leg: 1, status: 487, at: T0 + 20_001 })[0]).toEqual({
      type: 'ring-result',
      userId: 1,
      answered: false,
    });
    expect(f.handle({ type: 'failed', leg: 2, status: 486, at: T0 + 20_002 })).toEqual([ring(3, C)]); // busy: no ring-result
    const last = f.handle({ type: 'failed', leg: 3, status: 480, at: T0 + 30_000 }); // the phone's own no-answer
    expect(last).toEqual([
      { type: 'ring-result', userId: 3, answered: false },
      { type: 'reject', status: 486 },
      { type: 'record', outcome: 'missed', endedAt: T0 + 30_000, rung: [1, 2, 3] },
    ]);
    expect(last.find((c) => c.type === 'record')).not.toHaveProperty('userId');
  });

  it('ring-no-answer runs: the limit in a row sets away; an answer starts the run again', () => {
    const r = new RonaCounter(2);
    expect(r.ring(1, false)).toBe(false);
    expect(r.ring(1, true)).toBe(false);
    expect(r.ring(1, false)).toBe(false);
    expect(r.ring(2, false)).toBe(false); // another operator's run is their own
    expect(r.ring(1, false)).toBe(true);
    expect(r.ring(1, false)).toBe(false); // counted afresh after being set away
    expect(new RonaCounter(1).ring(5, false)).toBe(true);
  });
});

describe('live legs', () => {
  it('follow the call: operator ringing, talking, the specialist ringing during a transfer, then only them', () => {
    const f = new CallFlow(cfg);
    f.handle({ type: 'incoming', at: T0, working: true, hunt: [A] });
    expect(f.userLegs).toEqual([{ leg: 1, userId: 1, role: 'operator', state: 'ringing' }]);
    f.handle({ type: 'answered', leg: 1, at: T0 + 1 });
    expect(f.userLegs).toEqual([{ leg: 1, userId: 1, role: 'operator', state: 'talking' }]);
    f.handle({ type: 'transfer', target: S, at: T0 + 2 });
    expect(f.userLegs).toEqual([
      { leg: 1, userId: 1, role: 'operator', state: 'talking' },
      { leg: 2, userId: 9, role: 'specialist', state: 'ringing' },
    ]);
    f.handle({ type: 'answered', leg: 2, at: T0 + 3 });
    f.handle({ type: 'bridged', leg: 2, at: T0 + 4 });
    expect(f.userLegs).toEqual([{ leg: 2, userId: 9, role: 'specialist', state: 'talking' }]);
    f.handle({ type: 'bye', leg: 0, at: T0 + 5 });
    expect(f.userLegs).toEqual([]);
  });

  it('a call back is the operator’s leg (role callback) until the citizen answers', () => {
    const f = new CallFlow(cfg);
    f.handle({ type: 'callback', at: T0, operator: A, citizen: CITIZEN });
    expect(f.userLegs).toEqual([{ leg: 1, userId: 1, role: 'callback', state: 'ringing' }]);
    f.handle({ type: 'answered', leg: 1, at: T0 + 1 });
    expect(f.userLegs).toEqual([{ leg: 1, userId: 1, role: 'callback', state: 'ringing' }]);
    f.handle({ type: 'answered', leg: 2, at: T0 + 2 });
    expect(f.userLegs).toEqual([{ leg: 1, userId: 1, role: 'callback', state: 'talking' }]);
  });
});

describe('transfer screen-pop', () => {
  it('the specialist’s console pops up once when their phone rings; a REFER target (no VIC user) gets none', () => {
    const f = new CallFlow(cfg);
    f.handle({ type: 'incoming', at: T0, working: true, hunt: [A] });
    f.handle({ type: 'answered', leg: 1, at: T0 });
    f.handle({ type: 'transfer', target: S, at: T0 });
    expect(f.handle({ type: 'ringing', leg: 2, at: T0 })).toEqual([{ type: 'screen-pop', userId: 9 }]);
    expect(f.handle({ type: 'ringing', leg: 2, at: T0 })).toEqual([]);
    f.handle({ type: 'failed', leg: 2, status: 486, at: T0 });
    f.handle({ type: 'transfer', target: { userId: null, uri: 'sip:302@pbx' }, at: T0 });
    expect(f.handle({ type: 'ringing', leg: 3, at: T0 })).toEqual([]);
  });
});

describe('hang-up from the console', () => {
  it('while ringing: the phone is cancelled, the caller hears the nobody status, a missed call', () => {
    const f = new CallFlow(cfg);
    f.handle({ type: 'incoming', at: T0, working: true, hunt: [A, B] });
    expect(f.handle({ type: 'end', at: T0 + 5 })).toEqual([
      { type: 'cancel', leg: 1 },
      { type: 'reject', status: 486 },
      { type: 'record', outcome: 'missed', endedAt: T0 + 5, rung: [1] },
    ]);
    expect(f.handle({ type: 'failed', leg: 1, status: 487, at: T0 + 6 })).toEqual([]); // B is not rung
  });

  it('while talking: both sides are hung up and the call ends with its duration', () => {
    const f = new CallFlow(cfg);
    f.handle({ type: 'incoming', at: T0, working: true, hunt: [A] });
    f.handle({ type: 'answered', leg: 1, at: T0 });
    expect(f.handle({ type: 'end', at: T0 + 60_000 })).toEqual([
      { type: 'hangup', leg: 1 },
      { type: 'hangup', leg: 0 },
      { type: 'record', outcome: 'ended', endedAt: T0 + 60_000, durationMs: 60_000 },
    ]);
    expect(f.handle({ type: 'end', at: T0 + 60_001 })).toEqual([]);
  });

  it('during a transfer: the specialist is cancelled too', () => {
    const f = new CallFlow(cfg);
    f.handle({ type: 'incoming', at: T0, working: true, hunt: [A] });
    f.handle({ type: 'answered', leg: 1, at: T0 });
    f.handle({ type: 'transfer', target: S, at: T0 });
    expect(f.handle({ type: 'end', at: T0 + 1000 }).slice(0, 3)).toEqual([
      { type: 'cancel', leg: 2 },
      { type: 'hangup', leg: 1 },
      { type: 'hangup', leg: 0 },
    ]);
  });
});

describe('call-back results', () => {
  function citizenRinging() {
    const f = new CallFlow(cfg);
    f.handle({ type: 'callback', at: T0, operator: A, citizen: CITIZEN });
    f.handle({ type: 'answered', leg: 1, at: T0 + 1 });
    return f;
  }
  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [487, 'no_answer'],
    [480, 'no_answer'],
    [603, 'no_answer'],
    [404, 'failed'],
    [503, 'failed'],
  ])('the citizen’s %i is %s', (status, result) => {
    expect(
      citizenRinging()
        .handle({ type: 'failed', leg: 2, status, at: T0 + 2 })
        .at(-1),
    ).toEqual({ type: 'callback-result', result });
  });

  it('the console hangs up a call back: the citizen’s phone is cancelled, no answer', () => {
    expect(citizenRinging().handle({ type: 'end', at: T0 + 2 })).toEqual([
      { type: 'cancel', leg: 2 },
      { type: 'hangup', leg: 1 },
      { type: 'record', outcome: 'missed', endedAt: T0 + 2 },
      { type: 'callback-result', result: 'no_answer' },
    ]);
  });

  it('an incoming call has no call-back result', () => {
    const f = new CallFlow(cfg);
    expect(f.handle({ type: 'incoming', at: T0, working: true, hunt: [] }).map((c) => c.type)).toEqual(['reject', 'record']);
  });
});
