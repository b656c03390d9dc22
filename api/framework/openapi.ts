/**
 * The OpenAPI 3.1 document of the REST API (/api/v1/openapi.json), generated from the same route
 * table and zod schemas that register and validate the routes (api/framework/route.ts), by
 * @asteasolutions/zod-to-openapi (OpenApiGeneratorV31; zod 4 `.meta({ id })` names components).
 * Every operation documents bearer authentication, its permission (`x-permission`), its success
 * answer and its problems (RFC 9457 `application/problem+json`), and POSTs the
 * `Idempotency-Key` header. Built once per process (the table does not change at run time).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { problemSchema } from './problem.js';
import type { ApiRoute } from './route.js';

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Bad request', 401: 'No valid API token (RFC 6750)', 403: "The token's staff role lacks the permission",
  404: 'No such resource (or outside the staff member\'s areas)', 409: 'Conflict with the current state',
  415: 'The body is not application/json', 422: 'Invalid request (errors[] per field) or Idempotency-Key reused with another request',
  429: 'Rate limit exceeded (see Retry-After)',
};

const DESCRIPTION = `REST API of the ISP billing server. Authenticate with \`Authorization: Bearer <token>\`; tokens
belong to a staff account and carry its role (create them under Admin → API tokens or with
\`npm run api-token -- create --staff USERNAME --name NAME\`).

- **Pagination**: lists answer \`{ data, next_cursor }\`, newest first; pass \`next_cursor\` back as \`cursor\`; \`limit\` ≤ 100.
- **Idempotency**: send \`Idempotency-Key\` on POST; a retry with the same key and body gets the stored answer (\`Idempotent-Replayed: true\`); the same key with another body is refused (422 \`/api/v1/problems/idempotency_key_reused\`).
- **Errors**: RFC 9457 \`application/problem+json\`; \`type\` is \`about:blank\` or \`/api/v1/problems/<code>\` (\`validation\` with \`errors[]\`, \`stale\`, \`not_allowed\`, use-case codes such as \`paid\` or \`no_open_sessions\`).
- **Rate limit**: per token per minute; 429 with \`Retry-After\`; \`RateLimit-*\` headers on every answer.
- **Money** is whole rupiah (integers); times are RFC 3339 UTC; billing dates \`YYYY-MM-DD\` in the ISP's time zone.`;

/** The version of the API's contract (info.version): v1, additions only. */
export const API_VERSION = '1.0.0';

/** The document for `routes` (paths relative to `server` = /api/v1). */
export function buildOpenApiDocument(routes: readonly ApiRoute[]): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API token (isp_…)' });
  for (const r of routes) {
    const problems = [...new Set([401, 403, 429, ...(r.problems ?? []), ...(r.body || r.query || r.params ? [422] : [])])].sort();
    const responses: Record<string, unknown> = {};
    const ok = r.response;
    responses[String(ok.status)] = 'file' in ok
      ? { description: ok.description, content: { [ok.file]: { schema: { type: 'string', contentMediaType: ok.file } } } }
      : { description: ok.description, content: { 'application/json': { schema: ok.schema } } };
    for (const s of problems) responses[String(s)] = { description: PROBLEM_TEXT[s] ?? 'Problem', content: { 'application/problem+json': { schema: problemSchema } } };
    registry.registerPath({
      method: r.method, path: r.path, operationId: r.operationId, tags: [r.tag], summary: r.summary,
      description: `${r.description ? `${r.description}\n\n` : ''}Permission: \`${r.permission}\`.`,
      security: [{ bearer: [] }],
      'x-permission': r.permission,
      request: {
        ...(r.params ? { params: r.params as z.ZodObject } : {}),
        ...(r.query ? { query: r.query as z.ZodObject } : {}),
        ...(r.method === 'post' ? { headers: z.object({ 'Idempotency-Key': z.string().max(255).optional().describe('Makes a retry of this POST safe (24 hours)') }) } : {}),
        ...(r.body ? { body: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      },
      responses: responses as never,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'ISP billing REST API', version: API_VERSION, description: DESCRIPTION },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
  }) as unknown as Record<string, unknown>;
}
