/** The audit log, filterable by staff member and object. */
import Router from '@koa/router';
import { t } from '../../lib/i18n.js';
import { guard, type AdminState } from '../context.js';
import { streamCsv } from '../csv.js';
import type { AdminDeps } from '../deps.js';
import { queryValue } from '../../lib/http/request.js';
import { allAudit, auditStaffOptions, listAudit, type AuditQuery } from './list-audit.js';

function auditQuery(q: Record<string, unknown>): AuditQuery {
  const one = (v: unknown): string => queryValue(v, 64);
  const staffUserId = /^\d+$/.test(one(q.staff)) ? Number(one(q.staff)) : null;
  return { staffUserId, objectType: one(q.object_type), objectId: one(q.object_id), page: Number.parseInt(one(q.page), 10) || 1 };
}

export function createAuditRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  r.get('/admin/audit', ...guard('audit.view'), async (ctx) => {
    const query = auditQuery(ctx.query);
    const { staffUserId } = query;
    const [result, staff] = await Promise.all([listAudit(deps.db, query, ctx.state.locale), auditStaffOptions(deps.db)]);
    const params = (page: number): string => new URLSearchParams({ staff: staffUserId ? String(staffUserId) : '', object_type: query.objectType, object_id: query.objectId, page: String(page) }).toString();
    deps.render(ctx, 'admin/audit/list', {
      title: t(ctx.state.locale, 'nav.audit'), ...result, query, staff,
      prev: result.page > 1 ? params(result.page - 1) : null,
      next: result.hasNext ? params(result.page + 1) : null,
      csv: `/admin/audit.csv?${params(1)}`,
    });
  });

  r.get('/admin/audit.csv', ...guard('audit.view'), async (ctx) => {
    const query = auditQuery(ctx.query);
    await streamCsv(ctx, `audit-${deps.clock.now().toISOString().slice(0, 10)}.csv`,
      ['when', 'staff', 'action', 'object_type', 'object_id', 'before', 'after', 'ip'],
      async function* () {
        for await (const e of allAudit(deps.replicaDb, query)) {
          yield [new Date(e.created_at as string).toISOString(), String(e.actor ?? ''), String(e.action), String(e.object_type), String(e.object_id ?? ''),
            e.before ? JSON.stringify(e.before) : '', e.after ? JSON.stringify(e.after) : '', String(e.ip ?? '')];
        }
      });
  });
  return r;
}
