/**
 * Settings (admin only: settings.manage): company, tax and invoicing with the time zone shown;
 * access (walled garden / reject, Reply-Message texts); payment gateways and notification
 * channels, each with a check a staff member can run. Saves redirect back with `?saved=…`; a
 * form with errors comes back 422 with what was typed (never a typed secret), a stale one 409.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { AppError } from '../../lib/errors.js';
import { t } from '../../lib/i18n.js';
import { readSetting } from '../../lib/settings-store.js';
import { publicUrl } from '../../billing/engine/engine.js';
import { BANK_ACCOUNTS_MAX } from '../../billing/settings/billing-settings.js';
import { CHANNELS, PROVIDERS } from '../../billing/settings/integrations.js';
import type { ChannelName } from '../../billing/notifications/channel.js';
import type { Provider } from '../../billing/payments/gateways/payment-gateway.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { formBody } from '../../lib/http/request.js';
import { aaaFormValues, loadAaaSettingsForm, MESSAGE_KEYS, saveAaaSettings } from './aaa-settings-form.js';
import { companyFormValues, loadCompanySettings, saveCompanySettings } from './company-settings.js';
import { loadMapSettings, saveMapSettings } from '../../network/map/map-settings.js';
import { addDemoDataRoutes } from './demo-data-routes.js';
import { addBankTransferSettingsRoutes } from './bank-transfer-settings-routes.js';
import { checkGateway, loadArea, providerView, saveProvider, sendTestMessage, type ProviderView } from './integration-settings.js';

type Ctx = Koa.ParameterizedContext<AdminState>;

/** The text of `key`, or `fallback` for a text nobody has written yet (a Reply-Message the radius role just gained). */
function label(locale: 'id' | 'en', key: string, fallback: string): string {
  try {
    return t(locale, key);
  } catch {
    return fallback;
  }
}

const version = (v: unknown): number => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : -1);

