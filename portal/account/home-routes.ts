/**
 * The signed-in customer's overview pages: home (subscriptions, online now, credit, amount due and
 * the invoices owed), payments received, and usage per day (chart, ISP time zone).
 */
import type Router from '@koa/router';
import { t } from '../../lib/i18n.js';
import { openOutageSince } from '../../network/alerts/area-outage.js';
import type { PortalState } from '../context.js';
import { HOME, invoicePath, type AccountKit } from './account-kit.js';
import { accountHome, listPayments, usageChart } from './account-data.js';

export function addHomeRoutes(r: Router<PortalState>, kit: AccountKit): void {
  const { deps, account, page, timeZone } = kit;

  r.get(HOME, ...account(async (ctx) => {
    const home = await accountHome(deps.db, ctx.state.customer.id);
    const outageSince = await openOutageSince(deps.db, ctx.state.customer.id);
    page(ctx, 'home', {
      outageSince,
      // The ledger balance is negative while something is owed (the amount due says it); only credit is shown.
      title: t(ctx.state.locale, 'portal.account.home.heading'), ...home, credit: Math.max(0, home.balance), passwordSaved: ctx.query.saved === 'password',
      owedInvoices: home.owedInvoices.map((i) => ({ ...i, href: invoicePath(String(i.invoice_number)) })),
    });
  }));

  r.get(`${HOME}/payments`, ...account(async (ctx) => {
    page(ctx, 'payments', { title: t(ctx.state.locale, 'portal.account.nav.payments'), payments: await listPayments(deps.db, ctx.state.customer.id) });
  }));

  r.get(`${HOME}/usage`, ...account(async (ctx) => {
    page(ctx, 'usage', { title: t(ctx.state.locale, 'portal.account.nav.usage'), chart: await usageChart(deps.db, ctx.state.customer.id, deps.clock.now(), timeZone()) });
  }));
}
