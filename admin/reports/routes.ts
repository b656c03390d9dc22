/** Reports: revenue, accounts receivable aging, churn, top usage. */
import Router from '@koa/router';
import type { AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';

export function createReportRoutes(_deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  return r;
}
