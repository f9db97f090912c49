// The ticket side of phone calls: whom to ring (hunt order), whether the centre is open, call progress on the
// ticket (a missed call's callback task and line, a call-back's result), and the screen-pop on the console of the
// operator whose phone rings (only theirs).
import { huntOrder } from '../routing/assign.ts';
import { addWorkingMs, formatLocal, isWorkingTime, nextOpening, type CourtCalendar } from '../routing/calendar/index.ts';
import { CallbackService } from './callbacks.ts';
import { callBackLine, courtDateTime, lineLang, missedCallLine, type CallBackResult } from './callbacks-lines.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { EventBus } from './events.ts';
import type { CallRow, Store } from './store/index.ts';

export interface CallProgress {
  outcome: 'ringing' | 'answered' | 'missed' | 'abandoned' | 'rejected_off_hours' | 'ended' | 'transferred';
  /** Left out for a missed or abandoned call: its record names nobody. */
  operatorUserId?: number;
  /** Users rung for this call, in order (replaces what was recorded). */
  rung?: number[];
  answeredAt?: number;
  endedAt?: number;
  /** false: a missed call that needs no call-back task (off hours, the caller heard when we open and asked none). */
  callback?: false;
}

export interface HuntEntry {
  userId: number;
  name: string;
  extension: string;
}

const MISSED = new Set<CallProgress['outcome']>(['missed', 'abandoned', 'rejected_off_hours']);
/** The adapter names the calls it places to call a citizen back so (retention relies on it too). */
const isCallBack = (callId: string) => callId.startsWith('callback-');

export class CallService {
  private readonly callbacks: CallbackService;
  constructor(
    private readonly d: {
      store: Store;
      clock: Clock;
      events: EventBus;
      config: Pick<Config, 'DEFAULT_COURT' | 'CALLBACK_DUE_WORKING_MINUTES'>;
      calendarFor: (courtId: number) => CourtCalendar;
    },
  ) {
    this.callbacks = new CallbackService(d);
  }

  courtId(code?: string): number {
    const { store, config } = this.d;
    return ((code && store.getCourtByCode(code)) || store.getCourtByCode(config.DEFAULT_COURT))!.id;
  }

  /** Is the centre open for this court now, and if not, when does it open. */
  openNow(courtCode?: string): { working: boolean; nextOpening: number | null } {
    const cal = this.d.calendarFor(this.courtId(courtCode));
    const at = new Date(this.d.clock.now());
    return isWorkingTime(cal, at) ? { working: true, nextOpening: null } : { working: false, nextOpening: nextOpening(cal, at).getTime() };
  }

  /** Today and the next opening in court time (as the off-hours auto-reply says it), for the announcement. */
  nextOpeningLocal(courtCode?: string): { today: string; opensAt: { date: string; time: string } } {
    const cal = this.d.calendarFor(this.courtId(courtCode));
    const at = new Date(this.d.clock.now());
    return { today: formatLocal(cal, at).date, opensAt: formatLocal(cal, nextOpening(cal, at)) };
  }

  /** Operators to ring in turn: available, online, least loaded first, who have a phone extension. */
  /** The active VIC user whose phone this extension is (a REFER names a number; the console shows a person). */
  userOfExtension(extension: string): number | null {
    return this.d.store.userOfExtension(extension);
  }

  huntList(courtCode?: string): HuntEntry[] {
    const courtId = this.courtId(courtCode);
    const phones = this.d.store.operatorExtensions(courtId);
    return huntOrder(this.d.store.operatorLoads(courtId)).flatMap((userId) => {
      const p = phones.get(userId);
      return p ? [{ userId, ...p }] : [];
    });
  }

  /**
   * Records how the call went. A missed, abandoned or off-hours call names no operator, keeps whom it rang, becomes a
   * callback task due CALLBACK_DUE_WORKING_MINUTES of working time after the miss, and its empty entry in the
   * conversation becomes a readable line. A call-back (`callback-…`) that failed is no new task: its result comes
   * by callBackResult.
   */
  progress(callId: string, p: CallProgress): CallRow | undefined {
    const { store, clock, events } = this.d;
    const call = store.getCall(callId);
    if (!call) return undefined;
    const now = clock.now();
    const missed = MISSED.has(p.outcome) && !isCallBack(callId);
    // Without the adapter's list, whom it rang is gathered from its ringing reports.
    const rung =
      p.rung ??
      (p.outcome === 'ringing' && p.operatorUserId && call.rung.at(-1) !== p.operatorUserId ? [...call.rung, p.operatorUserId] : undefined);
    let line: number | null = null;
    let closed: { rowId: number; callId: string }[] = [];
    store.tx(() => {
      const t = store.getTicket(call.ticketId)!;
      const missedAt = p.endedAt ?? now;
      const cal = this.d.calendarFor(t.courtId);
      store.updateCall(callId, {
        outcome: p.outcome,
        operatorId: missed ? null : p.operatorUserId,
        answeredAt: p.answeredAt,
        endedAt: p.endedAt,
        rung,
        ...(missed && p.callback !== false && call.callbackDueAt === null
          ? { callbackDueAt: addWorkingMs(cal, new Date(missedAt), this.d.config.CALLBACK_DUE_WORKING_MINUTES * 60_000).getTime() }
          : {}),
      });
      if (missed && call.messageId !== null) {
        const names = store.userNames(rung ?? call.rung);
        const text = missedCallLine(lineLang(t.language), {
          outcome: p.outcome as 'missed' | 'abandoned' | 'rejected_off_hours',
          number: call.from,
          contactName: store.getContact(t.contactId)?.name ?? null,
          when: courtDateTime(cal, call.startedAt),
          waitedMs: missedAt - call.startedAt,
          rung: [...new Set(rung ?? call.rung)].map((id) => names.get(id) ?? String(id)),
        });
        store.setCallLine(call.messageId, text);
        line = call.messageId;
      }
      if (p.outcome === 'answered' && p.operatorUserId) {
        store.updateTicket(
          t.id,
          {
            ...(t.assigneeId === null ? { assigneeId: p.operatorUserId } : {}),
            ...(t.firstResponseAt === null ? { firstResponseAt: now } : {}),
          },
          now,
        );
      }
      // The citizen got through on a later call: the earlier misses need no call-back any more. (A call-back's
      // own answer closes them when it ends, with its try: callBackResult.)
      if (p.outcome === 'answered' && !isCallBack(callId)) {
        closed = store.openCallbackTasksOfTicket(call.ticketId).filter((c) => c.callId !== callId);
        for (const c of closed) store.setCallbackDone(c.rowId, now);
      }
      store.audit({
        at: now,
        userId: missed ? null : (p.operatorUserId ?? null),
        action: `call.${p.outcome}`,
        entity: 'ticket',
        entityId: call.ticketId,
        details: { callId },
      });
    });
    const updated = store.getCall(callId)!;
    const ticket = store.getTicket(call.ticketId)!;
    events.emit({ type: 'call.updated', ticket, call: updated });
    if (line !== null) events.emit({ type: 'message.updated', ticket, message: store.getMessage(line)! });
    for (const c of missed ? [{ callId }] : closed)
      events.emit({ type: 'callback.updated', callId: c.callId, ticketId: ticket.id, courtId: ticket.courtId });
    return updated;
  }

