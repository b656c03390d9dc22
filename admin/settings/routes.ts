/** Settings: company, tax, time zone, access, gateways, notification channels. */
import Router from '@koa/router';
import type { AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';

export function createSettingsRoutes(_deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  return r;
}
