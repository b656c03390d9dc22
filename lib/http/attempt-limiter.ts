/**
 * A fixed-window attempt limiter in Redis: at most `limit` attempts per key in a window of
 * `windowSeconds` that starts with the key's first attempt (INCR, then EXPIRE … NX, in one
 * MULTI so the key can never be left without an expiry). Used for the brakes on sign-in and
 * one-time codes (OWASP Authentication Cheat Sheet, "Protect against automated attacks"):
 * per account and per client address, so one address cannot walk through many accounts and
 * many addresses cannot hammer one account.
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
  /** False once `limit` attempts were counted in the current window. */
  allowed: boolean;
  /** Attempts counted in the current window. */
  count: number;
  /** Seconds until the window ends (0 when nothing was counted). */
  retryAfterSeconds: number;
}

export interface AttemptLimiter {
  /** Where `subject` stands, counting nothing: refuse before doing work when `allowed` is false. */
  peek(subject: string): Promise<LimitState>;
  /**
   * Counts one attempt and says whether it was within the limit (the `limit`-th attempt still
   * is; the one after it is not). For requests that are attempts in themselves (sending a code).
   */
  hit(subject: string): Promise<LimitState>;
  /** Forgets the subject's attempts (a successful sign-in clears its account's failures). */
  reset(subject: string): Promise<void>;
}

export function createAttemptLimiter(opts: AttemptLimiterOptions): AttemptLimiter {
  const key = (subject: string): string => `${opts.prefix}:limit:${opts.name}:${subject}`;
  const state = (count: number, ttl: number): LimitState => ({
    allowed: count <= opts.limit,
    count,
    retryAfterSeconds: count > 0 ? (ttl > 0 ? ttl : opts.windowSeconds) : 0,
  });
  return {
    async peek(subject) {
      const k = key(subject);
      const [[, raw], [, ttl]] = (await opts.redis.multi().get(k).ttl(k).exec()) as [[unknown, string | null], [unknown, number]];
      const count = Number(raw ?? 0);
      // peek asks "may one more go?": at the limit, the next one may not.
      return { ...state(count, ttl), allowed: count < opts.limit };
    },
    async hit(subject) {
      const k = key(subject);
      const [[, count], , [, ttl]] = (await opts.redis.multi().incr(k).expire(k, opts.windowSeconds, 'NX').ttl(k).exec()) as [[unknown, number], unknown, [unknown, number]];
      return state(Number(count), ttl);
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
