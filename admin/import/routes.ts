/**
 * Settings › Import (admin only: settings.manage): existing subscribers from a RouterOS export,
 * a customers CSV, a phpnuxbill or daloRADIUS mysqldump, or a live MikroTik (a registered NAS with an API login), the same as
 * `npm run import` (server/cli/import.ts, billing/import/).
 *
 * GET /admin/import shows the form: source, the file (pasted, or loaded into the text area by
 * /static/admin-import.js), the router (field `router`: `nas` is a number field at the edge,
 * lib/http/request-values.ts), the billing day. POST /admin/import/preview shows what a
 * commit would do — created, updated, conflicts, refused rows with the reason — and writes
 * nothing; its page carries a commit form with the same input. POST /admin/import/commit plans
 * again and commits in one transaction (billing/import/commit-import.ts, audited as the staff
 * member). Both POSTs carry the CSRF token (`guard`). The form body is limited to 100 kB
 * (web/admin-routes.ts): a larger file goes through the CLI. GET /admin/import/template.csv is the
 * CSV template.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { commitImport } from '../../billing/import/commit-import.js';
import { customersCsvTemplate } from '../../billing/import/customers-csv.js';
import { batchFromFile } from '../../billing/import/file-sources.js';
import { IMPORT_SOURCES, type ImportBatch, type ImportSource } from '../../billing/import/import-model.js';
import { planImport, type ImportPreview } from '../../billing/import/plan-import.js';
import { readLiveRouterOs } from '../../billing/import/routeros-live.js';
import { t } from '../../lib/i18n.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { formBody } from '../../lib/http/request.js';

type Ctx = Koa.ParameterizedContext<AdminState>;


interface ImportForm { source: ImportSource; content: string; nas: string; anchorDay: number }

/** The form's values, or the field error (a locale key). */
function readForm(body: Record<string, string>): { form: ImportForm; error: string | null } {
  const source = (IMPORT_SOURCES as readonly string[]).includes(body.source ?? '') ? (body.source as ImportSource) : 'routeros-export';
  const anchorDay = /^\d{1,2}$/.test(body.anchor_day ?? '') ? Number(body.anchor_day) : 0;
  const form = { source, content: String(body.content ?? ''), nas: String(body.router ?? '').trim(), anchorDay };
  const error = anchorDay < 1 || anchorDay > 28 ? 'import.error.anchor_day'
    : source === 'mikrotik' && !form.nas ? 'import.error.nas'
    : source !== 'mikrotik' && !form.content.trim() ? 'import.error.content'
    : null;
  return { form, error };
}

export function createImportRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  const perm = guard('settings.manage');

  async function page(ctx: Ctx, form: ImportForm, extra: Record<string, unknown> = {}, status = 200): Promise<void> {
    const routers = await deps.db('nas').orderBy('name').select('name', deps.db.raw('host(ip_address) AS ip'), deps.db.raw('routeros_username IS NOT NULL AND routeros_password_enc IS NOT NULL AS api'));
    ctx.status = status;
    deps.render(ctx, 'admin/import/index', { title: t(ctx.state.locale, 'import.title'), section: 'import', form, routers, ...extra });
  }

  /** The batch of the form's source, or a locale key saying why there is none. */
  async function batchOf(form: ImportForm): Promise<{ batch: ImportBatch } | { error: string; detail?: string }> {
    if (form.nas && !(await deps.db('nas').whereRaw('ip_address = ?::inet', [form.nas]).first('id').catch(() => undefined))) return { error: 'import.error.nas' };
    if (form.source !== 'mikrotik') return { batch: batchFromFile(form.source, form.content) };
    const live = await readLiveRouterOs(deps, form.nas);
    if (live.ok) return { batch: live.batch };
    return live.error === 'nas_not_found' || live.error === 'no_api_login' ? { error: `import.error.${live.error}` } : { error: 'import.error.router', detail: live.error };
  }

  const view = (p: ImportPreview) => ({
    preview: p,
    changes: {
      plans: p.plans.filter((x) => x.action !== 'unchanged'),
      customers: p.customers.filter((x) => x.action !== 'unchanged'),
      subscriptions: p.subscriptions.filter((x) => x.action !== 'unchanged'),
    },
  });

  r.get('/admin/import', ...perm, async (ctx) => page(ctx, { source: 'routeros-export', content: '', nas: '', anchorDay: 1 }));

  r.get('/admin/import/template.csv', ...perm, async (ctx) => {
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment('import-pelanggan.csv');
    ctx.body = customersCsvTemplate();
  });

  r.post('/admin/import/preview', ...perm, async (ctx) => {
    const { form, error } = readForm(formBody(ctx));
    if (error) return page(ctx, form, { error }, 422);
    const got = await batchOf(form);
    if ('error' in got) return page(ctx, form, got, 422);
    await page(ctx, form, view(await planImport(deps.db, deps.secrets, got.batch)));
  });

  r.post('/admin/import/commit', ...perm, async (ctx) => {
    const { form, error } = readForm(formBody(ctx));
    if (error) return page(ctx, form, { error }, 422);
    const got = await batchOf(form);
    if ('error' in got) return page(ctx, form, got, 422);
    const actor = actorOf(ctx);
    const done = await deps.engine.run((u) => commitImport({ ...u, secrets: deps.secrets }, got.batch, {
      actor, anchorDay: form.anchorDay, nas: form.nas || null, label: form.source === 'mikrotik' ? `api ${form.nas}` : `console ${form.source}`,
    }));
    await page(ctx, { ...form, content: '' }, { ...view(done), committed: true });
  });

  return r;
}
