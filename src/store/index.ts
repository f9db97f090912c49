// The store: the one place that holds SQL, composed of one mixin per aggregate over the core (core.ts: connection,
// migrations, the one transaction boundary). Aggregates not split out yet still live here.
import fs from 'node:fs';
import path from 'node:path';
import { AuditQueries } from './audit.ts';
import { StoreCore, type Raw } from './core.ts';
import { DemoQueries } from './demo.ts';
import { MessageQueries } from './messages.ts';
import { OutboxQueries } from './outbox.ts';
import { RetentionQueries } from './retention.ts';
import { USER_SELECT, toUser } from './rows.ts';
import { ScopeDecisionQueries, type ScopeExplanationInput } from './scope-decisions.ts';
import { SessionQueries } from './sessions.ts';

export type { OutboxRow } from './outbox.ts';
export type { ScopeCounts, ScopeDecisionEntry, ScopeDecisionExample, ScopeExplanation } from './scope-decisions.ts';
export { unauthoredMessageRow, type DeliveryStatus, type Direction, type MessageRow, type NewMessage } from './messages.ts';

export type Role = 'admin' | 'operator' | 'specialist';
export type TicketStatus = 'open' | 'waiting' | 'out_of_scope' | 'resolved';
export type Queue = 'mine' | 'court' | 'unassigned' | 'off-hours' | 'escalated' | 'out-of-scope' | 'resolved' | 'all';

/** A court's working week: periods ('HH:MM' local, start inclusive, end exclusive) per ISO weekday, 1 = Monday. */
export type WeekHours = Record<1 | 2 | 3 | 4 | 5 | 6 | 7, { start: string; end: string }[]>;

export interface CourtRow {
  id: number;
  code: string;
  nameRu: string;
  nameKk: string;
  active: boolean;
  slaFirstResponseMin: number;
  /** The court's own week; null: the default week of routing/calendar. */
  weekHours: WeekHours | null;
}

export interface UserRow {
  id: number;
  login: string;
  name: string;
  role: Role;
  courtId: number | null;
  sipExtension: string | null;
  languages: string[];
  maxConcurrent: number;
  title: string | null;
  active: boolean;
}

export interface TicketRow {
  id: number;
  ref: string;
  courtId: number;
  courtCode: string;
  contactId: number;
  contactName: string | null;
  channel: string;
  account: string | null;
  subject: string | null;
  status: TicketStatus;
  assigneeId: number | null;
  assigneeName: string | null;
  specialistId: number | null;
  specialistName: string | null;
  caseNumber: string | null;
  language: string | null;
  scopeVerdict: string | null;
  scopeScore: number | null;
  scopeFlagged: boolean;
  createdAt: number;
  updatedAt: number;
  lastInboundAt: number | null;
  firstResponseAt: number | null;
  firstResponseDueAt: number | null;
  resolvedAt: number | null;
  offhoursReplyFor: number | null;
  /** When the first-response deadline passed without an answer (null: not breached, or not yet noticed). */
  slaBreachedAt: number | null;
}

export interface AttachmentRow {
  id: number;
  messageId: number;
  filename: string;
  contentType: string;
  size: number;
  sha256: string | null;
  droppedReason: string | null;
}

export interface OperatorLoad {
  userId: number;
  online: boolean;
  status: 'available' | 'away';
  openTickets: number;
  maxConcurrent: number;
  lastAssignedAt: number | null;
}

export interface TicketFilter {
  queue?: Queue;
  courtId?: number;
  channel?: string;
  status?: TicketStatus;
  q?: string;
  limit: number;
  offset: number;
}

/** Who is asking: decides which tickets are visible. */
export interface Viewer {
  id: number;
  role: Role;
  courtId: number | null;
}

/** The ticket fields `updateTicket` may change, with their columns. */
const TICKET_UPDATE_COLUMNS = [
  ['status', 'status'],
  ['assigneeId', 'assignee_id'],
  ['specialistId', 'specialist_id'],
  ['courtId', 'court_id'],
  ['caseNumber', 'case_number'],
  ['scopeVerdict', 'scope_verdict'],
  ['scopeFlagged', 'scope_flagged'],
  ['firstResponseAt', 'first_response_at'],
  ['firstResponseDueAt', 'first_response_due_at'],
  ['resolvedAt', 'resolved_at'],
  ['lastInboundAt', 'last_inbound_at'],
  ['offhoursReplyFor', 'offhours_reply_for'],
  ['language', 'language'],
] as const;
const TICKET_SELECT = `
  SELECT t.id, t.ref, t.court_id AS courtId, c.code AS courtCode, t.contact_id AS contactId, ct.name AS contactName,
    t.channel, t.account, t.subject, t.status, t.assignee_id AS assigneeId, ua.name AS assigneeName,
    t.specialist_id AS specialistId, us.name AS specialistName, t.case_number AS caseNumber, t.language,
    t.scope_verdict AS scopeVerdict, t.scope_score AS scopeScore, t.scope_flagged AS scopeFlagged,
    t.created_at AS createdAt, t.updated_at AS updatedAt, t.last_inbound_at AS lastInboundAt,
    t.first_response_at AS firstResponseAt, t.first_response_due_at AS firstResponseDueAt,
    t.resolved_at AS resolvedAt, t.offhours_reply_for AS offhoursReplyFor, t.sla_breached_at AS slaBreachedAt
  FROM tickets t
  JOIN courts c ON c.id = t.court_id
  JOIN contacts ct ON ct.id = t.contact_id
  LEFT JOIN users ua ON ua.id = t.assignee_id
  LEFT JOIN users us ON us.id = t.specialist_id`;

