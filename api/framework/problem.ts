/**
 * Errors of the REST API as RFC 9457 "Problem Details for HTTP APIs" (`application/problem+json`):
 * `type` (a URI reference naming the problem; `about:blank` when the HTTP status says it all, and
 * then `title` is the status phrase, §4.2.1), `title`, `status`, `detail` (this occurrence, for a
 * person) and the extension member `errors` (§3.2: one entry per invalid field, `pointer` a JSON
 * Pointer (RFC 6901) into the request as in the RFC's own example, `detail` the reason). Problem
 * types of our own are relative URIs under /api/v1/problems/ and are listed in the OpenAPI
 * document's description (api/framework/openapi.ts).
 */
import type Koa from 'koa';
import { z } from 'zod';
import { AppError } from '../../lib/errors.js';

export interface FieldError {
  /** JSON Pointer into the request, e.g. `#/body/phone`, `#/query/limit`. */
  pointer: string;
  detail: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  /** Extension members a problem type documents (e.g. `amount_paid` of `invoice_partly_paid`). */
  [extension: string]: unknown;
}

const PHRASES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error',
};

/** A problem the API answers with; thrown by handlers and the framework, rendered by `sendProblem`. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem, readonly headers: Record<string, string> = {}) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemError';
  }
}

/** A problem whose HTTP status says it all (`type: about:blank`, title = the status phrase). */
export function httpProblem(status: number, detail?: string, headers?: Record<string, string>): ProblemError {
  return new ProblemError({ type: 'about:blank', title: PHRASES[status] ?? 'Error', status, ...(detail ? { detail } : {}) }, headers);
}

/**
 * A problem of our own type `/api/v1/problems/<code>` (e.g. `validation`, `stale`,
 * `paid`), with `extra` extension members.
 */
export function apiProblem(status: number, code: string, title: string, detail?: string, extra: Record<string, unknown> = {}): ProblemError {
  return new ProblemError({ type: `/api/v1/problems/${code}`, title, status, ...(detail ? { detail } : {}), ...extra });
}

/** 422 `validation` with one entry per field (from zod issues, or the use case's field errors). */
export function validationProblem(errors: FieldError[]): ProblemError {
  return apiProblem(422, 'validation', 'The request is not valid', 'See errors[] for each invalid field.', { errors });
}

/** Field errors from a zod failure on part `where` of the request. */
export function zodFieldErrors(where: 'body' | 'query' | 'path', error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ pointer: `#/${where}${i.path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')}`, detail: i.message }));
}

/** Field errors from a use case's `{ field: 'locale.key' }` map (the console shows the key translated). */
export function useCaseFieldErrors(errors: Record<string, string>): FieldError[] {
  return Object.entries(errors).map(([field, key]) => ({ pointer: `#/body/${field}`, detail: key }));
}

/** The problem for any error: ProblemError as is; an AppError by its status and code; anything else 500 without detail. */
export function problemOf(err: unknown): ProblemError {
  if (err instanceof ProblemError) return err;
  if (err instanceof AppError && err.status < 500) return apiProblem(err.status, err.code, PHRASES[err.status] ?? 'Error', err.expose ? err.message : undefined);
  return httpProblem(500);
}

/** Writes `p` as the response: status, headers, `application/problem+json` body. */
export function sendProblem(ctx: Koa.Context, p: ProblemError): void {
  ctx.status = p.problem.status;
  for (const [k, v] of Object.entries(p.headers)) ctx.set(k, v);
  ctx.body = p.problem;
  ctx.type = 'application/problem+json';
}

/** The zod schema of a problem body, for the OpenAPI document. */
export const problemSchema = z.object({
  type: z.string().describe('URI reference naming the problem type; about:blank when the status says it all'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional().describe('One entry per invalid field (JSON Pointer into the request)'),
}).meta({ id: 'Problem', description: 'RFC 9457 problem details' });
