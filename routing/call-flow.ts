// The phone call flow as a pure state machine: events in, commands out, no I/O and no clock of its own.
// The SIP adapter (channels/sip/) turns SIP into events and commands into SIP; time arrives as events
// (`ring-timeout`, `at` fields), so every branch is testable without waiting.
//
// Legs are numbered: 0 is the citizen who called in; every INVITE the bridge sends gets the next number.
//
// With media (`incoming.queue`, rtpengine answers the caller: channels/sip/media/) the caller is never told
// "busy": while nobody is free they wait `queued` (the adapter plays the queue and sends `requeue` as operators
// may have freed up); a call-back request ends the wait (`callback-requested`: recorded as missed, so it becomes a
// task), and the caller hears the last words `announcing` until the adapter ends the call (`end`). Off hours the
// caller is `announcing` from the start; only a call-back request makes a task.

import {
  citizenFailure,
  type CallBackResult,
  type CallCommand,
  type CallEvent,
  type CallFlowConfig,
  type CallPhase as Phase,
  type Outcome,
  type Party,
  type UserLeg,
} from './call-flow-types.ts';

export type { CallBackResult, CallCommand, CallEvent, CallFlowConfig, CallPhase, Outcome, Party, UserLeg } from './call-flow-types.ts';

export class CallFlow {
  private phase: Phase = { name: 'idle' };
  private hunt: Party[] = [];
  /** The citizen's leg: 0 when they called in, the dialled leg on a call back. */
  private citizenLeg = 0;
  private lastLeg = 0;
  /** Who each VIC user's leg belongs to, as whom they were rung. */
  private readonly roles = new Map<number, UserLeg['role']>();
  /** Hunted operators whose phones were rung, in order. */
  private readonly rung: number[] = [];
  /** Operators currently busy elsewhere (on a call, or ringing for one): skipped while hunting. */
  private busy: ReadonlySet<number> = new Set();
  /** Set on a call back: its result should it end now. */
  private callBackResult: CallBackResult | null = null;
  private readonly poppedLegs = new Set<number>();
  /** The caller was answered by VIC with media: nobody free means waiting (see the head of this file). */
  private queue = false;

  constructor(private readonly cfg: CallFlowConfig) {}

  get state(): Readonly<Phase> {
    return this.phase;
  }

  get finished(): boolean {
    return this.phase.name === 'done';
  }

  /** The two legs talking to each other (re-INVITEs pass between them), or null. */
  get bridged(): { citizen: number; agent: number } | null {
    return this.phase.name === 'connected' ? { citizen: this.citizenLeg, agent: this.phase.agentLeg } : null;
  }

  /** The caller waits for an operator (queued, or one ringing for them) while VIC holds the call with media. */
  get waiting(): boolean {
    return this.queue && (this.phase.name === 'queued' || this.phase.name === 'hunting');
  }

  /** The VIC users' legs now: whose phone rings or talks, and as what. */
  get userLegs(): UserLeg[] {
    const p = this.phase;
    const leg = (n: number, party: Party, state: UserLeg['state']): UserLeg[] =>
      party.userId === null ? [] : [{ leg: n, userId: party.userId, role: this.roles.get(n) ?? 'operator', state }];
    switch (p.name) {
      case 'hunting':
        return leg(p.leg, this.hunt[p.index], 'ringing');
      case 'connected':
        return leg(p.agentLeg, p.agent, 'talking');
      case 'transferring':
        return [...leg(p.agentLeg, p.agent, 'talking'), ...leg(p.leg, p.target, 'ringing')];
      case 'callback-operator':
        return leg(p.leg, p.operator, 'ringing');
      case 'callback-citizen': // the operator picked up and hears the citizen's phone ring
        return leg(p.operatorLeg, p.operator, 'ringing');
      default:
        return [];
    }
  }

  /** `busy`: VIC users on another call or ringing for one, whom hunting skips. */
  handle(e: CallEvent, busy?: ReadonlySet<number>): CallCommand[] {
    if (busy) this.busy = busy;
    const wasFinished = this.finished;
    const out = this.step(e);
    if (!wasFinished && this.finished && this.callBackResult) out.push({ type: 'callback-result', result: this.callBackResult });
    return out;
  }

