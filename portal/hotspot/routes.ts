/** the MikroTik hotspot's external login page (/portal/hotspot). */
import Router from '@koa/router';
import type { PortalState } from '../context.js';
import type { PortalDeps } from '../deps.js';

export function createHotspotRoutes(_deps: PortalDeps): Router<PortalState> {
  const r = new Router<PortalState>();
  return r;
}
