// Realtime: socket.io on the API's server, authenticated by the session cookie at the handshake, opened only from
// the console's own origin (as the API's changes, src/api/origin.ts), and cut off when its session ends.
// Rooms: court:<id> (its operators), user:<id> (one person), admins. A ticket event goes only to the rooms
// of people who may see that ticket. Ticket events carry the whole list row, and queue counters follow as a
// `counts` event (live-counts.ts), so a console updates its list and counters without asking the server again.
import type { Server as HttpServer } from 'node:http';
import { Server, type DefaultEventsMap, type Socket } from 'socket.io';
import { z } from 'zod';
import { fromOwnOrigin } from './api/origin.ts';
import { sessionUserFromCookie } from './auth.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { EventBus, VicEvent } from './events.ts';
import { LiveCounts } from './live-counts.ts';
import { attachNotifications } from './notifications.ts';
import type { Logger } from './log.ts';
import type { Store, TicketRow, UserRow } from './store/index.ts';
import { TicketPresence } from './ticket-presence.ts';

const presenceSchema = z.object({ status: z.enum(['available', 'away']) });
/** How often connections are checked against their sessions, so none outlives its session's expiry by more. */
const SESSION_CHECK_MS = 1000;

/** What a connection carries: its user, set at the handshake and again when their session changes. */
export interface ConsoleSocketData {
  user: UserRow;
}
export type ConsoleServer = Server<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, ConsoleSocketData>;
type ConsoleSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, ConsoleSocketData>;

export function roomsOf(user: Pick<UserRow, 'id' | 'role' | 'courtId'>): string[] {
  const rooms = [`user:${user.id}`];
  if (user.role === 'admin') rooms.push('admins');
  // An operator without a court serves every court.
  if (user.role === 'operator') rooms.push(user.courtId === null ? 'courts:all' : `court:${user.courtId}`);
  return rooms;
}

/** What a console needs of the ticket before a change to tell whether it was in the list shown (and counted). */
const queueFields = (t: TicketRow) => ({ courtId: t.courtId, status: t.status, assigneeId: t.assigneeId, specialistId: t.specialistId });

function ticketRooms(t: TicketRow): string[] {
  const rooms = ['admins', 'courts:all', `court:${t.courtId}`];
  if (t.assigneeId) rooms.push(`user:${t.assigneeId}`);
  if (t.specialistId) rooms.push(`user:${t.specialistId}`);
  return rooms;
}