export interface EscalationRow {
  id: number;
  ticketId: number;
  fromUserId: number;
  fromName: string;
  toUserId: number;
  toName: string;
  toTitle: string | null;
  question: string;
  status: 'open' | 'answered' | 'returned' | 'passed';
  createdAt: number;
  closedAt: number | null;
  pickupDueAt: number | null;
  answerDueAt: number | null;
  pickedUpAt: number | null;
  answeredAt: number | null;
}

const ESCALATION_SELECT = `SELECT e.id, e.ticket_id AS ticketId, e.from_user_id AS fromUserId, uf.name AS fromName, e.to_user_id AS toUserId,
  ut.name AS toName, ut.title AS toTitle, e.question, e.status, e.created_at AS createdAt, e.closed_at AS closedAt,
  e.pickup_due_at AS pickupDueAt, e.answer_due_at AS answerDueAt, e.picked_up_at AS pickedUpAt, e.answered_at AS answeredAt
  FROM escalations e JOIN users uf ON uf.id = e.from_user_id JOIN users ut ON ut.id = e.to_user_id`;

export interface CannedRow {
  id: number;
  title: string;
  lang: 'kk' | 'ru';
  text: string;
}

export interface CallRow {
  callId: string;
  ticketId: number;
  from: string;
  to: string;
  outcome: string;
  operatorId: number | null;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  callbackDueAt: number | null;
  /** The call's entry in the conversation. */
  messageId: number | null;
}

const CALL_SELECT = `SELECT call_id AS callId, ticket_id AS ticketId, message_id AS messageId, from_number AS "from", to_number AS "to", outcome, operator_id AS operatorId,
  started_at AS startedAt, answered_at AS answeredAt, ended_at AS endedAt, callback_due_at AS callbackDueAt FROM calls`;

const toTicket = (r: Raw | undefined) => (r ? ((r.scopeFlagged = !!r.scopeFlagged), r as unknown as TicketRow) : undefined);
const toCourt = (r: Raw | undefined) =>
  r
    ? ({ ...r, active: !!r.active, weekHours: r.weekHours === null ? null : (JSON.parse(r.weekHours as string) as WeekHours) } as CourtRow)
    : undefined;

/** Case-insensitive search key for Cyrillic too (SQLite's lower() folds only ASCII). */
export const searchKey = (s: string) => s.toLocaleLowerCase('ru').replace(/ё/g, 'е');

