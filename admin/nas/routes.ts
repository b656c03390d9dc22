/** Routers: the list and each router's RouterOS script. */
import Router from '@koa/router';
import { AppError } from '../../lib/errors.js';
import { guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { idParam } from '../request.js';
import { listNas, nasScript } from './nas-screens.js';

export function createNasRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  r.get('/admin/nas', ...guard('nas.view'), async (ctx) => {
    deps.render(ctx, 'admin/nas/list', { title: 'Routers', routers: await listNas(deps.db) });
  });
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
