// Time is injected everywhere so tests drive the calendar without waiting real time.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private t: number) {}
  now() {
    return this.t;
  }
  set(t: number | Date | string) {
    this.t = typeof t === 'number' ? t : new Date(t).getTime();
  }
  advance(ms: number) {
    this.t += ms;
  }
}
