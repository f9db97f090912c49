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

/**
 * Ring-no-answer runs: an operator whose phone rang out `limit` times in a row (answering resets the run) is
 * to be set away, so later calls stop ringing a phone nobody picks up.
 */
export class RonaCounter {
  private readonly runs = new Map<number, number>();
  constructor(private readonly limit: number) {}

  /** Counts one ring; true when this one completes a run of `limit` unanswered rings (the run starts again). */
  ring(userId: number, answered: boolean): boolean {
    if (answered) {
      this.runs.delete(userId);
      return false;
    }
    const run = (this.runs.get(userId) ?? 0) + 1;
    if (run < this.limit) {
      this.runs.set(userId, run);
      return false;
    }
    this.runs.delete(userId);
    return true;
  }
}
