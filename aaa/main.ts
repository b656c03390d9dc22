/**
 * The radius role: builds the AAA pipeline on a container and starts it. Order matters: the
 * index is loaded before the sockets open (an Access-Request never meets an empty index), and
 * on stop the sockets close first, then accounting commits finish, then the index stops.
 */
import type { Container } from '../lib/container.js';
import type { RunningRole } from '../lib/role.js';
import { createAccountingWriter } from './accounting/accounting-writer.js';
import { scheduleStaleSessionSweep } from './accounting/stale-session-job.js';
import type { NasControlJob, NasControlResult } from '../lib/jobs.js';
import { QUEUES } from '../lib/queue.js';
import { AaaIndex } from './index/aaa-index.js';
import { createIndexSync, type IndexSync } from './index/index-sync.js';
import { createRadiusMetrics } from './metrics.js';
import { createCoaClient } from './nas/coa-client.js';
import { createNasControlProcessor } from './nas/nas-control.js';
import { removeActiveSession } from './nas/routeros-api.js';
import { createStaleSessionCheck } from './nas/stale-session-check.js';
import { createAccessRequestHandler } from './pipeline/access-request.js';
import { createAccountingRequestHandler } from './pipeline/accounting-request.js';
import { createPostAuthLog } from './pipeline/post-auth-log.js';
import { currentDecision } from './policy/current-decision.js';
import { startVoucherUse } from '../billing/access/voucher-access.js';
import { createRadiusServer } from './server.js';

export interface RadiusRole extends RunningRole {
  ports: { authPort: number; acctPort: number };
  index: AaaIndex;
  sync: IndexSync;
  /** Writes the buffered post-auth log rows now (tests, and before a planned stop). */
  flushPostAuth(): Promise<void>;
}

export async function startRadiusRole(
  c: Container,
  opts: { host?: string; authPort?: number; acctPort?: number; schedule?: boolean } = {},
): Promise<RadiusRole> {
  const { config, log: rootLog, db } = c;
  const log = rootLog.child({ role: 'radius' });
  const index = new AaaIndex(c.secrets, config.ISP_TIME_ZONE);
  const sync = createIndexSync({ db, databaseUrl: c.databaseUrl, index, secrets: c.secrets, log, clock: c.clock });
  await sync.start();

  const metrics = createRadiusMetrics(c.metrics, index);
  const postAuth = createPostAuthLog({ db, log, metrics, mode: config.RADIUS_POST_AUTH_LOG });
  const writer = createAccountingWriter({ db, log, metrics, maxInFlight: config.RADIUS_ACCT_MAX_IN_FLIGHT });
  const staleAfterMs = config.RADIUS_INTERIM_INTERVAL * config.RADIUS_STALE_INTERVALS * 1000;
  const server = createRadiusServer({
    index,
    log,
    metrics,
    host: opts.host ?? config.RADIUS_HOST,
    authPort: opts.authPort ?? config.RADIUS_AUTH_PORT,
    acctPort: opts.acctPort ?? config.RADIUS_ACCT_PORT,
    handleAccess: createAccessRequestHandler({
      index,
      sync,
      clock: c.clock,
      postAuth,
      interimInterval: config.RADIUS_INTERIM_INTERVAL,
      staleAfterMs,
      staleSessions: createStaleSessionCheck({ db, secrets: c.secrets, log }),
      startVoucher: (voucherId, now) => startVoucherUse(db, voucherId, now),
    }),
    handleAccounting: createAccountingRequestHandler({ index, writer, metrics }),
  });
  const ports = await server.start();
  const sweep = opts.schedule === false ? null : await scheduleStaleSessionSweep(c, staleAfterMs, log);

  // nas-control: CoA / Disconnect after billing or staff changed a subscription (RFC 5176).
  const coa = createCoaClient({ log, timeoutMs: 1000, retries: 2 });
  const processNasControl = createNasControlProcessor({
    db,
    secrets: c.secrets,
    coa,
    removeActiveSession,
    log,
    decide: (id) => currentDecision(index, id, c.clock.now()),
  });
  const nasControl = c.queues.worker<NasControlJob, NasControlResult>(
    QUEUES.nasControl,
    async (job) => {
      // The change that caused the job was committed before it was enqueued: make sure the
      // index has applied it, so the decision sent to the NAS is the new one.
      await sync.settled();
      return processNasControl(job.data, { isFinal: job.attemptsMade + 1 >= (job.opts.attempts ?? 1), report: (result) => job.updateProgress(result) });
    },
    { concurrency: 8 },
  );

  return {
    name: 'radius',
    ports,
    index,
    sync,
    flushPostAuth: () => postAuth.flush(),
    async health() {
      return { ok: true, ...ports, ...index.sizes };
    },
    async stop() {
      await server.stop();
      await writer.close();
      await postAuth.close();
      await Promise.all([sweep?.close(), nasControl.close()]);
      await coa.close();
      await sync.stop();
    },
  };
}
