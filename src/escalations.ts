// Escalation to the specialist handling the matter: escalate, pick up, answer, hand back, pass on.
// Every step is one transaction with its timeline entry (a note) and audit row; events go out after commit.
import { addWorkingMs } from '../routing/calendar/index.ts';
import type { CourtCalendar } from '../routing/calendar/index.ts';
import { escalationNotice, extractCaseNumbers, suggestSpecialists } from '../routing/escalation.ts';
import { importCaseDirectory, type ImportReport } from './case-import.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import { VicError } from './errors.ts';
import type { EventBus } from './events.ts';
import { outboundFor } from './outbound.ts';
import type { Outbox } from './outbox.ts';
import type { EscalationRow, Store, TicketRow, UserRow } from './store/index.ts';
import { canSee, type TicketService } from './tickets.ts';

export interface EscalationDeps {
  store: Store;
  clock: Clock;
  events: EventBus;
  outbox: Outbox;
  tickets: TicketService;
  calendarFor: (courtId: number) => CourtCalendar;
  config: Pick<Config, 'ESCALATION_PICKUP_MIN' | 'ESCALATION_ANSWER_MIN' | 'ESCALATION_NOTIFY_CITIZEN'>;
}

export class EscalationService {
  constructor(private readonly d: EscalationDeps) {}

  /** Case numbers of a ticket: its case-number field first, then those written in its inbound messages. */
  caseNumbersOf(t: TicketRow): string[] {
    const fromField = t.caseNumber ? extractCaseNumbers(t.caseNumber) : [];
    const fromText = this.d.store
      .listMessages(t.id)
      .filter((m) => m.direction === 'in')
      .flatMap((m) => extractCaseNumbers(m.text));
    return [...new Set([...fromField, ...fromText])];
  }

  suggest(user: UserRow, ticketId: number) {
    const t = this.d.tickets.visible(user, ticketId);
    const caseNumbers = this.caseNumbersOf(t);
    const suggestions = suggestSpecialists(
      { courtId: t.courtId, caseNumbers },
      this.d.store.caseDirectory(caseNumbers),
      this.d.store.specialistLoads(),
    );
    return {
      caseNumbers,
      items: suggestions.map((s) => {
        const u = this.d.store.getUser(s.userId)!;
        return { ...s, name: u.name, title: u.title, courtId: u.courtId };
      }),
    };
  }

  escalate(
    user: UserRow,
    ticketId: number,
    to: number,
    question: string,
    notifyCitizen = this.d.config.ESCALATION_NOTIFY_CITIZEN,
  ): TicketRow {
    if (user.role === 'specialist') throw new VicError('VIC_FORBIDDEN', 'Specialists pass tickets on instead');
    const t = this.d.tickets.visible(user, ticketId);
    if (t.status === 'resolved' || t.status === 'out_of_scope')
      throw new VicError('VIC_TICKET_NOT_OPEN', 'Only an open ticket can be escalated');
    if (this.d.store.openEscalation(ticketId)) throw new VicError('VIC_TICKET_WITH_SPECIALIST', 'The ticket is already with a specialist');
    this.checkSpecialist(to);
    const { store, clock } = this.d;
    const now = clock.now();
    const messageIds: number[] = [];
    let escalationId = 0;
    store.tx(() => {
      escalationId = this.open(t, user.id, to, question, now);
      messageIds.push(
        store.insertMessage({
          ticketId,
          direction: 'note',
          channel: t.channel,
          authorId: user.id,
          auto: 'escalation',
          text: question,
          now,
        }),
      );
      store.updateTicket(
        ticketId,
        { specialistId: to, ...(t.assigneeId === null && user.role === 'operator' ? { assigneeId: user.id } : {}) },
        now,
      );
      if (notifyCitizen && t.channel !== 'sip') {
        const text = escalationNotice((t.language ?? 'unknown') as 'kk', t.ref);
        const id = store.insertMessage({
          ticketId,
          direction: 'out',
          channel: t.channel,
          auto: 'escalation',
          text,
          deliveryStatus: 'queued',
          now,
        });
        store.enqueueOutbox(id, t.channel, outboundFor(store, t, id, text), now);
        messageIds.push(id);
      }
      store.audit({
        at: now,
        userId: user.id,
        action: 'ticket.escalated',
        entity: 'ticket',
        entityId: ticketId,
        details: { to, escalationId },
      });
    });
    this.d.outbox.kick();
    return this.announce(t, messageIds, escalationId);
  }

  /** The specialist holding the ticket passes it to another specialist. */
  pass(user: UserRow, ticketId: number, to: number, note: string): TicketRow {
    const { t, e } = this.held(user, ticketId);
    if (to === e.toUserId) throw new VicError('VIC_SAME_SPECIALIST');
    this.checkSpecialist(to);
    const { store, clock } = this.d;
    const now = clock.now();
    let escalationId = 0;
    const messageIds: number[] = [];
    store.tx(() => {
      store.closeEscalation(e.id, 'passed', now);
      escalationId = this.open(t, e.fromUserId, to, `${e.question}\n\n${note}`.trim(), now);
      messageIds.push(
        store.insertMessage({
          ticketId,
          direction: 'note',
          channel: t.channel,
          authorId: user.id,
          auto: 'escalation',
          text: note || '—',
          now,
        }),
      );
      store.updateTicket(ticketId, { specialistId: to }, now);
      store.audit({
        at: now,
        userId: user.id,
        action: 'ticket.escalation_passed',
        entity: 'ticket',
        entityId: ticketId,
        details: { from: e.toUserId, to },
      });
    });
    return this.announce(t, messageIds, escalationId);
  }

