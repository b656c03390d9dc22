/**
 * REST API test helpers: a staff account of a role with an API token (the token created by the
 * same use case the console and the CLI use), and a small fetch wrapper answering status,
 * headers and the parsed JSON body.
 */
import type { Knex } from '../../lib/db.js';
import { createApiToken } from '../../lib/api-tokens/create-api-token.js';
import type { StaffRole } from '../../lib/permissions.js';
import { createStaff } from './factories.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body (problem+json included), or null for an empty or non-JSON body. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  bytes: Buffer;
}

/** A new staff member of `role` and a token of theirs. */
export async function tokenFor(db: Knex, role: StaffRole, name = `test ${role}`): Promise<{ token: string; tokenId: number; staffId: number; username: string }> {
  const staff = await createStaff(db, { role });
  const made = await createApiToken(db, { staffUserId: staff.id, name, actor: { staffUserId: null, username: 'test', ip: null } });
  if (!made.ok) throw new Error(`token not created: ${made.code}`);
  return { token: made.token, tokenId: made.id, staffId: staff.id, username: staff.username };
}

/** Calls the API at `baseUrl` (+ /api/v1 + `path`) with `token` (null: no Authorization header). */
export async function api(
  baseUrl: string, token: string | null, method: string, path: string,
  opts: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...opts.headers };
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(`${baseUrl}/api/v1${path}`, { method, headers, body, redirect: 'manual' });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: unknown = null;
  if (/json/.test(res.headers.get('content-type') ?? '') && bytes.length) json = JSON.parse(bytes.toString('utf8'));
  return { status: res.status, headers: res.headers, json, bytes };
}
