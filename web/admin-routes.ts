/**
 * The staff console under /admin: form bodies parsed (urlencoded, 100 kB at most), a POST from
 * another site refused (lib/http/origin-check.ts), values PostgreSQL cannot take refused with 400
 * (lib/http/request-values.ts), the signed-in staff member loaded (admin/auth/load-staff.ts),
 * failures rendered as a console page (or an htmx fragment), then each screen's routes (admin/*),
 * every one guarded (admin/context.ts `guard`).
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type Koa from 'koa';
import { AppError } from '../lib/errors.js';
import { checkOrigin } from '../lib/http/origin-check.js';
import { checkRequestValues } from '../lib/http/request-values.js';
import { createAlertRoutes } from '../admin/alerts/routes.js';
import { createAuditRoutes } from '../admin/audit/routes.js';
import { createAuthRoutes } from '../admin/auth/routes.js';
import { loadStaff } from '../admin/auth/load-staff.js';
import type { AdminState } from '../admin/context.js';
import { createCustomerRoutes } from '../admin/customers/routes.js';
import { createPortalAccountRoutes } from '../admin/customers/portal-account-routes.js';
import { createDashboardRoutes } from '../admin/dashboard/routes.js';
import type { AdminDeps } from '../admin/deps.js';
import { createNasRoutes } from '../admin/nas/routes.js';
import { createRadsecRoutes } from '../admin/nas/radsec-routes.js';
import { createDeviceRoutes } from '../admin/devices/routes.js';
import { createLiveRoutes } from '../admin/network/live-routes.js';
import { createLiveTrafficRoutes } from '../admin/subscriptions/live-traffic-routes.js';
import { createNetworkMapRoutes } from '../admin/network/map-routes.js';
import { createOutageRoutes } from '../admin/network/outage-routes.js';
import { createSubscriptionRoutes } from '../admin/subscriptions/routes.js';
import { createPlanRoutes } from '../admin/plans/routes.js';
import { createStaffRoutes } from '../admin/staff/routes.js';
import { createSessionRoutes } from '../admin/sessions/routes.js';
import { createInvoiceRoutes } from '../admin/invoices/routes.js';
import { createPaymentRoutes } from '../admin/payments/routes.js';
import { createSettingsRoutes } from '../admin/settings/routes.js';
import { createDunningRoutes } from '../admin/dunning/routes.js';
import { createTemplateRoutes } from '../admin/templates/routes.js';
import { createReportRoutes } from '../admin/reports/routes.js';
import { createVoucherRoutes } from '../admin/vouchers/routes.js';
import { createTicketRoutes } from '../admin/tickets/routes.js';
import { createImportRoutes } from '../admin/import/routes.js';
import { createBulkRoutes } from '../admin/bulk/routes.js';
import { createBroadcastRoutes } from '../admin/broadcasts/routes.js';
import { createSubscriptionListRoutes } from '../admin/subscriptions/list-routes.js';
import { createApiTokenRoutes } from '../admin/api-tokens/routes.js';
import { createBankTransferRoutes } from '../admin/payments/bank-transfers.js';
import { createWebhookRoutes } from '../admin/webhooks/routes.js';
import { createGenieAcsRoutes } from '../admin/genieacs/routes.js';
import { t, toLocale } from '../lib/i18n.js';
import { createRepeatedErrorLog, routeKind, stackOf } from '../lib/rate-limited-log.js';

/** Every console route, one router (tests list its routes to check each is guarded). */
export function createAdminRouter(deps: AdminDeps): Router<AdminState> {
  const root = new Router<AdminState>();
  const screens = [
    createAuthRoutes, createDashboardRoutes, createCustomerRoutes, createSubscriptionRoutes, createSessionRoutes, createPlanRoutes,
    createNasRoutes, createRadsecRoutes, createInvoiceRoutes, createPaymentRoutes, createVoucherRoutes, createTicketRoutes, createReportRoutes,
    createDunningRoutes, createTemplateRoutes, createSettingsRoutes, createStaffRoutes, createAuditRoutes, createAlertRoutes, createImportRoutes, createPortalAccountRoutes,
    createSubscriptionListRoutes, createBulkRoutes, createBroadcastRoutes, createDeviceRoutes, createNetworkMapRoutes, createOutageRoutes, createLiveRoutes, createLiveTrafficRoutes,
    createWebhookRoutes,
    createGenieAcsRoutes, // issue 14: CPE management through GenieACS
    createApiTokenRoutes, // issue 14: REST API tokens
    createBankTransferRoutes, // issue 14: bank transfers (statements, receipts)
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