export function createSettingsRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  addDemoDataRoutes(r, deps);
  addBankTransferSettingsRoutes(r, deps); // issue 14: bank transfer on/off, accounts, code hours
  const perm = guard('settings.manage');

  async function timeZoneFacts(): Promise<Record<string, unknown>> {
    const stored = await readSetting(deps.db, 'time_zone');
    return { configured: deps.config.ISP_TIME_ZONE, stored: typeof stored.value === 'string' ? stored.value : null };
  }

  async function companyPage(ctx: Ctx, extra: Record<string, unknown> = {}): Promise<void> {
    const { settings, version: v } = await loadCompanySettings(deps.db);
    const map = await loadMapSettings(deps.db);
    deps.render(ctx, 'admin/settings/company', {
      title: t(ctx.state.locale, 'settings.title'), section: 'company', values: companyFormValues(settings), version: v,
      tz: await timeZoneFacts(), saved: ctx.query.saved, bankRows: Array.from({ length: BANK_ACCOUNTS_MAX }, (_, i) => i),
      map: { values: map.settings, version: map.version }, ...extra,
    });
  }

  r.get('/admin/settings', ...perm, (ctx) => companyPage(ctx));

  r.post('/admin/settings', ...perm, async (ctx) => {
    const input = formBody(ctx);
    const result = await saveCompanySettings(deps.db, actorOf(ctx), version(input.version), input);
    if (result.ok) return ctx.redirect('/admin/settings?saved=1');
    ctx.status = result.code === 'stale' ? 409 : 422;
    await companyPage(ctx, { values: input, version: input.version, errors: result.code === 'invalid' ? result.errors : {}, stale: result.code === 'stale' });
  });

  // The network map's tiles (network/map/map-settings.ts), a card of the company page.
  r.post('/admin/settings/map', ...perm, async (ctx) => {
    const input = formBody(ctx);
    const result = await saveMapSettings(deps.db, actorOf(ctx), version(input.mapVersion), input);
    if (result.ok) return ctx.redirect('/admin/settings?saved=1#map');
    ctx.status = result.code === 'stale' ? 409 : 422;
    await companyPage(ctx, { map: { values: input, version: input.mapVersion, errors: result.code === 'invalid' ? result.errors : {}, stale: result.code === 'stale' } });
  });

  async function accessPage(ctx: Ctx, extra: Record<string, unknown> = {}): Promise<void> {
    const { settings, version: v, invalid } = await loadAaaSettingsForm(deps.db);
    deps.render(ctx, 'admin/settings/access', {
      title: t(ctx.state.locale, 'settings.access.title'), section: 'access', values: aaaFormValues(settings), version: v, invalid, saved: ctx.query.saved,
      messages: MESSAGE_KEYS.map((k) => ({ field: `msg_${k}`, label: label(ctx.state.locale, `settings.access.msg.${k}`, k) })), ...extra,
    });
  }

  r.get('/admin/settings/access', ...perm, (ctx) => accessPage(ctx));

  r.post('/admin/settings/access', ...perm, async (ctx) => {
    const input = formBody(ctx);
    const result = await saveAaaSettings(deps.db, actorOf(ctx), version(input.version), input);
    if (result.ok) return ctx.redirect('/admin/settings/access?saved=1');
    ctx.status = result.code === 'stale' ? 409 : 422;
    await accessPage(ctx, { values: input, version: input.version, errors: result.code === 'invalid' ? result.errors : {}, stale: result.code === 'stale' });
  });

  // --- Gateways and channels ---------------------------------------------------------------------

  const integ = { db: deps.db, config: deps.config, secrets: deps.secrets };

  async function integrationPage(ctx: Ctx, area: 'gateways' | 'channels', override?: ProviderView, result?: Record<string, unknown>): Promise<void> {
    const { stored, version: v } = await loadArea(deps.db, area);
    const names: readonly string[] = area === 'gateways' ? PROVIDERS : CHANNELS;
    const providers = names.map((n) => (override && override.name === n ? override : providerView(integ, area, n, stored, v)));
    const base = publicUrl(deps.config);
    deps.render(ctx, `admin/settings/${area}`, {
      title: t(ctx.state.locale, `settings.${area}.title`), section: area, area, providers, saved: ctx.query.saved, result,
      webhooks: { midtrans: `${base}/webhooks/midtrans`, xendit: `${base}/webhooks/xendit`, tripay: `${base}/webhooks/tripay`, duitku: `${base}/webhooks/duitku` },
    });
  }

  const areaRoutes = (area: 'gateways' | 'channels'): void => {
    const names: readonly string[] = area === 'gateways' ? PROVIDERS : CHANNELS;
    const param = (ctx: { params: Record<string, string | undefined> }): string => {
      const p = ctx.params.provider ?? '';
      if (!names.includes(p)) throw new AppError('not_found', 'not_found', 404);
      return p;
    };

    r.get(`/admin/settings/${area}`, ...perm, (ctx) => integrationPage(ctx, area));

    r.post(`/admin/settings/${area}/:provider`, ...perm, async (ctx) => {
      const provider = param(ctx);
      const input = formBody(ctx);
      const result = await saveProvider(integ, actorOf(ctx), area, provider, version(input.version), input);
      if (result.ok) {
        // This process uses the new settings at once; other processes within a few seconds.
        await deps.engine.integrations?.reload().catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, 'could not reload gateway and channel settings'));
        return ctx.redirect(`/admin/settings/${area}?saved=${provider}#${provider}`);
      }
      if (result.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
      ctx.status = result.code === 'stale' ? 409 : 422;
      const { stored } = await loadArea(deps.db, area);
      const view = providerView(integ, area, provider, stored, version(input.version), result.typed);
      view.errors = result.code === 'invalid' ? result.errors : {};
      view.stale = result.code === 'stale';
      await integrationPage(ctx, area, view);
    });
  };
  areaRoutes('gateways');
  areaRoutes('channels');

  /** The outcome of a check or test: a fragment for htmx, else the whole page with it. */
  async function showResult(ctx: Ctx, area: 'gateways' | 'channels', result: Record<string, unknown>): Promise<void> {
    if (!result.ok) ctx.status = result.field ? 422 : 200;
    if (ctx.get('HX-Request')) {
      deps.render(ctx, 'admin/settings/gateways', { result }, 'partials/admin/settings-result');
      return;
    }
    await integrationPage(ctx, area, undefined, result);
  }

  r.post('/admin/settings/gateways/:provider/check', ...perm, async (ctx) => {
    const provider = ctx.params.provider ?? '';
    if (!(PROVIDERS as readonly string[]).includes(provider)) throw new AppError('not_found', 'not_found', 404);
    const outcome = await checkGateway(integ, provider as Provider);
    deps.log.info({ provider, ok: outcome.ok, staff: ctx.state.staff?.username }, 'payment gateway checked from the console');
    await showResult(ctx, 'gateways', { ...outcome, provider, kind: 'check' });
  });

  r.post('/admin/settings/channels/:provider/test', ...perm, async (ctx) => {
    const name = ctx.params.provider ?? '';
    if (!(CHANNELS as readonly string[]).includes(name)) throw new AppError('not_found', 'not_found', 404);
    const input = formBody(ctx);
    const locale = ctx.state.locale;
    const { settings } = await loadCompanySettings(deps.db);
    const message = `${t(locale, 'settings.channels.test_text')} (${settings.companyName})`;
    const outcome = await sendTestMessage(integ, name as ChannelName, String(input.recipient ?? '').slice(0, 200), {
      subject: t(locale, 'settings.channels.test_subject'), message, companyName: settings.companyName, locale,
    });
    // Neither the recipient nor the text: only who tested which channel, and how it went.
    deps.log.info({ channel: name, ok: outcome.ok, staff: ctx.state.staff?.username }, 'test message sent from the console');
    await showResult(ctx, 'channels', { ...outcome, provider: name, kind: 'test', recipient: input.recipient });
  });

  return r;
}
