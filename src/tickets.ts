// Ticket actions taken by people (reply, note, claim, assign, resolve, reopen, court, case number, scope overrule
// and "mark as appeal"). Each runs in one transaction with its audit row and outbox entry; events go out after commit.
import { pickOperator } from '../routing/assign.ts';
import { isWorkingTime } from '../routing/calendar/index.ts';
import type { CourtCalendar } from '../routing/calendar/index.ts';
import { appealReply, overruleReply } from '../routing/scope/appeal-reply.ts';
import type { Lang } from '../routing/scope/index.ts';
import type { Clock } from './clock.ts';
import { VicError } from './errors.ts';
import type { EventBus } from './events.ts';
import { REPLYABLE_CHANNELS } from './ingest/steps/calendar.ts';
import { outboundFor } from './outbound.ts';
import type { Outbox } from './outbox.ts';
import type { Store, TicketRow, UserRow, Viewer } from './store/index.ts';

export function canSee(user: Viewer, t: Pick<TicketRow, 'courtId' | 'specialistId'>): boolean {
  if (user.role === 'admin') return true;
  if (user.role === 'specialist') return t.specialistId === user.id;
  // A supervisor reads reports only, never a ticket.
  if (user.role === 'supervisor') return false;
  return user.courtId === null || user.courtId === t.courtId;
}

export interface TicketDeps {
  store: Store;
  clock: Clock;
  events: EventBus;
  outbox: Outbox;
  calendarFor: (courtId: number) => CourtCalendar;
}

export class TicketService {
  constructor(private readonly d: TicketDeps) {}

  /** The ticket if this user may see it; 404 and 403 otherwise. */
  visible(user: UserRow, id: number): TicketRow {
    const t = this.d.store.getTicket(id);
    if (!t) throw new VicError('VIC_TICKET_NOT_FOUND');
    if (!canSee(user, t)) throw new VicError(user.role === 'operator' || user.role === 'admin' ? 'VIC_FORBIDDEN_COURT' : 'VIC_FORBIDDEN');
    return t;
  }

  private staffOnly(user: UserRow) {
    if (user.role !== 'operator' && user.role !== 'admin') throw new VicError('VIC_FORBIDDEN', 'Only operators and admins can do this');
  }

  private commit(before: TicketRow, fn: () => void): TicketRow {
    const { store, events } = this.d;
    const ticket = store.tx(() => {
      fn();
      return store.getTicket(before.id)!;
    });
    events.emit({ type: 'ticket.updated', ticket, before });
    return ticket;
  }

  private audit(user: UserRow, ticketId: number, action: string, details?: unknown) {
    this.d.store.audit({ at: this.d.clock.now(), userId: user.id, action, entity: 'ticket', entityId: ticketId, details });
  }

  read(user: UserRow, id: number, ip: string | null) {
    const t = this.visible(user, id);
    const { store, clock } = this.d;
    const pickedUp = store.tx(() => {
      store.audit({ at: clock.now(), userId: user.id, action: 'ticket.read', entity: 'ticket', entityId: id, ip });
      // The specialist opening an escalated ticket has picked it up.
      const e = user.role === 'specialist' ? store.openEscalation(id) : undefined;
      return e?.toUserId === user.id && e.pickedUpAt === null ? (store.markEscalationPickedUp(e.id, clock.now()), e.id) : null;
    });
    const escalation = pickedUp === null ? undefined : store.listEscalations(id).find((e) => e.id === pickedUp);
    if (escalation) this.d.events.emit({ type: 'escalation.picked_up', ticket: t, escalation });
    const contact = store.getContact(t.contactId)!;
    return {
      ...t,
      messages: store.listMessages(id),
      attachments: store.listAttachments(id),
      calls: store.listCalls(id),
      escalations: store.listEscalations(id),
      contact: { ...contact, iin: contact.iin ? `${contact.iin.slice(0, 2)}********${contact.iin.slice(-2)}` : null },
      scopeExplanation: store.scopeExplanation(id),
      scopeDecision: store.latestScopeDecision(id),
      otherTickets: store
        .ticketsOfContact(t.contactId, id)
        .filter((o) => canSee(user, { courtId: o.courtId, specialistId: null }) || user.role === 'admin'),
    };
  }

