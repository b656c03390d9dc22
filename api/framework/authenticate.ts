/**
 * Who calls the API: `Authorization: Bearer <token>` (RFC 6750 §2.1) resolved by
 * lib/api-tokens/authenticate-api-token.ts to a live token of an active staff account, with that
 * account's permissions (lib/permissions.ts) and customer scope. No token, or one that is not
 * ours, revoked, or of a deactivated account: 401 with `WWW-Authenticate: Bearer` (RFC 6750 §3,
 * `error="invalid_token"` when a token was sent). The token is never logged.
 */
import type Koa from 'koa';
import { authenticateApiToken } from '../../lib/api-tokens/authenticate-api-token.js';
import { loadCustomerScope } from '../../billing/customers/customer-scope.js';
import { permissionsOf } from '../../lib/permissions.js';
import type { ApiDeps } from './deps.js';
import { httpProblem } from './problem.js';
import type { ApiCaller } from './route.js';

/** @throws ProblemError 401 when the request carries no live token. */
export async function authenticate(deps: ApiDeps, ctx: Koa.Context): Promise<ApiCaller> {
  const header = ctx.get('Authorization');
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!m) throw httpProblem(401, 'send an API token as Authorization: Bearer <token>', { 'WWW-Authenticate': 'Bearer realm="api"' });
  const id = await authenticateApiToken(deps, m[1]!, ctx.ip || null);
  if (!id) throw httpProblem(401, 'the token is unknown, revoked, or its staff account is inactive', { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"' });
  return {
    tokenId: id.tokenId, staffUserId: id.staffUserId, username: id.username, role: id.role, locale: id.locale,
    permissions: permissionsOf(id.role),
    scope: await loadCustomerScope(deps.db, { id: id.staffUserId, role: id.role }),
    actor: { staffUserId: id.staffUserId, username: `${id.username} (API token #${id.tokenId})`, ip: ctx.ip || null },
  };
}
