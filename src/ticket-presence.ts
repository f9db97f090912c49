// Who has a ticket open and who is typing in its composer, so that two operators do not answer the same citizen
// unknowingly. Kept in memory per connection (a tab): it is about the next few seconds and needs no history, and
// nothing is written to the database. A viewer is announced only to the rooms of people who may see the ticket,
// and only someone who may see a ticket can announce themselves on it.
import { z } from 'zod';
import type { EventBus, VicEvent } from './events.ts';
import type { Logger } from './log.ts';
import type { ConsoleServer } from './realtime.ts';
import type { Store, TicketRow, UserRow } from './store/index.ts';
import { canSee } from './tickets.ts';

/** The console stops "typing" 5 s after the last keystroke; this only covers a console that vanished mid-word. */
export const TYPING_TTL_MS = 8000;

const viewSchema = z.object({ ticketId: z.number().int().positive().nullable() });
const typingSchema = z.object({ ticketId: z.number().int().positive(), typing: z.boolean() });

/** One person on a ticket, as consoles get it (several tabs of one person are one viewer). */
export interface TicketViewer {
  userId: number;
  name: string;
  typing: boolean;
}

interface Entry {
  ticketId: number;
  userId: number;
  name: string;
  typingTimer: NodeJS.Timeout | null;
}

type Guard = (name: string, roles: UserRow['role'][], handler: (payload: unknown) => unknown) => void;

export class TicketPresence {
  /** By socket id: the one ticket that tab shows. */
  private readonly bySocket = new Map<string, Entry>();

  constructor(
    private readonly d: {
      io: ConsoleServer;
      store: Store;
      events: EventBus;
      log: Logger;
      /** The rooms of those who may see a ticket (realtime.ts). */
      roomsOf: (t: TicketRow) => string[];
    },
  ) {
    this.unsubscribe = d.events.on((e) => this.onEvent(e));
  }

  private readonly unsubscribe: () => void;

  /** The server closed: no more events, no typing timers left running. */
  stop() {
    this.unsubscribe();
    for (const e of this.bySocket.values()) if (e.typingTimer) clearTimeout(e.typingTimer);
    this.bySocket.clear();
  }

  /** The socket's events: what it views, whether it types, and the presence on every ticket it may see. */
  attach(socket: { id: string }, guard: Guard, userOf: () => UserRow) {
    const everyone: UserRow['role'][] = ['operator', 'specialist', 'admin'];
    guard('presence.view', everyone, (payload) => {
      const { ticketId } = viewSchema.parse(payload);
      const before = this.bySocket.get(socket.id);
      if (before?.ticketId === ticketId) return { ticketId };
      this.drop(socket.id);
      if (ticketId !== null) {
        const user = userOf();
        this.visibleTicket(user, ticketId);
        this.bySocket.set(socket.id, { ticketId, userId: user.id, name: user.name, typingTimer: null });
        this.announce(ticketId);
      }
      return { ticketId };
    });
    guard('presence.typing', everyone, (payload) => {
      const { ticketId, typing } = typingSchema.parse(payload);
      const entry = this.bySocket.get(socket.id);
      // Typing is announced only on the ticket this tab has said it shows (and was allowed to).
      if (!entry || entry.ticketId !== ticketId) throw new Error('open the ticket first');
      const was = entry.typingTimer !== null;
      if (entry.typingTimer) clearTimeout(entry.typingTimer);
      entry.typingTimer = typing ? setTimeout(() => this.stopTyping(socket.id, entry), TYPING_TTL_MS) : null;
      entry.typingTimer?.unref();
      if (was !== typing) this.announce(ticketId);
      return { typing };
    });
    // Sent on every (re)connect: who is on the tickets this user may see, for the list's markers.
    guard('presence.list', everyone, () => this.snapshot(userOf()));
  }

  /** The tab closed or lost its connection: it no longer views anything. */
  detach(socketId: string) {
    this.drop(socketId);
  }

  private visibleTicket(user: UserRow, ticketId: number): TicketRow {
    const t = this.d.store.getTicket(ticketId);
    if (!t || !canSee(user, t)) throw new Error('no such ticket for this user');
    return t;
  }

  private stopTyping(socketId: string, entry: Entry) {
    if (this.bySocket.get(socketId) !== entry || !entry.typingTimer) return;
    entry.typingTimer = null;
    this.announce(entry.ticketId);
  }

  private drop(socketId: string) {
    const entry = this.bySocket.get(socketId);
    if (!entry) return;
    if (entry.typingTimer) clearTimeout(entry.typingTimer);
    this.bySocket.delete(socketId);
    this.announce(entry.ticketId);
  }

  viewersOf(ticketId: number): TicketViewer[] {
    const byUser = new Map<number, TicketViewer>();
    for (const e of this.bySocket.values()) {
      if (e.ticketId !== ticketId) continue;
      const v = byUser.get(e.userId) ?? { userId: e.userId, name: e.name, typing: false };
      v.typing ||= e.typingTimer !== null;
      byUser.set(e.userId, v);
    }
    return [...byUser.values()];
  }

  private snapshot(user: UserRow): { ticketId: number; viewers: TicketViewer[] }[] {
    const ids = new Set([...this.bySocket.values()].map((e) => e.ticketId));
    return [...ids].flatMap((id) => {
      const t = this.d.store.getTicket(id);
      return t && canSee(user, t) ? [{ ticketId: id, viewers: this.viewersOf(id) }] : [];
    });
  }

  private announce(ticketId: number) {
    const t = this.d.store.getTicket(ticketId);
    if (!t) return;
    this.d.io.to(this.d.roomsOf(t)).emit('presence.ticket', { ticketId, viewers: this.viewersOf(ticketId) });
  }

  private onEvent(e: VicEvent) {
    if (e.type !== 'ticket.updated') return;
    try {
      const { ticket, before } = e;
      // Moved to another court, passed to another specialist: who may no longer see it stops viewing it.
      let left = false;
      for (const [socketId, entry] of this.bySocket) {
        if (entry.ticketId !== ticket.id) continue;
        const user = this.d.io.sockets.sockets.get(socketId)?.data.user;
        if (!user || !canSee(user, ticket)) {
          if (entry.typingTimer) clearTimeout(entry.typingTimer);
          this.bySocket.delete(socketId);
          left = true;
        }
      }
      if (left) this.announce(ticket.id);
      // Someone else took the ticket (a take-over, an admin's reassignment): its holder is told at once.
      if (before.assigneeId !== null && ticket.assigneeId !== null && ticket.assigneeId !== before.assigneeId)
        this.d.io.to(`user:${before.assigneeId}`).emit('presence.takenOver', {
          ticketId: ticket.id,
          ref: ticket.ref,
          byName: ticket.assigneeName,
        });
    } catch (err) {
      this.d.log.error({ err }, 'ticket presence update failed');
    }
  }
}
