/**
 * Settings › Demo data (admin only: settings.manage): how many rows the first-start demo data
 * still has, what real data would keep them from removal, and removing them after a confirmation
 * (admin/settings/remove-demo-data.ts: exactly the demo rows and their dependent rows, audited). The POST
 * carries the CSRF token (`guard`) and a typed confirmation word, so a stray click removes nothing.
 */
import type Router from '@koa/router';
import type Koa from 'koa';
import { t } from '../../lib/i18n.js';
import { countDemoRows, demoBlockers, removeDemoData } from './remove-demo-data.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { formBody } from '../../lib/http/request.js';

/** What staff type to confirm (the same in both languages, as it is shown). */
export const DEMO_CONFIRM_WORD = 'DEMO';

export function addDemoDataRoutes(r: Router<AdminState>, deps: AdminDeps): void {
  const perm = guard('settings.manage');

  async function page(ctx: Koa.ParameterizedContext<AdminState>, extra: Record<string, unknown> = {}, status = 200): Promise<void> {
    const counts = await countDemoRows(deps.db);
    const blockers = await demoBlockers(deps.db);
    ctx.status = status;
    deps.render(ctx, 'admin/settings/demo', {
      title: t(ctx.state.locale, 'demo.title'), section: 'demo', counts, blockers, word: DEMO_CONFIRM_WORD,
      any: counts.nas + counts.plans + counts.customers + counts.subscriptions > 0, saved: ctx.query.saved, ...extra,
    });
  }

  r.get('/admin/settings/demo', ...perm, async (ctx) => page(ctx));

  r.post('/admin/settings/demo/remove', ...perm, async (ctx) => {
    if (String(formBody(ctx).confirm ?? '').trim() !== DEMO_CONFIRM_WORD) return page(ctx, { error: 'confirm' }, 422);
    const outcome = await removeDemoData(deps.db, actorOf(ctx));
    if (outcome.ok) return ctx.redirect('/admin/settings/demo?saved=removed');
    if (outcome.code === 'nothing') return ctx.redirect('/admin/settings/demo');
    await page(ctx, { error: 'blocked' }, 409);
  });
}
