/** the customers' self-service portal (/portal/account). */
import Router from '@koa/router';
import type { PortalState } from '../context.js';
import type { PortalDeps } from '../deps.js';

export function createAccountRoutes(_deps: PortalDeps): Router<PortalState> {
  const r = new Router<PortalState>();
  return r;
}
