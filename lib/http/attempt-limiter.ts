/**
 * A fixed-window attempt limiter in Redis: at most `limit` attempts per key in a window of
 * `windowSeconds` that starts with the key's first attempt (INCR, then EXPIRE … NX, in one
 * MULTI so the key can never be left without an expiry). Used for the brakes on sign-in and
 * one-time codes (OWASP Authentication Cheat Sheet, "Protect against automated attacks"):
 * per account and per client address, so one address cannot walk through many accounts and
 * many addresses cannot hammer one account.
 *
 * Count first, then decide: every attempt is counted (`hit`) before any work is done, and only
 * one whose count is within the limit may be evaluated. A check that only reads the count
 * ("peek, then count the failures") lets a burst of parallel requests all pass the check before
 * any of them is counted. An attempt that turns out not to count against the subject (a
 * successful sign-in, for the per-address brake) is given back with `release`.
 *
 * A fixed window lets up to 2 × limit attempts through around a window boundary; for brakes of
 * a few attempts per quarter of an hour that is acceptable and costs one key per subject.
 */
import type { Redis } from '../redis.js';

export interface AttemptLimiterOptions {
  redis: Redis;
  /** Redis key prefix (QUEUE_PREFIX): tests and installations sharing a Redis stay apart. */
  prefix: string;
  /** What is limited, part of the key: `portal-password-ip`, `portal-code-send-customer`. */
  name: string;
  /** Attempts allowed per window. */
  limit: number;
  windowSeconds: number;
}

export interface LimitState {
  /** False once more than `limit` attempts were counted in the current window. */
  allowed: boolean;
  /** Attempts counted in the current window, this one included. */
  count: number;
  /** Seconds until the window ends. */
  retryAfterSeconds: number;
}

export interface AttemptLimiter {
  /**
   * Counts one attempt, atomically, and says whether it is within the limit (the `limit`-th
   * attempt still is; the one after it is not). Call it before doing the work the attempt asks
   * for, and do none when `allowed` is false.
   */
  hit(subject: string): Promise<LimitState>;
  /** Gives back one attempt counted by `hit` (never below zero; the window is kept). */
  release(subject: string): Promise<void>;
  /** Forgets the subject's attempts (a successful sign-in clears its account's failures). */
  reset(subject: string): Promise<void>;
}

// DECR only a key that exists and is above zero: a DECR of a missing key would create one without expiry.
const RELEASE = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

export function createAttemptLimiter(opts: AttemptLimiterOptions): AttemptLimiter {
  const key = (subject: string): string => `${opts.prefix}:limit:${opts.name}:${subject}`;
  return {
    async hit(subject) {
      const k = key(subject);
      const [[, count], , [, ttl]] = (await opts.redis.multi().incr(k).expire(k, opts.windowSeconds, 'NX').ttl(k).exec()) as [[unknown, number], unknown, [unknown, number]];
      return { allowed: Number(count) <= opts.limit, count: Number(count), retryAfterSeconds: ttl > 0 ? ttl : opts.windowSeconds };
    },
    async release(subject) {
      await opts.redis.eval(RELEASE, 1, key(subject));
    },
    async reset(subject) {
      await opts.redis.del(key(subject));
    },
  };
}

/** Minutes to tell a person to wait, rounded up (at least 1). */
export function minutesToWait(state: Pick<LimitState, 'retryAfterSeconds'>): number {
  return Math.max(1, Math.ceil(state.retryAfterSeconds / 60));
}
