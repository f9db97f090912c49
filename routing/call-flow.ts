// The phone call flow as a pure state machine: events in, commands out, no I/O and no clock of its own.
// The SIP adapter (channels/sip/) turns SIP into events and commands into SIP; time arrives as events
// (`ring-timeout`, `at` fields), so every branch is testable without waiting.
//
// Legs are numbered: 0 is the citizen who called in; every INVITE the bridge sends gets the next number.

export interface Party {
  /** The VIC user behind the phone, or null for the citizen on a call back. */
  userId: number | null;
  uri: string;
}

export interface CallFlowConfig {
  ringTimeoutMs: number;
  /** What the caller hears when no operator answers: 486 Busy Here or 480 Temporarily Unavailable. */
  nobodyStatus: 480 | 486;
}

export type Outcome = 'ringing' | 'answered' | 'missed' | 'abandoned' | 'rejected_off_hours' | 'ended' | 'transferred';

export type CallEvent =
  | { type: 'incoming'; at: number; working: boolean; hunt: Party[] }
  | { type: 'callback'; at: number; operator: Party; citizen: Party }
  /** A provisional response (180/183) on a leg: that phone is ringing. */
  | { type: 'ringing'; leg: number; at: number }
  | { type: 'answered'; leg: number; at: number }
  | { type: 'failed'; leg: number; status: number; at: number }
  | { type: 'ring-timeout'; leg: number; at: number }
  | { type: 'caller-cancel'; at: number }
  | { type: 'bye'; leg: number; at: number }
  | { type: 'transfer'; target: Party; at: number }
  /** The bridge command completed: the citizen now talks to leg `leg` (a transfer's re-INVITE was answered). */
  | { type: 'bridged'; leg: number; at: number }
  /** The bridge command failed: the citizen refused the re-INVITE, and still talks to whom they did before. */
  | { type: 'bridge-failed'; leg: number; status: number; at: number };

export type CallCommand =
  | { type: 'ring'; leg: number; userId: number | null; uri: string; timeoutMs: number }
  | { type: 'cancel'; leg: number }
  | { type: 'screen-pop'; userId: number }
  /** Connect leg `to` with leg `from` (the citizen's side): B2BUA answer, call back, or re-bridge after a transfer. */
  | { type: 'bridge'; from: number; to: number }
  | { type: 'hangup'; leg: number }
  | { type: 'reject'; status: number }
  /** Tell the operator who asked for a transfer how it went (a NOTIFY with the status). */
  | { type: 'transfer-result'; status: number }
  | { type: 'record'; outcome: Outcome; userId?: number; answeredAt?: number; endedAt?: number; durationMs?: number };

type Phase =
  | { name: 'idle' }
  /** Ringing hunt[index] on `leg`; `cancelling` once we gave up on it and wait for its final response. */
  | { name: 'hunting'; leg: number; index: number; cancelling: boolean; popped: boolean }
  | { name: 'connected'; agent: Party; agentLeg: number; answeredAt: number }
  /** `bridging`: the specialist answered and the citizen is being re-INVITEd towards them. */
  | {
      name: 'transferring';
      agent: Party;
      agentLeg: number;
      answeredAt: number;
      target: Party;
      leg: number;
      cancelling: boolean;
      bridging: boolean;
    }
  | { name: 'callback-operator'; operator: Party; citizen: Party; leg: number; cancelling: boolean }
  | { name: 'callback-citizen'; operator: Party; operatorLeg: number; citizen: Party; leg: number; cancelling: boolean }
  | { name: 'done'; outcome: Outcome };

export class CallFlow {
  private phase: Phase = { name: 'idle' };
  private hunt: Party[] = [];
  /** The citizen's leg: 0 when they called in, the dialled leg on a call back. */
  private citizenLeg = 0;
  private lastLeg = 0;

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

  handle(e: CallEvent): CallCommand[] {
    const p = this.phase;
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
      case 'done':
        return []; // late responses, stray timers: the call is over
    }
  }

  private ring(party: Party): CallCommand {
    this.lastLeg += 1;
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
    if (!e.working) return [{ type: 'reject', status: 480 }, this.finish('rejected_off_hours', { endedAt: e.at })];
    this.hunt = e.hunt;
    return this.tryOperator(0, e.at);
  }

  /** Rings hunt[index], or gives up when the list is exhausted. */
  private tryOperator(index: number, at: number): CallCommand[] {
    const next = this.hunt[index];
    if (!next) return [{ type: 'reject', status: this.cfg.nobodyStatus }, this.finish('missed', { endedAt: at })];
    const ring = this.ring(next);
    this.phase = { name: 'hunting', leg: this.lastLeg, index, cancelling: false, popped: false };
    return [ring];
  }

  private hunting(p: Extract<Phase, { name: 'hunting' }>, e: CallEvent): CallCommand[] {
    if (e.type === 'caller-cancel') return [this.finish('abandoned', { endedAt: e.at })]; // the B2BUA passes the CANCEL on
    if (!('leg' in e) || e.leg !== p.leg) return [];
    const op = this.hunt[p.index];
    switch (e.type) {
      case 'ringing':
        if (p.popped || p.cancelling) return [];
        p.popped = true;
        return [
          { type: 'screen-pop', userId: op.userId! },
          { type: 'record', outcome: 'ringing', userId: op.userId! },
        ];
      case 'ring-timeout':
        return this.ringOut(p);
      case 'failed':
        return this.tryOperator(p.index + 1, e.at);
      case 'answered': // also when the answer crossed our CANCEL: a person picked up
        this.phase = { name: 'connected', agent: op, agentLeg: p.leg, answeredAt: e.at };
        return [
          { type: 'bridge', from: 0, to: p.leg },
          { type: 'record', outcome: 'answered', userId: op.userId!, answeredAt: e.at },
        ];
      default:
        return [];
    }
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
      const ring = this.ring(e.target);
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
    const ring = this.ring(e.operator);
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
        const ring = this.ring(p.citizen);
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
        return [{ type: 'hangup', leg: p.operatorLeg }, this.finish('missed', { endedAt: e.at })];
      case 'answered':
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
