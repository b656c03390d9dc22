/**
 * A subscription after it was created: editing it (username, static IP, MAC binding, service
 * type, billing day, notes), setting a new PPPoE / hotspot password (shown once, like a new
 * subscription's: lib/shown-once.ts), and terminating it from a confirmation page with a reason.
 * The billing rules are the use cases' (billing/subscriptions/update-subscription.ts,
 * reset-subscription-password.ts, terminate-subscription.ts); these routes parse, authorise
 * (subscriptions.edit) and render. CSRF is checked for every POST by `guard`.
 */
import type Router from '@koa/router';
import type Koa from 'koa';
import { resetSubscriptionPassword } from '../../billing/subscriptions/reset-subscription-password.js';
import { terminateSubscription, TERMINATION_REASON_MAX } from '../../billing/subscriptions/terminate-subscription.js';
import { updateSubscription } from '../../billing/subscriptions/update-subscription.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { formBody, idParam } from '../../lib/http/request.js';
import type { ShownOnce } from '../../lib/shown-once.js';
import type { CredentialsPush } from '../../network/genieacs/credentials-push.js';
import { parseSubscriptionEditForm } from './subscription-form.js';
import { deviceChoices } from '../devices/list-devices.js';

type Ctx = Koa.ParameterizedContext<AdminState>;

const EDIT_FIELDS = ['username', 'service_type', 'anchor_day', 'static_ip', 'mac_address', 'notes', 'device_id', 'device_port', 'location',
  'framed_ipv6_prefix', 'delegated_ipv6_prefix'] as const;

/** The subscription as its edit and terminate pages show it, or null. */
async function loadForForm(deps: AdminDeps, id: number): Promise<Record<string, unknown> & { id: number; status: string; customer_id: number } | null> {
  return (await deps.db('subscriptions as s').join('customers as c', 'c.id', 's.customer_id').join('plans as p', 'p.id', 's.plan_id').where('s.id', id)
    .first('s.id', 's.customer_id', 's.username', 's.service_type', 's.anchor_day', 's.notes', 's.status', 's.version', 's.billing_type',
      'c.name as customer_name', 'c.customer_number', 'p.name as plan_name', 'p.service_type as plan_service',
      deps.db.raw(`coalesce(host(s.static_ip), '') AS static_ip, coalesce(upper(s.mac_address::text), '') AS mac_address`),
      deps.db.raw(`coalesce(text(s.framed_ipv6_prefix), '') AS framed_ipv6_prefix, coalesce(text(s.delegated_ipv6_prefix), '') AS delegated_ipv6_prefix`),
      deps.db.raw(`coalesce(s.device_id::text, '') AS device_id, coalesce(s.device_port::text, '') AS device_port`),
      deps.db.raw(`coalesce(trim_scale(s.latitude)::text || ', ' || trim_scale(s.longitude)::text, '') AS location`),
      deps.db.raw('(SELECT count(*)::int FROM accounting_sessions a WHERE a.subscription_id = s.id AND a.stop_time IS NULL) AS open_sessions'))) ?? null;
}