  private step(e: CallEvent): CallCommand[] {
    const p = this.phase;
    if (e.type === 'end') return this.end(e.at);
    switch (p.name) {
      case 'idle':
        if (e.type === 'incoming') return this.incoming(e);
        if (e.type === 'callback') return this.startCallback(e);
        return [];
      case 'hunting':
        return this.hunting(p, e);
      case 'connected':
        return this.connected(p, e);
      case 'transferring':
        return this.transferring(p, e);
      case 'callback-operator':
        return this.callbackOperator(p, e);
      case 'callback-citizen':
        return this.callbackCitizen(p, e);
      case 'queued':
        return this.queued(e);
      case 'announcing':
        return this.announcing(p, e);
      case 'done':
        return []; // late responses, stray timers: the call is over
    }
  }

  private ring(party: Party, role: UserLeg['role']): CallCommand {
    this.lastLeg += 1;
    if (party.userId !== null) this.roles.set(this.lastLeg, role);
    return { type: 'ring', leg: this.lastLeg, userId: party.userId, uri: party.uri, timeoutMs: this.cfg.ringTimeoutMs };
  }

  /** A phone rang too long: CANCEL it once, then wait for its final response (487) to move on. */
  private ringOut(p: { leg: number; cancelling: boolean }): CallCommand[] {
    if (p.cancelling) return [];
    p.cancelling = true;
    return [{ type: 'cancel', leg: p.leg }];
  }

  private finish(outcome: Outcome, extra: Omit<Extract<CallCommand, { type: 'record' }>, 'type' | 'outcome'> = {}): CallCommand {
    this.phase = { name: 'done', outcome };
    return { type: 'record', outcome, ...extra };
  }

  private incoming(e: Extract<CallEvent, { type: 'incoming' }>): CallCommand[] {
    this.queue = e.queue === true;
    if (!e.working && this.queue) {
      this.phase = { name: 'announcing', recorded: false };
      return [];
    }
    if (!e.working) return [{ type: 'reject', status: 480 }, this.finish('rejected_off_hours', { endedAt: e.at })];
    this.hunt = e.hunt;
    return this.tryOperator(0, e.at);
  }

  /** Rings the first operator from hunt[index] on who is not busy elsewhere, or gives up when none is left. */
  private tryOperator(from: number, at: number): CallCommand[] {
    let index = from;
    while (index < this.hunt.length && this.busy.has(this.hunt[index].userId!)) index++;
    const next = this.hunt[index];
    if (!next && this.queue) {
      this.phase = { name: 'queued' };
      return [];
    }
    if (!next) return [{ type: 'reject', status: this.cfg.nobodyStatus }, this.finish('missed', { endedAt: at, rung: [...this.rung] })];
    const ring = this.ring(next, 'operator');
    this.rung.push(next.userId!);
    this.phase = { name: 'hunting', leg: this.lastLeg, index, cancelling: false, popped: false };
    return [ring];
  }

  private hunting(p: Extract<Phase, { name: 'hunting' }>, e: CallEvent): CallCommand[] {
    // the B2BUA passes the CANCEL on; with media the caller's leg is VIC's own, and the ringing phone is cancelled here
    if (e.type === 'caller-cancel' || (this.queue && e.type === 'bye' && e.leg === 0)) {
      return [
        ...(this.queue ? [{ type: 'cancel', leg: p.leg } as const] : []),
        this.finish('abandoned', { endedAt: e.at, rung: [...this.rung] }),
      ];
    }
    if (e.type === 'callback-requested' && this.queue) {
      this.phase = { name: 'announcing', recorded: true };
      return [
        { type: 'cancel', leg: p.leg },
        { type: 'record', outcome: 'missed', endedAt: e.at, rung: [...this.rung] },
      ];
    }
    if (!('leg' in e) || e.leg !== p.leg) return [];
    const op = this.hunt[p.index];
    switch (e.type) {
      case 'ringing':
        // The record names the operator while their phone rings; a missed call's names nobody (`rung` keeps them).
        if (p.popped || p.cancelling) return [];
        p.popped = true;
        return [
          { type: 'screen-pop', userId: op.userId! },
          { type: 'record', outcome: 'ringing', userId: op.userId! },
        ];
      case 'ring-timeout':
        return this.ringOut(p);
      case 'failed': {
        // Rang out (our CANCEL after the ring time, or the phone's own timeout): not a busy or declining phone.
        const rangOut = p.cancelling || e.status === 408 || e.status === 480;
        const result: CallCommand[] = rangOut
          ? [{ type: 'ring-result', userId: op.userId!, answered: false }]
          : this.queue // busy or declining at once: a queued caller does not ring it again straight away
            ? [{ type: 'ring-refused', userId: op.userId!, status: e.status }]
            : [];
        return [...result, ...this.tryOperator(p.index + 1, e.at)];
      }
      case 'answered': // also when the answer crossed our CANCEL: a person picked up
        this.phase = { name: 'connected', agent: op, agentLeg: p.leg, answeredAt: e.at };
        return [
          { type: 'ring-result', userId: op.userId!, answered: true },
          { type: 'bridge', from: 0, to: p.leg },
          { type: 'record', outcome: 'answered', userId: op.userId!, answeredAt: e.at },
        ];
      default:
        return [];
    }
  }

