/**
 * /admin/network/live: the live dashboard (network.live: admin, technician). The page shows the
 * routers (online sessions, CPU, traffic) and the newest open staff alerts as they are now, then
 * keeps them current over Server-Sent Events from /admin/network/live/stream, read by htmx's SSE
 * extension (htmx.org 4 `dist/ext/hx-sse.js`, served from /static/vendor/htmx/ext/: an element
 * with `hx-sse:connect` opens the stream; every unnamed message is swapped in, here as
 * out-of-band fragments: `hx-swap-oob`).
 *
 * Messages: the router table whenever the snapshot changes (and at once on connect), each new
 * alert as it is written (prepended to the list); a heartbeat comment every 15 s
 * (lib/http/event-stream.ts). A staff member has at most LIVE_STREAMS_PER_STAFF streams open
 * (every live page: this one and subscribers' live traffic); one more is answered 429.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { t, type Locale } from '../../lib/i18n.js';
import { openEventStream } from '../../lib/http/event-stream.js';
import { createViews, type Views } from '../../lib/http/views.js';
import { AppError } from '../../lib/errors.js';
import type { LiveAlert } from '../../network/live/alert-feed.js';
import { readNasSnapshot, type NasLive } from '../../network/live/nas-snapshot.js';
import { listAlerts } from '../../lib/staff-alert-inbox.js';
import { liveHubOf, SAMPLE_MAX_AGE_MS, type LiveHub } from './live-hub.js';
import { mbps, percent } from './live-format.js';

type Ctx = Koa.ParameterizedContext<AdminState>;

/** The router rows as the template shows them. */
export function nasRows(rows: NasLive[], locale: Locale): Array<Record<string, unknown>> {
  return rows.map((r) => ({
    nasId: r.nasId, name: r.name, ip: r.ip, online: r.online,
    cpu: percent(r.cpuPct), in: mbps(r.inBps, locale), out: mbps(r.outBps, locale),
    noData: r.cpuPct === null && r.inBps === null && r.outBps === null,
  }));
}

/**
 * Takes a stream slot for the signed-in staff member or answers 429; returns the release. A
 * request that does not ask for `text/event-stream` (EventSource and htmx's SSE extension do)
 * gets 406: a plain page load or a link checker must not hold a stream open forever.
 */
export function takeStreamSlot(ctx: Ctx, hub: LiveHub): () => void {
  if (!/\btext\/event-stream\b/.test(ctx.get('Accept'))) throw new AppError('not_acceptable', 'not an event-stream request', 406);
  const staffId = ctx.state.staff!.id;
  if (!hub.acquire(staffId)) throw new AppError('too_many_streams', t(ctx.state.locale, 'live.too_many'), 429, true);
  let released = false;
  return () => {
    if (!released) hub.release(staffId);
    released = true;
  };
}

export function createLiveRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  const hub = liveHubOf(deps);
  let views: Views | null = null;
  const fragment = (name: string, data: Record<string, unknown>): string => {
    views ??= createViews({ cache: deps.config.NODE_ENV === 'production' });
    return views.fragment(name, data);
  };

  r.get('/admin/network/live', ...guard('network.live'), async (ctx) => {
    const now = deps.clock.now();
    const [rows, alerts] = await Promise.all([
      readNasSnapshot(deps.db, new Date(now.getTime() - SAMPLE_MAX_AGE_MS)),
      listAlerts(deps.db, { acknowledged: false, page: 1 }),
    ]);
    deps.render(ctx, 'admin/network/live', {
      title: t(ctx.state.locale, 'live.title'), sse: true, rows: nasRows(rows, ctx.state.locale), updatedAt: now,
      alerts: alerts.rows.slice(0, 10).map((a) => ({ id: a.id, kind: a.kind, message: a.message, createdAt: a.created_at })),
    });
  });

  r.get('/admin/network/live/stream', ...guard('network.live'), async (ctx) => {
    const release = takeStreamSlot(ctx, hub);
    const locale = ctx.state.locale;
    const stream = openEventStream(ctx);
    stream.onClose(release);
    const page = { locale, timeZone: deps.config.ISP_TIME_ZONE };
    const leave = await hub.joinDashboard({
      snapshot(rows: NasLive[], at: Date) {
        stream.send(fragment('partials/admin/live-nas', { ...page, rows: nasRows(rows, locale), updatedAt: at, oob: true }));
      },
      alerts(list: LiveAlert[]) {
        // Newest first, as the list shows them.
        stream.send(fragment('partials/admin/live-alerts-new', { ...page, alerts: [...list].reverse() }));
      },
    });
    if (stream.closed) leave();
    else stream.onClose(leave);
  });

  return r;
}
