/**
 * Routers (NAS): the list, registering and editing a router (stale edits refused), its shared
 * secret masked with a "reveal" for technicians, a connection test over the RouterOS API,
 * deactivating / reactivating, and its RouterOS script. nas.view sees; nas.edit changes, reveals,
 * tests and opens the script (it holds the secret: each opening is audited, `nas_script_viewed`)
 * and the cut-over / rollback scripts; nas.view downloads the hotspot's login.html (no secret);
 * nas.api_host may point the RouterOS API at an address other than the router's own.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { recordAudit } from '../../lib/audit.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import { loginHtml } from './routeros/router-scripts.js';
import { listNas, nasCutover, nasScript } from './nas-screens.js';
import { addNas, EMPTY_NAS, formInput, formValuesOf, keptValues, loadNas, revealNasSecret, setNasActive, updateNas, type NasEditor, type NasFormValues } from '../../aaa/nas/save-nas.js';
import { testNas } from './test-nas.js';
import { t } from '../../lib/i18n.js';
import { latestDrift } from '../../network/reconcile/latest-drift.js';

/** Notices after a change (nas.saved.*); anything else in the URL shows none. */
const SAVED = new Set(['created', 'updated', 'deactivated', 'reactivated']);

const editorOf = (ctx: Koa.ParameterizedContext<AdminState>): NasEditor => ({ actor: actorOf(ctx), mayRouteApi: Boolean(ctx.state.staff?.permissions.has('nas.api_host')) });

export function createNasRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  const page = async (ctx: Parameters<AdminDeps['render']>[0], data: { values: NasFormValues; id?: number; version?: unknown; errors?: Record<string, string>; stale?: boolean; saved?: string | null }): Promise<void> => {
    const nas = data.id ? await loadNas(deps.db, data.id) : null;
    deps.render(ctx, 'admin/nas/form', {
      title: data.id ? String(nas?.name ?? data.values.name) : t(ctx.state.locale, 'nas.new'),
      action: data.id ? `/admin/nas/${data.id}` : '/admin/nas',
      nas,
      ...data,
    });
  };

  r.get('/admin/nas', ...guard('nas.view'), async (ctx) => {
    const saved = queryValue(ctx.query.saved, 20);
    const [routers, drift] = await Promise.all([listNas(deps.db), latestDrift(deps.db)]);
    deps.render(ctx, 'admin/nas/list', {
      title: t(ctx.state.locale, 'nav.nas'),
      routers: routers.map((n) => ({ ...n, drift: drift.get(Number(n.id)) ?? null })),
      saved: SAVED.has(saved) ? saved : null,
    });
  });

  r.get('/admin/nas/new', ...guard('nas.edit'), (ctx) => page(ctx, { values: EMPTY_NAS }));

  r.post('/admin/nas', ...guard('nas.edit'), async (ctx) => {
    const values = formInput(formBody(ctx));
    const result = await addNas(deps.db, deps.secrets, editorOf(ctx), values);
    if (result.ok) return ctx.redirect(`/admin/nas/${result.id}?saved=created`);
    ctx.status = 422;
    await page(ctx, { values: keptValues(values), errors: result.code === 'invalid' ? result.errors : {} });
  });

  r.get('/admin/nas/:id', ...guard('nas.view'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const nas = await loadNas(deps.db, id);
    if (!nas) throw new AppError('not_found', 'not_found', 404);
    const saved = queryValue(ctx.query.saved, 20);
    await page(ctx, { values: formValuesOf(nas), id, version: nas.version, saved: SAVED.has(saved) ? saved : null });
  });

  r.post('/admin/nas/:id', ...guard('nas.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const body = formBody(ctx);
    const values = formInput(body);
    const result = await updateNas(deps.db, deps.secrets, editorOf(ctx), id, Number(body.version), values);
    if (result.ok) return ctx.redirect(`/admin/nas/${id}?saved=updated`);
    if (result.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    ctx.status = result.code === 'stale' ? 409 : 422;
    await page(ctx, { values: keptValues(values), id, version: body.version, errors: result.code === 'invalid' ? result.errors : {}, stale: result.code === 'stale' });
  });

  r.post('/admin/nas/:id/secret', ...guard('nas.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const secret = await revealNasSecret(deps.db, deps.secrets, actorOf(ctx), id);
    if (secret === null) throw new AppError('not_found', 'not_found', 404);
    deps.render(ctx, 'partials/admin/nas-secret', { id, secret }, 'partials/admin/nas-secret');
  });

  r.post('/admin/nas/:id/test', ...guard('nas.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const outcome = await testNas(deps, actorOf(ctx), id);
    if (outcome.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    deps.render(ctx, 'partials/admin/nas-test-result', { id, ...outcome }, 'partials/admin/nas-test-result');
  });

  for (const [verb, active] of [['deactivate', false], ['reactivate', true]] as const) {
    r.post(`/admin/nas/:id/${verb}`, ...guard('nas.edit'), async (ctx) => {
      const id = idParam(ctx.params.id);
      if (!(await setNasActive(deps.db, actorOf(ctx), id, active)).ok) throw new AppError('not_found', 'not_found', 404);
      ctx.redirect(`/admin/nas/${id}?saved=${verb}d`);
    });
  }

  // The script holds the shared secret: technicians and admins only.
  r.get('/admin/nas/:id/script', ...guard('nas.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const q = (name: string, max = 300): string => queryValue(ctx.query[name], max);
    const server = q('server').trim() || ctx.hostname;
    if (!/^[A-Za-z0-9.:-]{1,253}$/.test(server)) throw new AppError('bad_server', 'error.invalid', 400);
    const found = await nasScript(deps, id, ctx.state.locale, {
      server, routeros: q('routeros', 5), pppoe_interface: q('pppoe_interface', 64), hotspot_interface: q('hotspot_interface', 64),
      hotspot_address: q('hotspot_address', 20), pools: q('pools', 20_000), tunnel: q('tunnel', 253),
    });
    if (!found) throw new AppError('not_found', 'not_found', 404);
    if (found.script) await recordAudit(deps.db, actorOf(ctx), { action: 'nas_script_viewed', objectType: 'nas', objectId: id, after: { server } });
    if (Object.keys(found.errors).length) ctx.status = 422;
    deps.render(ctx, 'admin/nas/script', { title: found.name, ...found, id, server });
  });

  // The hotspot's login.html: no secret in it, so whoever sees routers may download it.
  r.get('/admin/nas/:id/login.html', ...guard('nas.view'), async (ctx) => {
    const id = idParam(ctx.params.id);
    if (!(await loadNas(deps.db, id))) throw new AppError('not_found', 'not_found', 404);
    const server = queryValue(ctx.query.server, 253).trim() || ctx.hostname;
    if (!/^[A-Za-z0-9.:-]{1,253}$/.test(server)) throw new AppError('bad_server', 'error.invalid', 400);
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Content-Disposition', 'attachment; filename="login.html"');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = loginHtml(deps.config, server, ctx.state.locale);
  });

  // Cut-over from the router's local secrets to RADIUS, and back: it names the subscribers, so technicians and admins.
  r.get('/admin/nas/:id/cutover', ...guard('nas.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const nas = await loadNas(deps.db, id);
    if (!nas) throw new AppError('not_found', 'not_found', 404);
    const scripts = await nasCutover(deps, ctx.state.locale, queryValue(ctx.query.canary, 64).trim());
    if (scripts.error === 'canary') ctx.status = 422;
    deps.render(ctx, 'admin/nas/cutover', { title: String(nas.name), id, name: nas.name, ...scripts });
  });
  return r;
}
