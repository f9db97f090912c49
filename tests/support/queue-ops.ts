// Random ticket changes as the services make them (create, claim, assign, escalate, resolve, reopen, park off-hours,
// out of scope, move to another court, a message, retention's anonymisation, a delete), and the queues recomputed
// by brute force over every ticket: what the queue tests compare the store with.
import { seededRandom } from '../../src/random.ts';
import type { Store, TicketStatus, Viewer } from '../../src/store/index.ts';

export const CHANNELS = ['whatsapp', 'email', 'sip', 'web'];
export const STATUSES: TicketStatus[] = ['open', 'waiting', 'out_of_scope', 'resolved'];

export interface World {
  courts: number[];
  /** Two per court, then one serving every court. */
  operators: number[];
  specialists: number[];
  contacts: number[];
  admin: number;
}

/** Seeded, so a failure can be replayed. */
export function random(seed: number) {
  const next = seededRandom(seed);
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}
export type Random = ReturnType<typeof random>;

export function makeWorld(store: Store, now: number): World {
  const courts = [1, 2, 3].map((i) => store.createCourt({ code: `q-court-${i}`, nameRu: `Суд ${i}`, nameKk: `Сот ${i}` }, now));
  const user = (login: string, role: 'admin' | 'operator' | 'specialist', courtId: number | null) =>
    store.createUser({ login, name: login, role, passwordHash: 'x', courtId }, now);
  const operators = [
    ...courts.flatMap((c) => [user(`op-${c}-a`, 'operator', c), user(`op-${c}-b`, 'operator', c)]),
    user('op-any', 'operator', null),
  ];
  const specialists = [user('sp-1', 'specialist', courts[0]), user('sp-2', 'specialist', courts[1])];
  const contacts = [1, 2, 3, 4].map((i) => store.createContact(`Гражданин ${i}`, null, now));
  return { courts, operators, specialists, contacts, admin: user('q-admin', 'admin', null) };
}

/** Everyone whose view differs: the admin, each operator (the one serving every court too), each specialist. */
export const viewers = (store: Store, w: World): Viewer[] =>
  [w.admin, ...w.operators, ...w.specialists].map((id) => {
    const u = store.getUser(id)!;
    return { id, role: u.role, courtId: u.courtId };
  });

const ticketIds = (store: Store) => (store.db.prepare(`SELECT id FROM tickets`).pluck().all() as number[]).sort((a, b) => a - b);

export function createRandomTicket(store: Store, w: World, r: Random, now: number): number {
  return store.createTicket({
    ref: `Q-${now}-${r.int(1e9)}`,
    courtId: r.pick(w.courts),
    contactId: r.pick(w.contacts),
    channel: r.pick(CHANNELS),
    account: null,
    subject: null,
    status: r.pick(['open', 'open', 'waiting', 'out_of_scope'] as const),
    assigneeId: r.next() < 0.4 ? r.pick(w.operators) : null,
    language: null,
    scopeVerdict: null,
    scopeScore: null,
    scopeFlagged: false,
    firstResponseDueAt: null,
    now,
  }).id;
}

/** One random change; returns the ticket it touched. */
export function randomOp(store: Store, w: World, r: Random, now: number): number {
  const ids = ticketIds(store);
  const kind = ids.length < 5 ? 0 : r.int(12);
  if (kind === 0 || kind === 1) return createRandomTicket(store, w, r, now);
  const id = r.pick(ids);
  const t = store.getTicket(id)!;
  switch (kind) {
    case 2: // claim, or an admin's assignment (also taking it away)
      store.updateTicket(id, { assigneeId: r.next() < 0.8 ? r.pick(w.operators) : null }, now);
      break;
    case 3: // escalation to a specialist (or, the store allowing it, to an operator), or its answer (the ticket comes back)
      store.updateTicket(id, { specialistId: t.specialistId === null ? r.pick([...w.specialists, w.operators[0]]) : null }, now);
      break;
    case 4: // the specialist also takes it: assignee and specialist the same user
      if (t.specialistId !== null) store.updateTicket(id, { assigneeId: t.specialistId }, now);
      break;
    case 5:
      store.updateTicket(id, { status: 'resolved', resolvedAt: now }, now);
      break;
    case 6:
      store.updateTicket(id, { status: 'open', resolvedAt: null }, now);
      break;
    case 7:
      store.updateTicket(id, { status: r.pick(['waiting', 'out_of_scope'] as const), assigneeId: null }, now);
      break;
    case 8: // moved to another court: nobody holds it there yet
      store.updateTicket(id, { courtId: r.pick(w.courts), assigneeId: null }, now);
      break;
    case 9: // a message: only the time changes
      store.updateTicket(id, { lastInboundAt: now }, now);
      break;
    case 10: // retention: the content goes, the row stays
      store.anonymiseTickets([id], '[removed]', now);
      break;
    case 11:
      store.db.prepare(`DELETE FROM tickets WHERE id = ?`).run(id);
      break;
  }
  return id;
}

export interface Brief {
  id: number;
  courtId: number;
  channel: string;
  status: TicketStatus;
  assigneeId: number | null;
  specialistId: number | null;
  updatedAt: number;
}

export const allTickets = (store: Store): Brief[] =>
  store.db
    .prepare(
      `SELECT id, court_id AS courtId, channel, status, assignee_id AS assigneeId, specialist_id AS specialistId, updated_at AS updatedAt FROM tickets`,
    )
    .all() as Brief[];

export interface Filter {
  queue?: string;
  courtId?: number;
  channel?: string;
  status?: TicketStatus;
}

/** The queue by its definition, ticket by ticket, newest change first. */
export function bruteForce(tickets: Brief[], v: Viewer, f: Filter): number[] {
  const inQueue = (t: Brief) => {
    const live = t.status !== 'resolved';
    switch (f.queue ?? 'all') {
      case 'mine':
        return live && (t.assigneeId === v.id || t.specialistId === v.id);
      case 'court':
        return t.status === 'open';
      case 'unassigned':
        return t.status === 'open' && t.assigneeId === null;
      case 'off-hours':
        return t.status === 'waiting';
      case 'escalated':
        return live && t.specialistId !== null;
      case 'out-of-scope':
        return t.status === 'out_of_scope';
      case 'resolved':
        return t.status === 'resolved';
      default:
        return true;
    }
  };
  const visible = (t: Brief) =>
    v.role === 'specialist' ? t.specialistId === v.id : v.role === 'operator' && v.courtId !== null ? t.courtId === v.courtId : true;
  return tickets
    .filter(
      (t) =>
        visible(t) &&
        inQueue(t) &&
        (f.courtId === undefined || t.courtId === f.courtId) &&
        (f.channel === undefined || t.channel === f.channel) &&
        (f.status === undefined || t.status === f.status),
    )
    .sort((a, b) => b.updatedAt - a.updatedAt || b.id - a.id)
    .map((t) => t.id);
}
