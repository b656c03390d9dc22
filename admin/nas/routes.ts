/**
 * Routers (NAS): the list, registering and editing a router (stale edits refused), its shared
 * secret masked with a "reveal" for technicians, a connection test over the RouterOS API,
 * deactivating / reactivating, and its RouterOS script. nas.view sees; nas.edit changes, reveals,
 * tests and opens the script (it holds the secret).
 */
import Router from '@koa/router';
import { AppError } from '../../lib/errors.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { formBody, idParam, queryValue } from '../request.js';
import { listNas, nasScript } from './nas-screens.js';
import { addNas, EMPTY_NAS, formInput, formValuesOf, keptValues, loadNas, revealNasSecret, setNasActive, updateNas, type NasFormValues } from './save-nas.js';
import { testNas } from './test-nas.js';

/** Notices after a change (nas.saved.*); anything else in the URL shows none. */
const SAVED = new Set(['created', 'updated', 'deactivated', 'reactivated']);

export function createNasRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  const page = async (ctx: Parameters<AdminDeps['render']>[0], data: { values: NasFormValues; id?: number; version?: unknown; errors?: Record<string, string>; stale?: boolean; saved?: string | null }): Promise<void> => {
    const nas = data.id ? await loadNas(deps.db, data.id) : null;
    deps.render(ctx, 'admin/nas/form', {
      title: data.id ? String(nas?.name ?? data.values.name) : 'New router',
      action: data.id ? `/admin/nas/${data.id}` : '/admin/nas',
      nas,
      ...data,
    });
  };

  r.get('/admin/nas', ...guard('nas.view'), async (ctx) => {
    const saved = queryValue(ctx.query.saved, 20);
    deps.render(ctx, 'admin/nas/list', { title: 'Routers', routers: await listNas(deps.db), saved: SAVED.has(saved) ? saved : null });
  });

  r.get('/admin/nas/new', ...guard('nas.edit'), (ctx) => page(ctx, { values: EMPTY_NAS }));

  r.post('/admin/nas', ...guard('nas.edit'), async (ctx) => {
    const values = formInput(formBody(ctx));
    const result = await addNas(deps.db, deps.secrets, actorOf(ctx), values);
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
    const result = await updateNas(deps.db, deps.secrets, actorOf(ctx), id, Number(body.version), values);
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
    const server = String(ctx.query.server ?? '').trim() || ctx.hostname;
    if (!/^[A-Za-z0-9.:-]{1,253}$/.test(server)) throw new AppError('bad_server', 'error.invalid', 400);
    const found = await nasScript(deps, id, server);
    if (!found) throw new AppError('not_found', 'not_found', 404);
    deps.render(ctx, 'admin/nas/script', { title: found.name, ...found, id, server });
  });
  return r;
}
