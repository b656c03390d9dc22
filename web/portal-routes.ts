/**
 * Everything subscribers see under /portal: the captive portal of the walled garden, the hotspot
 * login page and the self-service portal. Form bodies parsed (urlencoded, 20 kB at most), a POST
 * from another site refused (lib/http/origin-check.ts), values PostgreSQL cannot take refused
 * with 400 (lib/http/request-values.ts), the language and CSRF token set (portal/context.ts), failures
 * shown as a friendly page (or fragment) with the ISP's contact, never a stack or JSON.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type Koa from 'koa';
import { loadBillingSettings } from '../billing/settings/billing-settings.js';
import { AppError } from '../lib/errors.js';
import { checkOrigin } from '../lib/http/origin-check.js';
import { checkRequestValues } from '../lib/http/request-values.js';
import { isMultipart, readMultipart } from '../lib/http/multipart-body.js';
import { MAX_RECEIPT_BYTES } from '../billing/payments/bank-transfer/receipt-file.js';
import { isReceiptUpload } from '../portal/account/bank-transfer-routes.js';
import { createAccountRoutes } from '../portal/account/routes.js';
import { createCaptiveRoutes } from '../portal/captive/routes.js';
import { portalContext, type PortalState } from '../portal/context.js';
import type { PortalDeps } from '../portal/deps.js';
import { createHotspotRoutes } from '../portal/hotspot/routes.js';
import { t, toLocale } from '../lib/i18n.js';
import { createRepeatedErrorLog, routeKind, stackOf } from '../lib/rate-limited-log.js';

/** Every portal route, one router. */
export function createPortalRouter(deps: PortalDeps): Router<PortalState> {
  const root = new Router<PortalState>();
  for (const make of [createCaptiveRoutes, createHotspotRoutes, createAccountRoutes]) root.use(make(deps).routes());
  return root;
}

const KNOWN = ['csrf_invalid', 'not_found', 'payload_too_large', 'rate_limited'];

export function mountPortal(app: Koa, deps: PortalDeps): void {
  const parse = bodyParser({ enableTypes: ['form'], formLimit: '20kb' });
  const context = portalContext();
  const failures = createRepeatedErrorLog(deps.log);
  const routes = createPortalRouter(deps).routes();
  app.use(async (ctx, next) => {
    if (ctx.path !== '/portal' && !ctx.path.startsWith('/portal/')) return next();
    const c = ctx as unknown as Koa.ParameterizedContext<PortalState>;
    try {
      c.state.company = (await loadBillingSettings(deps.db)).companyName;
      try {
        // The one upload (a bank-transfer receipt, issue 14): multipart, streamed, size-capped.
        if (ctx.method === 'POST' && isMultipart(ctx) && isReceiptUpload(ctx.path)) {
          checkOrigin(ctx, deps.config.PUBLIC_URL);
          await readMultipart(ctx, { fileBytes: MAX_RECEIPT_BYTES });
        } else await parse(ctx, async () => {});
      } catch (err) {
        if (err instanceof AppError) throw err;
        const status = (err as { status?: number }).status ?? 400;
        throw new AppError(status === 413 ? 'payload_too_large' : 'bad_request', 'bad request', status);
      }
      checkOrigin(ctx, deps.config.PUBLIC_URL);
      checkRequestValues(ctx);
      await context(c, async () => {
        await routes(c as never, async () => {});
        if (ctx.status === 404 && ctx.body === undefined) throw new AppError('not_found', 'not_found', 404);
      });
    } catch (err) {
      const e = err instanceof AppError ? err : null;
      if (!e || e.status >= 500) failures.error(routeKind(ctx), err, { path: ctx.path, stack: stackOf(err) }, 'portal request failed');
      ctx.status = e?.status ?? 500;
      const code = e?.code && KNOWN.includes(e.code) ? e.code : e && e.status < 500 ? 'bad_request' : 'internal_error';
      c.state.locale ??= 'id';
      deps.render(c, 'portal/error', { title: t(toLocale(c.state.locale), 'page_title.error'), error: `portal.error.${code}` }, 'portal/error');
    }
  });
}