export function attachRealtime(
  http: HttpServer,
  deps: { config: Config; store: Store; clock: Clock; events: EventBus; log: Logger },
): ConsoleServer {
  const { config, store, clock, events, log } = deps;
  const io: ConsoleServer = new Server(http, {
    serveClient: false,
    cors: { origin: false },
    // WebSockets ignore CORS: without this, a page on another origin (another port of this host is the same site,
    // so the browser sends the cookie) could open a connection and read what the signed-in user receives.
    allowRequest: (req, answer) =>
      fromOwnOrigin(req.headers, config.PUBLIC_ORIGIN) ? answer(null, true) : answer('VIC_CROSS_ORIGIN', false),
  });

  /** Cuts off the connections whose session is gone: logged out, expired, password reset, user deactivated. */
  const endDeadSessions = (sockets: ConsoleSocket[]) => {
    const now = clock.now();
    for (const socket of sockets) if (!sessionUserFromCookie(store, socket.handshake.headers.cookie, now)) socket.disconnect(true);
  };
  const socketsOf = (userId: number) =>
    [...(io.sockets.adapter.rooms.get(`user:${userId}`) ?? [])].map((id) => io.sockets.sockets.get(id)).filter((s) => s !== undefined);
  // Expiry raises no event: a short timer checks every connection (one indexed read each).
  const expiry = setInterval(() => {
    try {
      if (io.engine.clientsCount > 0) endDeadSessions([...io.sockets.sockets.values()]);
    } catch (err) {
      log.error({ err }, 'session check failed');
    }
  }, SESSION_CHECK_MS);
  expiry.unref();
  const counts = new LiveCounts(io, store, log);
  const stopNotifications = attachNotifications(io, { store, clock, events, log });
  const ticketPresence = new TicketPresence({ io, store, events, log, roomsOf: ticketRooms });
  http.once('close', () => {
    clearInterval(expiry);
    counts.stop();
    stopNotifications();
    ticketPresence.stop();
  });

  io.use((socket, next) => {
    const s = sessionUserFromCookie(store, socket.handshake.headers.cookie, clock.now());
    if (!s) return next(new Error('unauthorized'));
    socket.data.user = s.user;
    next();
  });

  io.on('connection', (socket: ConsoleSocket) => {
    const user = socket.data.user;
    void socket.join(roomsOf(user));
    store.changeConnections(user.id, 1, clock.now());
    events.emit({ type: 'presence.changed', userId: user.id });

    // Every event from a client is checked: a live session, a role that may do it, valid input.
    const guard = (name: string, roles: UserRow['role'][], handler: (payload: unknown) => unknown) =>
      socket.on(name, (payload: unknown, ack?: unknown) => {
        const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => {};
        const live = sessionUserFromCookie(store, socket.handshake.headers.cookie, clock.now());
        if (!live) {
          reply({ error: { code: 'VIC_UNAUTHENTICATED', message: 'Session expired' } });
          socket.disconnect(true);
          return;
        }
        if (!roles.includes(live.user.role)) return reply({ error: { code: 'VIC_FORBIDDEN', message: 'Your role does not allow this' } });
        try {
          reply({ ok: true, result: handler(payload) });
        } catch (e) {
          reply({ error: { code: 'VIC_VALIDATION', message: e instanceof Error ? e.message : 'invalid' } });
        }
      });

    guard('presence:set', ['operator', 'specialist', 'admin'], (payload) => {
      const { status } = presenceSchema.parse(payload);
      store.setPresenceStatus(user.id, status);
      events.emit({ type: 'presence.changed', userId: user.id });
      return { status };
    });
    ticketPresence.attach(socket, guard, () => socket.data.user);

    socket.on('disconnect', () => {
      ticketPresence.detach(socket.id);
      store.changeConnections(user.id, -1, clock.now());
      events.emit({ type: 'presence.changed', userId: user.id });
    });
  });

  events.on((e: VicEvent) => {
    // Nobody connected: skip encoding the packet at all.
    if (io.engine.clientsCount === 0) return;
    try {
      switch (e.type) {
        case 'ticket.created':
          io.to(ticketRooms(e.ticket)).emit(e.type, { ticket: e.ticket });
          counts.changed(e.ticket);
          break;
        case 'ticket.updated': {
          const rooms = ticketRooms(e.ticket);
          io.to(rooms).emit(e.type, { ticket: e.ticket, before: queueFields(e.before) });
          counts.changed(e.ticket, e.before);
          // Moved to another court, passed to another specialist: who lost sight of it learns only that it left.
          const lost = ticketRooms(e.before).filter((r) => !rooms.includes(r));
          if (lost.length) io.to(lost).except(rooms).emit('ticket.left', { ticketId: e.ticket.id });
          break;
        }
        case 'message.created':
        case 'message.updated':
          io.to(ticketRooms(e.ticket)).emit(e.type, { ticketId: e.ticket.id, ticket: e.ticket, message: e.message });
          break;
        case 'call.updated':
          io.to(ticketRooms(e.ticket)).emit(e.type, { ticketId: e.ticket.id, call: e.call });
          break;
        // Who handles the court's callbacks: its operators, those of every court, admins. Ids only.
        case 'callback.updated':
          io.to(['admins', 'courts:all', `court:${e.courtId}`]).emit(e.type, {
            callId: e.callId,
            ticketId: e.ticketId,
            courtId: e.courtId,
          });
          break;
        // Only the id: the console reads the rating by its audited route, as opening the ticket does.
        case 'csat.changed':
          io.to(ticketRooms(e.ticket)).emit(e.type, { ticketId: e.ticket.id });
          break;
        // Topic names only (no citizen data), to those who see the ticket.
        case 'topics.changed':
          io.to(ticketRooms(e.ticket)).emit(e.type, { ticketId: e.ticket.id, topics: e.topics });
          break;
        case 'call.ringing':
          io.to(`user:${e.userId}`).emit(e.type, { call: e.call, ticket: e.ticket, contact: e.contact, otherTickets: e.otherTickets });
          break;
        case 'call.state':
          io.to(`user:${e.userId}`).emit(e.type, { call: e.call, callId: e.callId, userId: e.userId });
          break;
        case 'call.rona':
          io.to(`user:${e.userId}`).emit(e.type, { at: e.at });
          break;
        case 'escalation.created':
          io.to(`user:${e.escalation.toUserId}`).emit(e.type, { ticket: e.ticket, escalation: e.escalation });
          break;
        case 'escalation.picked_up':
          io.to(`user:${e.escalation.fromUserId}`).emit(e.type, { ticketId: e.ticket.id, escalation: e.escalation });
          break;
        case 'escalation.breached':
          io.to(`user:${e.escalation.fromUserId}`).emit('escalation.alert', { kind: e.kind, ticket: e.ticket, escalation: e.escalation });
          io.to(`user:${e.escalation.toUserId}`).emit('escalation.reminder', { kind: e.kind, ticket: e.ticket, escalation: e.escalation });
          break;
        case 'channel.health':
          io.to('admins').emit(e.type, { channel: e.channel, health: e.health });
          break;
        case 'presence.changed':
          io.to('admins').emit(e.type, { userId: e.userId, presence: store.getPresence(e.userId) });
          break;
        case 'session.ended':
          endDeadSessions(socketsOf(e.userId));
          break;
        case 'user.changed': {
          // Rooms were joined at the handshake: a user moved to another court or role must stop getting the old
          // rooms' tickets at once, and a connection whose session ended (deactivated, password reset) is cut off.
          // The console is told to load its user again.
          for (const socket of socketsOf(e.userId)) {
            const live = sessionUserFromCookie(store, socket.handshake.headers.cookie, clock.now());
            if (!live) {
              socket.disconnect(true);
              continue;
            }
            for (const room of roomsOf(socket.data.user)) void socket.leave(room);
            socket.data.user = live.user;
            void socket.join(roomsOf(live.user));
            socket.emit('session.changed', {});
          }
          break;
        }
      }
    } catch (err) {
      log.error({ err }, 'realtime broadcast failed');
    }
  });
  return io;
}