  /**
   * takeOver: a reply to a ticket another operator holds is refused (two people answering one citizen unknowingly)
   * unless the caller says they take it over; it is then claimed first (audited, the holder told live).
   */
  post(
    user: UserRow,
    id: number,
    kind: 'reply' | 'note',
    text: string,
    { takeOver = false, via }: { takeOver?: boolean; via?: { channel: 'whatsapp'; to: string } } = {},
  ): { ticket: TicketRow; messageId: number } {
    let t = this.visible(user, id);
    // A caller cannot be written to on the phone channel: such a reply would only fail (src/callbacks-reply.ts).
    if (kind === 'reply' && t.channel === 'sip' && !via) throw new VicError('VIC_PHONE_TEXT_REPLY');
    // The specialist the ticket is escalated to answers it without holding it.
    const heldByOther = t.assigneeId !== null && t.assigneeId !== user.id && !(user.role === 'specialist' && t.specialistId === user.id);
    if (kind === 'reply' && heldByOther) {
      if (!takeOver) throw new VicError('VIC_NOT_ASSIGNEE', undefined, { assigneeId: t.assigneeId, assigneeName: t.assigneeName });
      t = this.claim(user, id);
    }
    const { store, clock, outbox } = this.d;
    const now = clock.now();
    let messageId = 0;
    const ticket = this.commit(t, () => {
      if (kind === 'note') {
        messageId = store.insertMessage({ ticketId: id, direction: 'note', channel: t.channel, authorId: user.id, text, now });
      } else {
        // A specialist answers in their role ("Секретарь судебного заседания"), so the citizen knows who replied.
        const signed = user.role === 'specialist' && user.title ? `${text}\n\n— ${user.title}` : text;
        messageId = store.insertMessage({
          ticketId: id,
          direction: 'out',
          channel: via?.channel ?? t.channel,
          authorId: user.id,
          text: signed,
          deliveryStatus: 'queued',
          now,
        });
        const base = outboundFor(store, t, messageId, signed);
        const out = via ? { ...base, ...via, account: null } : base;
        store.enqueueOutbox(messageId, out.channel, out, now);
        const e = user.role === 'specialist' ? store.openEscalation(id) : undefined;
        if (e?.toUserId === user.id) store.markEscalationAnswered(e.id, now);
        store.updateTicket(
          id,
          {
            ...(t.firstResponseAt === null ? { firstResponseAt: now } : {}),
            ...(t.status === 'waiting' || t.status === 'resolved' ? { status: 'open', resolvedAt: null } : {}),
            ...(t.assigneeId === null && user.role === 'operator' ? { assigneeId: user.id } : {}),
          },
          now,
        );
      }
      this.audit(user, id, kind === 'note' ? 'ticket.note' : 'ticket.reply', { messageId });
    });
    this.d.events.emit({ type: 'message.created', ticket, message: store.getMessage(messageId)! });
    if (kind === 'reply') outbox.kick();
    return { ticket, messageId };
  }

  /**
   * The open tickets of `holder` that they may no longer hold (deactivated, not an operator, another court) go
   * back to the queue, where the dispatcher hands them on. Runs inside the caller's transaction; the caller
   * announces the changed tickets after commit.
   */
  returnAllAssignedTo(by: UserRow, holder: UserRow): { ticket: TicketRow; before: TicketRow }[] {
    const { store, clock } = this.d;
    return store
      .ticketsAssignedTo(holder.id)
      .filter((t) => !(holder.active && holder.role === 'operator' && canSee(holder, t)))
      .map((before) => {
        store.updateTicket(before.id, { assigneeId: null }, clock.now());
        this.audit(by, before.id, 'ticket.returned', { from: holder.id, why: 'assignee changed' });
        return { ticket: store.getTicket(before.id)!, before };
      });
  }

