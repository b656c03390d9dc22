/**
 * WhatsApp broadcasts (issue 11, "Work on many at once"), all under `broadcasts.send` (admin):
 * the past broadcasts, composing one (message with {{name}}, {{customer_number}},
 * {{amount_owed}}; a filter by area, router, plan and subscription status), the preview (how
 * many it reaches, the first 10 messages as each customer gets them, the customers left out for
 * want of a phone), sending (send-broadcast.ts: one outbox row each, spread at PER_MINUTE) and
 * the delivery report (queued / sent / failed from the outbox; polled while rows are queued).
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { AppError } from '../../lib/errors.js';
import { t } from '../../lib/i18n.js';
import { formBody, idParam } from '../../lib/http/request.js';
import { actorOf, guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { filterChoices, filterParams, parseSubscriptionFilter, SUBSCRIPTION_STATUSES } from '../subscriptions/subscription-filter.js';
import { broadcastAudience } from './broadcast-audience.js';
import { checkMessage, fillMessage, MESSAGE_MAX, PLACEHOLDERS } from './broadcast-message.js';
import { broadcastReport, listBroadcasts } from './broadcast-report.js';
import { PER_MINUTE, sendBroadcast } from './send-broadcast.js';

type Ctx = Koa.ParameterizedContext<AdminState>;

const PREVIEW_ROWS = 10;

export function createBroadcastRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();

  async function compose(ctx: Ctx, values: { message: string; filter: ReturnType<typeof parseSubscriptionFilter> }, extra: Record<string, unknown> = {}): Promise<void> {
    deps.render(ctx, 'admin/broadcasts/new', {
      title: t(ctx.state.locale, 'broadcasts.new'), message: values.message, query: values.filter, statuses: SUBSCRIPTION_STATUSES,
      ...(await filterChoices(deps.db, ctx.state.staff!.scope)), placeholders: PLACEHOLDERS.map((p) => `{{${p}}}`), max: MESSAGE_MAX,
      whatsapp: Boolean(deps.engine.channels.whatsapp), ...extra,
    });
  }

  const read = (ctx: Ctx) => {
    const body = formBody(ctx);
    return { message: String(body.message ?? '').replace(/\r\n/g, '\n').slice(0, MESSAGE_MAX + 1), filter: parseSubscriptionFilter(body) };
  };

  r.get('/admin/broadcasts', ...guard('broadcasts.send'), async (ctx) => {
    deps.render(ctx, 'admin/broadcasts/list', { title: t(ctx.state.locale, 'broadcasts.title'), broadcasts: await listBroadcasts(deps.db) });
  });

  r.get('/admin/broadcasts/new', ...guard('broadcasts.send'), async (ctx) => {
    await compose(ctx, { message: '', filter: parseSubscriptionFilter(ctx.query) });
  });

  /** The form's values and their audience, or null after showing the form again with what is wrong (422). */
  const readValid = async (ctx: Ctx) => {
    const values = read(ctx);
    const error = checkMessage(values.message) ?? (deps.engine.channels.whatsapp ? null : 'no_whatsapp');
    if (error) {
      ctx.status = 422;
      await compose(ctx, values, { error });
      return null;
    }
    return { values, audience: await broadcastAudience(deps.db, values.filter, ctx.state.staff!.scope) };
  };

  /** The preview (200), or the form again with what is wrong (422). */
  r.post('/admin/broadcasts/preview', ...guard('broadcasts.send'), async (ctx) => {
    const valid = await readValid(ctx);
    if (!valid) return;
    const { values, audience } = valid;
    deps.render(ctx, 'admin/broadcasts/preview', {
      title: t(ctx.state.locale, 'broadcasts.preview'), message: values.message, filter: values.filter,
      hidden: Object.entries(filterParams(values.filter)).map(([name, value]) => ({ name, value })),
      count: audience.members.length, withoutPhone: audience.withoutPhone, perMinute: PER_MINUTE,
      minutes: Math.ceil(audience.members.length / PER_MINUTE),
      samples: audience.members.slice(0, PREVIEW_ROWS).map((m) => ({ ...m, text: fillMessage(values.message, m) })),
    });
  });

  r.post('/admin/broadcasts', ...guard('broadcasts.send'), async (ctx) => {
    const valid = await readValid(ctx);
    if (!valid) return;
    const { values, audience } = valid;
    if (!audience.members.length) {
      ctx.status = 422;
      return compose(ctx, values, { error: 'no_recipients' });
    }
    const id = await sendBroadcast(deps, { actor: actorOf(ctx), filter: values.filter, message: values.message, audience });
    ctx.redirect(`/admin/broadcasts/${id}`);
  });

  r.get('/admin/broadcasts/:id', ...guard('broadcasts.send'), async (ctx) => {
    const report = await broadcastReport(deps.db, idParam(ctx.params.id));
    if (!report) throw new AppError('not_found', 'not_found', 404);
    deps.render(ctx, 'admin/broadcasts/report', { title: `${t(ctx.state.locale, 'broadcasts.report')} #${report.broadcast.id}`, ...report }, 'partials/admin/broadcast-report');
  });

  return r;
}
