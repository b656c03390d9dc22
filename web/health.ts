/**
 * GET /health: the database, Redis and each started role (lib/role.ts `RunningRole.health`),
 * checked at once, each time-boxed. For load balancers, systemd and Docker health checks.
 */
import type Router from '@koa/router';
import type { Container } from '../lib/container.js';
import type { RoleHealth, RunningRole } from '../lib/role.js';
import { isTrustedCaller } from './trusted-caller.js';

/** How long /health waits for one dependency or role before calling it down, ms. */
export const HEALTH_CHECK_TIMEOUT_MS = 1000;

/**
 * Runs one health check, time-boxed: its RoleHealth (or `{ ok: true }` for any other answer), or
 * `{ ok: false, error }` naming `name` when it fails or gives no answer within
 * HEALTH_CHECK_TIMEOUT_MS (a Redis command waits while the connection is down: ioredis holds it
 * until it reconnects).
 */
async function check(name: string, fn: () => Promise<unknown>): Promise<RoleHealth> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_CHECK_TIMEOUT_MS} ms`)), HEALTH_CHECK_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([fn(), late]);
    return result && typeof result === 'object' && 'ok' in result ? (result as RoleHealth) : { ok: true };
  } catch (err) {
    return { ok: false, error: `${name}: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Adds GET /health to `router`: 200 `{ status: 'ok' }` or 503 `{ status: 'unavailable' }` within
 * about HEALTH_CHECK_TIMEOUT_MS (every check runs at once); trusted callers (trusted-caller.ts)
 * also get each dependency and role as `{ ok, error? }`, the error naming what is down.
 */
export function addHealthRoute(router: Router, c: Pick<Container, 'db' | 'redis' | 'config'>, roles: () => RunningRole[]): void {
  router.get('/health', async (ctx) => {
    const [database, redis, started] = await Promise.all([
      check('database', async () => void (await c.db.raw('SELECT 1'))),
      check('redis', async () => {
        // Not connected: say so at once instead of queueing a PING until it reconnects.
        if (c.redis.status !== 'ready') throw new Error(`connection ${c.redis.status}`);
        return c.redis.ping();
      }),
      Promise.all(roles().map(async (r) => [r.name, await check(r.name, () => r.health())] as const)),
    ]);
    const deps = { database, redis };
    const byRole = Object.fromEntries(started);
    const ok = Object.values(deps).every((d) => d.ok) && Object.values(byRole).every((r) => r.ok);
    ctx.status = ok ? 200 : 503;
    const status = ok ? 'ok' : 'unavailable';
    ctx.body = isTrustedCaller(ctx, c.config.METRICS_TOKEN) ? { status, ...deps, roles: byRole } : { status };
  });
}