  claim(user: UserRow, id: number): TicketRow {
    const t = this.visible(user, id);
    if (user.role !== 'operator') throw new VicError('VIC_FORBIDDEN', 'Only operators claim tickets');
    if (t.status === 'out_of_scope') throw new VicError('VIC_TICKET_OUT_OF_SCOPE');
    return this.commit(t, () => {
      this.d.store.updateTicket(
        id,
        { assigneeId: user.id, ...(t.status !== 'open' ? { status: 'open', resolvedAt: null } : {}) },
        this.d.clock.now(),
      );
      this.d.store.markAssigned(user.id, this.d.clock.now());
      this.audit(user, id, 'ticket.claimed', { from: t.assigneeId });
    });
  }

  assign(user: UserRow, id: number, assigneeId: number | null): TicketRow {
    this.staffOnly(user);
    const t = this.visible(user, id);
    if (assigneeId !== null) {
      const target = this.d.store.getUser(assigneeId);
      if (!target || !target.active || target.role !== 'operator')
        throw new VicError('VIC_VALIDATION', 'The assignee must be an active operator');
      if (!canSee(target, t)) throw new VicError('VIC_FORBIDDEN_COURT', 'The operator does not serve this ticket’s court');
    }
    return this.commit(t, () => {
      this.d.store.updateTicket(id, { assigneeId }, this.d.clock.now());
      if (assigneeId !== null) this.d.store.markAssigned(assigneeId, this.d.clock.now());
      this.audit(user, id, 'ticket.assigned', { from: t.assigneeId, to: assigneeId });
    });
  }

  resolve(user: UserRow, id: number): TicketRow {
    this.staffOnly(user);
    const t = this.visible(user, id);
    if (t.status === 'resolved') throw new VicError('VIC_TICKET_RESOLVED');
    return this.commit(t, () => {
      this.d.store.updateTicket(id, { status: 'resolved', resolvedAt: this.d.clock.now() }, this.d.clock.now());
      this.audit(user, id, 'ticket.resolved', { from: t.status });
    });
  }

  reopen(user: UserRow, id: number): TicketRow {
    this.staffOnly(user);
    const t = this.visible(user, id);
    if (t.status !== 'resolved') throw new VicError('VIC_TICKET_NOT_RESOLVED');
    return this.commit(t, () => {
      this.d.store.updateTicket(id, { status: 'open', resolvedAt: null }, this.d.clock.now());
      this.audit(user, id, 'ticket.reopened', {});
    });
  }

  update(user: UserRow, id: number, f: { courtId?: number; caseNumber?: string | null }): TicketRow {
    this.staffOnly(user);
    const t = this.visible(user, id);
    // Handing a ticket to another court is allowed; an operator of one court then no longer sees it.
    if (f.courtId !== undefined && !this.d.store.getCourt(f.courtId)) throw new VicError('VIC_COURT_NOT_FOUND');
    return this.commit(t, () => {
      const moved = f.courtId !== undefined && f.courtId !== t.courtId;
      this.d.store.updateTicket(id, { ...f, ...(moved ? { assigneeId: null } : {}) }, this.d.clock.now());
      this.audit(user, id, 'ticket.updated', { from: { courtId: t.courtId, caseNumber: t.caseNumber }, to: f });
    });
  }

