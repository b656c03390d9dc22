/**
 * The HTTP server every process runs on PORT: /health (each started role's health, plus the
 * database and Redis) and /metrics (Prometheus). The web role mounts the admin console, the
 * portal and the payment webhooks on the same Koa app. Every request first gets its client
 * address, protocol and host (client-address.ts, TRUSTED_PROXIES) and the security headers
 * (security-headers.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import type { Container } from '../container.js';
import { AppError } from '../errors.js';
import type { RoleHealth, RunningRole } from '../role.js';
import { clientAddress, parseTrustedProxies } from './client-address.js';
import { securityHeaders } from './security-headers.js';
import { createRepeatedErrorLog, routeKind, stackOf } from '../rate-limited-log.js';

export interface HttpServer {
  app: Koa;
  router: Router;
  /** Listens on host:port (mount every route first); resolves with the bound port. */
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

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

const LOOPBACK = /^(127\.|::1$)/;
/** Headers a reverse proxy adds: any of them means the request came through one. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'x-real-ip', 'forwarded'];
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Who sees metrics and health details: a caller with `Authorization: Bearer <METRICS_TOKEN>`, or
 * a direct request from this host (the client address, ctx.ip after TRUSTED_PROXIES, is loopback
 * and no proxy forwarded it). Behind a proxy on the same host every TCP peer is 127.0.0.1, so a
 * forwarded request needs the token, whatever address it names.
 */
function trusted(ctx: Koa.Context, token: string | undefined): boolean {
  const given = /^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1];
  if (token && given && timingSafeEqual(digest(given), digest(token))) return true;
  return LOOPBACK.test(ctx.ip) && !FORWARDING_HEADERS.some((h) => ctx.get(h));
}

/**
 * @param extraMetrics more Prometheus text for /metrics (the radius workers' aggregated metrics
 *   when RADIUS_PROCESSES > 1)
 */
export function createHttpServer(c: Container, roles: () => RunningRole[], extraMetrics?: () => Promise<string>): HttpServer {
  const app = new Koa({ proxy: false });
  const errors = createRepeatedErrorLog(c.log);
  const router = new Router();
  app.use(clientAddress(parseTrustedProxies(c.config.TRUSTED_PROXIES)));
  app.use(securityHeaders());

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const e = err instanceof AppError ? err : null;
      ctx.status = e?.status ?? 500;
      ctx.body = { error: e?.expose ? e.message : 'internal error', code: e?.code ?? 'internal_error' };
      if (ctx.status >= 500) errors.error(routeKind(ctx), err, { path: ctx.path, stack: stackOf(err) }, 'request failed');
    }
  });

  /**
   * 200 `{ status: 'ok' }` or 503 `{ status: 'unavailable' }` within about
   * HEALTH_CHECK_TIMEOUT_MS (every check runs at once); trusted callers also get each
   * dependency and role as `{ ok, error? }`, the error naming what is down.
   */
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
    ctx.body = trusted(ctx, c.config.METRICS_TOKEN) ? { status, ...deps, roles: byRole } : { status };
  });

  router.get('/metrics', async (ctx) => {
    if (!trusted(ctx, c.config.METRICS_TOKEN)) throw new AppError('forbidden', 'metrics need METRICS_TOKEN from this address', 403);
    ctx.type = c.metrics.contentType;
    const own = await c.metrics.metrics();
    ctx.body = extraMetrics ? `${await extraMetrics()}\n${own}` : own;
  });

  app.use(router.routes()).use(router.allowedMethods());
  // Created in listen(): app.callback() fixes the middleware list, and roles mount theirs first.
  let server: http.Server | null = null;

  return {
    app,
    router,
    listen(host, port) {
      const s = (server = http.createServer(app.callback()));
      return new Promise((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => {
          s.off('error', reject);
          const addr = s.address();
          resolve(typeof addr === 'object' && addr ? addr.port : port);
        });
      });
    },
    close() {
      const s = server;
      if (!s) return Promise.resolve();
      return new Promise((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}
