/**
 * /admin/alerts: the staff alerts (staff-alerts.ts), open ones first page by page, the
 * acknowledged ones on their own tab, and "acknowledge" per alert (alerts.acknowledge; CSRF by
 * `guard`; audited). The header of every page shows how many are open (admin/context.ts).
 */
import Router from '@koa/router';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import { acknowledgeAlert, listAlerts } from '../../lib/staff-alert-inbox.js';
import { t } from '../../lib/i18n.js';

/** Only a path back to this list (no open redirect through the form). */
function backTo(value: unknown): string {
  const v = String(value ?? '');
  return /^\/admin\/alerts(\?[A-Za-z0-9_.~%&=+-]*)?$/.test(v) ? v : '/admin/alerts';
}

export function createAlertRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  r.get('/admin/alerts', ...guard('alerts.view'), async (ctx) => {
    const acknowledged = queryValue(ctx.query.show, 20) === 'acknowledged';
    const page = Number.parseInt(queryValue(ctx.query.page, 6), 10) || 1;
    const list = await listAlerts(deps.db, { acknowledged, page });
    const params = (p: number): string => new URLSearchParams({ ...(acknowledged ? { show: 'acknowledged' } : {}), page: String(p) }).toString();
    deps.render(ctx, 'admin/alerts/list', {
      title: t(ctx.state.locale, 'nav.alerts'), ...list, acknowledged,
      prev: list.page > 1 ? params(list.page - 1) : null,
      next: list.hasNext ? params(list.page + 1) : null,
      back: `/admin/alerts?${params(list.page)}`,
      saved: queryValue(ctx.query.saved, 20) === 'acknowledged' ? 'acknowledged' : queryValue(ctx.query.saved, 20) === 'gone' ? 'gone' : null,
    });
  });

  r.post('/admin/alerts/:id/acknowledge', ...guard('alerts.acknowledge'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const back = backTo(formBody(ctx).back);
    const done = await acknowledgeAlert(deps.db, id, actorOf(ctx));
    ctx.redirect(`${back}${back.includes('?') ? '&' : '?'}saved=${done ? 'acknowledged' : 'gone'}`);
  });

  return r;
}
