/**
 * Plans: the list (search, status and type filters, sort, pages; CSV of the whole filtered list),
 * a new plan, editing (stale edits refused), deactivating / reactivating, deleting an unused plan,
 * and a live download/upload reading of a Mikrotik-Rate-Limit while it is typed.
 * plans.view sees; plans.edit changes.
 */
import Router from '@koa/router';
import { AppError } from '../../lib/errors.js';
import { actorOf, guard, type AdminState } from '../context.js';
import { everyRow, streamCsv } from '../csv.js';
import type { AdminDeps } from '../deps.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import { listPlans, PLAN_SORTS, PLAN_STATUSES, PLAN_TYPES, type PlanListQuery } from './list-plans.js';
import { describeRateLimit } from './rate-limit-text.js';
import { addPlan, deletePlan, EMPTY_PLAN, formInput, formValuesOf, loadPlan, setPlanActive, updatePlan, type PlanFormValues } from './save-plan.js';
import { listLinks } from '../list-links.js';
import { t } from '../../lib/i18n.js';

/** Notices after a change (plans.saved.*); anything else in the URL shows none. */
const SAVED = new Set(['created', 'updated', 'updated_online', 'deactivated', 'reactivated', 'deleted']);

function listQuery(q: Record<string, unknown>): PlanListQuery {
  const one = (v: unknown): string => queryValue(v);
  const pick = <T extends string>(v: string, allowed: readonly T[], fallback: T): T => ((allowed as readonly string[]).includes(v) ? (v as T) : fallback);
  return {
    q: one(q.q),
    status: pick(one(q.status), PLAN_STATUSES, ''),
    type: pick(one(q.type), PLAN_TYPES, ''),
    sort: pick(one(q.sort), PLAN_SORTS, 'name'),
    dir: one(q.dir) === 'desc' ? 'desc' : 'asc',
    page: Number.parseInt(one(q.page), 10) || 1,
  };
}

