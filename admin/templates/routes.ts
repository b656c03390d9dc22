/**
 * Notification template editor (admin only: settings.manage): every template by language with
 * its edited channels; the editor with the placeholders it may use, a live preview with sample
 * data (htmx posts the form to /admin/templates/preview as staff type), save (checked, stale
 * refused, audited) and reset to the built-in text after a confirmation.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { AppError } from '../../lib/errors.js';
import { t } from '../../lib/i18n.js';
import { loadBillingSettings } from '../../billing/settings/billing-settings.js';
import { builtInTemplate, templatePlaceholders } from '../../billing/notifications/templates.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { formBody } from '../../lib/http/request.js';
import {
  channelsFor, channelSlug, listTemplates, loadTemplate, preview, resetTemplate, saveTemplate, templateKey, type FieldProblem, type TemplateKey,
} from './message-templates.js';

type Ctx = Koa.ParameterizedContext<AdminState>;
const version = (v: unknown): number => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : -1);

export function createTemplateRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  const perm = guard('settings.manage');

  const keyOf = (params: Record<string, string | undefined>): TemplateKey => {
    const key = templateKey(params.template, params.locale, params.channel);
    if (!key) throw new AppError('not_found', 'not_found', 404);
    return key;
  };
  const companyName = async (): Promise<string> => (await loadBillingSettings(deps.db)).companyName;
  const path = (k: TemplateKey): string => `/admin/templates/${k.template}/${k.locale}/${channelSlug(k.channel)}`;

  r.get('/admin/templates', ...perm, async (ctx) => {
    const list = (await listTemplates(deps.db)).map((row) => ({
      ...row, channels: channelsFor(row.template).map((c) => ({ slug: channelSlug(c), edited: row.edited.find((e) => e.channel === channelSlug(c)) })),
    }));
    deps.render(ctx, 'admin/templates/list', { title: t(ctx.state.locale, 'templates.title'), section: 'templates', list, saved: ctx.query.saved });
  });

  async function editor(ctx: Ctx, key: TemplateKey, over: { subject?: string; body?: string; version?: unknown; errors?: Record<string, FieldProblem>; stale?: boolean } = {}): Promise<void> {
    const current = await loadTemplate(deps.db, key);
    const subject = over.subject ?? current.subject;
    const body = over.body ?? current.body;
    deps.render(ctx, 'admin/templates/edit', {
      title: t(ctx.state.locale, `templates.name.${key.template}`), section: 'templates', key: { ...key, slug: channelSlug(key.channel) }, editPath: path(key),
      values: { subject, body }, version: over.version ?? current.version, source: current.source, updatedAt: current.updatedAt,
      placeholders: templatePlaceholders(key.template), builtIn: builtInTemplate(key.template, key.locale),
      channels: channelsFor(key.template).map(channelSlug), preview: preview(key.template, key.locale, subject, body, await companyName()),
      errors: over.errors ?? {}, stale: over.stale, saved: ctx.query.saved,
    });
  }

  r.get('/admin/templates/:template/:locale/:channel', ...perm, async (ctx) => {
    await editor(ctx, keyOf(ctx.params));
  });

  r.post('/admin/templates/preview', ...perm, async (ctx) => {
    const b = formBody(ctx);
    const key = keyOf({ template: b.template, locale: b.locale, channel: b.channel });
    const subject = String(b.subject ?? '').slice(0, 1000);
    const body = String(b.body ?? '').slice(0, 20_000);
    if (ctx.get('HX-Request')) {
      deps.render(ctx, 'admin/templates/edit', { key: { ...key, slug: channelSlug(key.channel) }, preview: preview(key.template, key.locale, subject, body, await companyName()) }, 'partials/admin/template-preview');
      return;
    }
    await editor(ctx, key, { subject, body, version: b.version });
  });

  r.post('/admin/templates/:template/:locale/:channel', ...perm, async (ctx) => {
    const key = keyOf(ctx.params);
    const b = formBody(ctx);
    const subject = String(b.subject ?? '');
    const body = String(b.body ?? '');
    const result = await saveTemplate(deps.db, actorOf(ctx), key, version(b.version), subject, body);
    if (result.ok) return ctx.redirect(`${path(key)}?saved=1`);
    ctx.status = result.code === 'stale' ? 409 : 422;
    await editor(ctx, key, { subject, body, version: b.version, errors: result.code === 'invalid' ? result.errors : {}, stale: result.code === 'stale' });
  });

  r.post('/admin/templates/:template/:locale/:channel/reset', ...perm, async (ctx) => {
    const key = keyOf(ctx.params);
    const result = await resetTemplate(deps.db, actorOf(ctx), key, version(formBody(ctx).version));
    if (result.ok) return ctx.redirect(`${path(key)}?saved=reset`);
    ctx.status = 409;
    await editor(ctx, key, { stale: true });
  });

  return r;
}
