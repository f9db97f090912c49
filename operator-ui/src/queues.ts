// Which queues each role works with (the server decides what is in them; this only picks the tabs).
import type { Role } from './api.ts';

export type Queue = 'mine' | 'court' | 'unassigned' | 'off-hours' | 'escalated' | 'out-of-scope' | 'resolved' | 'all';

const byRole: Record<Role, Queue[]> = {
  operator: ['mine', 'court', 'unassigned', 'off-hours', 'escalated', 'out-of-scope', 'resolved'],
  // A specialist sees only the tickets escalated to them.
  specialist: ['mine', 'resolved'],
  // Admins are never assignees, so "mine" would always be empty.
  admin: ['all', 'court', 'unassigned', 'off-hours', 'escalated', 'out-of-scope', 'resolved'],
};

export const queuesFor = (role: Role): Queue[] => byRole[role];
export const defaultQueue = (role: Role): Queue => (role === 'operator' ? 'court' : byRole[role][0]);
export const isQueue = (role: Role, q: string | null): q is Queue => q !== null && (byRole[role] as string[]).includes(q);

export const CHANNELS = ['whatsapp', 'email', 'sip', 'web'] as const;
export const STATUSES = ['open', 'waiting', 'out_of_scope', 'resolved'] as const;
