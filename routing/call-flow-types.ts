// The call flow's vocabulary (routing/call-flow.ts): who is rung, the events the SIP adapter sends and the commands it
// carries out. Apart from the machine so that each file stays readable.

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

/** How a call back ended, for its task on the ticket. */
export type CallBackResult = 'answered' | 'no_answer' | 'busy' | 'operator_no_answer' | 'failed';

/** What a VIC user's phone leg is doing (the adapter adds `held`, which it sees in the SDP). */
export interface UserLeg {
  leg: number;
  userId: number;
  role: 'operator' | 'specialist' | 'callback';
  state: 'ringing' | 'talking';
}

export type CallEvent =
  /** `queue`: VIC answered the caller with media; nobody free means waiting, not busy. */
  | { type: 'incoming'; at: number; working: boolean; hunt: Party[]; queue?: boolean }
  /** Queued: someone may be free now (another call ended, or the adapter's periodic look). */
  | { type: 'requeue'; at: number; hunt: Party[] }
  /** Queued or off hours: the caller asked to be called back (DTMF 1) or waited the longest. */
  | { type: 'callback-requested'; at: number }
  | { type: 'callback'; at: number; operator: Party; citizen: Party }
  /** A provisional response (180/183) on a leg: that phone is ringing. */
  | { type: 'ringing'; leg: number; at: number }
  | { type: 'answered'; leg: number; at: number }
  | { type: 'failed'; leg: number; status: number; at: number }
  | { type: 'ring-timeout'; leg: number; at: number }
  | { type: 'caller-cancel'; at: number }
  | { type: 'bye'; leg: number; at: number }
  | { type: 'transfer'; target: Party; at: number }
  /** Hang up from the console: the call ends for everyone on it. */
  | { type: 'end'; at: number }
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
  /**
   * `rung`: on a missed or abandoned call, the operators whose phones were rung, in order (the record then
   * names no operator: nobody took it).
   */
  | {
      type: 'record';
      outcome: Outcome;
      userId?: number;
      answeredAt?: number;
      endedAt?: number;
      durationMs?: number;
      rung?: number[];
      /** false: a missed call that needs no call-back (off hours, the caller did not ask for one). */
      callback?: false;
    }
  /** Queued: a hunted phone refused at once (busy, declined): the queue backs off ringing it (routing/ring-backoff.ts). */
  | { type: 'ring-refused'; userId: number; status: number }
  /** A hunted operator's phone rang out (or was picked up): counts towards, or resets, their ring-no-answer run. */
  | { type: 'ring-result'; userId: number; answered: boolean }
  /** A call back is over: how it went, for its task. */
  | { type: 'callback-result'; result: CallBackResult };

/** Where a call is (CallFlow.state). */
export type CallPhase =
  | { name: 'idle' }
  /** Ringing hunt[index] on `leg`; `cancelling` once we gave up on it and wait for its final response. */
  | { name: 'hunting'; leg: number; index: number; cancelling: boolean; popped: boolean }
  | { name: 'connected'; agent: Party; agentLeg: number; answeredAt: number }
  /** Answered by VIC (media), waiting for an operator to be free; no phone rings. */
  | { name: 'queued' }
  /** Answered by VIC (media), alone with the announcements until the adapter ends the call. */
  | { name: 'announcing'; recorded: boolean }
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

/** A citizen's phone that did not answer a call back: busy, rang out (our CANCEL is 487), or the call failed. */
export function citizenFailure(status: number): CallBackResult {
  if (status === 486 || status === 600) return 'busy';
  if (status === 487 || status === 408 || status === 480 || status === 603) return 'no_answer';
  return 'failed';
}
