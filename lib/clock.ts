/**
 * Time source for domain code: `clock.now()`, never `new Date()`, so tests can fix the time.
 */
export interface Clock {
  /** Current instant. */
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still at `at` until moved with `set` or `advance(ms)`: billing scenarios run a month in a second. */
export function settableClock(at: Date | string): Clock & { set(at: Date | string): void; advance(ms: number): void } {
  let t = new Date(at).getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = new Date(d).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
