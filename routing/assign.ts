// Operator assignment: least loaded first, then longest idle, then lowest id so the choice is reproducible.
export interface OperatorState {
  userId: number;
  online: boolean;
  status: 'available' | 'away';
  openTickets: number;
  maxConcurrent: number;
  lastAssignedAt: number | null; // epoch ms; null = never
}

function eligible(o: OperatorState): boolean {
  return o.online && o.status === 'available' && o.openTickets < o.maxConcurrent;
}

function byPriority(a: OperatorState, b: OperatorState): number {
  if (a.openTickets !== b.openTickets) return a.openTickets - b.openTickets;
  const idleA = a.lastAssignedAt ?? -Infinity;
  const idleB = b.lastAssignedAt ?? -Infinity;
  if (idleA !== idleB) return idleA < idleB ? -1 : 1;
  return a.userId - b.userId;
}

/** Every eligible operator's id, best first (the order phones are rung in). */
export function huntOrder(candidates: OperatorState[]): number[] {
  return candidates
    .filter(eligible)
    .sort(byPriority)
    .map((o) => o.userId);
}

/** The operator a new ticket goes to, or null when nobody can take it. */
export function pickOperator(candidates: OperatorState[]): number | null {
  return huntOrder(candidates)[0] ?? null;
}
