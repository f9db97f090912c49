// Keeps the court queues moving: at the start of a working period the waiting tickets enter the queue
// oldest first and are assigned; unassigned tickets go to operators as they free up; an operator offline
// longer than the grace period hands their unanswered tickets back to the queue.
import { pickOperator } from '../routing/assign.ts';
import { isWorkingTime, type CourtCalendar } from '../routing/calendar/index.ts';
import type { Clock } from './clock.ts';
import type { EventBus } from './events.ts';
import type { Logger } from './log.ts';
import type { Store, TicketRow } from './store/index.ts';

export class Dispatcher {
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly d: {
      store: Store;
      clock: Clock;
      events: EventBus;
      log: Logger;
      calendarFor: (courtId: number) => CourtCalendar;
      offlineGraceMs: number;
      /** Other deadlines checked on the same beat (escalation pick-up and answer times). */
      timers?: () => void;
      /** Tickets whose first-response deadline was just flagged as breached (metrics). */
      slaBreached?: (ticketIds: number[]) => void;
    },
  ) {}

  /** One pass over every court; returns the ids of tickets whose state changed. */
  tick(): number[] {
    const { store, clock, events, calendarFor, offlineGraceMs } = this.d;
    const now = clock.now();
    // Each changed ticket as it was before this pass: its event says where it was, for consoles' lists and counters.
    const before = new Map<number, TicketRow>();
    const changing = (t: TicketRow) => {
      if (!before.has(t.id)) before.set(t.id, t);
    };
    store.tx(() => {
      for (const r of store.offlineOperatorsWithUnanswered(now - offlineGraceMs)) {
        changing(store.getTicket(r.ticketId)!);
        store.updateTicket(r.ticketId, { assigneeId: null }, now);
        store.audit({
          at: now,
          userId: null,
          action: 'ticket.returned',
          entity: 'ticket',
          entityId: r.ticketId,
          details: { from: r.userId, why: 'operator offline' },
        });
      }
      for (const court of store.listCourts()) {
        if (!isWorkingTime(calendarFor(court.id), new Date(now))) continue;
        for (const t of store.waitingTickets(court.id)) {
          changing(t);
          store.updateTicket(t.id, { status: 'open' }, now);
        }
        for (const t of store.unassignedOpenTickets(court.id)) {
          const to = pickOperator(store.operatorLoads(court.id));
          if (to === null) break;
          changing(t);
          store.updateTicket(t.id, { assigneeId: to }, now);
          store.markAssigned(to, now);
          store.audit({
            at: now,
            userId: null,
            action: 'ticket.assigned',
            entity: 'ticket',
            entityId: t.id,
            details: { to, by: 'routing' },
          });
        }
      }
    });
    // A breached first-response deadline is flagged once, and announced like any change of the ticket.
    const breached = store.tx(() => store.markSlaBreaches(now));
    this.d.slaBreached?.(breached);
    for (const id of before.keys()) events.emit({ type: 'ticket.updated', ticket: store.getTicket(id)!, before: before.get(id)! });
    // Flagging a breach changes no field that places a ticket in a queue or a room: before it was the same.
    for (const id of breached.filter((b) => !before.has(b))) {
      const ticket = store.getTicket(id)!;
      events.emit({ type: 'ticket.updated', ticket, before: ticket });
    }
    this.d.timers?.();
    return [...new Set([...before.keys(), ...breached])];
  }

  start(intervalMs = 15_000) {
    const run = () => {
      try {
        this.tick();
      } catch (err) {
        this.d.log.error({ err }, 'dispatcher tick failed');
      }
    };
    this.unsubscribe = this.d.events.on((e) => {
      if (e.type === 'presence.changed') run();
    });
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    this.timer = null;
  }
}
