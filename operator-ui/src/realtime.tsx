// The socket.io connection (same origin, authenticated by the session cookie at the handshake).
// Components subscribe to server events with useServerEvent. Lists and counters follow the events instead of
// asking again. Events sent while the socket was not connected are not replayed, so every (re)connect bumps
// `epoch`, and views that load data list it among their effect's inputs: what changed before the first connect
// or during an outage is loaded again.
import { createContext, useContext, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import {
  api,
  type CallEntry,
  type ChannelHealth,
  type ContactDetail,
  type EscalationRow,
  type MessageRow,
  type OtherTicket,
  type Presence,
  type TicketRow,
} from './api.ts';
import type { CourtCounters, Queue, QueueFields } from './queues.ts';
import type { CallEvents } from './calls/types.ts';
import type { TopicRow } from '../../src/store/index.ts';

/** The phone's events (`call.state`, `call.rona`, `callback.updated`) are listed in calls/types.ts. */
export interface ServerEvents extends CallEvents {
  'ticket.created': { ticket: TicketRow };
  /** `before`: where the ticket was, so a list can tell whether it held (and counted) it. */
  'ticket.updated': { ticket: TicketRow; before: QueueFields };
  /** The ticket moved out of this user's sight (another court, another specialist): only its id. */
  'ticket.left': { ticketId: number };
  'message.created': { ticketId: number; ticket?: TicketRow; message: MessageRow };
  'message.updated': { ticketId: number; ticket?: TicketRow; message: MessageRow };
  /** Only to the specialist the ticket was escalated (or passed) to. */
  'escalation.created': { ticket: TicketRow; escalation: EscalationRow };
  /** To the operator who escalated: the specialist opened the ticket. */
  'escalation.picked_up': { ticketId: number; escalation: EscalationRow };
  /** To the operator who escalated: the pick-up or answer time passed. */
  'escalation.alert': { kind: 'pickup' | 'answer'; ticket: TicketRow; escalation: EscalationRow };
  /** The same breach, to the specialist holding the ticket. */
  'escalation.reminder': { kind: 'pickup' | 'answer'; ticket: TicketRow; escalation: EscalationRow };
  /** Screen-pop: only to the operator whose phone rings. */
  'call.ringing': { call: CallEntry; ticket: TicketRow; contact: ContactDetail; otherTickets: OtherTicket[] };
  'call.updated': { ticketId: number; call: CallEntry };
  /** The ticket's rating survey was sent, or the citizen rated or commented: read it again. */
  'csat.changed': { ticketId: number };
  /** The ticket's topics were set (by anyone): the new set. */
  'topics.changed': { ticketId: number; topics: TopicRow[] };
  'channel.health': { channel: string; health: ChannelHealth };
  'presence.changed': { userId: number; presence: Presence };
  /** One court's queue counters, at most once a second per court, to those who see the court. */
  counts: { courtId: number; counts: CourtCounters };
  /** This operator's own "mine" count, when a ticket they hold (held) changed. */
  'counts.mine': { count: number };
  /** A specialist's counters, when a ticket escalated to them changed. */
  'counts.user': { counts: Record<Queue, number> };
  /** An admin changed this user (role, court, name…): load them again. */
  'session.changed': Record<string, never>;
}

export type LinkState = 'connecting' | 'connected' | 'offline';

interface Live {
  socket: Socket | null;
  state: LinkState;
  epoch: number;
}

const Ctx = createContext<Live>({ socket: null, state: 'connecting', epoch: 0 });

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const [live, setLive] = useState<Live>({ socket: null, state: 'connecting', epoch: 0 });
  useEffect(() => {
    const socket = io({ withCredentials: true });
    socket.on('connect', () => setLive((l) => ({ socket, state: 'connected', epoch: l.epoch + 1 })));
    const offline = () => setLive((l) => ({ ...l, state: 'offline' }));
    socket.on('disconnect', (reason) => {
      offline();
      // The server cut this connection off, which it does when the session ended (deactivated, password reset):
      // asking who we are then signs the console out, or, if the session still stands, connects again.
      if (reason === 'io server disconnect')
        api.get('/api/me').then(
          () => socket.connect(),
          () => {},
        );
    });
    socket.on('connect_error', offline);
    setLive({ socket, state: 'connecting', epoch: 0 });
    return () => void socket.close();
  }, []);
  return <Ctx.Provider value={live}>{children}</Ctx.Provider>;
}

export const useLive = () => useContext(Ctx);

/** Calls handler for every `name` event; the latest handler is used without re-subscribing. */
export function useServerEvent<K extends keyof ServerEvents>(name: K, handler: (payload: ServerEvents[K]) => void) {
  const { socket } = useContext(Ctx);
  const ref = useRef(handler);
  useLayoutEffect(() => {
    ref.current = handler;
  });
  useEffect(() => {
    if (!socket) return;
    const fn = (p: ServerEvents[K]) => ref.current(p);
    // A plain string: socket.io's typed overloads cannot follow a generic event name.
    const event: string = name;
    socket.on(event, fn);
    return () => void socket.off(event, fn);
  }, [socket, name]);
}
