/** the captive portal of the walled garden (/portal/captive). */
import Router from '@koa/router';
import type { PortalState } from '../context.js';
import type { PortalDeps } from '../deps.js';

export function createCaptiveRoutes(_deps: PortalDeps): Router<PortalState> {
  const r = new Router<PortalState>();
  return r;
}