  /**
   * An operator decides a ticket filtered as an appeal is in scope after all: it is reopened and routed, and the
   * citizen, who was told it is an appeal, is told it was taken after all (unless the channel is a call).
   */
  overruleScope(user: UserRow, id: number, reason: string): TicketRow {
    this.staffOnly(user);
    const t = this.visible(user, id);
    if (t.status !== 'out_of_scope') throw new VicError('VIC_TICKET_NOT_OUT_OF_SCOPE');
    const { store, clock, calendarFor } = this.d;
    const now = clock.now();
    const working = isWorkingTime(calendarFor(t.courtId), new Date(now));
    const assigneeId = working ? pickOperator(store.operatorLoads(t.courtId)) : null;
    // Set inside the transaction: the notice, when the channel can carry it.
    let messageId = null as number | null;
    const ticket = this.commit(t, () => {
      store.recordScopeDecision({ ticketId: id, label: 'in_scope', source: 'overrule', userId: user.id, reason, now });
      store.updateTicket(id, { status: working ? 'open' : 'waiting', scopeVerdict: 'in_scope', scopeFlagged: false, assigneeId }, now);
      if (assigneeId !== null) store.markAssigned(assigneeId, now);
      messageId = this.queueNotice(t, 'overrule', overruleReply((t.language ?? 'unknown') as Lang, t.ref), now);
      this.audit(user, id, 'ticket.scope_overruled', { from: t.scopeVerdict, score: t.scopeScore, reason, assigneeId, messageId });
    });
    this.announceNotice(ticket, messageId);
    return ticket;
  }

  /**
   * The citizen's notice of a scope decision (the overrule's "taken after all", the appeal answer), queued in the
   * caller's transaction; null when the ticket's channel cannot carry text (a call).
   */
  private queueNotice(t: TicketRow, auto: 'overrule' | 'appeal', text: string, now: number): number | null {
    if (!REPLYABLE_CHANNELS.has(t.channel)) return null;
    const { store } = this.d;
    const messageId = store.insertMessage({
      ticketId: t.id,
      direction: 'out',
      channel: t.channel,
      auto,
      text,
      deliveryStatus: 'queued',
      now,
    });
    store.enqueueOutbox(messageId, t.channel, outboundFor(store, t, messageId, text, auto === 'appeal' ? 'appeal' : undefined), now);
    return messageId;
  }

  /** After commit: the notice's message to the consoles, and the outbox woken for it. */
  private announceNotice(ticket: TicketRow, messageId: number | null) {
    if (messageId === null) return;
    this.d.events.emit({ type: 'message.created', ticket, message: this.d.store.getMessage(messageId)! });
    this.d.outbox.kick();
  }

  /**
   * An operator decides a ticket the filter let through is an appeal after all: it leaves the queue as the filter
   * would have left it, and the citizen gets the filter's answer (where to file it) in their language, unless
   * the ticket's channel cannot carry text (a call).
   */
  markAppeal(user: UserRow, id: number, reason: string): TicketRow {
    this.staffOnly(user);
    const t = this.visible(user, id);
    if (t.status === 'out_of_scope' || t.status === 'resolved')
      throw new VicError('VIC_TICKET_NOT_OPEN', 'Only an open or waiting ticket can be marked as an appeal');
    if (t.specialistId !== null) throw new VicError('VIC_TICKET_WITH_SPECIALIST');
    const { store, clock } = this.d;
    const now = clock.now();
    // Set inside the transaction: the appeal answer, when the channel can carry it.
    let messageId = null as number | null;
    const ticket = this.commit(t, () => {
      store.recordScopeDecision({ ticketId: id, label: 'appeal', source: 'marked_appeal', userId: user.id, reason, now });
      store.updateTicket(id, { status: 'out_of_scope', scopeVerdict: 'appeal', scopeFlagged: false, assigneeId: null }, now);
      messageId = this.queueNotice(t, 'appeal', appealReply((t.language ?? 'unknown') as Lang, t.ref), now);
      this.audit(user, id, 'ticket.scope_marked_appeal', {
        from: t.scopeVerdict,
        score: t.scopeScore,
        reason,
        assigneeId: t.assigneeId,
        messageId,
      });
    });
    this.announceNotice(ticket, messageId);
    return ticket;
  }
}
