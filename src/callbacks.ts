// Callback tasks: a missed, abandoned or off-hours call is a task to call the citizen back, due within the
// court's working time (CALLBACK_DUE_WORKING_MINUTES after the miss). The queue lists them per court the user
// serves; a try that found nobody is recorded and moves the due time; "done" closes the task (reports count it).
import { localDateOf, type CourtCalendar } from '../routing/calendar/index.ts';
import { parseIsoDate } from '../routing/calendar/days.ts';
import { localToUtc } from '../routing/calendar/zone.ts';
import { courtDateTime, doneLine, lineLang, retryLine } from './callbacks-lines.ts';
import type { Clock } from './clock.ts';
import { VicError } from './errors.ts';
import type { EventBus } from './events.ts';
import type { CallbackCountsReply, CallbackTask } from './callbacks-types.ts';
import type { CallRow, CallbackAttempt, CallbackTaskRow, Store, UserRow } from './store/index.ts';

export type { CallbackTask, CallbackCountsReply } from './callbacks-types.ts';

/**
 * A ticket's calls as its view shows them: whom each rang (named), how long the caller waited (to an answer or
 * to the end), and the tries of its callback task. The console words a call's line (`auto: 'call'`) from these.
 */
export function callDetails(store: Store, calls: CallRow[]) {
  const names = store.userNames([...new Set(calls.flatMap((c) => c.rung))]);
  const attempts = store.callbackAttemptsOfCalls(calls.map((c) => c.callId));
  return calls.map((c) => {
    const until = c.answeredAt ?? c.endedAt;
    return {
      ...c,
      rungUsers: [...new Set(c.rung)].map((userId) => ({ userId, name: names.get(userId) ?? '' })),
      waitedMs: until === null ? null : until - c.startedAt,
      attempts: attempts.get(c.callId) ?? [],
    };
  });
}

/** The page's last row as the next request's cursor: `<due or done time>.<row id>`. */
const encode = (key: number, id: number) => `${key}.${id}`;
export function decodeCallbackCursor(s: string): { key: number; id: number } | null {
  const m = /^(\d{1,16})\.(\d{1,16})$/.exec(s);
  return m ? { key: Number(m[1]), id: Number(m[2]) } : null;
}

export class CallbackService {
  constructor(private readonly d: { store: Store; clock: Clock; events: EventBus; calendarFor: (courtId: number) => CourtCalendar }) {}

  /** The courts whose tasks the user handles: an operator's court (none: every court), an admin's every court. */
  courtsOf(user: UserRow): number[] | null {
    if (user.role === 'admin' || (user.role === 'operator' && user.courtId === null)) return null;
    if (user.role === 'operator') return [user.courtId!];
    throw new VicError('VIC_FORBIDDEN');
  }

  list(
    user: UserRow,
    f: { state: 'open' | 'done'; courtId?: number; limit: number; cursor?: { key: number; id: number } },
  ): { items: CallbackTask[]; next: string | null } {
    let courts = this.courtsOf(user);
    if (f.courtId !== undefined) {
      if (courts && !courts.includes(f.courtId)) throw new VicError('VIC_FORBIDDEN_COURT', 'You do not serve this court');
      courts = [f.courtId];
    }
    const rows = this.d.store.callbackTasks({ state: f.state, courtIds: courts, limit: f.limit + 1, after: f.cursor ?? null });
    const page = rows.slice(0, f.limit);
    const last = page.at(-1);
    return {
      items: this.tasks(page),
      next: rows.length > f.limit && last ? encode(f.state === 'open' ? last.dueAt : last.doneAt!, last.rowId) : null,
    };
  }

  counts(user: UserRow): CallbackCountsReply {
    const { store, clock } = this.d;
    const scope = this.courtsOf(user);
    const now = clock.now();
    const out: CallbackCountsReply = { open: 0, overdue: 0, dueToday: 0, byCourt: {} };
    for (const court of scope ?? store.listCourts().map((c) => c.id)) {
      const cal = this.d.calendarFor(court);
      const endOfDay = localToUtc(cal.timeZone, parseIsoDate(localDateOf(cal, new Date(now))) + 1, 0);
      const c = store.callbackCounts([court], now, endOfDay).get(court) ?? { open: 0, overdue: 0, dueToday: 0 };
      out.open += c.open;
      out.overdue += c.overdue;
      out.dueToday += c.dueToday;
      out.byCourt[String(court)] = { open: c.open, overdue: c.overdue };
    }
    return out;
  }

