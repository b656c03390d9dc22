/**
 * A subscriber's live traffic on their subscription page (network.live: admin, technician):
 * GET /admin/subscriptions/:id/traffic is a Server-Sent Events stream (lib/http/event-stream.ts)
 * the page's `hx-sse:connect` opens while it is shown; every message replaces the panel.
 *
 * The rates come once a second from the router of the subscriber's open session over the
 * RouterOS API (`/interface/monitor-traffic` on `<pppoe-USERNAME>`; network/live/ has the
 * details), through the process's shared monitors: two staff watching the same subscriber share
 * one monitor, and a router serves at most K monitors at once. Closing the page closes the
 * stream, which stops this viewer's watch (the monitor stops with its last viewer).
 *
 * States shown: offline (no open session), not PPPoE (hotspot: no per-user interface), the
 * router has no API credentials, connecting, router unreachable, router busy (K reached), gone
 * (the session ended), and the rates. Without a usable link the stream checks again every
 * RECHECK_MS (the subscriber may come online).
 */
import Router from '@koa/router';
import { guard, type AdminState } from '../context.js';
import type { AdminDeps } from '../deps.js';
import { idParam } from '../../lib/http/request.js';
import { openEventStream } from '../../lib/http/event-stream.js';
import { createViews, type Views } from '../../lib/http/views.js';
import { requireInScope } from '../../billing/customers/customer-scope.js';
import { subscriberLink } from '../../network/live/subscriber-link.js';
import type { TrafficReading } from '../../network/live/traffic-monitors.js';
import { liveHubOf } from '../network/live-hub.js';
import { takeStreamSlot } from '../network/live-routes.js';
import { mbps } from '../network/live-format.js';

export const RECHECK_MS = 10_000;
/** Readings kept for the panel's small chart (one a second: the last minute). */
const HISTORY = 60;

export function createLiveTrafficRoutes(deps: AdminDeps): Router<AdminState> {
  const r = new Router<AdminState>();
  const hub = liveHubOf(deps);
  let views: Views | null = null;
  const fragment = (data: Record<string, unknown>): string => {
    views ??= createViews({ cache: deps.config.NODE_ENV === 'production' });
    return views.fragment('partials/admin/live-traffic', data);
  };

  r.get('/admin/subscriptions/:id/traffic', ...guard('network.live'), async (ctx) => {
    const id = idParam(ctx.params.id);
    await requireInScope(deps.db, ctx.state.staff!.scope, 'subscriptions', id);
    const release = takeStreamSlot(ctx, hub);
    const locale = ctx.state.locale;
    const stream = openEventStream(ctx);
    stream.onClose(release);
    const history: Array<{ rx: number; tx: number }> = [];
    let nasName: string | null = null;

    const show = (state: string, extra: Record<string, unknown> = {}): void => {
      stream.send(fragment({ locale, state, nasName, ...extra }));
    };
    const onReading = (reading: TrafficReading): void => {
      if (reading.state !== 'ok') {
        show(reading.state, 'error' in reading ? { error: reading.error } : {});
        if (reading.state === 'gone') later();
        return;
      }
      history.push({ rx: reading.rxBps, tx: reading.txBps });
      if (history.length > HISTORY) history.shift();
      show('ok', {
        rxBps: Math.round(reading.rxBps), txBps: Math.round(reading.txBps),
        down: mbps(reading.txBps, locale), up: mbps(reading.rxBps, locale), chart: sparkline(history),
      });
    };

    let unwatch: (() => void) | null = null;
    let timer: NodeJS.Timeout | null = null;
    stream.onClose(() => {
      unwatch?.();
      if (timer) clearTimeout(timer);
    });
    /** Stops watching and looks for the subscriber's router again after RECHECK_MS. */
    function later(): void {
      unwatch?.();
      unwatch = null;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void relink(), RECHECK_MS);
      timer.unref();
    }
    /** Finds the subscriber's router and watches it, or shows why not and looks again later. */
    async function relink(): Promise<void> {
      if (stream.closed) return;
      unwatch?.();
      unwatch = null;
      const link = await subscriberLink(deps.db, deps.secrets, id).catch(() => null);
      if (stream.closed) return;
      if (link?.state === 'ok') {
        nasName = link.nasName;
        unwatch = hub.traffic.watch(`nas:${link.nasId}`, link.login, link.interfaceName, onReading);
        return;
      }
      nasName = link && link.state === 'no_api' ? link.nasName : null;
      show(link?.state ?? 'unreachable');
      later();
    }
    await relink();
  });

  return r;
}

/** SVG polyline points (viewBox 0 0 120 30) of download and upload, scaled to the highest reading. */
function sparkline(history: Array<{ rx: number; tx: number }>): { down: string; up: string } {
  const top = Math.max(1, ...history.map((h) => Math.max(h.rx, h.tx)));
  const points = (pick: (h: { rx: number; tx: number }) => number): string =>
    history.map((h, i) => `${(i * 120) / (HISTORY - 1)},${(30 - (pick(h) / top) * 28 - 1).toFixed(1)}`).join(' ');
  return { down: points((h) => h.tx), up: points((h) => h.rx) };
}