  /**
   * A call-back ended (the adapter reports it): its result becomes a line on the ticket it was made from, and it
   * is a try of each open callback task of that ticket (an answered one closes them).
   */
  callBackResult(callId: string, r: { ticketId: number; userId: number; result: CallBackResult; at: number }) {
    const { store, events } = this.d;
    const t = store.getTicket(r.ticketId);
    if (!t) return;
    const call = store.getCall(callId);
    const text = callBackLine(lineLang(t.language), r.result, store.getUser(r.userId)?.name ?? null);
    let messageId = 0;
    let created = false;
    const tasks = store.tx(() => {
      if (call) store.updateCall(callId, { outcome: call.outcome, callbackResult: r.result, endedAt: r.at, operatorId: r.userId });
      // The call-back's own (empty) entry carries the line when it is on this ticket.
      if (call?.ticketId === r.ticketId && call.messageId !== null) {
        store.setCallLine(call.messageId, text);
        messageId = call.messageId;
      } else {
        messageId = store.insertMessage({
          ticketId: t.id,
          direction: 'note',
          channel: 'sip',
          authorId: r.userId,
          auto: 'call',
          text,
          now: r.at,
        });
        created = true;
      }
      store.audit({
        at: r.at,
        userId: r.userId,
        action: 'call.call_back_result',
        entity: 'ticket',
        entityId: t.id,
        details: { callId, result: r.result },
      });
      return this.callbacks.recordCallBack(t.id, { at: r.at, userId: r.userId, result: r.result }, callId);
    });
    const ticket = store.getTicket(t.id)!;
    if (call) events.emit({ type: 'call.updated', ticket, call: store.getCall(callId)! });
    events.emit({ type: created ? 'message.created' : 'message.updated', ticket, message: store.getMessage(messageId)! });
    this.callbacks.announce(tasks, null);
  }

  /** The language the caller's contact is known to speak (what announcements are said in), or null. */
  callerLanguage(callId: string): 'kk' | 'ru' | null {
    const { store } = this.d;
    const call = store.getCall(callId);
    const ticket = call && store.getTicket(call.ticketId);
    const lang = ticket ? store.getContact(ticket.contactId)?.language : null;
    return lang === 'kk' || lang === 'ru' ? lang : null;
  }

  /**
   * The caller's language for this call: on this call's ticket, whose lines (missed call, call back) and suggested
   * answers use it; when `chosen` (the phone's language menu) also on their contact as their own choice, so the next
   * call greets in it alone and every later answer, written ones included, uses it.
   */
  chooseLanguage(callId: string, lang: 'kk' | 'ru', chosen = true) {
    const { store, clock } = this.d;
    const call = store.getCall(callId);
    const ticket = call && store.getTicket(call.ticketId);
    if (!ticket) return;
    store.tx(() => {
      if (chosen) store.setContactLanguage(ticket.contactId, lang);
      if (ticket.language !== lang) store.updateTicket(ticket.id, { language: lang }, clock.now());
    });
  }

  /** Shows the caller, their contact and open tickets on the console of the operator being rung. */
  screenPop(userId: number, callId: string) {
    const { store, events } = this.d;
    const call = store.getCall(callId);
    if (!call) return;
    const ticket = store.getTicket(call.ticketId)!;
    const contact = store.getContact(ticket.contactId)!;
    // The IIN is personal data: masked, as in the ticket view.
    const iin = contact.iin ? `${contact.iin.slice(0, 2)}********${contact.iin.slice(-2)}` : null;
    events.emit({
      type: 'call.ringing',
      userId,
      call,
      ticket,
      contact: { ...contact, iin },
      otherTickets: store.ticketsOfContact(ticket.contactId, ticket.id),
    });
  }
}
