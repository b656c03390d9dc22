/**
 * The dunning schedule editor (admin only: settings.manage): the steps in day order, a new step,
 * editing one, deleting one after a confirmation. Saves redirect back to the list with
 * `?saved=…`; a form with errors comes back 422 as typed, a stale one 409.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { AppError } from '../../lib/errors.js';
import { t } from '../../lib/i18n.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { formBody, idParam } from '../../lib/http/request.js';
import { DEFAULT_TEMPLATE, deleteStep, DUNNING_ACTIONS, DUNNING_TEMPLATES, listSteps, loadStep, saveStep, stepFormValues } from './dunning-steps.js';

type Ctx = Koa.ParameterizedContext<AdminState>;
/** Days relative to the due date as Indonesian ISPs write them: H-7, H, H+3. */
const dayLabel = (offset: number): string => (offset === 0 ? 'H' : offset < 0 ? `H${offset}` : `H+${offset}`);
const version = (v: unknown): number => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : -1);

export function createDunningRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  const perm = guard('settings.manage');

  /** The customer channels that are on now, in the order a customer is reached. */
  const channelsOn = (): string[] => (['whatsapp', 'sms', 'email'] as const).filter((n) => deps.engine.channels?.[n]);

  r.get('/admin/dunning', ...perm, async (ctx) => {
    const steps = (await listSteps(deps.db)).map((s) => ({ ...s, day: dayLabel(s.offset_days), days: Math.abs(s.offset_days), relative: s.offset_days < 0 ? 'before' : s.offset_days === 0 ? 'on' : 'after', effectiveTemplate: s.template ?? DEFAULT_TEMPLATE[s.action] }));
    deps.render(ctx, 'admin/dunning/list', {
      title: t(ctx.state.locale, 'dunning.title'), section: 'dunning', steps, channels: channelsOn(), saved: ctx.query.saved, error: ctx.query.error,
    });
  });

  const form = (ctx: Ctx, data: Record<string, unknown>): void => {
    deps.render(ctx, 'admin/dunning/form', {
      title: t(ctx.state.locale, data.step ? 'dunning.edit' : 'dunning.new'), section: 'dunning', actions: DUNNING_ACTIONS, templates: DUNNING_TEMPLATES, channels: channelsOn(), ...data,
    });
  };

  r.get('/admin/dunning/new', ...perm, (ctx) => {
    form(ctx, { values: stepFormValues({}), action: '/admin/dunning' });
  });

  r.post('/admin/dunning', ...perm, async (ctx) => {
    const input = formBody(ctx);
    const result = await saveStep(deps.db, actorOf(ctx), null, 0, input);
    if (result.ok) return ctx.redirect(`/admin/dunning?saved=created#step-${result.id}`);
    ctx.status = 422;
    form(ctx, { values: input, errors: result.code === 'invalid' ? result.errors : {}, action: '/admin/dunning' });
  });

  r.get('/admin/dunning/:id/edit', ...perm, async (ctx) => {
    const step = await loadStep(deps.db, idParam(ctx.params.id));
    if (!step) throw new AppError('not_found', 'not_found', 404);
    form(ctx, { values: stepFormValues(step), version: step.version, step, action: `/admin/dunning/${step.id}` });
  });

  r.post('/admin/dunning/:id', ...perm, async (ctx) => {
    const id = idParam(ctx.params.id);
    const input = formBody(ctx);
    const result = await saveStep(deps.db, actorOf(ctx), id, version(input.version), input);
    if (result.ok) return ctx.redirect(`/admin/dunning?saved=updated#step-${id}`);
    if (result.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    ctx.status = result.code === 'stale' ? 409 : 422;
    form(ctx, { values: input, version: input.version, step: { id }, errors: result.code === 'invalid' ? result.errors : {}, stale: result.code === 'stale', action: `/admin/dunning/${id}` });
  });

  r.post('/admin/dunning/:id/delete', ...perm, async (ctx) => {
    const id = idParam(ctx.params.id);
    const result = await deleteStep(deps.db, actorOf(ctx), id, version(formBody(ctx).version));
    if (result.ok) return ctx.redirect('/admin/dunning?saved=deleted');
    if (result.code === 'not_found') throw new AppError('not_found', 'not_found', 404);
    ctx.redirect('/admin/dunning?error=stale');
  });

  return r;
}
