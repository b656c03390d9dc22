/**
 * The CPE actions of the subscription page (devices.edit; CSRF by `guard`): refresh, reboot,
 * factory reset (a confirmation page first; the POST needs `confirm=1`), set Wi-Fi (name and/or
 * passphrase), link by serial and unlink. Each redirects back to the subscription page with
 * `?cpe=<outcome>` (views/partials/admin/cpe-panel.hbs says it); a Wi-Fi form with errors comes
 * back 422. The use cases audit (network/genieacs/cpe-actions.ts, set-wifi.ts).
 */
import type Router from '@koa/router';
import { AppError } from '../../lib/errors.js';
import { t } from '../../lib/i18n.js';
import { formBody, idParam } from '../../lib/http/request.js';
import { requireInScope } from '../../billing/customers/customer-scope.js';
import { linkCpeBySerial, runCpeAction, unlinkCpe, type CpeAction } from '../../network/genieacs/cpe-actions.js';
import { setWifi } from '../../network/genieacs/set-wifi.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { createCredentialsPush } from '../../network/genieacs/credentials-push.js';

const ACTIONS: Record<string, CpeAction> = { refresh: 'refresh', reboot: 'reboot', 'factory-reset': 'factory_reset' };

export function addCpeRoutes(r: Router<AdminState>, deps: AdminDeps): void {
  const perm = guard('devices.edit');
  const push = createCredentialsPush(deps);
  const back = (id: number, outcome: string): string => `/admin/subscriptions/${id}?cpe=${outcome}#cpe`;
  const subscription = async (ctx: { state: AdminState }, id: number): Promise<{ id: number; username: string }> => {
    await requireInScope(deps.db, ctx.state.staff!.scope, 'subscriptions', id);
    const sub = await deps.db('subscriptions').where({ id }).first('id', 'username');
    if (!sub) throw new AppError('not_found', 'not_found', 404);
    return { id: Number(sub.id), username: sub.username };
  };

  r.get('/admin/subscriptions/:id/cpe/factory-reset', ...perm, async (ctx) => {
    const sub = await subscription(ctx, idParam(ctx.params.id));
    deps.render(ctx, 'admin/genieacs/factory-reset', { title: t(ctx.state.locale, 'genieacs.factory_reset'), subscription: sub });
  });

  for (const [slug, action] of Object.entries(ACTIONS)) {
    r.post(`/admin/subscriptions/:id/cpe/${slug}`, ...perm, async (ctx) => {
      const sub = await subscription(ctx, idParam(ctx.params.id));
      const confirmed = formBody(ctx).confirm === '1';
      const outcome = await runCpeAction(deps, sub.id, action, actorOf(ctx), confirmed);
      if (!outcome.ok && outcome.code === 'not_confirmed') {
        ctx.status = 422;
        return deps.render(ctx, 'admin/genieacs/factory-reset', { title: t(ctx.state.locale, 'genieacs.factory_reset'), subscription: sub, notConfirmed: true });
      }
      ctx.redirect(back(sub.id, outcome.ok ? `${slug}_${outcome.state}` : outcome.code));
    });
  }

  r.post('/admin/subscriptions/:id/cpe/wifi', ...perm, async (ctx) => {
    const sub = await subscription(ctx, idParam(ctx.params.id));
    const b = formBody(ctx);
    const ssid = typeof b.ssid === 'string' && b.ssid !== '' ? b.ssid.slice(0, 200) : undefined;
    const password = typeof b.wifi_password === 'string' && b.wifi_password !== '' ? b.wifi_password.slice(0, 200) : undefined;
    const instance = /^\d{1,3}$/.test(String(b.instance ?? '')) ? Number(b.instance) : undefined;
    const outcome = await setWifi(deps, sub.id, { ssid, password, instance }, actorOf(ctx));
    if (outcome.ok) return ctx.redirect(back(sub.id, `wifi_${outcome.state}`));
    if (outcome.code !== 'invalid') return ctx.redirect(back(sub.id, outcome.code));
    ctx.status = 422;
    deps.render(ctx, 'admin/genieacs/wifi', { title: t(ctx.state.locale, 'genieacs.wifi.title'), subscription: sub, errors: outcome.errors, values: { ssid: ssid ?? '', instance: instance ?? '' } });
  });

  r.post('/admin/subscriptions/:id/cpe/link', ...perm, async (ctx) => {
    const sub = await subscription(ctx, idParam(ctx.params.id));
    const outcome = await linkCpeBySerial(deps, sub.id, String(formBody(ctx).serial ?? '').slice(0, 100), actorOf(ctx));
    if (outcome.ok) await push(sub.id, `link-${Date.now()}`);
    ctx.redirect(back(sub.id, outcome.ok ? (outcome.found ? 'linked' : 'linked_pending') : `link_${outcome.code}`));
  });

  r.post('/admin/subscriptions/:id/cpe/unlink', ...perm, async (ctx) => {
    const sub = await subscription(ctx, idParam(ctx.params.id));
    await unlinkCpe(deps, sub.id, actorOf(ctx));
    ctx.redirect(back(sub.id, 'unlinked'));
  });
}
