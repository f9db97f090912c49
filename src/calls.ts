// The ticket side of phone calls: whom to ring (hunt order), whether the centre is open, call progress on
// the ticket, and the screen-pop on the console of the operator whose phone rings (only theirs).
import { huntOrder } from '../routing/assign.ts';
import { isWorkingTime, nextOpening, type CourtCalendar } from '../routing/calendar/index.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { EventBus } from './events.ts';
import type { CallRow, Store } from './store/index.ts';

export interface CallProgress {
  outcome: 'ringing' | 'answered' | 'missed' | 'abandoned' | 'rejected_off_hours' | 'ended' | 'transferred';
  operatorUserId?: number;
  answeredAt?: number;
  endedAt?: number;
}

export interface HuntEntry {
  userId: number;
  name: string;
  extension: string;
}

export class CallService {
  constructor(
    private readonly d: {
      store: Store;
      clock: Clock;
      events: EventBus;
      config: Pick<Config, 'DEFAULT_COURT'>;
      calendarFor: (courtId: number) => CourtCalendar;
    },
  ) {}

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

  /** Operators to ring in turn: available, online, least loaded first, who have a phone extension. */
  huntList(courtCode?: string): HuntEntry[] {
    const courtId = this.courtId(courtCode);
    const phones = this.d.store.operatorExtensions(courtId);
    return huntOrder(this.d.store.operatorLoads(courtId)).flatMap((userId) => {
      const p = phones.get(userId);
      return p ? [{ userId, ...p }] : [];
    });
  }

  /** Records how the call went; a missed call becomes a callback task due when the centre is next open. */
  progress(callId: string, p: CallProgress): CallRow | undefined {
    const { store, clock, events } = this.d;
    const call = store.getCall(callId);
    if (!call) return undefined;
    const now = clock.now();
    store.tx(() => {
      let callbackDueAt: number | null = null;
      if (p.outcome === 'missed' || p.outcome === 'rejected_off_hours' || p.outcome === 'abandoned') {
        const t = store.getTicket(call.ticketId)!;
        const open = isWorkingTime(this.d.calendarFor(t.courtId), new Date(now));
        callbackDueAt = open ? now : nextOpening(this.d.calendarFor(t.courtId), new Date(now)).getTime();
      }
      store.updateCall(callId, {
        outcome: p.outcome,
        operatorId: p.operatorUserId,
        answeredAt: p.answeredAt,
        endedAt: p.endedAt,
        callbackDueAt,
      });
      if (p.outcome === 'answered' && p.operatorUserId) {
        const t = store.getTicket(call.ticketId)!;
        store.updateTicket(
          t.id,
          {
            ...(t.assigneeId === null ? { assigneeId: p.operatorUserId } : {}),
            ...(t.firstResponseAt === null ? { firstResponseAt: now } : {}),
          },
          now,
        );
      }
      store.audit({
        at: now,
        userId: p.operatorUserId ?? null,
        action: `call.${p.outcome}`,
        entity: 'ticket',
        entityId: call.ticketId,
        details: { callId },
      });
    });
    const updated = store.getCall(callId)!;
    events.emit({ type: 'call.updated', ticket: store.getTicket(call.ticketId)!, call: updated });
    return updated;
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
