/**
 * Starts the roles in ROLE on one container (ARCHITECTURE.md "Roles"), each building only what it
 * uses: the billing engine (billing/engine/engine.ts: payment gateways, notification channels, the live
 * integration settings) is built once, and only when the web or the worker role runs, which are
 * the roles that use it; a radius-only process never builds it. The HTTP server (/health,
 * /metrics; the console and the portal when the web role runs) is built in every process but not
 * yet listening: server/main.ts binds it.
 *
 * Order: the radius role first (its index loads before its sockets open), then the worker, then
 * the web role's routes. The radius role runs in its own worker processes
 * (server/radius-cluster.ts: RADIUS_PROCESSES Access-Request processes, RADIUS_ACCT_PROCESSES
 * accounting ones) and this process serves their aggregated metrics; only a radius-only process
 * with one process of one kind (RADIUS_PROCESSES=1, RADIUS_ACCT_PROCESSES=0) runs it in place.
 * So bcrypt, PDFs, exports and reports in the web and worker roles never hold up a RADIUS reply
 * on one event loop (ARCHITECTURE.md "Roles").
 */
import { createBillingEngine, type BillingEngine } from '../billing/engine/engine.js';
import type { Container } from '../lib/container.js';
import type { RunningRole } from '../lib/role.js';
import { createHttpServer, type HttpServer } from '../web/app.js';
import { startWebRole } from '../web/web-role.js';
import { startRadiusCluster, type RadiusCluster, type RadiusProcesses } from './radius-cluster.js';
import { startRadiusRole } from './radius-role.js';
import { startWorkerRole } from './worker-role.js';

/** How a process runs the roles in `config.ROLE`. */
export interface RolePlan {
  /** `cluster`: in worker processes (`radiusProcesses`); `here`: in this process; null: not run. */
  radius: 'here' | 'cluster' | null;
  /** The worker processes of each kind when `radius` is `cluster`. */
  radiusProcesses: RadiusProcesses;
  web: boolean;
  worker: boolean;
  /** Whether the billing engine is built: only for the roles that use it (web, worker). */
  billingEngine: boolean;
}

/**
 * The plan for `config`: radius in this process only when it is the only role and one process
 * serves both ports (RADIUS_PROCESSES=1 and RADIUS_ACCT_PROCESSES=0); otherwise in workers.
 */
export function planRoles(config: Pick<Container['config'], 'ROLE' | 'RADIUS_PROCESSES' | 'RADIUS_ACCT_PROCESSES'>): RolePlan {
  const web = config.ROLE.includes('web');
  const worker = config.ROLE.includes('worker');
  const radiusProcesses = { auth: config.RADIUS_PROCESSES, acct: config.RADIUS_ACCT_PROCESSES };
  const alone = !web && !worker && radiusProcesses.auth === 1 && radiusProcesses.acct === 0;
  const radius = !config.ROLE.includes('radius') ? null : alone ? 'here' : 'cluster';
  return { radius, radiusProcesses, web, worker, billingEngine: web || worker };
}

/** What starts each part; tests replace them to see what a plan builds. */
export interface RoleStarters {
  radius(c: Container): Promise<RunningRole>;
  radiusCluster(opts: { processes: RadiusProcesses; env: Record<string, string>; log: Container['log'] }): Promise<RadiusCluster>;
  http(c: Container, roles: () => RunningRole[], extraMetrics?: () => Promise<string>): HttpServer;
  engine(c: Container): BillingEngine;
  worker(c: Container, engine: BillingEngine): Promise<RunningRole>;
  web(c: Container, http: HttpServer, engine: BillingEngine): RunningRole;
}

const STARTERS: RoleStarters = {
  radius: (c) => startRadiusRole(c),
  radiusCluster: startRadiusCluster,
  http: createHttpServer,
  engine: (c) => createBillingEngine(c),
  worker: (c, engine) => startWorkerRole(c, engine),
  web: startWebRole,
};

/**
 * Starts the planned roles after `before` (the supervised embedded services, reported like a
 * role in /health). `clusterEnv`: what each radius worker process needs to reach the same
 * database and Redis (DATABASE_URL, REDIS_URL, APP_SECRET_KEY, ...). Returns the roles in start
 * order (stop them in reverse) and the HTTP server, not yet listening.
 */
export async function startRoles(
  c: Container,
  opts: { plan: RolePlan; before?: RunningRole[]; clusterEnv: Record<string, string> },
  starters: RoleStarters = STARTERS,
): Promise<{ roles: RunningRole[]; http: HttpServer }> {
  const { plan } = opts;
  const roles: RunningRole[] = [...(opts.before ?? [])];
  let extraMetrics: (() => Promise<string>) | undefined;
  if (plan.radius === 'cluster') {
    const radius = await starters.radiusCluster({ processes: plan.radiusProcesses, env: opts.clusterEnv, log: c.log });
    roles.push(radius);
    extraMetrics = () => radius.metrics();
  } else if (plan.radius === 'here') {
    roles.push(await starters.radius(c));
  }
  const http = starters.http(c, () => roles, extraMetrics);
  const engine = plan.billingEngine ? starters.engine(c) : null;
  if (plan.worker && engine) roles.push(await starters.worker(c, engine));
  if (plan.web && engine) roles.push(starters.web(c, http, engine));
  return { roles, http };
}
