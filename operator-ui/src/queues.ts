// Which queues each role works with, and which tickets each queue holds. The server decides what a list holds
// (src/store: listTickets); `queueMatcher` mirrors it so that the console can place a changed ticket in or out
// of the list it shows without asking again. tests/unit/queues.test.ts keeps the two in step.
import type { Role, TicketRow, TicketStatus } from './api.ts';

export type Queue = 'mine' | 'court' | 'unassigned' | 'off-hours' | 'escalated' | 'out-of-scope' | 'resolved' | 'all';

const byRole: Record<Role, Queue[]> = {
  operator: ['mine', 'court', 'unassigned', 'off-hours', 'escalated', 'out-of-scope', 'resolved'],
  // A specialist sees only the tickets escalated to them.
  specialist: ['mine', 'resolved'],
  // Admins are never assignees, so "mine" would always be empty.
  admin: ['all', 'court', 'unassigned', 'off-hours', 'escalated', 'out-of-scope', 'resolved'],
  // A supervisor reads reports and handles no tickets.
  supervisor: [],
};

export const queuesFor = (role: Role): Queue[] => byRole[role];
export const defaultQueue = (role: Role): Queue => (role === 'operator' ? 'court' : byRole[role][0]);
export const isQueue = (role: Role, q: string | null): q is Queue => q !== null && (byRole[role] as string[]).includes(q);

export const CHANNELS = ['whatsapp', 'email', 'sip', 'web'] as const;
export const STATUSES = ['open', 'waiting', 'out_of_scope', 'resolved'] as const;

/** A court's counters (the `counts` event, GET /api/tickets/counts' byCourt): "mine" is per person. */
export type CourtCounters = Record<Exclude<Queue, 'mine'>, number>;

/** The fields that place a ticket in a queue: what a ticket.updated event tells of the ticket before the change. */
export type QueueFields = Pick<TicketRow, 'courtId' | 'status' | 'assigneeId' | 'specialistId'>;

export interface Viewer {
  id: number;
  role: Role;
  courtId: number | null;
}

/** A list's filters, as the URL and GET /api/tickets have them (the search text aside). */
export interface ListFilter {
  queue: Queue;
  courtId: number | null;
  channel: string | null;
  status: TicketStatus | null;
}

const inQueue: Record<Queue, (t: QueueFields, me: number) => boolean> = {
  mine: (t, me) => (t.assigneeId === me || t.specialistId === me) && t.status !== 'resolved',
  court: (t) => t.status === 'open',
  unassigned: (t) => t.status === 'open' && t.assigneeId === null,
  'off-hours': (t) => t.status === 'waiting',
  escalated: (t) => t.specialistId !== null && t.status !== 'resolved',
  'out-of-scope': (t) => t.status === 'out_of_scope',
  resolved: (t) => t.status === 'resolved',
  all: () => true,
};

/** Whether the viewer's list with these filters holds the ticket. */
export function queueMatcher(viewer: Viewer, f: ListFilter): (t: QueueFields & { channel: string }) => boolean {
  return (t) =>
    // An operator without a court serves every court; a specialist sees only what was escalated to them.
    (viewer.role !== 'operator' || viewer.courtId === null || t.courtId === viewer.courtId) &&
    (viewer.role !== 'specialist' || t.specialistId === viewer.id) &&
    inQueue[f.queue](t, viewer.id) &&
    (f.courtId === null || t.courtId === f.courtId) &&
    (f.channel === null || t.channel === f.channel) &&
    (f.status === null || t.status === f.status);
}
