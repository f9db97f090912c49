// Keeps the court queues moving: at the start of a working period the waiting tickets enter the queue
// oldest first and are assigned; unassigned tickets go to operators as they free up; an operator offline
// longer than the grace period hands their unanswered tickets back to the queue.
import { pickOperator } from '../routing/assign.ts';
import { isWorkingTime, type CourtCalendar } from '../routing/calendar/index.ts';
import type { Clock } from './clock.ts';
import type { EventBus } from './events.ts';
import type { Logger } from './log.ts';
import type { Store } from './store/index.ts';

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
    const changed: number[] = [];
    store.tx(() => {
      for (const r of store.offlineOperatorsWithUnanswered(now - offlineGraceMs)) {
        store.updateTicket(r.ticketId, { assigneeId: null }, now);
        store.audit({
          at: now,
          userId: null,
          action: 'ticket.returned',
          entity: 'ticket',
          entityId: r.ticketId,
          details: { from: r.userId, why: 'operator offline' },
        });
        changed.push(r.ticketId);
      }
      for (const court of store.listCourts()) {
        if (!isWorkingTime(calendarFor(court.id), new Date(now))) continue;
        for (const t of store.waitingTickets(court.id)) {
          store.updateTicket(t.id, { status: 'open' }, now);
          changed.push(t.id);
        }
        for (const t of store.unassignedOpenTickets(court.id)) {
          const to = pickOperator(store.operatorLoads(court.id));
          if (to === null) break;
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
          changed.push(t.id);
        }
      }
    });
    // A breached first-response deadline is flagged once, and announced like any change of the ticket.
    const breached = store.tx(() => store.markSlaBreaches(now));
    this.d.slaBreached?.(breached);
    changed.push(...breached);
    for (const id of new Set(changed)) events.emit({ type: 'ticket.updated', ticket: store.getTicket(id)! });
    this.d.timers?.();
    return changed;
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
