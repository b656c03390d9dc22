/** The dashboard at /admin. */
import Router from '@koa/router';
import { guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { dashboardFigures } from './dashboard-figures.js';

export function createDashboardRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  r.get('/admin', ...guard('dashboard.view'), async (ctx) => {
    deps.render(ctx, 'admin/dashboard', { title: 'Dashboard', figures: await dashboardFigures(deps.db, deps.clock.now()), saved: ctx.query.saved });
  });
  return r;
}
