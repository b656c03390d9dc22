/**
 * The subscription list, /admin/subscriptions: search, the shared filter (area, router, plan,
 * status: subscription-filter.ts), pages, and the bulk form around the rows (admin/bulk/routes.ts:
 * suspend, reactivate, change plan, export).
 */
import Router from '@koa/router';
import { t } from '../../lib/i18n.js';
import { guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { listSubscriptions, subscriptionListQuery, type SubscriptionListQuery } from './list-subscriptions.js';
import { filterChoices, filterParams, SUBSCRIPTION_STATUSES } from './subscription-filter.js';

export function createSubscriptionListRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  r.get('/admin/subscriptions', ...guard('customers.view'), async (ctx) => {
    const scope = ctx.state.staff!.scope;
    const query = subscriptionListQuery(ctx.query, scope);
    const [list, choices] = await Promise.all([listSubscriptions(deps.db, query), filterChoices(deps.db, scope)]);
    const fields = { q: query.q, ...filterParams(query) };
    const params = (over: Partial<SubscriptionListQuery>): string => new URLSearchParams({ ...fields, page: String(over.page ?? query.page) }).toString();
    deps.render(ctx, 'admin/subscriptions/list', {
      title: t(ctx.state.locale, 'bulk.subscriptions.title'),
      query, list, statuses: SUBSCRIPTION_STATUSES, ...choices,
      prev: list.page > 1 ? params({ page: list.page - 1 }) : null,
      next: list.page < list.pages ? params({ page: list.page + 1 }) : null,
      // The list's query, carried by the bulk form for "select all N matching this filter".
      hidden: Object.entries(fields).map(([name, value]) => ({ name, value })),
    }, 'partials/admin/subscription-results');
  });

  return r;
}
