/**
 * The HTTP server every process runs on PORT: /health (each started role's health, plus the
 * database and Redis) and /metrics (Prometheus). The web role mounts the admin console, the
 * portal and the payment webhooks on the same Koa app.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import type { Container } from '../container.js';
import { AppError } from '../errors.js';
import type { RoleHealth, RunningRole } from '../role.js';
import { clientAddress, parseTrustedProxies } from './client-address.js';

export interface HttpServer {
  app: Koa;
  router: Router;
  /** Listens on host:port (mount every route first); resolves with the bound port. */
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

async function check(name: string, fn: () => Promise<unknown>): Promise<RoleHealth> {
  try {
    await fn();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: `${name}: ${(err as Error).message}` };
  }
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Loopback callers, or callers with `Authorization: Bearer <METRICS_TOKEN>`, see metrics and health details. */
function trusted(ctx: Koa.Context, token: string | undefined): boolean {
  if (LOOPBACK.test(ctx.socket.remoteAddress ?? '')) return true;
  const given = /^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1];
  return Boolean(token && given && timingSafeEqual(digest(given), digest(token)));
}

/**
 * @param extraMetrics more Prometheus text for /metrics (the radius workers' aggregated metrics
 *   when RADIUS_PROCESSES > 1)
 */
export function createHttpServer(c: Container, roles: () => RunningRole[], extraMetrics?: () => Promise<string>): HttpServer {
  const app = new Koa({ proxy: false });
  const router = new Router();
  app.use(clientAddress(parseTrustedProxies(c.config.TRUSTED_PROXIES)));

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const e = err instanceof AppError ? err : null;
      ctx.status = e?.status ?? 500;
      ctx.body = { error: e?.expose ? e.message : 'internal error', code: e?.code ?? 'internal_error' };
      if (ctx.status >= 500) c.log.error({ err, path: ctx.path }, 'request failed');
    }
  });

  router.get('/health', async (ctx) => {
    const deps = {
      database: await check('database', () => c.db.raw('SELECT 1')),
      redis: await check('redis', () => c.redis.ping()),
    };
    const started = Object.fromEntries(await Promise.all(roles().map(async (r) => [r.name, await r.health()] as const)));
    const ok = Object.values(deps).every((d) => d.ok) && Object.values(started).every((r) => r.ok);
    ctx.status = ok ? 200 : 503;
    const status = ok ? 'ok' : 'unavailable';
    ctx.body = trusted(ctx, c.config.METRICS_TOKEN) ? { status, ...deps, roles: started } : { status };
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
