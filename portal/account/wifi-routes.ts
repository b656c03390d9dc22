/**
 * The customer's Wi-Fi page (/portal/account/wifi): the Wi-Fi name of each of their
 * subscriptions' linked CPEs (GenieACS, network/genieacs/), and a form to change the name and/or
 * password through network/genieacs/set-wifi.ts (SSID 1–32 bytes, WPA2 passphrase 8–63
 * characters). Scoping (account-kit.ts): the subscription is named by its username and looked up
 * together with the signed-in customer's id, so another customer's username is "not found" (404).
 * CSRF: the portal's token on the POST. Audited as the customer (`cpe_wifi_changed`); the password
 * is never shown again, logged or audited.
 */
import type Router from '@koa/router';
import { t } from '../../lib/i18n.js';
import { formBody } from '../../lib/http/request.js';
import { loadGenieSettings } from '../../network/genieacs/genieacs-settings.js';
import { setWifi } from '../../network/genieacs/set-wifi.js';
import type { PortalState } from '../context.js';
import { HOME, notFound, type AccountCtx, type AccountKit } from './account-kit.js';
import { customerActorName } from './customer-audit.js';

interface WifiRow { username: string; ssid: string | null; instance: number | null }

async function wifiRows(kit: AccountKit, customerId: number): Promise<WifiRow[]> {
  const { settings } = await loadGenieSettings(kit.deps.db);
  if (!settings.enabled) return [];
  const rows = await kit.deps.db('subscriptions as s').join('cpes as c', 'c.subscription_id', 's.id')
    .where('s.customer_id', customerId).whereNot('s.status', 'terminated').whereNotNull('c.genieacs_id')
    .orderBy('s.id').select('s.username', 'c.state');
  return rows.map((r: { username: string; state: { wifi?: Array<{ instance: number; ssid: string }> } }) => ({
    username: r.username, ssid: r.state?.wifi?.[0]?.ssid ?? null, instance: r.state?.wifi?.[0]?.instance ?? null,
  }));
}

export function addWifiRoutes(r: Router<PortalState>, kit: AccountKit): void {
  const { deps, account, page } = kit;
  const title = (ctx: AccountCtx): string => t(ctx.state.locale, 'genieacs.portal.title');

  r.get(`${HOME}/wifi`, ...account(async (ctx) => {
    const saved = ctx.query.saved === 'done' || ctx.query.saved === 'queued' ? ctx.query.saved : null;
    page(ctx, 'wifi', { title: title(ctx), rows: await wifiRows(kit, ctx.state.customer.id), saved });
  }));

  r.post(`${HOME}/wifi`, ...account(async (ctx) => {
    const b = formBody(ctx);
    const username = String(b.subscription ?? '').slice(0, 100);
    const sub = await deps.db('subscriptions').where({ customer_id: ctx.state.customer.id, username }).whereNot('status', 'terminated').first('id');
    if (!sub) throw notFound();
    const ssid = typeof b.ssid === 'string' && b.ssid !== '' ? b.ssid.slice(0, 200) : undefined;
    const password = typeof b.wifi_password === 'string' && b.wifi_password !== '' ? b.wifi_password.slice(0, 200) : undefined;
    const actor = { staffUserId: null, username: customerActorName(ctx.state.customer.customer_number), ip: ctx.ip || null };
    if (!deps.secrets) throw new Error('the portal was built without the secret box');
    const outcome = await setWifi({ db: deps.db, secrets: deps.secrets, log: deps.log, clock: deps.clock }, Number(sub.id), { ssid, password }, actor);
    if (outcome.ok) return ctx.redirect(`${HOME}/wifi?saved=${outcome.state}`);
    ctx.status = outcome.code === 'invalid' ? 422 : outcome.code === 'no_cpe' ? 404 : 503;
    page(ctx, 'wifi', {
      title: title(ctx), rows: await wifiRows(kit, ctx.state.customer.id), typed: { subscription: username, ssid: ssid ?? '' },
      errors: outcome.code === 'invalid' ? outcome.errors : {}, failed: outcome.code !== 'invalid',
    });
  }));
}
