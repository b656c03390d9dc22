/**
 * One REST API route, declared once (ARCHITECTURE.md "REST API"): method, path (OpenAPI style,
 * `/customers/{id}`), the permission of lib/permissions.ts it needs, the zod schemas of its path,
 * query and body, the schema of its answer, and the handler. The same declaration registers the
 * Koa route (api/framework/router.ts: authentication, permission, validation, idempotency) and its
 * operation in the OpenAPI document (api/framework/openapi.ts), and the tests walk it for every role. A
 * resource is one file under api/resources/ exporting an array of these.
 */
import type Koa from 'koa';
import type { z } from 'zod';
import type { AuditActor } from '../../lib/audit.js';
import type { Locale } from '../../lib/i18n.js';
import type { Permission } from '../../lib/permissions.js';
import type { CustomerScope } from '../../billing/customers/customer-scope.js';
import type { ApiDeps } from './deps.js';

/** Who calls: the token, its staff member, their permissions and customer scope. */
export interface ApiCaller {
  tokenId: number;
  staffUserId: number;
  username: string;
  role: string;
  locale: Locale;
  permissions: ReadonlySet<Permission>;
  /** The customers this staff member reaches (billing/customers/customer-scope.ts). */
  scope: CustomerScope;
  /** The audit actor of writes: the staff member, `username` marked as acting through the API. */
  actor: AuditActor;
}

/** What a handler gets: its parsed input, the caller, the API's dependencies, the Koa context. */
export interface ApiCall<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  caller: ApiCaller;
  deps: ApiDeps;
  ctx: Koa.Context;
}

/** A handler's answer: a JSON body (status from the route), or a file. */
export type ApiResult = { status?: number; body: unknown; location?: string } | { file: Buffer; type: string; filename: string };

type Schema = z.ZodType;

export interface ApiRoute<P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema> {
  method: 'get' | 'post' | 'patch';
  /** Under /api/v1, OpenAPI path syntax: `/customers/{id}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  permission: Permission;
  params?: P;
  query?: Q;
  body?: B;
  /** The success answer: a JSON schema with its status, or a file's media type. */
  response: { status: number; schema: Schema; description: string } | { status: 200; file: string; description: string };
  /**
   * Top-level answer fields shown once (a generated password): stored as null for an
   * Idempotency-Key replay, so no secret sits in api_idempotency.
   */
  secretFields?: readonly string[];
  /** Problem statuses besides 401/403/429 this route answers with (documented). */
  problems?: number[];
  handler(call: ApiCall<z.output<P>, z.output<Q>, z.output<B>>): Promise<ApiResult>;
}

/** Declares a route with its types inferred from its schemas. */
export function route<P extends Schema = z.ZodObject<Record<string, never>>, Q extends Schema = z.ZodObject<Record<string, never>>, B extends Schema = z.ZodUndefined>(r: ApiRoute<P, Q, B>): ApiRoute {
  return r as unknown as ApiRoute;
}
