/** Suspending a subscription into the walled garden, and reactivating it, from the customer page. */
import Router from '@koa/router';
import { AppError } from '../../lib/errors.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { idParam } from '../request.js';

export function createSubscriptionRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  for (const action of ['suspend', 'reactivate'] as const) {
    r.post(`/admin/subscriptions/:id/${action}`, ...guard('subscriptions.suspend'), async (ctx) => {
      const id = idParam(ctx.params.id);
      const outcome = await deps.engine.setAccessByStaff({ subscriptionId: id, action, actor: actorOf(ctx) });
      if (!outcome.ok && outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
      ctx.redirect(`/admin/customers/${outcome.customerId}?saved=${outcome.ok ? action : `${action}_not_allowed`}`);
    });
  }
  return r;
}
