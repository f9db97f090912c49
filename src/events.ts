// Domain events, emitted only after the transaction that caused them has committed.
import { EventEmitter } from 'node:events';
import type { CallRow, EscalationRow, MessageRow, TicketRow, TopicRow } from './store/index.ts';
import type { ChannelHealth } from './channels.ts';
import type { LiveCall } from './live-call.ts';

export type VicEvent =
  | { type: 'ticket.created'; ticket: TicketRow }
  /**
   * `before`: the ticket before the change, so that those who could see it then and cannot now are told it left,
   * and consoles can tell whether it was in a list (and its counters) before.
   */
  | { type: 'ticket.updated'; ticket: TicketRow; before: TicketRow }
  | { type: 'message.created' | 'message.updated'; ticket: TicketRow; message: MessageRow }
  | { type: 'channel.health'; channel: string; health: ChannelHealth }
  | { type: 'presence.changed'; userId: number }
  /** An admin changed the user (role, court, active…): their live connections follow. */
  | { type: 'user.changed'; userId: number }
  /** One of the user's sessions ended (logout): connections made with it are cut off. */
  | { type: 'session.ended'; userId: number }
  | { type: 'call.updated'; ticket: TicketRow; call: CallRow }
  /** A callback task changed (src/callbacks.ts): the court's consoles refresh their queue and counters. */
  | { type: 'callback.updated'; callId: string; ticketId: number; courtId: number }
  /** Screen-pop: only for the operator whose phone is ringing. */
  | { type: 'call.ringing'; userId: number; call: CallRow; ticket: TicketRow; contact: unknown; otherTickets: unknown[] }
  /** The user's phone leg changed (ringing, talking, held) or ended (`call` null): their call panel follows. */
  | { type: 'call.state'; userId: number; callId: string; call: LiveCall | null }
  /** The user's phone rang out too often in a row and they were set away: their console says so. */
  | { type: 'call.rona'; userId: number; at: number }
  | { type: 'escalation.created'; ticket: TicketRow; escalation: EscalationRow }
  /** The specialist opened the ticket: the operator who escalated sees the pick-up live. */
  | { type: 'escalation.picked_up'; ticket: TicketRow; escalation: EscalationRow }
  /** A pick-up or answer time passed: the operator who escalated is alerted, the specialist reminded. */
  | { type: 'escalation.breached'; kind: 'pickup' | 'answer'; ticket: TicketRow; escalation: EscalationRow }
  /** The ticket's rating survey was sent, or the citizen rated or commented (src/csat/): open views show it. */
  | { type: 'csat.changed'; ticket: TicketRow }
  /** The ticket's topics were set (src/api/routes-topics.ts): open views show the new set. */
  | { type: 'topics.changed'; ticket: TicketRow; topics: TopicRow[] }
  /** The user's read mark moved (src/api/routes-reads.ts): their other tabs and devices clear the mark too. */
  | { type: 'read.changed'; userId: number; ticketId: number };

export class EventBus {
  private readonly emitter = new EventEmitter();
  emit(event: VicEvent) {
    this.emitter.emit('event', event);
  }
  on(listener: (event: VicEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
