/**
 * Bulk actions on the customer, subscription and invoice lists (issue 11, "Work on many at once").
 *
 * Flow: the list's form (ticked rows, or "select all N matching this filter") posts to the
 * action's URL → the preview page (what will happen to each row, the rows that cannot take it and
 * why, the counts, a confirmation button carrying a single-use token for exactly the rows shown:
 * selection.ts) → the same URL with that token runs it (bulk-runs.ts: in the request up to
 * SYNC_MAX rows, else in the background) → the result page (done / skipped / failed per row,
 * polled while it runs). Each row goes through the single-row use case (bulk-actions.ts), so it
 * is audited as the single-row button is. Each URL needs the permission of the single-row form.
 * Export (CSV) has no preview: it changes nothing.
 * URLs live under /admin/bulk/: `/admin/subscriptions/:id/suspend` would otherwise catch them.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { localDate } from '../../billing/plans/billing-period.js';
import { AppError } from '../../lib/errors.js';
import { hasText, t, type Locale } from '../../lib/i18n.js';
import { formBody } from '../../lib/http/request.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { BULK_ACTIONS, type BulkAction, type PreviewRow } from './bulk-actions.js';
import { exportSelected } from './bulk-export.js';
import { readRun, startRun, SYNC_MAX } from './bulk-runs.js';
import { resolveSelection, type BulkList } from './resolve-selection.js';
import { keepPlan, takePlan, BULK_MAX } from './selection.js';

type Ctx = Koa.ParameterizedContext<AdminState>;

/** Rows of each kind the preview lists (the counts cover all). */
const SHOWN = 500;

/** `bulk.will.<code>` / `bulk.skip.<code>`, or the generic text for a code without one. */
function reasonKey(locale: Locale, ok: boolean, code: string): string {
  const key = `bulk.${ok ? 'will' : 'skip'}.${code}`;
  return hasText(key, locale) ? key : `bulk.${ok ? 'will' : 'skip'}.other`;
}

const EXPORTS: Array<{ list: BulkList; permission: 'customers.view' | 'invoices.view' }> = [
  { list: 'customers', permission: 'customers.view' }, { list: 'subscriptions', permission: 'customers.view' }, { list: 'invoices', permission: 'invoices.view' },
];

export function createBulkRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  async function preview(ctx: Ctx, action: BulkAction): Promise<void> {
    const body = formBody(ctx);
    const staff = ctx.state.staff!;
    const locale = ctx.state.locale;
    const { ids, capped } = await resolveSelection(deps, action.list, body, staff.scope);
    const planId = /^\d{1,15}$/.test(String(body.plan_id ?? '')) ? Number(body.plan_id) : null;
    const plan = planId ? await deps.db('plans').where({ id: planId }).first('id', 'name') : null;
    let error: string | null = null;
    if (!ids.length) error = 'none_selected';
    else if (action.kind === 'subscriptions.plan' && !plan) error = 'plan_required';
    const rows: PreviewRow[] = error ? [] : await action.preview(deps, ids, { planId });
    const will = rows.filter((row) => row.ok);
    const skip = rows.filter((row) => !row.ok);
    const token = will.length
      ? await keepPlan(deps.redis, deps.prefix, {
        staffId: staff.id, kind: action.kind, ids: will.map((w) => w.id),
        params: { planId, labels: Object.fromEntries(will.map((w) => [w.id, w.label])), versions: Object.fromEntries(will.map((w) => [w.id, w.version])) },
      })
      : null;
    const shown = (list: PreviewRow[]) => list.slice(0, SHOWN).map((row) => ({ ...row, reason: reasonKey(locale, row.ok, row.code) }));
    ctx.status = error ? 422 : 200;
    deps.render(ctx, 'admin/bulk/preview', {
      title: t(locale, `bulk.action.${action.kind}`), action: action.kind, url: ctx.path, list: action.list, plan, error, capped, max: BULK_MAX,
      will: shown(will), skip: shown(skip), willCount: will.length, skipCount: skip.length, moreWill: Math.max(0, will.length - SHOWN),
      moreSkip: Math.max(0, skip.length - SHOWN), token, background: will.length > SYNC_MAX, total: ids.length,
      showAmount: action.kind !== 'subscriptions.suspend' && action.kind !== 'subscriptions.reactivate',
    });
  }

  for (const action of Object.values(BULK_ACTIONS)) {
    r.post(`/admin/bulk/${action.kind.replace('.', '/')}`, ...guard(action.permission), async (ctx) => {
      const body = formBody(ctx);
      if (body.token === undefined) return preview(ctx, action);
      const staff = ctx.state.staff!;
      const plan = await takePlan(deps.redis, deps.prefix, body.token, staff.id, action.kind);
      if (!plan) {
        ctx.status = 409;
        return deps.render(ctx, 'admin/bulk/preview', { title: t(ctx.state.locale, `bulk.action.${action.kind}`), list: action.list, error: 'expired' });
      }
      const labels = (plan.params.labels ?? {}) as Record<string, string>;
      const runId = await startRun(deps, {
        staffId: staff.id, kind: action.kind, items: plan.ids.map((id) => ({ id, label: labels[id] ?? `#${id}` })),
        perform: action.perform(deps, actorOf(ctx), plan.params),
      });
      ctx.redirect(`/admin/bulk/runs/${runId}`);
    });
  }

  for (const { list, permission } of EXPORTS) {
    r.post(`/admin/bulk/${list}/export`, ...guard(permission), async (ctx) => {
      const { ids } = await resolveSelection(deps, list, formBody(ctx), ctx.state.staff!.scope);
      if (!ids.length) return ctx.redirect(`/admin/${list}`);
      await exportSelected(ctx, { db: deps.db, day: localDate(deps.clock.now(), deps.config.ISP_TIME_ZONE), actor: actorOf(ctx) }, list, ids);
    });
  }

  // A run's progress and result: only the staff member who started it sees it (another gets 404).
  r.get('/admin/bulk/runs/:id', ...guard('customers.view'), async (ctx) => {
    const run = await readRun(deps.redis, deps.prefix, String(ctx.params.id ?? ''), ctx.state.staff!.id);
    if (!run) throw new AppError('not_found', 'not_found', 404);
    const action = BULK_ACTIONS[run.kind as BulkAction['kind']];
    const locale = ctx.state.locale;
    deps.render(ctx, 'admin/bulk/run', {
      title: t(locale, `bulk.action.${run.kind}`), run, list: action?.list ?? 'customers',
      rows: run.rows.map((row) => ({ ...row, reason: row.code ? (hasText(`bulk.outcome.${row.code}`, locale) ? `bulk.outcome.${row.code}` : 'bulk.outcome.other') : '' })),
      progress: run.total ? Math.round(((run.done + run.skipped + run.failed) / run.total) * 100) : 100,
    }, 'partials/admin/bulk-run');
  });

  return r;
}