export function addLifecycleRoutes(r: Router<AdminState>, deps: AdminDeps, credentials: () => ShownOnce, cpePush?: CredentialsPush): void {
  async function editPage(ctx: Ctx, id: number, values: Record<string, unknown> | null, errors: Record<string, string> = {}, status = 200, stale = false): Promise<void> {
    const sub = await loadForForm(deps, id);
    if (!sub) throw new AppError('not_found', 'not_found', 404);
    if (sub.status === 'terminated') return ctx.redirect(`/admin/subscriptions/${id}`);
    ctx.status = status;
    deps.render(ctx, 'admin/subscriptions/edit', {
      title: String(sub.username), subscription: sub, values: values ?? { ...sub, notes: sub.notes ?? '' }, version: stale ? sub.version : (values?.version ?? sub.version), errors, stale,
      devices: await deviceChoices(deps.db),
    });
  }

  r.get('/admin/subscriptions/:id/edit', ...guard('subscriptions.edit'), async (ctx) => {
    await editPage(ctx, idParam(ctx.params.id), null);
  });

  r.post('/admin/subscriptions/:id/edit', ...guard('subscriptions.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const body = formBody(ctx);
    const typed = { ...Object.fromEntries(EDIT_FIELDS.map((k) => [k, String(body[k] ?? '').slice(0, k === 'notes' ? 2000 : 100)])), version: String(body.version ?? '') };
    const parsed = parseSubscriptionEditForm(body);
    if (!parsed.ok) return editPage(ctx, id, typed, parsed.errors, 422);
    const f = parsed.fields;
    const outcome = await deps.engine.run((u) => updateSubscription(u, {
      subscriptionId: id, expectedVersion: f.version, username: f.username, staticIp: f.static_ip, macAddress: f.mac_address,
      serviceType: f.service_type, anchorDay: f.anchor_day, notes: f.notes, actor: actorOf(ctx),
      // A form without the IPv6 fields (an older page) leaves the prefixes as they are.
      ipv6: 'framed_ipv6_prefix' in body ? { framedIpv6Prefix: f.framed_ipv6_prefix, delegatedIpv6Prefix: f.delegated_ipv6_prefix } : undefined,
      // A form without the network fields (an older page) leaves the device and location as they are.
      placement: 'device_id' in body ? { deviceId: f.device_id, devicePort: f.device_port, latitude: f.location?.lat ?? null, longitude: f.location?.lng ?? null } : undefined,
    }));
    if (outcome.ok) return ctx.redirect(`/admin/subscriptions/${id}?saved=${outcome.changed.length ? 'edited' : 'unchanged'}`);
    if (outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    if (outcome.code === 'terminated') return ctx.redirect(`/admin/subscriptions/${id}`);
    if (outcome.code === 'invalid') return editPage(ctx, id, typed, outcome.errors, 422);
    await editPage(ctx, id, typed, {}, 409, true);
  });

  r.post('/admin/subscriptions/:id/reset-password', ...guard('subscriptions.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const outcome = await resetSubscriptionPassword({ db: deps.db, secrets: deps.secrets }, { subscriptionId: id, actor: actorOf(ctx) });
    if (!outcome.ok && outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    if (!outcome.ok) return ctx.redirect(`/admin/subscriptions/${id}`);
    // Shown once on the page the redirect opens (POST, redirect, GET), as a new subscription's.
    await credentials().keep(ctx.state.staff!.id, id, outcome.password);
    await cpePush?.(id, `reset-${Date.now()}`); // the new password to the linked CPE (GenieACS)
    ctx.redirect(`/admin/subscriptions/${id}?password_reset=1`);
  });

  async function terminatePage(ctx: Ctx, id: number, reason: string, error: string | null, status = 200): Promise<void> {
    const sub = await loadForForm(deps, id);
    if (!sub) throw new AppError('not_found', 'not_found', 404);
    if (sub.status === 'terminated') return ctx.redirect(`/admin/subscriptions/${id}`);
    ctx.status = status;
    deps.render(ctx, 'admin/subscriptions/terminate', { title: String(sub.username), subscription: sub, reason, error, reasonMax: TERMINATION_REASON_MAX });
  }

  r.get('/admin/subscriptions/:id/terminate', ...guard('subscriptions.edit'), async (ctx) => {
    await terminatePage(ctx, idParam(ctx.params.id), '', null);
  });

  r.post('/admin/subscriptions/:id/terminate', ...guard('subscriptions.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const reason = String(formBody(ctx).reason ?? '');
    const outcome = await deps.engine.run((u) => terminateSubscription(u, { subscriptionId: id, reason, actor: actorOf(ctx) }));
    if (outcome.ok) return ctx.redirect(`/admin/subscriptions/${id}?saved=terminated`);
    if (outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    if (outcome.code === 'already_terminated') return ctx.redirect(`/admin/subscriptions/${id}`);
    await terminatePage(ctx, id, reason.slice(0, TERMINATION_REASON_MAX), 'reason_required', 422);
  });
}