  /** Every leg goes: rings are cancelled, talks hung up; a caller still waiting hears the "nobody" status. */
  private end(at: number): CallCommand[] {
    const p = this.phase;
    switch (p.name) {
      case 'hunting':
        return [
          { type: 'cancel', leg: p.leg },
          this.queue ? { type: 'hangup', leg: 0 } : { type: 'reject', status: this.cfg.nobodyStatus },
          this.finish('missed', { endedAt: at, rung: [...this.rung] }),
        ];
      case 'connected':
        return [{ type: 'hangup', leg: p.agentLeg }, { type: 'hangup', leg: this.citizenLeg }, this.ended(at, p.answeredAt)];
      case 'transferring':
        return [
          { type: p.bridging ? 'hangup' : 'cancel', leg: p.leg },
          { type: 'hangup', leg: p.agentLeg },
          { type: 'hangup', leg: this.citizenLeg },
          this.ended(at, p.answeredAt),
        ];
      case 'callback-operator':
        return [{ type: 'cancel', leg: p.leg }, this.finish('missed', { endedAt: at })];
      case 'callback-citizen':
        return [{ type: 'cancel', leg: p.leg }, { type: 'hangup', leg: p.operatorLeg }, this.finish('missed', { endedAt: at })];
      case 'queued':
        return [{ type: 'hangup', leg: 0 }, this.finish('missed', { endedAt: at, rung: [...this.rung] })];
      case 'announcing':
        return [{ type: 'hangup', leg: 0 }, ...this.closed(p, at)];
      default:
        return [];
    }
  }

  /** The caller is gone from the announcements: off hours without a call-back request, that is no task. */
  private closed(p: Extract<Phase, { name: 'announcing' }>, at: number): CallCommand[] {
    if (!p.recorded) return [this.finish('rejected_off_hours', { endedAt: at, callback: false })];
    this.phase = { name: 'done', outcome: 'missed' };
    return [];
  }

  private queued(e: CallEvent): CallCommand[] {
    switch (e.type) {
      case 'requeue':
        this.hunt = e.hunt;
        return this.tryOperator(0, e.at);
      case 'callback-requested':
        this.phase = { name: 'announcing', recorded: true };
        return [{ type: 'record', outcome: 'missed', endedAt: e.at, rung: [...this.rung] }];
      case 'bye':
      case 'caller-cancel':
        return 'leg' in e && e.leg !== 0 ? [] : [this.finish('abandoned', { endedAt: e.at, rung: [...this.rung] })];
      default:
        return [];
    }
  }

  private announcing(p: Extract<Phase, { name: 'announcing' }>, e: CallEvent): CallCommand[] {
    if (e.type === 'callback-requested' && !p.recorded) {
      // Off hours: the task is due after the next opening (CallService.progress, as for a call refused off hours).
      p.recorded = true;
      return [{ type: 'record', outcome: 'rejected_off_hours', endedAt: e.at }];
    }
    if ((e.type === 'bye' && e.leg === 0) || e.type === 'caller-cancel') return this.closed(p, e.at);
    // A phone that picked up as the call-back was promised (its answer crossed our CANCEL): nobody is there for it.
    if (e.type === 'answered') return [{ type: 'hangup', leg: e.leg }];
    return [];
  }

  private ended(at: number, answeredAt: number): CallCommand {
    return this.finish('ended', { endedAt: at, durationMs: at - answeredAt });
  }

  private connected(p: Extract<Phase, { name: 'connected' }>, e: CallEvent): CallCommand[] {
    if (e.type === 'bye') {
      if (e.leg === this.citizenLeg) return [{ type: 'hangup', leg: p.agentLeg }, this.ended(e.at, p.answeredAt)];
      if (e.leg === p.agentLeg) return [{ type: 'hangup', leg: this.citizenLeg }, this.ended(e.at, p.answeredAt)];
      return [];
    }
    if (e.type === 'transfer') {
      const ring = this.ring(e.target, 'specialist');
      this.phase = { ...p, name: 'transferring', target: e.target, leg: this.lastLeg, cancelling: false, bridging: false };
      return [ring];
    }
    return [];
  }

