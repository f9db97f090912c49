// This user's live calls, kept for the call panel and the call-back buttons: loaded from GET /api/calls/live
// (so a reload during a call restores the panel) and then driven by the server's events: `call.state` for each
// change of this user's legs, `call.ringing` (the screen-pop) for the caller's contact and ticket, `call.rona`
// when unanswered rings set this user away. One feed (CallsFeed, mounted once in the console) writes a small
// store that any component reads with useCalls, wherever it sits in the console.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { api, type TicketDetail } from '../api.ts';
import { useLive, useServerEvent } from '../realtime.tsx';
import { useSession } from '../session.tsx';
import type { LiveCall } from './types.ts';

/** What the panel shows of a call's ticket besides the number. */
export interface TicketInfo {
  ref: string;
  contactName: string | null;
  /** The caller's other tickets, from the screen-pop. */
  others: number;
}

export interface Calls {
  calls: LiveCall[];
  info: Record<number, TicketInfo>;
  /** Calls of this user that ended while the console was open (newest last), for the call-back buttons. */
  ended: string[];
  /** Call-backs' results by call id, as their calls were updated (call.updated). */
  results: Record<string, string>;
  rona: { at: number; missed?: number } | null;
}

const EMPTY: Calls = { calls: [], info: {}, ended: [], results: {}, rona: null };
let state = EMPTY;
const listeners = new Set<() => void>();
function update(fn: (s: Calls) => Calls) {
  state = fn(state);
  for (const l of listeners) l();
}
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => void listeners.delete(l);
};

export const useCalls = (): Calls => useSyncExternalStore(subscribe, () => state);
export const dismissRona = () => update((s) => ({ ...s, rona: null }));

/** Outcomes after which nobody is on the call any more (call.updated): a fallback for a missed `call.state`. */
const OVER = new Set(['ended', 'missed', 'abandoned', 'rejected_off_hours']);

const end = (callId: string) =>
  update((s) => ({
    ...s,
    calls: s.calls.filter((c) => c.callId !== callId),
    ended: [...s.ended.filter((x) => x !== callId), callId].slice(-20),
  }));

export function CallsFeed(): null {
  const { user, presence, setPresence } = useSession();
  const { epoch } = useLive();
  // A supervisor takes no calls.
  const phoned = user.role !== 'supervisor';

  // Another user signed in on this page starts from nothing.
  useEffect(() => {
    update(() => EMPTY);
    return () => update(() => EMPTY);
  }, [user.id]);
  useEffect(() => {
    if (!phoned) return;
    let current = true;
    api.get<{ items: LiveCall[] }>('/api/calls/live').then(
      (r) => current && update((s) => ({ ...s, calls: r.items.filter((c) => c.userId === user.id) })),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [epoch, user.id, phoned]);

  useServerEvent('call.state', ({ call, callId, userId }) => {
    if (userId !== user.id) return;
    if (!call) return end(callId);
    update((s) => ({
      ...s,
      calls: s.calls.some((c) => c.callId === callId) ? s.calls.map((c) => (c.callId === callId ? call : c)) : [...s.calls, call],
    }));
  });
  useServerEvent('call.ringing', ({ call, ticket, contact, otherTickets }) => {
    const info = { ref: ticket.ref, contactName: contact?.name ?? ticket.contactName, others: otherTickets?.length ?? 0 };
    // The pop may come before the leg's own state: the panel shows the ringing phone at once.
    const leg: LiveCall = {
      callId: call.callId,
      ticketId: ticket.id,
      userId: user.id,
      role: user.role === 'specialist' ? 'specialist' : 'operator',
      state: 'ringing',
      since: Date.now(),
      number: call.from,
    };
    update((s) => ({
      ...s,
      info: { ...s.info, [ticket.id]: info },
      calls: s.calls.some((c) => c.callId === call.callId) || s.ended.includes(call.callId) ? s.calls : [...s.calls, leg],
    }));
  });
  useServerEvent('call.updated', ({ call }) => {
    if (OVER.has(call.outcome)) end(call.callId);
    const result = call.callbackResult;
    if (result) update((s) => ({ ...s, results: { ...s.results, [call.callId]: result } }));
  });
  useServerEvent('call.rona', (p) => {
    update((s) => ({ ...s, rona: p }));
    // The server set this user away; the status switch in the top bar follows.
    setPresence({ status: 'away', connections: presence?.connections ?? 1 });
  });

  // The contact and ticket of a call known only by its leg (restored after a reload): read once per ticket.
  const { calls, info } = useCalls();
  const asked = useRef(new Set<number>());
  useEffect(() => {
    for (const c of calls) {
      if (info[c.ticketId] || asked.current.has(c.ticketId)) continue;
      asked.current.add(c.ticketId);
      api.get<TicketDetail>(`/api/tickets/${c.ticketId}`).then(
        (tk) =>
          update((s) => ({
            ...s,
            info: { ...s.info, [tk.id]: { ref: tk.ref, contactName: tk.contactName, others: tk.otherTickets.length } },
          })),
        () => {},
      );
    }
  }, [calls, info]);
  return null;
}
