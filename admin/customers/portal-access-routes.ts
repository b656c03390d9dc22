/**
 * /admin/customers/:id/portal: the customer's portal access (portal-access.ts): set a portal
 * password, or print a letter with the portal address, the customer number and a one-time sign-in
 * link. customers.edit; CSRF by `guard`.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { MIN_PASSWORD_LENGTH } from '../auth/password.js';
import { AppError } from '../../lib/errors.js';
import { createSignInLinks, SIGN_IN_LINK_PATH, SIGN_IN_LINK_TTL_SECONDS } from '../../portal/account/sign-in-link.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { formBody, idParam, queryValue } from '../request.js';
import { issueSignInLetter, portalAccessCustomer, setPortalPasswordByStaff } from './portal-access.js';

type Ctx = Koa.ParameterizedContext<AdminState>;

export function createPortalAccessRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  const links = createSignInLinks({ redis: deps.redis, prefix: deps.prefix });
  // The address customers use (PUBLIC_URL), else the one this request came to.
  const origin = (ctx: Ctx): string => (deps.config.PUBLIC_URL || `${ctx.protocol}://${ctx.host}`).replace(/\/+$/, '');

  async function page(ctx: Ctx, id: number, data: Record<string, unknown> = {}, status = 200): Promise<void> {
    const customer = await portalAccessCustomer(deps.db, id);
    if (!customer) throw new AppError('not_found', 'not_found', 404);
    ctx.status = status;
    deps.render(ctx, 'admin/customers/portal-access', { title: customer.name, customer, minPassword: MIN_PASSWORD_LENGTH, errors: {}, ...data });
  }

  r.get('/admin/customers/:id/portal', ...guard('customers.edit'), async (ctx) => {
    await page(ctx, idParam(ctx.params.id), { saved: queryValue(ctx.query.saved, 20) === 'password' ? 'password' : null });
  });

  r.post('/admin/customers/:id/portal/password', ...guard('customers.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const b = formBody(ctx);
    const outcome = await setPortalPasswordByStaff(deps.db, actorOf(ctx), id, {
      password: String(b.password ?? '').slice(0, 200), confirm: String(b.confirm ?? '').slice(0, 200),
    }, deps.config.PASSWORD_HASH_ROUNDS, deps.clock.now());
    if (outcome.ok) return ctx.redirect(`/admin/customers/${id}/portal?saved=password`);
    if (outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    await page(ctx, id, { errors: outcome.errors }, 422);
  });

  r.post('/admin/customers/:id/portal/letter', ...guard('customers.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const customer = await portalAccessCustomer(deps.db, id);
    if (!customer) throw new AppError('not_found', 'not_found', 404);
    const token = await issueSignInLetter(deps.db, links, actorOf(ctx), id);
    const base = origin(ctx);
    deps.render(ctx, 'admin/customers/portal-letter', {
      title: customer.name, customer, portalUrl: `${base}/portal/account`, link: `${base}${SIGN_IN_LINK_PATH}/${token}`,
      validDays: SIGN_IN_LINK_TTL_SECONDS / 86400,
    });
  });

  return r;
}
