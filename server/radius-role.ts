/**
 * The radius role: builds the AAA pipeline on a container and starts it. Order matters: the
 * replica is loaded before the sockets open (an Access-Request never meets an empty replica), and
 * on stop the sockets close first, then accounting commits finish, then the replica stops.
 *
 * `kind` (server/radius-cluster.ts; ARCHITECTURE.md "Roles"): `auth` binds only the Access-Request
 * port, `acct` only the accounting port and also runs the background work (the stale-session
 * sweep, the nas-control CoA worker), `all` (one process, or RADIUS_ACCT_PROCESSES=0) everything.
 * Each kind keeps its own replica: accounting needs it to tie sessions to subscriptions, and
 * nas-control to decide what a CoA carries.
 */
import type { Container } from '../lib/container.js';
import type { RunningRole } from '../lib/role.js';
import { ACCOUNTING_LANES, createAccountingWriter } from '../aaa/accounting/accounting-writer.js';
import { createDb } from '../lib/db.js';
import { scheduleStaleSessionSweep } from '../aaa/accounting/stale-session-job.js';
import type { NasControlJob, NasControlResult } from '../lib/jobs.js';
import { QUEUES } from '../lib/queue.js';
import { AccessReplica } from '../aaa/replica/access-replica.js';
import { createReplicaSync, type ReplicaSync } from '../aaa/replica/replica-sync.js';
import { createRadiusMetrics } from '../aaa/metrics/radius-metrics.js';
import { createCoaClient } from '../aaa/nas/coa-client.js';
import { createNasControlProcessor } from '../aaa/nas/nas-control.js';
import { removeActiveSession } from '../aaa/nas/routeros-api.js';
import { createStaleSessionCheck } from '../aaa/nas/stale-session-check.js';
import { createAccessRequestHandler } from '../aaa/pipeline/access-request.js';
import { createAccountingRequestHandler } from '../aaa/pipeline/accounting-request.js';
import { createPostAuthLog } from '../aaa/pipeline/post-auth-log.js';
import { currentDecision } from '../aaa/policy/current-decision.js';
import { startVoucherUse } from '../billing/access/voucher-access.js';
import { createRadiusServer } from '../aaa/pipeline/radius-server.js';
import { startRadsec } from '../aaa/radsec/start-radsec.js';
import { warmUpAccessPath } from '../aaa/pipeline/warm-up.js';

/** What one radius process serves: see the header. */
export type RadiusProcessKind = 'all' | 'auth' | 'acct';

export interface RadiusRole extends RunningRole {
  ports: { authPort: number; acctPort: number };
  replica: AccessReplica;
  sync: ReplicaSync;
  /** Writes the buffered post-auth log rows now (tests, and before a planned stop). */
  flushPostAuth(): Promise<void>;
  /** The RadSec listener's port (aaa/radsec/), or null when RadSec is off in this process. */
  radsecPort: number | null;
}

