/**
 * Subscribers' live traffic from their router, shared and bounded per router.
 *
 * RouterOS API (MikroTik manual "Interface" → "Traffic monitor"; API form of
 * `/interface monitor-traffic <name> once`): `/interface/monitor-traffic =interface=<name> =once=`
 * answers one `!re` with `rx-bits-per-second` and `tx-bits-per-second` (plus packet rates). On a
 * PPPoE server's `<pppoe-USER>` interface, rx is what the router receives from the subscriber
 * (their upload) and tx what it sends them (their download).
 *
 * - One monitor per (router, interface), however many staff watch it: every viewer gets the same
 *   reading, once a second (`intervalMs`).
 * - One API connection per router while anything on it is watched (lib/routeros/api-connection.ts
 *   `withRouterOs`, held open for up to `sessionMs`, then a fresh login), all of its monitors read
 *   in turn over it; closed when the last viewer leaves (within one interval).
 * - At most `perRouter` (K, default 4) interfaces watched on one router at once; another viewer of
 *   a fifth interface gets `busy` until one ends. A router is a production box: the console must
 *   not load it with per-second commands for every open page.
 * - A command that takes longer than `commandTimeoutMs`, or a failed login/connection, ends the
 *   connection: every viewer on that router gets `unreachable`, and it is tried again after
 *   `retryMs` while anyone still watches. A trap for one interface (the session ended, so the
 *   interface is gone) reaches that interface's viewers as `gone`.
 * Limits are per process (the web role); each process keeps its own monitors.
 */
import type { RouterOSAPI } from 'node-routeros';
import { describeRouterOsError, withRouterOs, type RouterOsLogin } from '../../lib/routeros/api-connection.js';

export type TrafficReading =
  /** Bits per second, router's view: rx from the subscriber (upload), tx to them (download). */
  | { state: 'ok'; rxBps: number; txBps: number; at: Date }
  | { state: 'connecting' }
  | { state: 'busy' }
  | { state: 'unreachable'; error: string }
  | { state: 'gone'; error: string };

export type TrafficListener = (reading: TrafficReading) => void;

export interface TrafficMonitors {
  /**
   * Starts (or joins) the monitor of `interfaceName` on router `routerKey` and calls `listener`
   * with every reading. Returns the function that stops watching.
   */
  watch(routerKey: string, login: RouterOsLogin, interfaceName: string, listener: TrafficListener): () => void;
  /** Interfaces being monitored, by router key (for tests and /metrics). */
  active(): Record<string, string[]>;
  /** Stops every monitor. */
  stop(): void;
}

export interface TrafficMonitorOptions {
  perRouter?: number;
  intervalMs?: number;
  commandTimeoutMs?: number;
  sessionMs?: number;
  retryMs?: number;
}

interface Router {
  login: RouterOsLogin;
  /** Watched interfaces → their viewers. */
  interfaces: Map<string, Set<TrafficListener>>;
  /** Viewers over the cap, waiting for a slot: interface → viewers. */
  waiting: Map<string, Set<TrafficListener>>;
  running: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** A command the router did not answer in time: the connection is given up (see the module comment). */
class CommandTimeout extends Error {}

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CommandTimeout(`no answer within ${ms} ms`)), ms)))])
    .finally(() => clearTimeout(timer));
}

export function createTrafficMonitors(opts: TrafficMonitorOptions = {}): TrafficMonitors {
  const perRouter = opts.perRouter ?? 4;
  const intervalMs = opts.intervalMs ?? 1000;
  const commandTimeoutMs = opts.commandTimeoutMs ?? 3000;
  const sessionMs = opts.sessionMs ?? 30 * 60_000;
  const retryMs = opts.retryMs ?? 5000;
  const routers = new Map<string, Router>();
  let stopped = false;

  const tell = (viewers: Iterable<TrafficListener> | undefined, reading: TrafficReading): void => {
    for (const v of viewers ?? []) {
      try {
        v(reading);
      } catch {
        // One viewer's failure (a closed stream) is that viewer's business.
      }
    }
  };

  async function readOnce(api: RouterOSAPI, router: Router, name: string): Promise<void> {
    let rows: Array<Record<string, string>>;
    try {
      rows = (await within(api.write('/interface/monitor-traffic', [`=interface=${name}`, '=once=']), commandTimeoutMs)) as Array<Record<string, string>>;
    } catch (err) {
      if (err instanceof CommandTimeout) throw err;
      tell(router.interfaces.get(name), { state: 'gone', error: describeRouterOsError(err) });
      return;
    }
    const row = rows[0] ?? {};
    tell(router.interfaces.get(name), {
      state: 'ok', rxBps: Number(row['rx-bits-per-second'] ?? 0) || 0, txBps: Number(row['tx-bits-per-second'] ?? 0) || 0, at: new Date(),
    });
  }

  async function run(key: string, router: Router): Promise<void> {
    while (!stopped && router.interfaces.size > 0) {
      const outcome = await withRouterOs(router.login, sessionMs, async (api) => {
        const until = Date.now() + sessionMs - 2 * commandTimeoutMs;
        while (!stopped && router.interfaces.size > 0 && Date.now() < until) {
          const started = Date.now();
          for (const name of [...router.interfaces.keys()]) await readOnce(api, router, name);
          await sleep(Math.max(0, intervalMs - (Date.now() - started)));
        }
      });
      if (!outcome.ok && !stopped && router.interfaces.size > 0) {
        for (const viewers of router.interfaces.values()) tell(viewers, { state: 'unreachable', error: outcome.error });
        await sleep(retryMs);
      }
    }
    router.running = false;
    if (router.interfaces.size === 0 && router.waiting.size === 0) routers.delete(key);
  }

  function ensureRunning(key: string, router: Router): void {
    if (router.running || router.interfaces.size === 0 || stopped) return;
    router.running = true;
    void run(key, router);
  }

  /** Moves waiting viewers into free slots. */
  function admit(key: string, router: Router): void {
    for (const [name, viewers] of router.waiting) {
      if (router.interfaces.size >= perRouter) break;
      router.waiting.delete(name);
      router.interfaces.set(name, viewers);
      tell(viewers, { state: 'connecting' });
    }
    ensureRunning(key, router);
  }

  return {
    watch(routerKey, login, interfaceName, listener) {
      let router = routers.get(routerKey);
      if (!router) {
        router = { login, interfaces: new Map(), waiting: new Map(), running: false };
        routers.set(routerKey, router);
      }
      router.login = login;
      const r = router;
      const watched = r.interfaces.get(interfaceName);
      if (watched) watched.add(listener);
      else if (r.interfaces.size < perRouter) r.interfaces.set(interfaceName, new Set([listener]));
      else {
        const queue = r.waiting.get(interfaceName) ?? new Set();
        queue.add(listener);
        r.waiting.set(interfaceName, queue);
        listener({ state: 'busy' });
      }
      if (r.interfaces.has(interfaceName)) listener({ state: 'connecting' });
      ensureRunning(routerKey, r);
      return () => {
        for (const map of [r.interfaces, r.waiting]) {
          const viewers = map.get(interfaceName);
          if (!viewers?.delete(listener)) continue;
          if (viewers.size === 0) map.delete(interfaceName);
        }
        admit(routerKey, r);
        if (!r.running && r.interfaces.size === 0 && r.waiting.size === 0) routers.delete(routerKey);
      };
    },
    active() {
      return Object.fromEntries([...routers].map(([k, r]) => [k, [...r.interfaces.keys()]]));
    },
    stop() {
      stopped = true;
    },
  };
}
