/**
 * The HTTP server every process runs on PORT: /health (health.ts: each started role's health,
 * plus the database and Redis) and /metrics (metrics.ts, Prometheus). The web role (web-role.ts)
 * mounts the admin console, the portal, the payment webhooks and the pay links on the same Koa
 * app. Every request first gets its client address, protocol and host
 * (lib/http/client-address.ts, TRUSTED_PROXIES) and the security headers
 * (lib/http/security-headers.ts); an error no route handled is answered as JSON
 * (`{ error, code }`, the message only when the AppError exposes it) and a 5xx is logged.
 */
import http from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import type { Container } from '../lib/container.js';
import { AppError } from '../lib/errors.js';
import type { RunningRole } from '../lib/role.js';
import { clientAddress } from '../lib/http/client-address.js';
import { parseTrustedProxies } from '../lib/trusted-proxies.js';
import { securityHeaders } from '../lib/http/security-headers.js';
import { createRepeatedErrorLog, routeKind, stackOf } from '../lib/rate-limited-log.js';
import { addHealthRoute } from './health.js';
import { addMetricsRoute } from './metrics.js';

export interface HttpServer {
  app: Koa;
  router: Router;
  /** Listens on host:port (mount every route first); resolves with the bound port. */
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
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

  addHealthRoute(router, c, roles);
  addMetricsRoute(router, c, extraMetrics);

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
