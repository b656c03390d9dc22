/**
 * Subscriptions: a new subscription from the customer page (generated PPPoE / hotspot
 * credentials, shown once), the subscription page (plan, status, masked credentials, open
 * sessions, session history, traffic per day), "show password", changing the plan with a
 * prorated preview (plans of the subscription's own service only: PPPoE or hotspot),
 * disconnecting now, and suspending into the walled garden / reactivating; editing, a new
 * password and terminating are in lifecycle-routes.ts.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { changePlanByStaff } from '../../billing/subscriptions/change-plan-by-staff.js';
import type { PlanQuote } from '../../billing/subscriptions/change-plan.js';
import { createSubscription } from '../../billing/subscriptions/create-subscription.js';
import { disconnectSessions } from '../../billing/subscriptions/disconnect-sessions.js';
import { suggestUsername } from '../../billing/subscriptions/subscription-username.js';
import { localDate } from '../../billing/plans/billing-period.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import { shownOnce } from '../../lib/shown-once.js';
import { requireInScope } from '../../billing/customers/customer-scope.js';
import { addLifecycleRoutes } from './lifecycle-routes.js';
import { createCredentialsPush } from '../../network/genieacs/credentials-push.js';
import { loadCpePanel } from '../genieacs/cpe-panel.js';
import { revealPassword } from './reveal-password.js';
import { createRouterOutcomes, savedSuffix } from './router-outcome.js';
import { subscriptionDetail } from './subscription-detail.js';
import { activePlans, defaultAnchorDay, formCustomer, parseSubscriptionForm } from './subscription-form.js';

type Ctx = Koa.ParameterizedContext<AdminState>;

const pageParam = (v: unknown): number => Number.parseInt(queryValue(v, 6), 10) || 1;

export function createSubscriptionRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  // The generated password of a subscription just created or reset, shown once (lib/shown-once.ts).
  const credentials = () => shownOnce(deps, 'new-subscription-password');
  const today = (): string => localDate(deps.clock.now(), deps.config.ISP_TIME_ZONE);
  const router = createRouterOutcomes(deps);
  const cpePush = createCredentialsPush(deps); // issue 14: PPPoE credentials to the linked CPE (GenieACS)
  addLifecycleRoutes(r, deps, credentials, cpePush);

  for (const action of ['suspend', 'reactivate'] as const) {
    r.post(`/admin/subscriptions/:id/${action}`, ...guard('subscriptions.suspend'), async (ctx) => {
      const id = idParam(ctx.params.id);
      const outcome = await deps.engine.suspendOrReactivate({ subscriptionId: id, action, actor: actorOf(ctx) });
      if (!outcome.ok && outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
      // What the router answered (waited for briefly): the customer page's notice says it, the
      // subscription page's router block says it in full.
      const saved = outcome.ok ? `${action}${savedSuffix(await router.follow(id, outcome.jobId))}` : `${action}_not_allowed`;
      // From the subscription page, back to it; from the customer page (the default), back there.
      if (formBody(ctx).return_to === 'subscription') return ctx.redirect(`/admin/subscriptions/${id}?saved=${outcome.ok ? action : saved}`);
      ctx.redirect(`/admin/customers/${outcome.customerId}?saved=${saved}`);
    });
  }

  async function renderNewForm(ctx: Ctx, customer: { id: number; name: string; customer_number: string }, values: Record<string, unknown>, errors: Record<string, string> = {}): Promise<void> {
    deps.render(ctx, 'admin/subscriptions/new', { title: customer.name, customer, plans: await activePlans(deps.db), values, errors });
  }

  r.get('/admin/customers/:id/subscriptions/new', ...guard('subscriptions.edit'), async (ctx) => {
    const customer = await formCustomer(deps.db, idParam(ctx.params.id));
    if (!customer) throw new AppError('not_found', 'not_found', 404);
    await renderNewForm(ctx, customer, {
      plan_id: '', service_type: 'pppoe', billing_type: 'postpaid', anchor_day: defaultAnchorDay(deps.clock.now(), deps.config.ISP_TIME_ZONE),
      username: await suggestUsername(deps.db, customer.id), static_ip: '', mac_address: '', framed_ipv6_prefix: '', delegated_ipv6_prefix: '',
    });
  });

  r.post('/admin/customers/:id/subscriptions', ...guard('subscriptions.edit'), async (ctx) => {
    const customer = await formCustomer(deps.db, idParam(ctx.params.id));
    if (!customer) throw new AppError('not_found', 'not_found', 404);
    const body = formBody(ctx);
    const parsed = parseSubscriptionForm(body);
    let errors: Record<string, string>;
    if (parsed.ok) {
      const f = parsed.fields;
      const outcome = await deps.engine.run((u) => createSubscription({ ...u, secrets: deps.secrets }, {
        customerId: customer.id, planId: f.plan_id, serviceType: f.service_type, billingType: f.billing_type, anchorDay: f.anchor_day,
        username: f.username || null, staticIp: f.static_ip, macAddress: f.mac_address, actor: actorOf(ctx),
        framedIpv6Prefix: f.framed_ipv6_prefix, delegatedIpv6Prefix: f.delegated_ipv6_prefix,
      }));
      if (outcome.ok) {
        await credentials().keep(ctx.state.staff!.id, outcome.subscriptionId, outcome.password);
        await cpePush(outcome.subscriptionId, 'created', { cpeSerial: typeof body.cpe_serial === 'string' ? body.cpe_serial.slice(0, 100) : '', actor: actorOf(ctx) });
        return ctx.redirect(`/admin/subscriptions/${outcome.subscriptionId}?created=1`);
      }
      if (outcome.code === 'customer_not_found') throw new AppError('not_found', 'not_found', 404);
      errors = outcome.errors;
    } else errors = parsed.errors;
    ctx.status = 422;
    const keep = ['plan_id', 'service_type', 'billing_type', 'anchor_day', 'username', 'static_ip', 'mac_address', 'framed_ipv6_prefix', 'delegated_ipv6_prefix'];
    await renderNewForm(ctx, customer, Object.fromEntries(keep.map((k) => [k, String(body[k] ?? '').slice(0, 100)])), errors);
  });

  async function renderShow(ctx: Ctx, id: number, extra: Record<string, unknown>): Promise<void> {
    await requireInScope(deps.db, ctx.state.staff!.scope, 'subscriptions', id);
    const detail = await subscriptionDetail(deps.db, id, today(), pageParam(ctx.query.page));
    if (!detail) throw new AppError('not_found', 'not_found', 404);
    deps.render(ctx, 'admin/subscriptions/show', { title: detail.subscription.username, sse: true, ...detail, router: await router.latest(id),
      cpe: ctx.state.staff!.permissions.has('devices.view') ? await loadCpePanel(deps.db, id, deps.clock.now()) : null, cpeNotice: queryValue(ctx.query.cpe, 40) || null, ...extra }, 'partials/admin/subscription-sessions');
  }

  // The router block alone: the page asks again every few seconds while the router has not answered.
  r.get('/admin/subscriptions/:id/router', ...guard('customers.view'), async (ctx) => {
    const id = idParam(ctx.params.id);
    await requireInScope(deps.db, ctx.state.staff!.scope, 'subscriptions', id);
    deps.render(ctx, 'partials/admin/router-outcome', { subscription: { id }, router: await router.latest(id) }, 'partials/admin/router-outcome');
  });

  r.get('/admin/subscriptions/:id', ...guard('customers.view'), async (ctx) => {
    const id = idParam(ctx.params.id);
    // The credentials of a subscription this staff member just created, or the password just reset, once.
    const fresh = ctx.query.created || ctx.query.password_reset ? await credentials().take(ctx.state.staff!.id, id) : null;
    await renderShow(ctx, id, {
      password: fresh, created: fresh !== null && !ctx.query.password_reset, passwordReset: fresh !== null && Boolean(ctx.query.password_reset),
      saved: queryValue(ctx.query.saved, 40) || null,
    });
  });

  r.post('/admin/subscriptions/:id/password', ...guard('subscriptions.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const password = await revealPassword(deps.db, deps.secrets, actorOf(ctx), id);
    if (password === null) throw new AppError('not_found', 'not_found', 404);
    if (ctx.get('HX-Request') && !ctx.get('HX-Boosted')) {
      return deps.render(ctx, 'partials/admin/subscription-password', { password, subscription: { id } }, 'partials/admin/subscription-password');
    }
    await renderShow(ctx, id, { password });
  });

  /** @param error shown instead of a preview; `notice` above a fresh one. */
  async function planPage(ctx: Ctx, id: number, planId: number | null, status = 200, error: string | null = null, notice: string | null = null): Promise<void> {
    const detail = await subscriptionDetail(deps.db, id, today(), 1);
    if (!detail) throw new AppError('not_found', 'not_found', 404);
    let quote: PlanQuote | null = null;
    let previewError = error;
    if (planId !== null && !previewError) {
      try {
        quote = await deps.engine.previewPlanChange(id, planId);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        previewError = err.code;
      }
    }
    // Only plans of the subscription's service: a PPPoE login on a hotspot plan gets no sensible profile.
    const plans = (await activePlans(deps.db)).filter((p) => p.id !== Number(detail.subscription.plan_id) && p.service_type === detail.subscription.service_type);
    ctx.status = status;
    deps.render(ctx, 'admin/subscriptions/plan', {
      title: detail.subscription.username, subscription: detail.subscription, plans, planId, quote, previewError, notice,
    }, 'partials/admin/subscription-plan-preview');
  }

  r.get('/admin/subscriptions/:id/plan', ...guard('subscriptions.edit'), async (ctx) => {
    const planId = /^\d{1,15}$/.test(queryValue(ctx.query.plan_id, 16)) ? Number(ctx.query.plan_id) : null;
    await planPage(ctx, idParam(ctx.params.id), planId);
  });

  r.post('/admin/subscriptions/:id/plan', ...guard('subscriptions.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const body = formBody(ctx);
    const raw = String(body.plan_id ?? '');
    if (!/^\d{1,15}$/.test(raw)) return planPage(ctx, id, null, 422, 'plan_not_found');
    const version = /^\d{1,9}$/.test(String(body.version ?? '')) ? Number(body.version) : undefined;
    try {
      const change = await deps.engine.run((u) => changePlanByStaff(u, { subscriptionId: id, planId: Number(raw), actor: actorOf(ctx), expectedVersion: version }));
      ctx.redirect(`/admin/subscriptions/${id}?saved=${change.kind === 'upgrade' ? 'plan_changed' : 'plan_scheduled'}`);
    } catch (err) {
      if (err instanceof AppError && err.code === 'subscription_not_found') throw new AppError('not_found', 'not_found', 404);
      // Stale: the fresh preview is shown again, for the staff member to confirm what now holds.
      if (err instanceof AppError && err.code === 'stale') return planPage(ctx, id, Number(raw), 409, null, 'stale');
      if (err instanceof AppError && err.status < 500) return planPage(ctx, id, Number(raw), 422, err.code);
      throw err;
    }
  });

  r.post('/admin/subscriptions/:id/disconnect', ...guard('sessions.disconnect'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const outcome = await deps.engine.run((u) => disconnectSessions(u, { subscriptionId: id, actor: actorOf(ctx) }));
    if (!outcome.ok && outcome.code !== 'no_open_sessions') throw new AppError('not_found', 'not_found', 404);
    // Waited for briefly, so the page shows the router's answer when it came at once.
    if (outcome.ok) await router.follow(id, outcome.jobId);
    ctx.redirect(`/admin/subscriptions/${id}?saved=${outcome.ok ? 'disconnect' : 'disconnect_none'}`);
  });

  return r;
}