export async function startRadiusRole(
  c: Container,
  opts: { host?: string; authPort?: number; acctPort?: number; schedule?: boolean; kind?: RadiusProcessKind; radsecPort?: number } = {},
): Promise<RadiusRole> {
  const { config, log: rootLog, db } = c;
  const kind = opts.kind ?? 'all';
  const background = kind !== 'auth'; // sweep and nas-control: never in an Access-Request process
  const log = rootLog.child({ role: 'radius', ...(kind === 'all' ? {} : { kind }) });
  const replica = new AccessReplica(c.secrets, config.ISP_TIME_ZONE);
  const sync = createReplicaSync({
    db, databaseUrl: c.databaseUrl, replica, secrets: c.secrets, log, clock: c.clock, holdsOpenSessions: kind !== 'acct',
  });
  await sync.start();

  const metrics = createRadiusMetrics(c.metrics, replica);
  const postAuth = createPostAuthLog({ db, log, metrics, mode: config.RADIUS_POST_AUTH_LOG });
  // The writer's own connections, its statements planned once (generic): the custom plans that
  // PostgreSQL's default (plan_cache_mode auto) picks for the session upsert once the open partition
  // holds a million rows cost 1.4 ms of planning on every group commit (ARCHITECTURE.md,
  // "Accounting partitions"). Its own pool also keeps the post-auth log and the replica's queries
  // from waiting behind a commit, and the reverse.
  const writerDb = createDb({
    url: c.databaseUrl, poolMax: ACCOUNTING_LANES + 1, applicationName: 'isp radius accounting', genericPlans: true,
  });
  const writer = createAccountingWriter({ db: writerDb, log, metrics, maxInFlight: config.RADIUS_ACCT_MAX_IN_FLIGHT });
  const staleAfterMs = config.RADIUS_INTERIM_INTERVAL * config.RADIUS_STALE_INTERVALS * 1000;
  const handlers = {
    handleAccess: createAccessRequestHandler({
      index: replica,
      sync,
      clock: c.clock,
      postAuth,
      interimInterval: config.RADIUS_INTERIM_INTERVAL,
      staleAfterMs,
      staleSessions: createStaleSessionCheck({ db, secrets: c.secrets, log }),
      startVoucher: (voucherId, now) => startVoucherUse(db, voucherId, now),
    }),
    handleAccounting: createAccountingRequestHandler({ index: replica, writer, metrics }),
  };
  const server = createRadiusServer({
    replica,
    log,
    metrics,
    host: opts.host ?? config.RADIUS_HOST,
    authPort: opts.authPort ?? config.RADIUS_AUTH_PORT,
    acctPort: opts.acctPort ?? config.RADIUS_ACCT_PORT,
    serve: kind === 'all' ? 'both' : kind,
    ...handlers,
  });
  if (kind !== 'acct') {
    const warm = await warmUpAccessPath({
      requests: config.RADIUS_WARM_UP_REQUESTS, secrets: c.secrets, timeZone: config.ISP_TIME_ZONE, clock: c.clock, log,
      interimInterval: config.RADIUS_INTERIM_INTERVAL, staleAfterMs,
    });
    if (warm.answered) log.info({ requests: warm.answered, ms: Math.round(warm.ms) }, 'Access-Request path warmed up');
  }
  const ports = await server.start();
  // RadSec (RFC 6614) carries both request kinds on one connection: served where Access-Requests are.
  const radsec = config.RADSEC_ENABLED && kind !== 'acct'
    ? await startRadsec({ db, secrets: c.secrets, clock: c.clock, log, registry: c.metrics, config, replica, metrics, ...handlers }, { port: opts.radsecPort })
    : null;
  const sweep = opts.schedule === false || !background ? null : await scheduleStaleSessionSweep(c, staleAfterMs, log);

  // nas-control: CoA / Disconnect after billing or staff changed a subscription (RFC 5176).
  const coa = createCoaClient({ log, timeoutMs: 1000, retries: 2 });
  const processNasControl = createNasControlProcessor({
    db,
    secrets: c.secrets,
    coa,
    removeActiveSession,
    log,
    decide: (id) => currentDecision(replica, id, c.clock.now()),
  });
  const nasControl = !background ? null : c.queues.worker<NasControlJob, NasControlResult>(
    QUEUES.nasControl,
    async (job) => {
      // The change that caused the job was committed before it was enqueued: make sure the
      // replica has applied it, so the decision sent to the NAS is the new one.
      await sync.settled();
      return processNasControl(job.data, { isFinal: job.attemptsMade + 1 >= (job.opts.attempts ?? 1), report: (result) => job.updateProgress(result) });
    },
    { concurrency: 8 },
  );

  return {
    name: 'radius',
    ports,
    replica,
    sync,
    flushPostAuth: () => postAuth.flush(),
    radsecPort: radsec?.port ?? null,
    async health() {
      return { ok: true, kind, ...ports, ...replica.sizes };
    },
    async stop() {
      await Promise.all([server.stop(), radsec?.stop()]);
      await writer.close();
      await writerDb.destroy();
      await postAuth.close();
      await Promise.all([sweep?.close(), nasControl?.close()]);
      await coa.close();
      await sync.stop();
    },
  };
}
