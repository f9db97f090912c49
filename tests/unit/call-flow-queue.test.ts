// The call flow when VIC answers the caller with media (rtpengine, `incoming.queue`): nobody free is a wait, not
// "busy"; a call-back request is a missed call (its task) and the caller is hung up by the adapter afterwards; off
// hours only a request makes a task.
import { describe, expect, it } from 'vitest';
import { CallFlow, type CallFlowConfig, type Party } from '../../routing/call-flow.ts';

const cfg: CallFlowConfig = { ringTimeoutMs: 20_000, nobodyStatus: 486 };
const A: Party = { userId: 1, uri: 'sip:201@pbx' };
const T0 = Date.parse('2026-12-01T05:00:00Z');

describe('the queue (media)', () => {
  it('nobody free: queued, no 486; an operator free later is rung, answers, is bridged', () => {
    const f = new CallFlow(cfg);
    expect(f.handle({ type: 'incoming', at: T0, working: true, hunt: [A], queue: true }, new Set([1]))).toEqual([]);
    expect(f.state.name).toBe('queued');
    expect(f.waiting).toBe(true);
    expect(f.handle({ type: 'requeue', at: T0 + 1000, hunt: [A] }, new Set([1]))).toEqual([]);
    expect(f.handle({ type: 'requeue', at: T0 + 2000, hunt: [A] }, new Set())).toEqual([
      { type: 'ring', leg: 1, userId: 1, uri: 'sip:201@pbx', timeoutMs: 20_000 },
    ]);
    expect(f.handle({ type: 'answered', leg: 1, at: T0 + 3000 })).toEqual([
      { type: 'ring-result', userId: 1, answered: true },
      { type: 'bridge', from: 0, to: 1 },
      { type: 'record', outcome: 'answered', userId: 1, answeredAt: T0 + 3000 },
    ]);
    expect(f.waiting).toBe(false);
  });

  it('a busy phone sends the caller back to the queue, not away (and the adapter backs off ringing it)', () => {
    const f = new CallFlow(cfg);
    f.handle({ type: 'incoming', at: T0, working: true, hunt: [A], queue: true });
    expect(f.handle({ type: 'failed', leg: 1, status: 486, at: T0 + 100 })).toEqual([{ type: 'ring-refused', userId: 1, status: 486 }]);
    expect(f.state.name).toBe('queued');
  });

  it('call-back requested while a phone rings: it is cancelled, the call is missed (a task); the adapter ends it', () => {
    const f = new CallFlow(cfg);
    f.handle({ type: 'incoming', at: T0, working: true, hunt: [A], queue: true });
    expect(f.handle({ type: 'callback-requested', at: T0 + 42_000 })).toEqual([
      { type: 'cancel', leg: 1 },
      { type: 'record', outcome: 'missed', endedAt: T0 + 42_000, rung: [1] },
    ]);
    // the phone answers as the CANCEL crosses: hung up, nobody is there for it
    expect(f.handle({ type: 'answered', leg: 1, at: T0 + 42_100 })).toEqual([{ type: 'hangup', leg: 1 }]);
    expect(f.handle({ type: 'end', at: T0 + 46_000 })).toEqual([{ type: 'hangup', leg: 0 }]);
    expect(f.finished).toBe(true);
  });

  it('the caller hangs up while queued: abandoned', () => {
    const f = new CallFlow(cfg);
    f.handle({ type: 'incoming', at: T0, working: true, hunt: [], queue: true });
    expect(f.handle({ type: 'bye', leg: 0, at: T0 + 9000 })).toEqual([
      { type: 'record', outcome: 'abandoned', endedAt: T0 + 9000, rung: [] },
    ]);
  });

  it('off hours: no task unless asked for; asked: rejected off hours with its task', () => {
    const quiet = new CallFlow(cfg);
    expect(quiet.handle({ type: 'incoming', at: T0, working: false, hunt: [], queue: true })).toEqual([]);
    expect(quiet.handle({ type: 'end', at: T0 + 15_000 })).toEqual([
      { type: 'hangup', leg: 0 },
      { type: 'record', outcome: 'rejected_off_hours', endedAt: T0 + 15_000, callback: false },
    ]);
    const asked = new CallFlow(cfg);
    asked.handle({ type: 'incoming', at: T0, working: false, hunt: [], queue: true });
    expect(asked.handle({ type: 'callback-requested', at: T0 + 12_000 })).toEqual([
      { type: 'record', outcome: 'rejected_off_hours', endedAt: T0 + 12_000 },
    ]);
    expect(asked.handle({ type: 'bye', leg: 0, at: T0 + 14_000 })).toEqual([]);
    expect(asked.finished).toBe(true);
  });
});
