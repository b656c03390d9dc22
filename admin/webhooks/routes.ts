/**
 * /admin/webhooks: outbound webhook endpoints (billing/webhooks-out/; README.md, "Webhooks"), every
 * route behind webhooks.manage (admin), CSRF on every POST by `guard`, every change audited:
 * - the list of endpoints with their pending and failed deliveries, and a form to register one;
 * - an endpoint's page: its signing secret shown once after creation or rotation (lib/shown-once.ts),
 *   the form (URL, description, events, on/off), rotate, send a test event, delete, and its
 *   delivery log (status, attempts, last response code and body excerpt, duration) with "replay".
 * Forms work without JavaScript (POST, redirect, GET).
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { AppError } from '../../lib/errors.js';
import { EVENT_TYPES } from '../../lib/outbound-events.js';
import { t } from '../../lib/i18n.js';
import { formBody, idParam, queryValue } from '../../lib/http/request.js';
import { shownOnce } from '../../lib/shown-once.js';
import { createEndpoint, deleteEndpoint, rotateEndpointSecret, updateEndpoint, type EndpointInput } from '../../billing/webhooks-out/manage-endpoints.js';
import { replayDelivery, sendTestEvent } from '../../billing/webhooks-out/send-now.js';
import { webhookDeps } from '../../billing/webhooks-out/webhook-deps.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { listDeliveries, listEndpoints, loadEndpoint } from './webhook-lists.js';

type Ctx = Koa.ParameterizedContext<AdminState>;

/** The form's values: `events` arrives as one value or many (one checkbox each). */
function inputOf(body: Record<string, unknown>): EndpointInput {
  const events = Array.isArray(body.events) ? body.events.map(String) : body.events ? [String(body.events)] : [];
  return { url: String(body.url ?? '').slice(0, 4000), description: String(body.description ?? '').slice(0, 1000), events, active: body.active === '1' };
}

const notFound = (): AppError => new AppError('not_found', 'not_found', 404);

/** Notices a redirect may name (`?saved=`), each a locale key `webhooks.saved.<name>`. */
const SAVED = new Set(['created', 'updated', 'rotated', 'deleted', 'test_delivered', 'test_failed', 'replay_delivered', 'replay_failed', 'inactive']);

export function createWebhookRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  const perm = guard('webhooks.manage');
  const wh = () => webhookDeps(deps);
  // The new signing secret, shown once on the endpoint's page after creation or rotation; the stored one is never displayed again.
  const secretsOnce = () => shownOnce(deps, 'webhook-secret');
  const saved = (ctx: Ctx): string | null => {
    const v = queryValue(ctx.query.saved, 30);
    return SAVED.has(v) ? v : null;
  };
  const eventChoices = (chosen: string[]) => EVENT_TYPES.map((type) => ({ type, checked: chosen.includes(type) }));

  async function listPage(ctx: Ctx, form: { values?: EndpointInput; errors?: Record<string, string> } = {}): Promise<void> {
    const values = form.values ?? { url: '', description: '', events: [], active: true };
    deps.render(ctx, 'admin/webhooks/list', {
      title: t(ctx.state.locale, 'nav.webhooks'), endpoints: await listEndpoints(deps.db), values, events: eventChoices(values.events),
      errors: form.errors ?? {}, saved: saved(ctx),
    });
  }

  async function endpointPage(ctx: Ctx, id: number, form: { values?: EndpointInput; errors?: Record<string, string> } = {}): Promise<void> {
    const endpoint = await loadEndpoint(deps.db, id);
    if (!endpoint) throw notFound();
    const page = Number.parseInt(queryValue(ctx.query.page, 6), 10) || 1;
    const deliveries = await listDeliveries(deps.db, id, page);
    const values = form.values ?? { url: endpoint.url, description: endpoint.description, events: endpoint.events, active: endpoint.is_active };
    const staffId = ctx.state.staff!.id;
    deps.render(ctx, 'admin/webhooks/show', {
      title: endpoint.description || endpoint.url, endpoint, values, events: eventChoices(values.events), errors: form.errors ?? {},
      secret: ctx.method === 'GET' ? await secretsOnce().take(staffId, id) : null, deliveries, saved: saved(ctx),
      prev: deliveries.page > 1 ? deliveries.page - 1 : null, next: deliveries.hasNext ? deliveries.page + 1 : null,
    });
  }

  r.get('/admin/webhooks', ...perm, async (ctx) => {
    await listPage(ctx);
  });

  r.post('/admin/webhooks', ...perm, async (ctx) => {
    const input = inputOf(formBody(ctx));
    const done = await createEndpoint(wh(), input, actorOf(ctx));
    if (done.ok) {
      await secretsOnce().keep(ctx.state.staff!.id, done.id, done.secret!);
      return ctx.redirect(`/admin/webhooks/${done.id}?saved=created`);
    }
    ctx.status = 422;
    await listPage(ctx, { values: input, errors: done.code === 'invalid' ? done.errors : {} });
  });

  r.get('/admin/webhooks/:id', ...perm, async (ctx) => {
    await endpointPage(ctx, idParam(ctx.params.id));
  });

  r.post('/admin/webhooks/:id', ...perm, async (ctx) => {
    const id = idParam(ctx.params.id);
    const input = inputOf(formBody(ctx));
    const done = await updateEndpoint(wh(), id, input, actorOf(ctx));
    if (done.ok) return ctx.redirect(`/admin/webhooks/${id}?saved=updated`);
    if (done.code === 'not_found') throw notFound();
    ctx.status = 422;
    await endpointPage(ctx, id, { values: input, errors: done.errors });
  });

  r.post('/admin/webhooks/:id/rotate', ...perm, async (ctx) => {
    const id = idParam(ctx.params.id);
    const done = await rotateEndpointSecret(wh(), id, actorOf(ctx));
    if (!done.ok) throw notFound();
    await secretsOnce().keep(ctx.state.staff!.id, id, done.secret!);
    ctx.redirect(`/admin/webhooks/${id}?saved=rotated`);
  });

  r.post('/admin/webhooks/:id/test', ...perm, async (ctx) => {
    const id = idParam(ctx.params.id);
    const done = await sendTestEvent(wh(), id, actorOf(ctx));
    if (!done.ok && done.code === 'not_found') throw notFound();
    ctx.redirect(`/admin/webhooks/${id}?saved=${done.ok ? (done.result.ok ? 'test_delivered' : 'test_failed') : 'inactive'}`);
  });

  r.post('/admin/webhooks/:id/delete', ...perm, async (ctx) => {
    if (!(await deleteEndpoint(wh(), idParam(ctx.params.id), actorOf(ctx)))) throw notFound();
    ctx.redirect('/admin/webhooks?saved=deleted');
  });

  r.post('/admin/webhooks/deliveries/:id/replay', ...perm, async (ctx) => {
    const id = idParam(ctx.params.id);
    const done = await replayDelivery(wh(), id, actorOf(ctx));
    if (!done.ok && done.code === 'not_found') throw notFound();
    const endpointId = done.ok ? done.endpointId : (await deps.db('webhook_deliveries').where({ id }).first('endpoint_id')).endpoint_id;
    ctx.redirect(`/admin/webhooks/${endpointId}?saved=${done.ok ? (done.result.ok ? 'replay_delivered' : 'replay_failed') : 'inactive'}`);
  });

  return r;
}
