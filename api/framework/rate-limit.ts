/**
 * Per-token rate limit (ARCHITECTURE.md "REST API"): at most API_RATE_LIMIT_PER_MINUTE requests
 * per token per fixed one-minute window, counted in Redis (INCR on `<prefix>:api-rate:<token>:
 * <window start>`, expiring with the window). Redis, not process memory, because the web role may
 * run as several processes (docker-compose, a load balancer): an in-process counter would let a
 * token make N times the limit across N processes. Above the limit: 429 with `Retry-After` in
 * seconds until the window ends (RFC 6585 §4, RFC 9110 §10.2.3). Every answer carries
 * `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds) as in
 * draft-ietf-httpapi-ratelimit-headers, so clients can slow down before they are refused.
 */
import type Koa from 'koa';
import type { Clock } from '../../lib/clock.js';
import type { Redis } from '../../lib/redis.js';
import { httpProblem } from './problem.js';

const WINDOW_MS = 60_000;

/**
 * Counts one request of `tokenId`.
 * @throws ProblemError 429 with Retry-After when the token is over its limit.
 */
export async function countRequest(deps: { redis: Redis; clock: Clock; prefix: string; limit: number }, ctx: Koa.Context, tokenId: number): Promise<void> {
  const now = deps.clock.now().getTime();
  const start = now - (now % WINDOW_MS);
  const key = `${deps.prefix}:api-rate:${tokenId}:${start}`;
  const reset = Math.max(1, Math.ceil((start + WINDOW_MS - now) / 1000));
  const result = await deps.redis.multi().incr(key).pexpire(key, WINDOW_MS * 2).exec();
  const count = Number(result?.[0]?.[1] ?? 0);
  ctx.set('RateLimit-Limit', String(deps.limit));
  ctx.set('RateLimit-Remaining', String(Math.max(0, deps.limit - count)));
  ctx.set('RateLimit-Reset', String(reset));
  if (count > deps.limit) throw httpProblem(429, `at most ${deps.limit} requests a minute per token`, { 'Retry-After': String(reset) });
}
