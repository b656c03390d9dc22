/**
 * CPE management through GenieACS in the console (issue 14 item 3):
 * - Settings → GenieACS (settings.manage): NBI URL, username, password (sealed, never shown),
 *   offline factor, the inform token (shown once when generated) and a connection check;
 * - Settings → GenieACS → field mappings (devices.edit): the paths per data model and per
 *   vendor/model (network/genieacs/field-mapping.ts);
 * - the subscription page's CPE actions (cpe-routes.ts, devices.edit).
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { publicUrl } from '../../billing/engine/engine.js';
import { AppError } from '../../lib/errors.js';
import { t } from '../../lib/i18n.js';
import { formBody, idParam } from '../../lib/http/request.js';
import { FIELD_NAMES, listMappings, saveMapping, type FieldMapping } from '../../network/genieacs/field-mapping.js';
import { checkGenieConnection, loadGenieSettings, saveGenieSettings } from '../../network/genieacs/genieacs-settings.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { addCpeRoutes } from './cpe-routes.js';

type Ctx = Koa.ParameterizedContext<AdminState>;
const version = (v: unknown): number => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : -1);

export function createGenieAcsRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  const manage = guard('settings.manage');
  const edit = guard('devices.edit');
  addCpeRoutes(r, deps);

  async function settingsPage(ctx: Ctx, extra: Record<string, unknown> = {}): Promise<void> {
    const { settings, version: v } = await loadGenieSettings(deps.db);
    deps.render(ctx, 'admin/genieacs/settings', {
      title: t(ctx.state.locale, 'genieacs.title'), section: 'genieacs', version: v, saved: ctx.query.saved === '1',
      values: { enabled: settings.enabled, url: settings.url, username: settings.username, offline_factor: settings.offlineFactor },
      passwordSet: Boolean(settings.password), tokenSet: Boolean(settings.informToken),
      informUrl: `${publicUrl(deps.config)}/integrations/genieacs/inform`, ...extra,
    });
  }

  r.get('/admin/settings/genieacs', ...manage, (ctx) => settingsPage(ctx));

  r.post('/admin/settings/genieacs', ...manage, async (ctx) => {
    const input = formBody(ctx);
    const result = await saveGenieSettings(deps, actorOf(ctx), version(input.version), input);
    if (result.ok && !result.newToken) return ctx.redirect('/admin/settings/genieacs?saved=1');
    if (result.ok) return settingsPage(ctx, { saved: true, newToken: result.newToken });
    ctx.status = result.code === 'stale' ? 409 : 422;
    await settingsPage(ctx, {
      values: { enabled: input.enabled === '1', url: String(input.url ?? '').slice(0, 300), username: String(input.username ?? '').slice(0, 100), offline_factor: String(input.offline_factor ?? '').slice(0, 4) },
      errors: result.code === 'invalid' ? result.errors : {}, stale: result.code === 'stale',
    });
  });

  r.post('/admin/settings/genieacs/check', ...manage, async (ctx) => {
    const outcome = await checkGenieConnection(deps);
    deps.log.info({ ok: outcome.ok, staff: ctx.state.staff?.username }, 'GenieACS connection checked from the console');
    await settingsPage(ctx, { check: outcome });
  });

  const mappingView = (m: FieldMapping): Record<string, unknown> => ({ ...m, rows: FIELD_NAMES.map((f) => ({ name: f, value: m.fields[f] })), isDefault: m.vendor === '' && m.model === '' });

  r.get('/admin/settings/genieacs/mappings', ...edit, async (ctx) => {
    const mappings = (await listMappings(deps.db)).map(mappingView);
    deps.render(ctx, 'admin/genieacs/mappings', { title: t(ctx.state.locale, 'genieacs.mappings.title'), section: 'genieacs', mappings, saved: ctx.query.saved === '1' });
  });

  async function mappingForm(ctx: Ctx, id: number | null, values: Record<string, unknown> | null, errors: Record<string, string> = {}, status = 200): Promise<void> {
    let mapping: Record<string, unknown> | null = null;
    if (id !== null) {
      const m = (await listMappings(deps.db)).find((x) => x.id === id);
      if (!m) throw new AppError('not_found', 'not_found', 404);
      mapping = mappingView(m);
    }
    const v = values ?? (mapping ? { data_model: mapping.dataModel, vendor: mapping.vendor, model: mapping.model, rx_power_divisor: mapping.rxPowerDivisor, version: mapping.version, ...(mapping.fields as object) } : { data_model: 'igd', rx_power_divisor: 1 });
    ctx.status = status;
    deps.render(ctx, 'admin/genieacs/mapping', {
      title: t(ctx.state.locale, 'genieacs.mappings.title'), section: 'genieacs', id, isDefault: Boolean(mapping?.isDefault), values: v, errors,
      rows: FIELD_NAMES.map((f) => ({ name: f, value: String(v[f] ?? ''), error: errors[f] })),
    });
  }

  r.get('/admin/settings/genieacs/mappings/new', ...edit, (ctx) => mappingForm(ctx, null, null));
  r.get('/admin/settings/genieacs/mappings/:id', ...edit, (ctx) => mappingForm(ctx, idParam(ctx.params.id), null));

  const saveRoute = (path: string, withId: boolean): void => {
    r.post(path, ...edit, async (ctx) => {
      const id = withId ? idParam(ctx.params.id) : null;
      const input = formBody(ctx);
      const result = await saveMapping(deps.db, actorOf(ctx), id, version(input.version), input);
      if (result.ok) return ctx.redirect('/admin/settings/genieacs/mappings?saved=1');
      if (result.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
      const typed = Object.fromEntries(['data_model', 'vendor', 'model', 'rx_power_divisor', 'version', ...FIELD_NAMES].map((k) => [k, String(input[k] ?? '').slice(0, 300)]));
      await mappingForm(ctx, id, typed, result.code === 'invalid' ? result.errors : { vendor: 'genieacs.error.stale' }, result.code === 'stale' ? 409 : 422);
    });
  };
  saveRoute('/admin/settings/genieacs/mappings', false);
  saveRoute('/admin/settings/genieacs/mappings/:id', true);
  return r;
}
