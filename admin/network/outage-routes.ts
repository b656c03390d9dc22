/**
 * /admin/network/outages (devices.view): each network outage with its start, end, device,
 * affected subscribers and SLA credits (outage-queries.ts), and /admin/network/alert-rules
 * (settings.manage): the alert rules form (alert-rules-form.ts; audited).
 */
import Router from '@koa/router';
import { AppError } from '../../lib/errors.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import { t } from '../../lib/i18n.js';
import { loadAlertRules } from '../../network/alerts/rules.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { parseAlertRules, rulesFormValues, saveAlertRulesAudited } from './alert-rules-form.js';
import { listOutages, outageDetail } from './outage-queries.js';

export function createOutageRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  r.get('/admin/network/outages', ...guard('devices.view'), async (ctx) => {
    const page = Number.parseInt(queryValue(ctx.query.page, 6), 10) || 1;
    const list = await listOutages(deps.db, page);
    deps.render(ctx, 'admin/network/outages', {
      title: t(ctx.state.locale, 'outages.title'), ...list,
      prev: list.page > 1 ? `page=${list.page - 1}` : null,
      next: list.hasNext ? `page=${list.page + 1}` : null,
    });
  });

  r.get('/admin/network/outages/:id', ...guard('devices.view'), async (ctx) => {
    const detail = await outageDetail(deps.db, idParam(ctx.params.id));
    if (!detail) throw new AppError('not_found', 'no such outage', 404);
    deps.render(ctx, 'admin/network/outage', { title: `${t(ctx.state.locale, 'outages.outage')} #${detail.outage.id}`, ...detail });
  });

  r.get('/admin/network/alert-rules', ...guard('settings.manage'), async (ctx) => {
    const rules = await loadAlertRules(deps.db);
    deps.render(ctx, 'admin/network/alert-rules', {
      title: t(ctx.state.locale, 'alert_rules.title'), values: rulesFormValues(rules), errors: {},
      saved: queryValue(ctx.query.saved, 10) === '1',
    });
  });

  r.post('/admin/network/alert-rules', ...guard('settings.manage'), async (ctx) => {
    const body = formBody(ctx);
    const parsed = parseAlertRules(body);
    if (!parsed.ok) {
      ctx.status = 422;
      deps.render(ctx, 'admin/network/alert-rules', { title: t(ctx.state.locale, 'alert_rules.title'), values: body, errors: parsed.errors, saved: false });
      return;
    }
    await saveAlertRulesAudited(deps.db, parsed.rules, actorOf(ctx));
    ctx.redirect('/admin/network/alert-rules?saved=1');
  });

  return r;
}
