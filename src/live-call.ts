// A VIC user's live phone leg, as the SIP bridge reports it and the console's call panel shows it. This file
// imports nothing, so the console can import the type (operator-ui, `import type`).

export interface LiveCall {
  callId: string;
  ticketId: number;
  userId: number;
  /** As whom their phone was rung: hunted for an incoming call, transferred to, or calling a citizen back. */
  role: 'operator' | 'specialist' | 'callback';
  state: 'ringing' | 'talking' | 'held';
  /** Epoch ms of the last change of state. */
  since: number;
  /** The citizen's number. */
  number: string;
}
