/** The dashboard at /admin: figures, NAS health, and charts of online sessions and revenue. */
import Router from '@koa/router';
import { t } from '../../lib/i18n.js';
import { guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { chartJson } from '../reports/chart.js';
import { monthLabel } from '../../billing/reports/report-range.js';
import { dashboardFigures } from './dashboard-figures.js';
import { onlineSessions } from './online-sessions.js';
import { latestDrift } from '../../network/reconcile/latest-drift.js';

export function createDashboardRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  r.get('/admin', ...guard('dashboard.view'), async (ctx) => {
    const now = deps.clock.now();
    const locale = ctx.state.locale;
    const timeZone = deps.config.ISP_TIME_ZONE;
    const [figures, online, drift] = await Promise.all([
      dashboardFigures(deps.db, now, { timeZone, interimSeconds: deps.config.RADIUS_INTERIM_INTERVAL }),
      onlineSessions(deps.db, now, timeZone),
      latestDrift(deps.db),
    ]);
    figures.nas = figures.nas.map((n) => ({ ...n, drift: drift.get(Number(n.id)) ?? null }));
    const revenue = figures.revenueMonths.map((m) => ({ ...m, label: monthLabel(m.month, locale) }));
    deps.render(ctx, 'admin/dashboard', {
      title: t(ctx.state.locale, 'nav.dashboard'),
      figures,
      // The drift column only once some router is reconciled (a NAS with RouterOS API credentials).
      enforcementShown: drift.size > 0,
      online,
      revenue,
      staleMinutes: (2 * deps.config.RADIUS_INTERIM_INTERVAL) / 60,
      onlineChart: chartJson({
        type: 'line',
        labels: online.map((p) => p.label),
        series: [{ label: t(locale, 'dashboard.chart.online_series'), data: online.map((p) => p.online) }],
      }),
      revenueChart: chartJson({
        type: 'bar',
        labels: revenue.map((m) => m.label),
        series: [{ label: t(locale, 'dashboard.chart.received_series'), data: revenue.map((m) => m.received) }],
        money: true,
      }),
      saved: ctx.query.saved,
    });
  });
  return r;
}
