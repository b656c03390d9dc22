/**
 * The Koa router of the REST API, built from the route table (api/resources/index.ts): for each
 * route, in order, the permission check (403 `about:blank` when the token's staff role lacks it:
 * lib/permissions.ts decides, as in the console), validation of path, query and body by the
 * route's zod schemas (422 `validation` with errors[]), `Idempotency-Key` on POST
 * (api/framework/idempotency.ts), then the handler and its answer. Authentication and the rate limit run
 * before (api/mount.ts).
 */
import Router from '@koa/router';
import type Koa from 'koa';
import type { z } from 'zod';
import type { ApiDeps } from './deps.js';
import { finishKey, KEY_MAX_LENGTH, requestHash, reserveKey } from './idempotency.js';
import { httpProblem, problemOf, validationProblem, zodFieldErrors } from './problem.js';
import type { ApiCaller, ApiRoute } from './route.js';

export interface ApiState {
  caller: ApiCaller;
}

/** `/customers/{id}` → `/customers/:id` (Koa's syntax). */
export const koaPath = (openapiPath: string): string => openapiPath.replace(/\{(\w+)\}/g, ':$1');

function parse<S extends z.ZodType | undefined>(schema: S, where: 'path' | 'query' | 'body', value: unknown): unknown {
  if (!schema) return where === 'body' ? undefined : {};
  const r = schema.safeParse(value);
  if (!r.success) throw validationProblem(zodFieldErrors(where, r.error));
  return r.data;
}

/** The `Idempotency-Key` of a POST (a structured-field string `"…"` or a bare token), or null. */
function idempotencyKey(ctx: Koa.Context): string | null {
  const raw = ctx.get('Idempotency-Key').trim();
  if (!raw) return null;
  const key = /^".*"$/.test(raw) ? raw.slice(1, -1) : raw;
  if (!key || key.length > KEY_MAX_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw validationProblem([{ pointer: '#/header/Idempotency-Key', detail: `1–${KEY_MAX_LENGTH} visible ASCII characters` }]);
  }
  return key;
}

/** `body` with `fields` set to null (what an Idempotency-Key replay may show). */
function withoutSecrets(body: unknown, fields: readonly string[] | undefined): unknown {
  if (!fields?.length || !body || typeof body !== 'object') return body;
  return { ...body, ...Object.fromEntries(fields.map((f) => [f, null])) };
}

async function run(route: ApiRoute, deps: ApiDeps, ctx: Koa.ParameterizedContext<ApiState>): Promise<{ status: number; body: unknown }> {
  const params = parse(route.params, 'path', ctx.params);
  const query = parse(route.query, 'query', ctx.query);
  if (route.body && ctx.request.length && !ctx.is('json')) throw httpProblem(415, 'send the body as application/json');
  const body = parse(route.body, 'body', (ctx.request as { body?: unknown }).body ?? {});
  const result = await route.handler({ params, query, body, caller: ctx.state.caller, deps, ctx } as never);
  if ('file' in result) {
    ctx.type = result.type;
    ctx.attachment(result.filename, { type: 'inline' });
    ctx.body = result.file;
    return { status: 200, body: null };
  }
  if (result.location) ctx.set('Location', result.location);
  return { status: result.status ?? route.response.status, body: result.body };
}

export function createApiRouter(routes: readonly ApiRoute[], deps: ApiDeps): Router<ApiState> {
  const router = new Router<ApiState>({ prefix: '/api/v1' });
  for (const r of routes) {
    router[r.method](koaPath(r.path), async (ctx) => {
      if (!ctx.state.caller.permissions.has(r.permission)) throw httpProblem(403, `this token's staff role lacks the permission ${r.permission}`);
      const key = r.method === 'post' ? idempotencyKey(ctx) : null;
      const tokenId = ctx.state.caller.tokenId;
      if (key) {
        const hash = requestHash(ctx.method, ctx.path, (ctx.request as { body?: unknown }).body ?? null);
        const reserved = await reserveKey(deps.db, tokenId, key, hash);
        if (reserved.kind === 'replay') {
          ctx.set('Idempotent-Replayed', 'true');
          ctx.status = reserved.status;
          ctx.body = reserved.body;
          if (reserved.status >= 400) ctx.type = 'application/problem+json';
          return;
        }
      }
      let answer: { status: number; body: unknown };
      try {
        answer = await run(r, deps, ctx);
      } catch (err) {
        const p = problemOf(err);
        if (key) await finishKey(deps.db, tokenId, key, p.problem.status, p.problem);
        throw p;
      }
      if (key) await finishKey(deps.db, tokenId, key, answer.status, withoutSecrets(answer.body, r.secretFields));
      if (ctx.body === undefined || !Buffer.isBuffer(ctx.body)) {
        ctx.status = answer.status;
        ctx.body = answer.body ?? null;
        if (answer.status === 204) ctx.body = null;
      }
    });
  }
  return router;
}
