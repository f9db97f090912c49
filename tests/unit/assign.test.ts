import { describe, expect, it } from 'vitest';
import { huntOrder, pickOperator, type OperatorState } from '../../routing/assign.ts';

const op = (userId: number, over: Partial<OperatorState> = {}): OperatorState => ({
  userId,
  online: true,
  status: 'available',
  openTickets: 0,
  maxConcurrent: 5,
  lastAssignedAt: 1_000,
  ...over,
});

describe('pickOperator', () => {
  it('picks the least loaded operator', () => {
    expect(pickOperator([op(1, { openTickets: 3 }), op(2, { openTickets: 1 }), op(3, { openTickets: 2 })])).toBe(2);
  });

  it('breaks load ties by the longest idle, never-assigned first, then the lowest id', () => {
    expect(pickOperator([op(1, { lastAssignedAt: 5_000 }), op(2, { lastAssignedAt: 2_000 })])).toBe(2);
    expect(pickOperator([op(1, { lastAssignedAt: 1 }), op(2, { lastAssignedAt: null })])).toBe(2);
    expect(pickOperator([op(9), op(4), op(6)])).toBe(4);
  });

  it('skips operators who are offline, away or full', () => {
    const ops = [op(1, { online: false }), op(2, { status: 'away' }), op(3, { openTickets: 5 }), op(4, { openTickets: 4 })];
    expect(pickOperator(ops)).toBe(4);
    expect(pickOperator(ops.slice(0, 3))).toBeNull();
    expect(pickOperator([])).toBeNull();
  });
});

describe('huntOrder', () => {
  it('orders every eligible operator and leaves the input untouched', () => {
    const ops = [
      op(5, { openTickets: 1, lastAssignedAt: 100 }),
      op(2, { openTickets: 0, lastAssignedAt: 300 }),
      op(7, { openTickets: 0, lastAssignedAt: null }),
      op(3, { openTickets: 1, lastAssignedAt: 100 }),
      op(4, { status: 'away' }),
    ];
    expect(huntOrder(ops)).toEqual([7, 2, 3, 5]);
    expect(ops.map((o) => o.userId)).toEqual([5, 2, 7, 3, 4]);
  });
});