export function createPlanRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  const form = (ctx: Parameters<AdminDeps['render']>[0], data: {
    values: PlanFormValues; id?: number; version?: unknown; subscribers?: number; isActive?: boolean;
    errors?: Record<string, string>; stale?: boolean; inUse?: { subscriptions: number; vouchers: number };
  }): void => {
    deps.render(ctx, 'admin/plans/form', {
      title: data.id ? data.values.name : t(ctx.state.locale, 'plans.new'),
      action: data.id ? `/admin/plans/${data.id}` : '/admin/plans',
      rate: describeRateLimit(data.values.rate_limit),
      ...data,
    });
  };

  r.get('/admin/plans', ...guard('plans.view'), async (ctx) => {
    const query = listQuery(ctx.query);
    const list = await listPlans(deps.db, query);
    const params = (over: Partial<PlanListQuery>): string => {
      const p = { ...query, ...over };
      return new URLSearchParams({ q: p.q, status: p.status, type: p.type, sort: p.sort, dir: p.dir, page: String(p.page) }).toString();
    };
    deps.render(ctx, 'admin/plans/list', {
      title: t(ctx.state.locale, 'nav.plans'),
      query,
      // `sla` as text, so a threshold of 0 hours still shows (Handlebars treats 0 as false).
      list: { ...list, rows: list.rows.map((row) => ({ ...row, rate: describeRateLimit(row.rate_limit), sla: row.sla_threshold_hours === null ? null : String(row.sla_threshold_hours) })) },
      saved: SAVED.has(queryValue(ctx.query.saved, 20)) ? queryValue(ctx.query.saved, 20) : null,
      told: Number.parseInt(queryValue(ctx.query.told, 9), 10) || 0,
      ...listLinks({ query, list, sorts: PLAN_SORTS, params: params, csvPath: '/admin/plans.csv' }),
    }, 'partials/admin/plan-results');
  });

  r.get('/admin/plans.csv', ...guard('plans.view'), async (ctx) => {
    const query = listQuery(ctx.query);
    await streamCsv(ctx, `plans-${deps.clock.now().toISOString().slice(0, 10)}.csv`,
      ['name', 'service_type', 'price', 'billing_cycle', 'cycle_days', 'rate_limit', 'quota_bytes', 'fup_rate_limit', 'framed_pool', 'mikrotik_group',
        'simultaneous_use', 'active', 'subscribers'],
      async function* () {
        for await (const p of everyRow((page) => listPlans(deps.replicaDb, { ...query, page }, 1000))) {
          yield [p.name, p.service_type, p.price, p.billing_cycle, p.cycle_days, p.rate_limit, p.quota_bytes, p.fup_rate_limit, p.framed_pool,
            p.mikrotik_group, p.simultaneous_use, p.is_active ? 'yes' : 'no', p.subscribers];
        }
      });
  });

  // The form asks as the rate limit is typed (htmx); any staff member who sees plans may ask.
  r.get('/admin/plans/rate-preview', ...guard('plans.view'), (ctx) => {
    const text = queryValue(ctx.query.rate_limit, 200);
    deps.render(ctx, 'partials/admin/plan-rate-preview', { rate: describeRateLimit(text), typed: text.trim() !== '' }, 'partials/admin/plan-rate-preview');
  });

  r.get('/admin/plans/new', ...guard('plans.edit'), (ctx) => form(ctx, { values: EMPTY_PLAN }));

  r.post('/admin/plans', ...guard('plans.edit'), async (ctx) => {
    const values = formInput(formBody(ctx));
    const result = await addPlan(deps.db, actorOf(ctx), values);
    if (result.ok) return ctx.redirect('/admin/plans?saved=created');
    ctx.status = 422;
    form(ctx, { values, errors: result.code === 'invalid' ? result.errors : {} });
  });

  r.get('/admin/plans/:id', ...guard('plans.view'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const found = await loadPlan(deps.db, id);
    if (!found) throw new AppError('not_found', 'not_found', 404);
    form(ctx, { values: formValuesOf(found.row), id, version: found.row.version, subscribers: found.subscribers, isActive: Boolean(found.row.is_active) });
  });

  r.post('/admin/plans/:id', ...guard('plans.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const body = formBody(ctx);
    const values = formInput(body);
    const result = await deps.engine.run((u) => updatePlan(u, actorOf(ctx), id, Number(body.version), values));
    if (result.ok) return ctx.redirect(`/admin/plans?saved=${result.routersTold > 0 ? 'updated_online' : 'updated'}&told=${result.routersTold}`);
    if (result.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    const found = await loadPlan(deps.db, id);
    ctx.status = result.code === 'stale' ? 409 : 422;
    form(ctx, {
      values, id, version: body.version, subscribers: found?.subscribers, isActive: Boolean(found?.row.is_active),
      errors: result.code === 'invalid' ? result.errors : {}, stale: result.code === 'stale',
    });
  });

  for (const [verb, active] of [['deactivate', false], ['reactivate', true]] as const) {
    r.post(`/admin/plans/:id/${verb}`, ...guard('plans.edit'), async (ctx) => {
      const id = idParam(ctx.params.id);
      if (!(await setPlanActive(deps.db, actorOf(ctx), id, active)).ok) throw new AppError('not_found', 'not_found', 404);
      ctx.redirect(`/admin/plans?saved=${verb}d`);
    });
  }

  r.post('/admin/plans/:id/delete', ...guard('plans.edit'), async (ctx) => {
    const id = idParam(ctx.params.id);
    const result = await deletePlan(deps.db, actorOf(ctx), id);
    if (result.ok) return ctx.redirect('/admin/plans?saved=deleted');
    if (result.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    const found = await loadPlan(deps.db, id);
    ctx.status = 409;
    form(ctx, {
      values: formValuesOf(found!.row), id, version: found!.row.version, subscribers: found!.subscribers, isActive: Boolean(found!.row.is_active),
      inUse: { subscriptions: result.subscriptions, vouchers: result.vouchers },
    });
  });

  return r;
}