  /** The ticket goes back to the operator who escalated it (or, for staff, is taken back). */
  handBack(user: UserRow, ticketId: number, note: string): TicketRow {
    const { t, e } = this.held(user, ticketId);
    const { store, clock } = this.d;
    const now = clock.now();
    const messageIds: number[] = [];
    store.tx(() => {
      if (note)
        messageIds.push(store.insertMessage({ ticketId, direction: 'note', channel: t.channel, authorId: user.id, text: note, now }));
      this.giveBack(user.id, t, e, t.assigneeId ?? e.fromUserId, now, {});
    });
    return this.announce(t, messageIds);
  }

  /**
   * Every question held by `holder`, who is no longer an active specialist, goes back to the operator who asked
   * it (when they may still hold the ticket) or stays with the ticket's assignee. Runs inside the caller's
   * transaction; the caller announces the changed tickets after commit.
   */
  returnAllHeldBy(by: UserRow, holder: UserRow): { ticket: TicketRow; before: TicketRow }[] {
    if (holder.active && holder.role === 'specialist') return [];
    const { store, clock } = this.d;
    const now = clock.now();
    return store.ticketsWithSpecialist(holder.id).map((before) => {
      const e = store.openEscalation(before.id);
      const asker = e ? store.getUser(e.fromUserId) : undefined;
      const askerMayHold = asker?.active && asker.role === 'operator' && canSee(asker, before);
      this.giveBack(by.id, before, e, before.assigneeId ?? (askerMayHold ? asker.id : null), now, {
        from: holder.id,
        why: 'specialist changed',
      });
      return { ticket: store.getTicket(before.id)!, before };
    });
  }

  /** Closes the open question and takes the ticket from its specialist, to `assigneeId`, audited as a hand-back. */
  private giveBack(byId: number, t: TicketRow, e: EscalationRow | undefined, assigneeId: number | null, now: number, details: object) {
    const { store } = this.d;
    if (e) store.closeEscalation(e.id, e.answeredAt ? 'answered' : 'returned', now);
    store.updateTicket(t.id, { specialistId: null, assigneeId }, now);
    store.audit({
      at: now,
      userId: byId,
      action: 'ticket.handed_back',
      entity: 'ticket',
      entityId: t.id,
      details: { escalationId: e?.id ?? null, ...details, to: assigneeId },
    });
  }

  /** Imports the case directory (src/case-import.ts); the same file twice changes nothing; a dry run writes nothing. */
  importCases(user: UserRow, csv: string, opts?: { dryRun?: boolean }): Promise<ImportReport> {
    return importCaseDirectory(this.d, user, csv, opts);
  }

  /** Alerts for breached pick-up and answer times (called by the dispatcher's tick). */
  checkTimers() {
    const { store, events } = this.d;
    const breaches = store.tx(() => store.takeEscalationBreaches(this.d.clock.now()));
    for (const b of breaches)
      events.emit({ type: 'escalation.breached', kind: b.kind, escalation: b.escalation, ticket: store.getTicket(b.escalation.ticketId)! });
    return breaches.length;
  }

  private open(t: TicketRow, from: number, to: number, question: string, now: number): number {
    const cal = this.d.calendarFor(t.courtId);
    const { ESCALATION_PICKUP_MIN: pickup, ESCALATION_ANSWER_MIN: answer } = this.d.config;
    return this.d.store.createEscalation(
      {
        ticketId: t.id,
        fromUserId: from,
        toUserId: to,
        question,
        pickupDueAt: addWorkingMs(cal, new Date(now), pickup * 60_000).getTime(),
        answerDueAt: addWorkingMs(cal, new Date(now), answer * 60_000).getTime(),
      },
      now,
    );
  }

  private held(user: UserRow, ticketId: number): { t: TicketRow; e: EscalationRow } {
    const t = this.d.tickets.visible(user, ticketId);
    const e = this.d.store.openEscalation(ticketId);
    if (!e) throw new VicError('VIC_TICKET_NOT_ESCALATED');
    if (user.role === 'specialist' && e.toUserId !== user.id) throw new VicError('VIC_FORBIDDEN');
    return { t, e };
  }

  private checkSpecialist(id: number) {
    const s = this.d.store.getUser(id);
    if (!s || s.role !== 'specialist' || !s.active) throw new VicError('VIC_VALIDATION', 'Choose an active specialist');
  }

  private announce(before: TicketRow, messageIds: number[], escalationId?: number): TicketRow {
    const { store, events } = this.d;
    const ticketId = before.id;
    const ticket = store.getTicket(ticketId)!;
    events.emit({ type: 'ticket.updated', ticket, before });
    for (const id of messageIds) events.emit({ type: 'message.created', ticket, message: store.getMessage(id)! });
    const escalation = escalationId ? store.listEscalations(ticketId).find((e) => e.id === escalationId) : undefined;
    if (escalation) events.emit({ type: 'escalation.created', ticket, escalation });
    return ticket;
  }
}
