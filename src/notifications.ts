// Staff events for the person they concern: a notification row (kept, so the console's bell survives a reload)
// and a live `notification.created`; and each holder's unread count of their own queue (`read.unread`) when a
// message arrives on their ticket or they read one. Only staff actions write rows (an assignment by someone else,
// a specialist's answer, a hand-back, an escalation and its breached deadlines): a citizen's new message is
// known from the read marks (src/store/reads.ts), so ingest writes nothing here. Nor does the routing's own
// assignment (at ingest, or the dispatcher's): the bell lists it from the read marks too, and its holder gets a live
// `notification.routed` to sound and show it, built from the event's ticket row at ingest (the row names the
// assignee: no query), or after one indexed read of that ticket for the dispatcher's (is it still unread for them?).
import type { Clock } from './clock.ts';
import type { EventBus, VicEvent } from './events.ts';
import type { Logger } from './log.ts';
import type { ConsoleServer } from './realtime.ts';
import type { NotificationKind, Store, UnreadTicket } from './store/index.ts';

export function attachNotifications(io: ConsoleServer, d: { store: Store; clock: Clock; events: EventBus; log: Logger }): () => void {
  const { store, clock } = d;
  const connected = (userId: number) => (io.sockets.adapter.rooms.get(`user:${userId}`)?.size ?? 0) > 0;

  const notify = (userId: number, ticketId: number, kind: NotificationKind, actorId: number | null) => {
    // One's own action is no news.
    if (userId === actorId) return;
    const id = store.addNotification({ userId, ticketId, kind, actorId, now: clock.now() });
    if (connected(userId)) io.to(`user:${userId}`).emit('notification.created', { notification: store.getNotification(id) });
  };
  // Sent before the ticket's own events (this listener is attached first): the console then knows the alert is
  // made here and does not sound the new ticket again.
  const routed = (userId: number, entry: Omit<UnreadTicket, 'messageId'> | undefined) => {
    if (entry) io.to(`user:${userId}`).emit('notification.routed', { entry });
  };
  const pushUnread = (userId: number) => {
    if (connected(userId)) io.to(`user:${userId}`).emit('read.unread', { unreadMine: store.unreadMine(userId) });
  };

  const onEvent = (e: VicEvent) => {
    switch (e.type) {
      case 'ticket.created': {
        const t = e.ticket;
        // A new ticket is unread for everyone: no need to ask.
        if (t.assigneeId !== null && connected(t.assigneeId))
          routed(t.assigneeId, { ticketId: t.id, ref: t.ref, at: t.lastInboundAt ?? t.createdAt, assigned: true });
        break;
      }
      case 'ticket.updated': {
        const { ticket: t, before: b } = e;
        const handedBack = b.specialistId !== null && t.specialistId === null && t.assigneeId !== null;
        const assigned = t.assigneeId !== null && t.assigneeId !== b.assigneeId;
        if (!handedBack && !assigned) break;
        // The event does not say who acted: the ticket's last audit row (written in the same transaction) does.
        const last = store.lastTicketAction(t.id);
        if (handedBack && last?.action === 'ticket.handed_back') notify(t.assigneeId!, t.id, 'handback', last.userId);
        else if (assigned && last?.action === 'ticket.assigned' && last.userId !== null)
          notify(t.assigneeId!, t.id, 'assigned', last.userId);
        // The routing's own (no user): no row, the read marks tell the bell.
        else if (assigned && last?.action === 'ticket.assigned' && connected(t.assigneeId!))
          routed(t.assigneeId!, store.unreadTicket(t.assigneeId!, t.id));
        break;
      }
      case 'message.created': {
        const { ticket: t, message: m } = e;
        if (m.authorId !== null && m.authorId === t.specialistId && t.assigneeId !== null) notify(t.assigneeId, t.id, 'answer', m.authorId);
        // Nobody connected (ingest benchmarks, nights): nothing to count.
        if (io.engine.clientsCount === 0) break;
        for (const u of new Set([t.assigneeId, t.specialistId])) if (u !== null && u !== m.authorId) pushUnread(u);
        break;
      }
      case 'escalation.created':
        notify(e.escalation.toUserId, e.ticket.id, 'escalated', e.escalation.fromUserId);
        break;
      case 'escalation.breached':
        notify(e.escalation.fromUserId, e.ticket.id, `alert.${e.kind}`, null);
        notify(e.escalation.toUserId, e.ticket.id, `reminder.${e.kind}`, null);
        break;
      case 'read.changed':
        if (!connected(e.userId)) break;
        io.to(`user:${e.userId}`).emit('read.changed', { ticketId: e.ticketId });
        pushUnread(e.userId);
        break;
    }
  };
  return d.events.on((e) => {
    try {
      onEvent(e);
    } catch (err) {
      d.log.error({ err }, 'notification failed');
    }
  });
}
