/** The audit log, filterable by staff member and object. */
import Router from '@koa/router';
import { guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { queryValue } from '../request.js';
import { auditStaffOptions, listAudit } from './list-audit.js';

export function createAuditRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  r.get('/admin/audit', ...guard('audit.view'), async (ctx) => {
    const one = (v: unknown): string => queryValue(v, 64);
    const staffUserId = /^\d+$/.test(one(ctx.query.staff)) ? Number(one(ctx.query.staff)) : null;
    const query = { staffUserId, objectType: one(ctx.query.object_type), objectId: one(ctx.query.object_id), page: Number.parseInt(one(ctx.query.page), 10) || 1 };
    const [result, staff] = await Promise.all([listAudit(deps.db, query), auditStaffOptions(deps.db)]);
    const params = (page: number): string => new URLSearchParams({ staff: staffUserId ? String(staffUserId) : '', object_type: query.objectType, object_id: query.objectId, page: String(page) }).toString();
    deps.render(ctx, 'admin/audit/list', {
      title: 'Audit log', ...result, query, staff,
      prev: result.page > 1 ? params(result.page - 1) : null,
      next: result.hasNext ? params(result.page + 1) : null,
    });
  });
  return r;
}
