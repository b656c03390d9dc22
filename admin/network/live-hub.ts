/**
 * The process's live feeds behind every open Server-Sent Events stream of the console (the live
 * dashboard and subscribers' live traffic): one shared poller per process, not one query loop per
 * browser.
 *
 * - Streams per staff member are capped (LIVE_STREAMS_PER_STAFF): a further one is refused (429)
 *   until one closes. Each stream holds its slot until its connection closes.
 * - Dashboard: while at least one dashboard stream is open, the NAS snapshot
 *   (network/live/nas-snapshot.ts) is read every SNAPSHOT_MS and new staff alerts
 *   (network/live/alert-feed.ts) every ALERTS_MS, once for all of them; each subscriber gets the
 *   snapshot when it joins and whenever it changes, and each new alert. With no stream open
 *   nothing is read.
 * - Live traffic: network/live/traffic-monitors.ts (one monitor per router interface, at most K
 *   per router).
 * One hub per mounted console (`liveHubOf(deps)`), so the two route files share the caps.
 */
import type { AdminDeps } from '../deps.js';
import { createAlertFeed, type AlertFeed, type LiveAlert } from '../../network/live/alert-feed.js';
import { readNasSnapshot, type NasLive } from '../../network/live/nas-snapshot.js';
import { createTrafficMonitors, type TrafficMonitors } from '../../network/live/traffic-monitors.js';

export const LIVE_STREAMS_PER_STAFF = 4;
export const SNAPSHOT_MS = 5000;
export const ALERTS_MS = 2000;
/** Samples older than this are not "live": the dashboard shows "no data yet" instead. */
export const SAMPLE_MAX_AGE_MS = 15 * 60_000;

export interface DashboardViewer {
  snapshot(rows: NasLive[], at: Date): void;
  alerts(alerts: LiveAlert[]): void;
}

export interface LiveHub {
  /** Takes one of the staff member's stream slots; false when all are in use. */
  acquire(staffId: number): boolean;
  release(staffId: number): void;
  /** Joins the dashboard feed (the current snapshot comes at once); returns the leave function. */
  joinDashboard(viewer: DashboardViewer): Promise<() => void>;
  traffic: TrafficMonitors;
  /** Open streams in all, and per staff member (tests, /metrics). */
  stats(): { streams: number; dashboards: number; perStaff: Record<number, number> };
}

const hubs = new WeakMap<AdminDeps, LiveHub>();

export function liveHubOf(deps: AdminDeps): LiveHub {
  let hub = hubs.get(deps);
  if (!hub) {
    hub = createLiveHub(deps);
    hubs.set(deps, hub);
  }
  return hub;
}

function createLiveHub(deps: AdminDeps): LiveHub {
  const perStaff = new Map<number, number>();
  const viewers = new Set<DashboardViewer>();
  let feed: AlertFeed | null = null;
  let last: { rows: NasLive[]; key: string; at: Date } | null = null;
  let timers: NodeJS.Timeout[] = [];
  let reading: Promise<void> | null = null;

  const each = (fn: (v: DashboardViewer) => void): void => {
    for (const v of viewers) {
      try {
        fn(v);
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'live dashboard: a viewer failed');
      }
    }
  };

  /** Reads the snapshot; tells every viewer when it changed (or `force`). One read at a time. */
  function refresh(): Promise<void> {
    reading ??= (async () => {
      try {
        const now = deps.clock.now();
        const rows = await readNasSnapshot(deps.db, new Date(now.getTime() - SAMPLE_MAX_AGE_MS));
        const key = JSON.stringify(rows);
        const changed = key !== last?.key;
        last = { rows, key, at: now };
        if (changed) each((v) => v.snapshot(rows, now));
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'live dashboard: snapshot failed');
      } finally {
        reading = null;
      }
    })();
    return reading;
  }

  async function pollAlerts(): Promise<void> {
    try {
      const fresh = await feed!.poll(Date.now());
      if (fresh.length > 0) each((v) => v.alerts(fresh));
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'live dashboard: alert poll failed');
    }
  }

  /** Starts the pollers; resolves once the alert feed knows where "new" starts. */
  function start(): Promise<void> {
    feed = createAlertFeed(deps.db);
    const ready = pollAlerts();
    const a = setInterval(() => void refresh(), SNAPSHOT_MS);
    const b = setInterval(() => void pollAlerts(), ALERTS_MS);
    a.unref();
    b.unref();
    timers = [a, b];
    return ready;
  }

  function stop(): void {
    for (const t of timers) clearInterval(t);
    timers = [];
    feed = null;
    last = null;
  }

  return {
    acquire(staffId) {
      const n = perStaff.get(staffId) ?? 0;
      if (n >= LIVE_STREAMS_PER_STAFF) return false;
      perStaff.set(staffId, n + 1);
      return true;
    },
    release(staffId) {
      const n = (perStaff.get(staffId) ?? 0) - 1;
      if (n > 0) perStaff.set(staffId, n);
      else perStaff.delete(staffId);
    },
    async joinDashboard(viewer) {
      const first = viewers.size === 0;
      viewers.add(viewer);
      if (first) await start();
      if (reading) await reading;
      if (last) viewer.snapshot(last.rows, last.at);
      else await refresh();
      return () => {
        viewers.delete(viewer);
        if (viewers.size === 0) stop();
      };
    },
    traffic: createTrafficMonitors(),
    stats() {
      const per = Object.fromEntries(perStaff);
      return { streams: [...perStaff.values()].reduce((a, b) => a + b, 0), dashboards: viewers.size, perStaff: per };
    },
  };
}
