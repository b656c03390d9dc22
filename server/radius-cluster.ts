/**
 * RADIUS_PROCESSES > 1: the radius role runs in that many processes sharing the RADIUS UDP ports
 * (Node's cluster module hands every worker the same sockets; the kernel spreads datagrams over
 * them). A single Node process uses one core, and at 20,000 Access-Requests a second that core
 * is the limit; each process is a full radius role with its own index, exactly like separate
 * radius instances on one database (accounting and usage stay exact across them).
 *
 * The primary process forks the workers, restarts one that dies, stops them on shutdown, and
 * serves their aggregated metrics on its /metrics.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { startRadiusRole } from './radius-role.js';
import type { Config } from '../lib/config.js';
import { createContainer } from '../lib/container.js';
import type { Logger } from '../lib/logger.js';
import type { RunningRole } from '../lib/role.js';

const WORKER_FLAG = 'ISP_RADIUS_WORKER';
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
  const role = await startRadiusRole(c);
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

export interface RadiusCluster extends RunningRole {
  /** The workers' metrics, aggregated (Prometheus text). */
  metrics(): Promise<string>;
}

/** Forks `processes` radius workers with `env` and resolves when all are listening. */
export async function startRadiusCluster(opts: { processes: number; env: Record<string, string>; log: Logger }): Promise<RadiusCluster> {
  const { processes, env, log } = opts;
  const aggregator = new AggregatorRegistry();
  const ready = new Set<Worker>();
  let stopping = false;

  function fork(): Promise<void> {
    const worker = cluster.fork({ ...env, [WORKER_FLAG]: '1' });
    return new Promise((resolve, reject) => {
      worker.on('message', (m: { type?: string }) => {
        if (m?.type !== READY) return;
        ready.add(worker);
        resolve();
      });
      worker.on('exit', (code, signal) => {
        const wasReady = ready.delete(worker);
        if (!wasReady) reject(new Error(`radius worker exited during start-up (code ${code}, signal ${signal})`));
        else if (!stopping) {
          log.error({ code, signal }, 'radius worker died; starting another');
          setTimeout(() => void fork().catch((err: unknown) => log.error({ err }, 'radius worker restart failed')), 1000);
        }
      });
    });
  }

  await Promise.all(Array.from({ length: processes }, () => fork()));
  log.info({ processes }, 'radius role running in several processes');

  return {
    name: 'radius',
    async health() {
      return { ok: ready.size === processes, processes, running: ready.size };
    },
    metrics: () => aggregator.clusterMetrics(),
    async stop() {
      stopping = true;
      await Promise.all(
        [...ready].map(
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
