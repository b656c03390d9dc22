/**
 * /admin/customers/:id/portal: the customer's portal account (portal-account.ts): set a portal
 * password, print a letter with the portal address, the customer number and a one-time sign-in
 * link, or send such a link by a configured channel that reaches the customer
 * (send-sign-in-link.ts). customers.edit; CSRF by `guard`.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { MIN_PASSWORD_LENGTH } from '../../lib/password.js';
import { AppError } from '../../lib/errors.js';
import { createSignInLinks, SIGN_IN_LINK_PATH, SIGN_IN_LINK_TTL_SECONDS } from '../../billing/customers/sign-in-link.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import { issueSignInLetter, portalAccountCustomer, setPortalPasswordByStaff } from './portal-account.js';
import { createSignInLinkSender, isLinkChannel } from './send-sign-in-link.js';

type Ctx = Koa.ParameterizedContext<AdminState>;

export function createPortalAccountRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  const links = createSignInLinks({ redis: deps.redis, prefix: deps.prefix });
  const sender = createSignInLinkSender({
    db: deps.db, redis: deps.redis, prefix: deps.prefix, log: deps.log, links,
    // The engine's live channels (the console's settings; tests point them at fake providers).
    channels: () => deps.engine.channels,
  });
  // The address customers use (PUBLIC_URL), else the one this request came to.
  const origin = (ctx: Ctx): string => (deps.config.PUBLIC_URL || `${ctx.protocol}://${ctx.host}`).replace(/\/+$/, '');

  async function page(ctx: Ctx, id: number, data: Record<string, unknown> = {}, status = 200): Promise<void> {
    const customer = await portalAccountCustomer(deps.db, id);
    if (!customer) throw new AppError('not_found', 'not_found', 404);
    ctx.status = status;
    deps.render(ctx, 'admin/customers/portal-account', {
      title: customer.name, customer, minPassword: MIN_PASSWORD_LENGTH, errors: {}, linkChannels: sender.channelsFor(customer), ...data,
    });
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

  // A channel that failed is a bad gateway: the page says so, never "sent".
  const LINK_STATUS = { unavailable: 422, rate_limited: 429, failed: 502 } as const;

  r.post('/admin/customers/:id/portal/link', ...guard('customers.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const customer = await portalAccountCustomer(deps.db, id);
    if (!customer) throw new AppError('not_found', 'not_found', 404);
    const channel = formBody(ctx).channel;
    if (!isLinkChannel(channel)) throw new AppError('bad_request', 'error.invalid', 400);
    const base = origin(ctx);
    const linkSent = await sender.send(actorOf(ctx), customer, channel, (token) => `${base}${SIGN_IN_LINK_PATH}/${token}`);
    await page(ctx, id, { linkSent }, linkSent.ok ? 200 : LINK_STATUS[linkSent.code]);
  });

  r.post('/admin/customers/:id/portal/letter', ...guard('customers.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const customer = await portalAccountCustomer(deps.db, id);
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
