/** Support tickets opened by customers in the self-service portal. */
import Router from '@koa/router';
import type { AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';

export function createTicketRoutes(_deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  return r;
}