  private transferring(p: Extract<Phase, { name: 'transferring' }>, e: CallEvent): CallCommand[] {
    const back = (status: number): CallCommand[] => {
      this.phase = { name: 'connected', agent: p.agent, agentLeg: p.agentLeg, answeredAt: p.answeredAt };
      return [{ type: 'transfer-result', status }];
    };
    switch (e.type) {
      case 'bye': {
        if (e.leg !== this.citizenLeg && e.leg !== p.agentLeg) return [];
        const other = e.leg === this.citizenLeg ? p.agentLeg : this.citizenLeg;
        return [{ type: p.bridging ? 'hangup' : 'cancel', leg: p.leg }, { type: 'hangup', leg: other }, this.ended(e.at, p.answeredAt)];
      }
      case 'ringing':
        // The specialist's console pops up the call as an operator's does.
        if (e.leg !== p.leg || p.target.userId === null || this.poppedLegs.has(p.leg)) return [];
        this.poppedLegs.add(p.leg);
        return [{ type: 'screen-pop', userId: p.target.userId }];
      case 'ring-timeout':
        return e.leg === p.leg ? this.ringOut(p) : [];
      case 'failed':
        return e.leg === p.leg ? back(e.status) : [];
      case 'answered':
        if (e.leg !== p.leg || p.bridging) return [];
        // The operator is released only once the citizen has accepted the specialist's media.
        p.bridging = true;
        return [{ type: 'bridge', from: this.citizenLeg, to: p.leg }];
      case 'bridged':
        if (e.leg !== p.leg || !p.bridging) return [];
        // The specialist now talks to the citizen; the call's duration keeps counting from the first answer.
        this.phase = { name: 'connected', agent: p.target, agentLeg: p.leg, answeredAt: p.answeredAt };
        return [
          { type: 'transfer-result', status: 200 },
          { type: 'hangup', leg: p.agentLeg },
          { type: 'record', outcome: 'transferred', ...(p.target.userId !== null ? { userId: p.target.userId } : {}) },
        ];
      case 'bridge-failed':
        if (e.leg !== p.leg || !p.bridging) return [];
        // A refused re-INVITE leaves the citizen's session as it was: still with the operator.
        return [{ type: 'hangup', leg: p.leg }, ...back(e.status)];
      default:
        return [];
    }
  }

  private startCallback(e: Extract<CallEvent, { type: 'callback' }>): CallCommand[] {
    this.callBackResult = 'operator_no_answer';
    const ring = this.ring(e.operator, 'callback');
    this.phase = { name: 'callback-operator', operator: e.operator, citizen: e.citizen, leg: this.lastLeg, cancelling: false };
    return [ring];
  }

  private callbackOperator(p: Extract<Phase, { name: 'callback-operator' }>, e: CallEvent): CallCommand[] {
    if (!('leg' in e) || e.leg !== p.leg) return [];
    switch (e.type) {
      case 'ring-timeout':
        return this.ringOut(p);
      case 'failed': // the operator did not pick up: the citizen is not dialled and the task stays open
        return [this.finish('missed', { endedAt: e.at })];
      case 'answered': {
        this.callBackResult = 'no_answer'; // should the operator hang up before the citizen answers
        const ring = this.ring(p.citizen, 'callback');
        this.citizenLeg = this.lastLeg;
        this.phase = {
          name: 'callback-citizen',
          operator: p.operator,
          operatorLeg: p.leg,
          citizen: p.citizen,
          leg: this.lastLeg,
          cancelling: false,
        };
        return [ring];
      }
      default:
        return [];
    }
  }

  private callbackCitizen(p: Extract<Phase, { name: 'callback-citizen' }>, e: CallEvent): CallCommand[] {
    if (e.type === 'bye' && e.leg === p.operatorLeg) {
      return [{ type: 'cancel', leg: p.leg }, this.finish('missed', { endedAt: e.at })];
    }
    if (!('leg' in e) || e.leg !== p.leg) return [];
    switch (e.type) {
      case 'ring-timeout':
        return this.ringOut(p);
      case 'failed':
        this.callBackResult = citizenFailure(e.status);
        return [{ type: 'hangup', leg: p.operatorLeg }, this.finish('missed', { endedAt: e.at })];
      case 'answered':
        this.callBackResult = 'answered';
        this.phase = { name: 'connected', agent: p.operator, agentLeg: p.operatorLeg, answeredAt: e.at };
        return [
          { type: 'bridge', from: p.leg, to: p.operatorLeg },
          { type: 'record', outcome: 'answered', ...(p.operator.userId !== null ? { userId: p.operator.userId } : {}), answeredAt: e.at },
        ];
      default:
        return [];
    }
  }
}
