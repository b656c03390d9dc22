/**
 * The REST API under /api/v1 on the web role's Koa app (mounted by web/web-role.ts; ARCHITECTURE.md
 * "REST API"). For every request under /api/v1, in order:
 * 1. any failure becomes an RFC 9457 problem (api/framework/problem.ts); a 5xx is logged (never the token);
 * 2. the public description: openapi.json and the docs page (api/framework/docs-routes.ts), no token;
 * 3. the JSON body (100 kB at most; 413 above, 400 when it is not JSON);
 * 4. the bearer token (api/framework/authenticate.ts, 401) and the per-token rate limit (api/framework/rate-limit.ts, 429);
 * 5. the route (api/framework/router.ts: permission 403, validation 422, Idempotency-Key, handler); an
 *    unknown path answers 404 and a known path with another method 405, both as problems.
 * No CSRF token: the API takes no cookie, so a browser cannot be made to send the bearer token.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type Koa from 'koa';
import type { Views } from '../lib/http/views.js';
import { createRepeatedErrorLog, routeKind, stackOf } from '../lib/rate-limited-log.js';
import { authenticate } from './framework/authenticate.js';
import type { ApiDeps } from './framework/deps.js';
import { addDocsRoutes } from './framework/docs-routes.js';
import { buildOpenApiDocument } from './framework/openapi.js';
import { httpProblem, problemOf, sendProblem } from './framework/problem.js';
import { countRequest } from './framework/rate-limit.js';
import { API_ROUTES } from './resources/index.js';
import { createApiRouter, type ApiState } from './framework/router.js';

export const API_PREFIX = '/api/v1';

export function mountApi(app: Koa, deps: ApiDeps, views: Views): void {
  const failures = createRepeatedErrorLog(deps.log);
  let document: Record<string, unknown> | null = null;
  const docs = new Router();
  addDocsRoutes(docs, { document: () => (document ??= buildOpenApiDocument(API_ROUTES)), views });
  const publicRoutes = docs.routes();
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: '100kb', encoding: 'utf-8' });
  const router = createApiRouter(API_ROUTES, deps);
  const routes = router.routes();
  const methods = router.allowedMethods({ throw: true, methodNotAllowed: () => httpProblem(405), notImplemented: () => httpProblem(405) });

  app.use(async (ctx, next) => {
    if (ctx.path !== API_PREFIX && !ctx.path.startsWith(`${API_PREFIX}/`)) return next();
    try {
      await publicRoutes(ctx as never, async () => {
        try {
          await parse(ctx, async () => {});
        } catch (err) {
          const status = (err as { status?: number }).status === 413 ? 413 : 400;
          throw httpProblem(status, status === 413 ? 'the body is larger than 100 kB' : 'the body is not valid JSON');
        }
        const c = ctx as unknown as Koa.ParameterizedContext<ApiState>;
        c.state.caller = await authenticate(deps, ctx);
        await countRequest({ redis: deps.redis, clock: deps.clock, prefix: deps.prefix, limit: deps.config.API_RATE_LIMIT_PER_MINUTE }, ctx, c.state.caller.tokenId);
        await routes(c as never, async () => {});
        await methods(c as never, async () => {});
        if (ctx.status === 404 && ctx.body === undefined) throw httpProblem(404, 'no such API route');
      });
    } catch (err) {
      const p = problemOf(err);
      if (p.problem.status >= 500) failures.error(routeKind(ctx), err, { path: ctx.path, stack: stackOf(err) }, 'API request failed');
      sendProblem(ctx, p);
    }
  });
}