export class Store extends RetentionQueries(
  ScopeDecisionQueries(MessageQueries(DemoQueries(AuditQueries(OutboxQueries(SessionQueries(StoreCore)))))),
) {
  /** Opens DATA_DIR/vic.sqlite, creating the folder; attachments go under DATA_DIR/attachments. */
  static open(dataDir: string): Store {
    fs.mkdirSync(dataDir, { recursive: true });
    return new Store(path.join(dataDir, 'vic.sqlite'), path.join(dataDir, 'attachments'));
  }

  // ---- courts
  // Courts change rarely and are read on every ingest: kept in memory, dropped on every change.
  private courtsCache: CourtRow[] | null = null;
  listCourts(): CourtRow[] {
    return (this.courtsCache ??= this.q(
      `SELECT id, code, name_ru AS nameRu, name_kk AS nameKk, active, sla_first_response_min AS slaFirstResponseMin, week_hours AS weekHours FROM courts ORDER BY id`,
    )
      .all()
      .map((r) => toCourt(r as Raw)!));
  }
  getCourt(id: number): CourtRow | undefined {
    return this.listCourts().find((c) => c.id === id);
  }
  getCourtByCode(code: string): CourtRow | undefined {
    return this.listCourts().find((c) => c.code === code);
  }
  createCourt(c: { code: string; nameRu: string; nameKk: string; slaFirstResponseMin?: number }, now: number): number {
    this.courtsCache = null;
    return Number(
      this.q(`INSERT INTO courts (code, name_ru, name_kk, sla_first_response_min, created_at) VALUES (?, ?, ?, ?, ?)`).run(
        c.code,
        c.nameRu,
        c.nameKk,
        c.slaFirstResponseMin ?? 120,
        now,
      ).lastInsertRowid,
    );
  }
  updateCourt(id: number, c: Partial<{ nameRu: string; nameKk: string; active: boolean; slaFirstResponseMin: number }>) {
    this.courtsCache = null;
    this.q(
      `UPDATE courts SET name_ru = coalesce(?, name_ru), name_kk = coalesce(?, name_kk), active = coalesce(?, active),
         sla_first_response_min = coalesce(?, sla_first_response_min) WHERE id = ?`,
    ).run(c.nameRu ?? null, c.nameKk ?? null, c.active === undefined ? null : Number(c.active), c.slaFirstResponseMin ?? null, id);
  }
  /** null goes back to the default week. */
  setCourtHours(id: number, week: WeekHours | null) {
    this.courtsCache = null;
    this.q(`UPDATE courts SET week_hours = ? WHERE id = ?`).run(week === null ? null : JSON.stringify(week), id);
  }

  // ---- users
  createUser(
    u: {
      login: string;
      name: string;
      role: Role;
      passwordHash: string;
      courtId?: number | null;
      sipExtension?: string | null;
      languages?: string[];
      maxConcurrent?: number;
      title?: string | null;
    },
    now: number,
  ): number {
    const id = Number(
      this.q(
        `INSERT INTO users (login, name, role, password_hash, court_id, sip_extension, languages, max_concurrent, title, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        u.login,
        u.name,
        u.role,
        u.passwordHash,
        u.courtId ?? null,
        u.sipExtension ?? null,
        (u.languages ?? ['kk', 'ru']).join(','),
        u.maxConcurrent ?? 10,
        u.title ?? null,
        now,
      ).lastInsertRowid,
    );
    this.q(`INSERT INTO presence (user_id, offline_since) VALUES (?, ?)`).run(id, now);
    return id;
  }
  getUser(id: number): UserRow | undefined {
    return toUser(this.q(`${USER_SELECT} WHERE id = ?`).get(id) as Raw);
  }
  getUserByLogin(login: string): UserRow | undefined {
    return toUser(this.q(`${USER_SELECT} WHERE login = ?`).get(login) as Raw);
  }
  getPasswordHash(userId: number): string | undefined {
    return (this.q(`SELECT password_hash AS h FROM users WHERE id = ?`).get(userId) as { h: string } | undefined)?.h;
  }
  listUsers(): UserRow[] {
    return this.q(`${USER_SELECT} ORDER BY id`)
      .all()
      .map((r) => toUser(r as Raw)!);
  }
  countUsers(): number {
    return (this.q(`SELECT count(*) AS n FROM users`).get() as { n: number }).n;
  }
  countActiveAdmins(): number {
    return (this.q(`SELECT count(*) AS n FROM users WHERE role = 'admin' AND active = 1`).get() as { n: number }).n;
  }
  updateUser(
    id: number,
    u: Partial<{
      name: string;
      role: Role;
      passwordHash: string;
      courtId: number | null;
      sipExtension: string | null;
      languages: string[];
      maxConcurrent: number;
      title: string | null;
      active: boolean;
    }>,
  ) {
    const cols: Record<string, unknown> = {
      name: u.name,
      role: u.role,
      password_hash: u.passwordHash,
      court_id: u.courtId,
      sip_extension: u.sipExtension,
      languages: u.languages?.join(','),
      max_concurrent: u.maxConcurrent,
      title: u.title,
      active: u.active === undefined ? undefined : Number(u.active),
    };
    const set = Object.entries(cols).filter(([, v]) => v !== undefined);
    if (!set.length) return;
    this.q(`UPDATE users SET ${set.map(([k]) => `${k} = ?`).join(', ')} WHERE id = ?`).run(...set.map(([, v]) => v), id);
    if (u.active === false) this.q(`DELETE FROM sessions WHERE user_id = ?`).run(id);
  }

  // ---- presence
  /** Called at start: nobody has a console connected yet. */
  resetConnections(now: number) {
    this.q(`UPDATE presence SET connections = 0, offline_since = coalesce(offline_since, ?)`).run(now);
  }
  changeConnections(userId: number, delta: 1 | -1, now: number): number {
    this.q(
      `UPDATE presence SET connections = max(0, connections + ?),
         offline_since = CASE WHEN max(0, connections + ?) = 0 THEN ? ELSE NULL END WHERE user_id = ?`,
    ).run(delta, delta, now, userId);
    return (this.q(`SELECT connections AS n FROM presence WHERE user_id = ?`).get(userId) as { n: number }).n;
  }
  setPresenceStatus(userId: number, status: 'available' | 'away') {
    this.q(`UPDATE presence SET status = ? WHERE user_id = ?`).run(status, userId);
  }
  getPresence(userId: number): { status: 'available' | 'away'; connections: number } | undefined {
    return this.q(`SELECT status, connections FROM presence WHERE user_id = ?`).get(userId) as never;
  }
  markAssigned(userId: number, now: number) {
    this.q(`UPDATE presence SET last_assigned_at = ? WHERE user_id = ?`).run(now, userId);
  }
  /** The court's active operators with their load: the input of routing's assignment. */
  operatorLoads(courtId: number): OperatorLoad[] {
    // An operator without a court serves every court.
    return this.q(
      `SELECT u.id AS userId, p.connections > 0 AS online, p.status, u.max_concurrent AS maxConcurrent,
           p.last_assigned_at AS lastAssignedAt,
           (SELECT count(*) FROM tickets t WHERE t.assignee_id = u.id AND t.status = 'open') AS openTickets
         FROM users u JOIN presence p ON p.user_id = u.id
         WHERE u.role = 'operator' AND u.active = 1 AND (u.court_id = ? OR u.court_id IS NULL)`,
    )
      .all(courtId)
      .map((r) => ({ ...(r as OperatorLoad), online: !!(r as Raw).online }));
  }
  /** Operators offline since before `cutoff`, with open tickets they have not answered yet. */
  offlineOperatorsWithUnanswered(cutoff: number): { userId: number; ticketId: number }[] {
    return this.q(
      `SELECT t.assignee_id AS userId, t.id AS ticketId FROM tickets t JOIN presence p ON p.user_id = t.assignee_id
         WHERE t.status = 'open' AND t.first_response_at IS NULL AND p.connections = 0 AND p.offline_since <= ?`,
    ).all(cutoff) as never;
  }

  // ---- contacts
  findIdentity(kind: string, address: string): number | undefined {
    return (
      this.q(`SELECT contact_id AS id FROM contact_identities WHERE kind = ? AND address = ?`).get(kind, address) as
        { id: number } | undefined
    )?.id;
  }
  createContact(name: string | null, language: string | null, now: number): number {
    return Number(
      this.q(`INSERT INTO contacts (name, name_search, language, created_at) VALUES (?, ?, ?, ?)`).run(
        name,
        name ? searchKey(name) : null,
        language,
        now,
      ).lastInsertRowid,
    );
  }
  /** True when the contact had no name and now has this one. */
  setContactNameIfEmpty(contactId: number, name: string): boolean {
    return (
      this.q(`UPDATE contacts SET name = ?, name_search = ? WHERE id = ? AND name IS NULL`).run(name, searchKey(name), contactId).changes >
      0
    );
  }
  addIdentity(contactId: number, kind: string, address: string, now: number) {
    this.q(`INSERT OR IGNORE INTO contact_identities (contact_id, kind, address, added_at) VALUES (?, ?, ?, ?)`).run(
      contactId,
      kind,
      address,
      now,
    );
  }
  getContact(id: number) {
    const c = this.q(`SELECT id, name, iin, language, created_at AS createdAt FROM contacts WHERE id = ?`).get(id) as
      { id: number; name: string | null; iin: string | null; language: string | null; createdAt: number } | undefined;
    if (!c) return undefined;
    const identities = this.q(`SELECT kind, address FROM contact_identities WHERE contact_id = ? ORDER BY added_at, kind`).all(id) as {
      kind: string;
      address: string;
    }[];
    return { ...c, identities };
  }
  /** The address to answer a contact on a channel (the most recently added identity of that kind). */
  contactAddress(contactId: number, kind: string): string | undefined {
    return (
      this.q(`SELECT address FROM contact_identities WHERE contact_id = ? AND kind = ? ORDER BY added_at DESC LIMIT 1`).get(
        contactId,
        kind,
      ) as { address: string } | undefined
    )?.address;
  }

  // ---- tickets
  /**
   * The public reference of the next ticket: year and the ticket's own number (`VIC-2026-00042`), short enough
   * to read out on the phone. Safe because there is one writer and it is called inside the creating transaction.
   */
  nextTicketRef(year: number): string {
    const row = this.q(`SELECT coalesce(max(id), 0) + 1 AS n FROM tickets`).get() as { n: number };
    return `VIC-${year}-${String(row.n).padStart(5, '0')}`;
  }
  /**
   * Inserts a ticket and returns it as stored, built from what was written: reading the joined row back would
   * cost as much as the insert. Only the names it joins are looked up. `scope`: the filter's decision and why,
   * kept apart from the verdict operators may change.
   */
  createTicket(t: {
    ref: string;
    courtId: number;
    contactId: number;
    channel: string;
    account: string | null;
    subject: string | null;
    status: TicketStatus;
    assigneeId: number | null;
    language: string | null;
    scopeVerdict: string | null;
    scopeScore: number | null;
    scopeFlagged: boolean;
    scope?: ScopeExplanationInput | null;
    firstResponseDueAt: number | null;
    caseNumber?: string | null;
    offhoursReplyFor?: number | null;
    now: number;
  }): TicketRow {
    const s = t.scope ?? null;
    const id = Number(
      this.q(
        `INSERT INTO tickets (ref, court_id, contact_id, channel, account, subject, status, assignee_id, language, scope_verdict,
             scope_score, scope_flagged, scope_model_verdict, scope_model_flagged, scope_reasons, scope_contributions, scope_model,
             first_response_due_at, case_number, offhours_reply_for, created_at, updated_at, last_inbound_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        t.ref,
        t.courtId,
        t.contactId,
        t.channel,
        t.account,
        t.subject,
        t.status,
        t.assigneeId,
        t.language,
        t.scopeVerdict,
        t.scopeScore,
        Number(t.scopeFlagged),
        s && s.verdict,
        s && Number(s.flagged),
        s && JSON.stringify(s.reasons),
        s && JSON.stringify(s.contributions),
        s && s.model,
        t.firstResponseDueAt,
        t.caseNumber ?? null,
        t.offhoursReplyFor ?? null,
        t.now,
        t.now,
        t.now,
      ).lastInsertRowid,
    );
    return {
      id,
      ref: t.ref,
      courtId: t.courtId,
      courtCode: this.getCourt(t.courtId)!.code,
      contactId: t.contactId,
      contactName: this.nameOf('contacts', t.contactId),
      channel: t.channel,
      account: t.account,
      subject: t.subject,
      status: t.status,
      assigneeId: t.assigneeId,
      assigneeName: t.assigneeId === null ? null : this.nameOf('users', t.assigneeId),
      specialistId: null,
      specialistName: null,
      caseNumber: t.caseNumber ?? null,
      language: t.language,
      scopeVerdict: t.scopeVerdict,
      scopeScore: t.scopeScore,
      scopeFlagged: t.scopeFlagged,
      createdAt: t.now,
      updatedAt: t.now,
      lastInboundAt: t.now,
      firstResponseAt: null,
      firstResponseDueAt: t.firstResponseDueAt,
      resolvedAt: null,
      offhoursReplyFor: t.offhoursReplyFor ?? null,
      slaBreachedAt: null,
    };
  }
  private nameOf(table: 'contacts' | 'users', id: number): string | null {
    return (this.q(`SELECT name FROM ${table} WHERE id = ?`).get(id) as { name: string | null } | undefined)?.name ?? null;
  }
  getTicket(id: number): TicketRow | undefined {
    return toTicket(this.w(`${TICKET_SELECT} WHERE t.id = ?`).get(id));
  }
  /** The reference carries the ticket's id, so no index on ref is needed. */
  getTicketByRef(ref: string): TicketRow | undefined {
    const m = /^VIC-\d{4}-(\d+)$/i.exec(ref.trim());
    const t = m ? this.getTicket(Number(m[1])) : undefined;
    return t && t.ref === ref.trim().toUpperCase() ? t : undefined;
  }
  updateTicket(
    id: number,
    f: Partial<{
      status: TicketStatus;
      assigneeId: number | null;
      specialistId: number | null;
      courtId: number;
      caseNumber: string | null;
      scopeVerdict: string | null;
      scopeFlagged: boolean;
      firstResponseAt: number;
      firstResponseDueAt: number | null;
      resolvedAt: number | null;
      lastInboundAt: number;
      offhoursReplyFor: number | null;
      language: string;
    }>,
    now: number,
  ) {
    // Built by plain concatenation: composing it with entries/filter/map cost more than running the UPDATE.
    let sql = 'UPDATE tickets SET ';
    const args: unknown[] = [];
    for (const [key, column] of TICKET_UPDATE_COLUMNS) {
      const v = f[key];
      if (v === undefined) continue;
      sql += `${column} = ?, `;
      args.push(typeof v === 'boolean' ? Number(v) : v);
    }
    args.push(now, id);
    this.q(`${sql}updated_at = ? WHERE id = ?`).run(...args);
  }
  /** Chat and calls continue the contact's open ticket (any status but resolved), the newest. */
  openTicketOfContact(contactId: number): TicketRow | undefined {
    // The newest id is found in the index alone; ORDER BY over the joined rows would sort them in a temporary tree.
    return toTicket(
      this.w(`${TICKET_SELECT} WHERE t.id = (SELECT max(id) FROM tickets WHERE contact_id = ? AND status != 'resolved')`).get(contactId),
    );
  }
  resolvedTicketOfContactSince(contactId: number, since: number): TicketRow | undefined {
    return toTicket(
      this.w(
        `${TICKET_SELECT} WHERE t.contact_id = ? AND t.status = 'resolved' AND t.resolved_at >= ? ORDER BY t.resolved_at DESC LIMIT 1`,
      ).get(contactId, since),
    );
  }
  waitingTickets(courtId: number): TicketRow[] {
    return this.w(`${TICKET_SELECT} WHERE t.court_id = ? AND t.status = 'waiting' ORDER BY t.created_at, t.id`)
      .all(courtId)
      .map((r) => toTicket(r)!);
  }
  /** Tickets not resolved yet that are assigned to the user. */
  ticketsAssignedTo(userId: number): TicketRow[] {
    return this.w(`${TICKET_SELECT} WHERE t.assignee_id = ? AND t.status != 'resolved' ORDER BY t.id`)
      .all(userId)
      .map((r) => toTicket(r)!);
  }
  ticketsWithSpecialist(userId: number): TicketRow[] {
    return this.w(`${TICKET_SELECT} WHERE t.specialist_id = ? AND t.status != 'resolved' ORDER BY t.id`)
      .all(userId)
      .map((r) => toTicket(r)!);
  }
  /** Open tickets nobody holds, oldest first; not while a call of theirs rings (whoever answers takes it). */
  unassignedOpenTickets(courtId: number): TicketRow[] {
    return this.w(
      `${TICKET_SELECT} WHERE t.court_id = ? AND t.status = 'open' AND t.assignee_id IS NULL AND t.specialist_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.ticket_id = t.id AND c.outcome = 'ringing') ORDER BY t.created_at, t.id`,
    )
      .all(courtId)
      .map((r) => toTicket(r)!);
  }
  listTickets(viewer: Viewer, f: TicketFilter): { items: TicketRow[]; total: number } {
    const where: string[] = [];
    const args: unknown[] = [];
    // An operator without a court serves every court.
    if (viewer.role === 'operator' && viewer.courtId !== null) {
      where.push('t.court_id = ?');
      args.push(viewer.courtId);
    } else if (viewer.role === 'specialist') {
      where.push('t.specialist_id = ?');
      args.push(viewer.id);
    }
    switch (f.queue ?? 'all') {
      case 'mine':
        where.push(`(t.assignee_id = ? OR t.specialist_id = ?) AND t.status != 'resolved'`);
        args.push(viewer.id, viewer.id);
        break;
      case 'court':
        where.push(`t.status = 'open'`);
        break;
      case 'unassigned':
        where.push(`t.status = 'open' AND t.assignee_id IS NULL`);
        break;
      case 'off-hours':
        where.push(`t.status = 'waiting'`);
        break;
      case 'escalated':
        where.push(`t.specialist_id IS NOT NULL AND t.status != 'resolved'`);
        break;
      case 'out-of-scope':
        where.push(`t.status = 'out_of_scope'`);
        break;
      case 'resolved':
        where.push(`t.status = 'resolved'`);
        break;
    }
    if (f.courtId !== undefined) {
      where.push('t.court_id = ?');
      args.push(f.courtId);
    }
    if (f.channel) {
      where.push('t.channel = ?');
      args.push(f.channel);
    }
    if (f.status) {
      where.push('t.status = ?');
      args.push(f.status);
    }
    if (f.q) {
      const q = f.q.trim();
      const like = `%${q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
      const digits = q.replace(/\D/g, '');
      const alts = [
        `t.ref LIKE ? ESCAPE '\\'`,
        `t.case_number LIKE ? ESCAPE '\\'`,
        `ct.name_search LIKE ? ESCAPE '\\'`,
        `EXISTS (SELECT 1 FROM contact_identities ci WHERE ci.contact_id = t.contact_id AND ci.address LIKE ? ESCAPE '\\')`,
      ];
      args.push(like, like, `%${searchKey(q).replace(/[%_\\]/g, (m) => `\\${m}`)}%`, like.toLowerCase());
      if (digits.length >= 5) {
        alts.push(
          `EXISTS (SELECT 1 FROM contact_identities ci WHERE ci.contact_id = t.contact_id AND ci.kind IN ('phone','whatsapp') AND ci.address LIKE ?)`,
        );
        args.push(`%${digits.slice(-10)}%`);
      }
      if ([...q].length >= 3) {
        this.indexMessagesForSearch();
        alts.push(`t.id IN (SELECT m.ticket_id FROM messages m WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?))`);
        args.push(`"${q.replace(/"/g, '""')}"`);
      }
      where.push(`(${alts.join(' OR ')})`);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (
      this.q(`SELECT count(*) AS n FROM tickets t JOIN contacts ct ON ct.id = t.contact_id ${w}`).get(...args) as { n: number }
    ).n;
    const items = this.w(`${TICKET_SELECT} ${w} ORDER BY t.updated_at DESC, t.id DESC LIMIT ? OFFSET ?`)
      .all(...args, f.limit, f.offset)
      .map((r) => toTicket(r)!);
    return { items, total };
  }
  ticketsOfContact(
    contactId: number,
    exceptTicketId: number,
  ): { id: number; ref: string; status: string; createdAt: number; courtId: number }[] {
    return this.q(
      `SELECT id, ref, status, created_at AS createdAt, court_id AS courtId FROM tickets WHERE contact_id = ? AND id != ? ORDER BY id DESC LIMIT 50`,
    ).all(contactId, exceptTicketId) as never;
  }

  // ---- attachments
  insertAttachment(a: {
    messageId: number;
    filename: string;
    contentType: string;
    size: number;
    sha256: string | null;
    droppedReason: string | null;
  }) {
    this.q(`INSERT INTO attachments (message_id, filename, content_type, size, sha256, dropped_reason) VALUES (?, ?, ?, ?, ?, ?)`).run(
      a.messageId,
      a.filename,
      a.contentType,
      a.size,
      a.sha256,
      a.droppedReason,
    );
  }
  listAttachments(ticketId: number): AttachmentRow[] {
    return this.q(
      `SELECT a.id, a.message_id AS messageId, a.filename, a.content_type AS contentType, a.size, a.sha256, a.dropped_reason AS droppedReason
         FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.ticket_id = ? ORDER BY a.id`,
    ).all(ticketId) as AttachmentRow[];
  }
  getAttachment(id: number): (AttachmentRow & { ticketId: number }) | undefined {
    return this.q(
      `SELECT a.id, a.message_id AS messageId, a.filename, a.content_type AS contentType, a.size, a.sha256, a.dropped_reason AS droppedReason,
           m.ticket_id AS ticketId FROM attachments a JOIN messages m ON m.id = a.message_id WHERE a.id = ?`,
    ).get(id) as never;
  }

  // ---- calls
  upsertCall(c: {
    ticketId: number;
    messageId: number | null;
    callId: string;
    from: string;
    to: string;
    outcome: string;
    operatorId: number | null;
    startedAt: number;
    answeredAt: number | null;
    endedAt: number | null;
    callbackDueAt: number | null;
  }) {
    this.q(
      `INSERT INTO calls (ticket_id, message_id, call_id, from_number, to_number, outcome, operator_id, started_at, answered_at, ended_at, callback_due_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(call_id) DO UPDATE SET outcome = excluded.outcome, operator_id = coalesce(excluded.operator_id, operator_id),
           answered_at = coalesce(excluded.answered_at, answered_at), ended_at = coalesce(excluded.ended_at, ended_at),
           callback_due_at = coalesce(excluded.callback_due_at, callback_due_at)`,
    ).run(c.ticketId, c.messageId, c.callId, c.from, c.to, c.outcome, c.operatorId, c.startedAt, c.answeredAt, c.endedAt, c.callbackDueAt);
  }
  getCall(callId: string): CallRow | undefined {
    return this.q(`${CALL_SELECT} WHERE call_id = ?`).get(callId) as never;
  }
  updateCall(
    callId: string,
    f: { outcome: string; operatorId?: number | null; answeredAt?: number | null; endedAt?: number | null; callbackDueAt?: number | null },
  ) {
    this.q(
      `UPDATE calls SET outcome = ?, operator_id = coalesce(?, operator_id), answered_at = coalesce(?, answered_at),
         ended_at = coalesce(?, ended_at), callback_due_at = coalesce(?, callback_due_at) WHERE call_id = ?`,
    ).run(f.outcome, f.operatorId ?? null, f.answeredAt ?? null, f.endedAt ?? null, f.callbackDueAt ?? null, callId);
  }
  /** The court's operators in hunt order input, with their phone extensions. */
  operatorExtensions(courtId: number): Map<number, { name: string; extension: string }> {
    const rows = this.q(
      `SELECT id, name, sip_extension AS extension FROM users WHERE role = 'operator' AND active = 1 AND sip_extension IS NOT NULL AND (court_id = ? OR court_id IS NULL)`,
    ).all(courtId) as { id: number; name: string; extension: string }[];
    return new Map(rows.map((r) => [r.id, { name: r.name, extension: r.extension }]));
  }
  listCalls(ticketId: number): CallRow[] {
    return this.q(`${CALL_SELECT} WHERE ticket_id = ? ORDER BY id`).all(ticketId) as CallRow[];
  }

  // ---- calendar overrides (a day off or a working weekend day for one court)
  listCalendarOverrides(courtId: number): { date: string; kind: 'off' | 'working'; note: string | null }[] {
    return this.q(`SELECT date, kind, note FROM calendar_overrides WHERE court_id = ? ORDER BY date`).all(courtId) as never;
  }
  setCalendarOverride(courtId: number, date: string, kind: 'off' | 'working', note: string | null, userId: number, now: number) {
    this.q(
      `INSERT INTO calendar_overrides (court_id, date, kind, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(court_id, date) DO UPDATE SET kind = excluded.kind, note = excluded.note, created_by = excluded.created_by, created_at = excluded.created_at`,
    ).run(courtId, date, kind, note, userId, now);
  }
  deleteCalendarOverride(courtId: number, date: string): boolean {
    return this.q(`DELETE FROM calendar_overrides WHERE court_id = ? AND date = ?`).run(courtId, date).changes > 0;
  }

  // ---- case directory and escalations
  /** Insert or update one line of the case directory; says what happened, for the import report. */
  upsertCaseAssignment(
    a: { caseNumber: string; courtId: number; judge: string | null; specialistId: number },
    now: number,
  ): 'new' | 'updated' | 'unchanged' {
    const old = this.q(`SELECT court_id AS courtId, judge, specialist_id AS specialistId FROM case_assignments WHERE case_number = ?`).get(
      a.caseNumber,
    ) as { courtId: number; judge: string | null; specialistId: number } | undefined;
    if (old && old.courtId === a.courtId && old.judge === a.judge && old.specialistId === a.specialistId) return 'unchanged';
    this.q(
      `INSERT INTO case_assignments (case_number, court_id, judge, specialist_id, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(case_number) DO UPDATE SET court_id = excluded.court_id, judge = excluded.judge, specialist_id = excluded.specialist_id, updated_at = excluded.updated_at`,
    ).run(a.caseNumber, a.courtId, a.judge, a.specialistId, now);
    return old ? 'updated' : 'new';
  }
  caseDirectory(caseNumbers: string[]): Map<string, number> {
    const get = this.q(`SELECT specialist_id AS id FROM case_assignments WHERE case_number = ?`);
    const out = new Map<string, number>();
    for (const n of caseNumbers) {
      const r = get.get(n) as { id: number } | undefined;
      if (r) out.set(n, r.id);
    }
    return out;
  }
  specialistLoads(): { userId: number; courtId: number | null; active: boolean; load: number }[] {
    return (
      this.q(
        `SELECT u.id AS userId, u.court_id AS courtId, u.active,
         (SELECT count(*) FROM escalations e WHERE e.to_user_id = u.id AND e.status = 'open') AS load
       FROM users u WHERE u.role = 'specialist'`,
      ).all() as { userId: number; courtId: number | null; active: number; load: number }[]
    ).map((r) => ({ ...r, active: !!r.active }));
  }
  createEscalation(
    e: { ticketId: number; fromUserId: number; toUserId: number; question: string; pickupDueAt: number; answerDueAt: number },
    now: number,
  ): number {
    return Number(
      this.q(
        `INSERT INTO escalations (ticket_id, from_user_id, to_user_id, question, status, created_at, pickup_due_at, answer_due_at)
         VALUES (?, ?, ?, ?, 'open', ?, ?, ?)`,
      ).run(e.ticketId, e.fromUserId, e.toUserId, e.question, now, e.pickupDueAt, e.answerDueAt).lastInsertRowid,
    );
  }
  openEscalation(ticketId: number): EscalationRow | undefined {
    return this.q(`${ESCALATION_SELECT} WHERE e.ticket_id = ? AND e.status = 'open' ORDER BY e.id DESC LIMIT 1`).get(ticketId) as never;
  }
  listEscalations(ticketId: number): EscalationRow[] {
    return this.q(`${ESCALATION_SELECT} WHERE e.ticket_id = ? ORDER BY e.id`).all(ticketId) as never;
  }
  closeEscalation(id: number, status: 'answered' | 'returned' | 'passed', now: number) {
    this.q(`UPDATE escalations SET status = ?, closed_at = ?, answered_at = coalesce(answered_at, ?) WHERE id = ?`).run(
      status,
      now,
      now,
      id,
    );
  }
  markEscalationPickedUp(id: number, now: number) {
    this.q(`UPDATE escalations SET picked_up_at = ? WHERE id = ? AND picked_up_at IS NULL`).run(now, id);
  }
  markEscalationAnswered(id: number, now: number) {
    this.q(`UPDATE escalations SET answered_at = ?, picked_up_at = coalesce(picked_up_at, ?) WHERE id = ? AND answered_at IS NULL`).run(
      now,
      now,
      id,
    );
  }
  /** Open escalations whose pick-up or answer time has passed and that were not alerted yet; marks them alerted. */
  takeEscalationBreaches(now: number): { escalation: EscalationRow; kind: 'pickup' | 'answer' }[] {
    const pickup = this.q(
      `${ESCALATION_SELECT} WHERE e.status = 'open' AND e.picked_up_at IS NULL AND e.pickup_alerted_at IS NULL AND e.pickup_due_at <= ?`,
    ).all(now) as EscalationRow[];
    const answer = this.q(
      `${ESCALATION_SELECT} WHERE e.status = 'open' AND e.answered_at IS NULL AND e.answer_alerted_at IS NULL AND e.answer_due_at <= ?`,
    ).all(now) as EscalationRow[];
    for (const e of pickup) this.q(`UPDATE escalations SET pickup_alerted_at = ? WHERE id = ?`).run(now, e.id);
    for (const e of answer) this.q(`UPDATE escalations SET answer_alerted_at = ? WHERE id = ?`).run(now, e.id);
    return [
      ...pickup.map((escalation) => ({ escalation, kind: 'pickup' as const })),
      ...answer.map((escalation) => ({ escalation, kind: 'answer' as const })),
    ];
  }

  // ---- canned answers
  listCanned(): CannedRow[] {
    return this.q(`SELECT id, title, lang, text FROM canned_answers ORDER BY lang, title`).all() as CannedRow[];
  }
  saveCanned(c: Omit<CannedRow, 'id'> & { id?: number }, now: number): number {
    if (c.id !== undefined) {
      this.q(`UPDATE canned_answers SET title = ?, lang = ?, text = ?, updated_at = ? WHERE id = ?`).run(
        c.title,
        c.lang,
        c.text,
        now,
        c.id,
      );
      return c.id;
    }
    return Number(
      this.q(`INSERT INTO canned_answers (title, lang, text, updated_at) VALUES (?, ?, ?, ?)`).run(c.title, c.lang, c.text, now)
        .lastInsertRowid,
    );
  }
  deleteCanned(id: number): boolean {
    return this.q(`DELETE FROM canned_answers WHERE id = ?`).run(id).changes > 0;
  }
  /** Tickets per queue for the console's counters, in one query. */
  queueCounts(viewer: Viewer): Record<string, number> {
    const queues: Queue[] = ['mine', 'court', 'unassigned', 'off-hours', 'escalated', 'out-of-scope', 'resolved', 'all'];
    return Object.fromEntries(queues.map((queue) => [queue, this.listTickets(viewer, { queue, limit: 0, offset: 0 }).total]));
  }

  // ---- SLA
  /** Unanswered tickets whose first-response deadline has passed and that are not flagged yet. */
  markSlaBreaches(now: number): number[] {
    const ids = (
      this.q(
        `SELECT id FROM tickets WHERE court_id IN (SELECT id FROM courts) AND status IN ('open','waiting') AND first_response_due_at <= ?
         AND first_response_at IS NULL AND sla_breached_at IS NULL`,
      ).all(now) as { id: number }[]
    ).map((r) => r.id);
    const mark = this.q(`UPDATE tickets SET sla_breached_at = ?, updated_at = ? WHERE id = ?`);
    for (const id of ids) mark.run(now, now, id);
    return ids;
  }

  // ---- channel state (watermarks, sessions)
  getChannelState(channel: string, key: string): string | undefined {
    return (this.q(`SELECT value FROM channel_state WHERE channel = ? AND key = ?`).get(channel, key) as { value: string } | undefined)
      ?.value;
  }
  setChannelState(channel: string, key: string, value: string, now: number) {
    this.q(
      `INSERT INTO channel_state (channel, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(channel, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    ).run(channel, key, value, now);
  }

  /** Row counts of every table: tests use it to prove a failed ingest changed nothing. */
  counts(): Record<string, number> {
    const tables = ['contacts', 'contact_identities', 'tickets', 'messages', 'attachments', 'calls', 'outbox', 'audit_log', 'counters'];
    return Object.fromEntries(tables.map((t) => [t, (this.q(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
  }
}