  /** The task of the call, if the user serves its court. */
  task(user: UserRow, callId: string): CallbackTask {
    const row = this.d.store.callbackTask(callId);
    if (!row) throw new VicError('VIC_NOT_FOUND', 'No such callback task');
    const courts = this.courtsOf(user);
    if (courts && !courts.includes(row.courtId)) throw new VicError('VIC_FORBIDDEN_COURT');
    return this.tasks([row])[0];
  }

  done(user: UserRow, callId: string, ip: string | null): CallbackTask {
    const t = this.open(user, callId);
    const { store, clock } = this.d;
    const now = clock.now();
    const messageId = store.tx(() => {
      store.setCallbackDone(this.rowId(callId), now);
      store.audit({ at: now, userId: user.id, action: 'callback.done', entity: 'ticket', entityId: t.ticketId, details: { callId }, ip });
      return this.line(t.ticketId, user.id, doneLine(this.lang(t.ticketId)), now);
    });
    this.announce([{ callId, ticketId: t.ticketId, courtId: t.courtId }], messageId);
    return this.task(user, callId);
  }

  /** "No answer, try again at…": a try is recorded and the task is due at `at`. */
  retry(user: UserRow, callId: string, at: number, ip: string | null): CallbackTask {
    const t = this.open(user, callId);
    const { store, clock } = this.d;
    const now = clock.now();
    if (at <= now) throw new VicError('VIC_VALIDATION', 'Choose a time in the future');
    const messageId = store.tx(() => {
      const rowId = this.rowId(callId);
      store.addCallbackAttempt(rowId, { at: now, userId: user.id, result: 'no_answer' });
      store.setCallbackDue(rowId, at);
      store.audit({
        at: now,
        userId: user.id,
        action: 'callback.retry',
        entity: 'ticket',
        entityId: t.ticketId,
        details: { callId, at },
        ip,
      });
      return this.line(t.ticketId, user.id, retryLine(this.lang(t.ticketId), courtDateTime(this.d.calendarFor(t.courtId), at)), now);
    });
    this.announce([{ callId, ticketId: t.ticketId, courtId: t.courtId }], messageId);
    return this.task(user, callId);
  }

  /**
   * A call-back from the ticket is a try of each of its open tasks; one the citizen answered closes them.
   * In the caller's transaction; returns the tasks touched, to announce after commit.
   */
  recordCallBack(ticketId: number, a: CallbackAttempt, exceptCallId: string): { callId: string; ticketId: number; courtId: number }[] {
    const { store } = this.d;
    const courtId = store.getTicket(ticketId)!.courtId;
    return store
      .openCallbackTasksOfTicket(ticketId)
      .filter((t) => t.callId !== exceptCallId)
      .map((t) => {
        store.addCallbackAttempt(t.rowId, a);
        if (a.result === 'answered') store.setCallbackDone(t.rowId, a.at);
        return { callId: t.callId, ticketId, courtId };
      });
  }

  /** After commit: the court's consoles refresh their queue and counters; an open ticket shows its new line. */
  announce(tasks: { callId: string; ticketId: number; courtId: number }[], messageId: number | null) {
    const { store, events } = this.d;
    for (const t of tasks) events.emit({ type: 'callback.updated', ...t });
    const message = messageId === null ? undefined : store.getMessage(messageId);
    if (message) events.emit({ type: 'message.created', ticket: store.getTicket(message.ticketId)!, message });
  }

  private open(user: UserRow, callId: string): CallbackTask {
    const t = this.task(user, callId);
    if (t.doneAt !== null) throw new VicError('VIC_CALLBACK_DONE');
    return t;
  }

  private rowId(callId: string): number {
    return this.d.store.callbackTask(callId)!.rowId;
  }

  private lang(ticketId: number) {
    return lineLang(this.d.store.getTicket(ticketId)!.language);
  }

  /** A line on the ticket by the user who acted (a note: the citizen does not see it). */
  private line(ticketId: number, userId: number, text: string, now: number): number {
    const t = this.d.store.getTicket(ticketId)!;
    return this.d.store.insertMessage({ ticketId, direction: 'note', channel: t.channel, authorId: userId, auto: 'callback', text, now });
  }

  private tasks(rows: CallbackTaskRow[]): CallbackTask[] {
    const { store, clock } = this.d;
    const attempts = store.callbackAttempts(rows.map((r) => r.rowId));
    const names = store.userNames([...new Set(rows.flatMap((r) => r.rung))]);
    const now = clock.now();
    return rows.map(({ rowId, rung, ...r }) => ({
      ...r,
      // Hunting may come back to an operator: each is named once, in the order first rung.
      rung: [...new Set(rung)].map((userId) => ({ userId, name: names.get(userId) ?? '' })),
      overdue: r.doneAt === null && r.dueAt <= now,
      attempts: attempts.get(rowId) ?? [],
    }));
  }
}
