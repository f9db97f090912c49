// Queue counters pushed to the consoles, so that no console asks for them again after a ticket changes.
// A ticket change marks its court(s) and the people holding it (before and after) dirty; a timer flushes at most
// once per interval: one counter read per dirty court, sent to every room that sees that court, and one per
// affected person who is connected. Nothing here reads once per connection.
import type { Logger } from './log.ts';
import type { ConsoleServer } from './realtime.ts';
import type { Queue, Store, TicketRow, UserRow } from './store/index.ts';

/** The counts event's payload: one court's queue counters. */
export interface CourtCounts {
  courtId: number;
  counts: Record<Exclude<Queue, 'mine'>, number>;
}

type Holder = Pick<TicketRow, 'courtId' | 'assigneeId' | 'specialistId'>;

/** At most one counts event per court in this time: a burst of ingest costs one read per court, not one per ticket. */
const FLUSH_MS = 1000;

export class LiveCounts {
  private readonly courts = new Set<number>();
  private readonly users = new Set<number>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly io: ConsoleServer,
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** A ticket changed (`before`: as it was; absent for a new ticket). */
  changed(ticket: Holder, before?: Holder) {
    for (const t of before ? [ticket, before] : [ticket]) {
      this.courts.add(t.courtId);
      if (t.assigneeId !== null) this.users.add(t.assigneeId);
      if (t.specialistId !== null) this.users.add(t.specialistId);
    }
    // The first change of a quiet period starts the interval; later ones within it ride along.
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private flush() {
    this.timer = null;
    const courts = [...this.courts];
    const users = [...this.users];
    this.courts.clear();
    this.users.clear();
    // Nobody connected: the counters are read when a console loads them.
    if (this.io.engine.clientsCount === 0) return;
    try {
      for (const courtId of courts) {
        const payload: CourtCounts = { courtId, counts: this.store.courtQueueCounts(courtId) };
        this.io.to([`court:${courtId}`, 'courts:all', 'admins']).emit('counts', payload);
      }
      for (const userId of users) {
        const user = this.connected(userId);
        if (user?.role === 'operator')
          this.io.to(`user:${userId}`).emit('counts.mine', { count: this.store.mineCount(userId, user.courtId) });
        else if (user?.role === 'specialist') this.io.to(`user:${userId}`).emit('counts.user', { counts: this.store.queueCounts(user) });
      }
    } catch (err) {
      this.log.error({ err }, 'counts broadcast failed');
    }
  }

  /** The user as their connections know them (kept current on user.changed), or undefined when not connected. */
  private connected(userId: number): UserRow | undefined {
    const room = this.io.sockets.adapter.rooms.get(`user:${userId}`);
    for (const id of room ?? []) {
      const user = this.io.sockets.sockets.get(id)?.data.user;
      if (user) return user;
    }
    return undefined;
  }
}
