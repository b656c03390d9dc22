/**
 * The radius role in worker processes (Node's cluster module hands every worker of a kind the
 * same UDP socket; the kernel spreads datagrams over them). Two kinds (ARCHITECTURE.md "Roles"):
 * - `auth`: RADIUS_PROCESSES processes bind only RADIUS_AUTH_PORT, so nothing but Access-Requests
 *   runs on their event loops;
 * - `acct`: RADIUS_ACCT_PROCESSES processes bind only RADIUS_ACCT_PORT and run the background work
 *   (stale-session sweep, nas-control CoA worker), so an accounting flood never delays a login;
 *   they run at a lower scheduling priority (RADIUS_ACCT_NICE, default 10), so a login is also
 *   first for a busy core;
 * - `all` (RADIUS_ACCT_PROCESSES=0): RADIUS_PROCESSES processes serving both ports.
 * A single Node process uses one core; each process is a full radius role with its own replica,
 * exactly like separate radius instances on one database (accounting and usage stay exact).
 *
 * The primary process forks the workers, restarts one that dies (as the same kind), stops them
 * on shutdown, and serves their aggregated metrics on its /metrics.
 */
import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';
import { AggregatorRegistry } from 'prom-client';
import { startRadiusRole, type RadiusProcessKind } from './radius-role.js';
import type { Config } from '../lib/config.js';
import { createContainer } from '../lib/container.js';
import type { Logger } from '../lib/logger.js';
import type { RunningRole } from '../lib/role.js';

const WORKER_FLAG = 'ISP_RADIUS_WORKER';
/** The worker's kind, in its environment. */
const KIND = 'ISP_RADIUS_KIND';
const READY = 'isp:radius-ready';

export function isRadiusWorker(): boolean {
  return cluster.isWorker && process.env[WORKER_FLAG] === '1';
}

/**
 * The body of a radius worker process: the radius role on the database and Redis the primary
 * resolved (passed in its environment), until SIGTERM/SIGINT.
 */
export async function runRadiusWorker(config: Config, log: Logger, secretKey: Buffer): Promise<void> {
  if (!config.DATABASE_URL || !config.REDIS_URL) throw new Error('radius worker started without DATABASE_URL / REDIS_URL');
  const c = createContainer({ config, log, databaseUrl: config.DATABASE_URL, redisUrl: config.REDIS_URL, secretKey });
  // Constructing one installs prom-client's listener that answers the primary's metrics requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([c.metrics]);
  const kind = (process.env[KIND] ?? 'all') as RadiusProcessKind;
  if (kind === 'acct') lowerPriority(config.RADIUS_ACCT_NICE, log);
  const role = await startRadiusRole(c, { kind });
  process.send?.({ type: READY, ports: role.ports });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void role.stop().then(() => c.close()).then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/**
 * Sets this process's niceness (RADIUS_ACCT_NICE; setpriority(2) through os.setPriority). Raising
 * it needs no privilege; lowering it below the current value does (CAP_SYS_NICE): then it logs a
 * warning and runs as started.
 */
function lowerPriority(nice: number, log: Logger): void {
  if (nice === os.getPriority()) return;
  try {
    os.setPriority(nice);
  } catch (err) {
    log.warn({ err, nice }, 'RADIUS_ACCT_NICE not applied; the accounting processes run at the default priority');
  }
}

export interface RadiusCluster extends RunningRole {
  /** The workers' metrics, aggregated (Prometheus text). */
  metrics(): Promise<string>;
}

/** How many worker processes of each kind to fork: `acct` 0 makes the `auth` ones serve both ports. */
export interface RadiusProcesses {
  auth: number;
  acct: number;
}

/** Forks the radius workers with `env` and resolves when all are listening. */
export async function startRadiusCluster(opts: { processes: RadiusProcesses; env: Record<string, string>; log: Logger }): Promise<RadiusCluster> {
  const { env, log } = opts;
  const kinds: RadiusProcessKind[] = [
    ...Array.from({ length: opts.processes.auth }, (): RadiusProcessKind => (opts.processes.acct > 0 ? 'auth' : 'all')),
    ...Array.from({ length: opts.processes.acct }, (): RadiusProcessKind => 'acct'),
  ];
  const processes = kinds.length;
  const aggregator = new AggregatorRegistry();
  const ready = new Map<Worker, RadiusProcessKind>();
  let stopping = false;

  function fork(kind: RadiusProcessKind): Promise<void> {
    const worker = cluster.fork({ ...env, [WORKER_FLAG]: '1', [KIND]: kind });
    return new Promise((resolve, reject) => {
      worker.on('message', (m: { type?: string }) => {
        if (m?.type !== READY) return;
        ready.set(worker, kind);
        resolve();
      });
      worker.on('exit', (code, signal) => {
        const wasReady = ready.delete(worker);
        if (!wasReady) reject(new Error(`radius ${kind} worker exited during start-up (code ${code}, signal ${signal})`));
        else if (!stopping) {
          log.error({ code, signal, kind }, 'radius worker died; starting another');
          setTimeout(() => void fork(kind).catch((err: unknown) => log.error({ err }, 'radius worker restart failed')), 1000);
        }
      });
    });
  }

  await Promise.all(kinds.map((kind) => fork(kind)));
  log.info({ processes, ...opts.processes }, 'radius role running in its own processes');
  const running = (kind: RadiusProcessKind): number => [...ready.values()].filter((k) => k === kind).length;

  return {
    name: 'radius',
    async health() {
      const auth = opts.processes.acct > 0 ? running('auth') : running('all');
      return { ok: ready.size === processes, processes, running: ready.size, auth, acct: running('acct') };
    },
    metrics: () => aggregator.clusterMetrics(),
    async stop() {
      stopping = true;
      await Promise.all(
        [...ready.keys()].map(
          (w) =>
            new Promise<void>((resolve) => {
              const kill = setTimeout(() => w.process.kill('SIGKILL'), 30_000);
              w.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              w.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
