/**
 * Time source for domain code: `clock.now()`, never `new Date()`, so tests can fix the time.
 */
export interface Clock {
  /** Current instant. */
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
