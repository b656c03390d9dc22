/**
 * The staff console under /admin: form bodies parsed (urlencoded, 100 kB at most), a POST from
 * another site refused (lib/http/origin-check.ts), values PostgreSQL cannot take refused with 400
 * (lib/http/request-values.ts), the signed-in staff member loaded, failures rendered as a console
 * page (or an htmx fragment), then each screen's routes, every one guarded (context.ts `guard`).
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type Koa from 'koa';
import { AppError } from '../lib/errors.js';
import { checkOrigin } from '../lib/http/origin-check.js';
import { checkRequestValues } from '../lib/http/request-values.js';
import { createAlertRoutes } from './alerts/routes.js';
import { createAuditRoutes } from './audit/routes.js';
import { createAuthRoutes } from './auth/routes.js';
import { loadStaff, type AdminState } from './context.js';
import { createCustomerRoutes } from './customers/routes.js';
import { createPortalAccessRoutes } from './customers/portal-access-routes.js';
import { createDashboardRoutes } from './dashboard/routes.js';
import type { AdminDeps } from './deps.js';
import { createNasRoutes } from './nas/routes.js';
import { createSubscriptionRoutes } from './subscriptions/routes.js';
import { createPlanRoutes } from './plans/routes.js';
import { createStaffRoutes } from './staff/routes.js';
import { createSessionRoutes } from './sessions/routes.js';
import { createInvoiceRoutes } from './invoices/routes.js';
import { createPaymentRoutes } from './payments/routes.js';
import { createSettingsRoutes } from './settings/routes.js';
import { createDunningRoutes } from './dunning/routes.js';
import { createTemplateRoutes } from './templates/routes.js';
import { createReportRoutes } from './reports/routes.js';
import { createVoucherRoutes } from './vouchers/routes.js';
import { createTicketRoutes } from './tickets/routes.js';
import { createImportRoutes } from './import/routes.js';
import { t, toLocale } from '../lib/i18n.js';
import { createRepeatedErrorLog, routeKind, stackOf } from '../lib/rate-limited-log.js';

/** Every console route, one router (tests list its routes to check each is guarded). */
export function createAdminRouter(deps: AdminDeps): Router<AdminState> {
  const root = new Router<AdminState>();
  const screens = [
    createAuthRoutes, createDashboardRoutes, createCustomerRoutes, createSubscriptionRoutes, createSessionRoutes, createPlanRoutes,
    createNasRoutes, createInvoiceRoutes, createPaymentRoutes, createVoucherRoutes, createTicketRoutes, createReportRoutes,
    createDunningRoutes, createTemplateRoutes, createSettingsRoutes, createStaffRoutes, createAuditRoutes, createAlertRoutes, createImportRoutes, createPortalAccessRoutes,
  ];
  for (const make of screens) {
    root.use(make(deps).routes());
  }
  return root;
}

export function mountAdmin(app: Koa, deps: AdminDeps): void {
  const parse = bodyParser({ enableTypes: ['form'], formLimit: '100kb' });
  const load = loadStaff(deps);
  const routes = createAdminRouter(deps).routes();
  const failures = createRepeatedErrorLog(deps.log);
  const errors: Koa.Middleware<AdminState> = async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const e = err instanceof AppError ? err : null;
      if (!e || e.status >= 500) failures.error(routeKind(ctx), err, { path: ctx.path, stack: stackOf(err) }, 'console request failed');
      ctx.status = e?.status ?? 500;
      const code = e?.code ?? 'internal_error';
      const known = ['forbidden', 'csrf_invalid', 'not_found', 'payload_too_large'].includes(code) ? code : e && e.status < 500 ? 'bad_request' : 'internal_error';
      deps.render(ctx, 'admin/error', { title: t(toLocale(ctx.state.locale), 'page_title.error'), error: `error.page.${known}` }, 'partials/admin/error');
    }
  };
  app.use(async (ctx, next) => {
    if (ctx.path !== '/admin' && !ctx.path.startsWith('/admin/')) return next();
    const c = ctx as unknown as Koa.ParameterizedContext<AdminState>;
    await errors(c, async () => {
      try {
        await parse(ctx, async () => {});
      } catch (err) {
        throw new AppError((err as { status?: number }).status === 413 ? 'payload_too_large' : 'bad_request', 'bad request', (err as { status?: number }).status ?? 400);
      }
      checkOrigin(ctx, deps.config.PUBLIC_URL);
      checkRequestValues(ctx);
      await load(c, async () => {
        await routes(c as never, async () => {});
        if (ctx.status === 404 && ctx.body === undefined) throw new AppError('not_found', 'not_found', 404);
      });
    });
  });
}
