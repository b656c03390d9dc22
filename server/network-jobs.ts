/**
 * The `network` queue in the worker role (ARCHITECTURE.md, "Roles"): one BullMQ worker that runs
 * each job through NETWORK_JOBS (network/jobs.ts) and, unless `schedule: false` (tests that drive
 * the jobs themselves), one job scheduler per entry with `every` or `pattern` and a one-off run at
 * start for entries with `onStart`. Concurrency 1 per job name is not enforced by BullMQ; rounds
 * are short (a ping round of 1,000 hosts takes a few seconds) and every job is idempotent.
 */
import type { Job } from 'bullmq';
import type { Container } from '../lib/container.js';
import { QUEUES } from '../lib/queue.js';
import type { RunningRole } from '../lib/role.js';
import { NETWORK_JOBS as NETWORK_ONLY_JOBS } from '../network/jobs.js';
import { ACCOUNTING_JOBS } from '../aaa/accounting/accounting-partitions-job.js';

/** The network queue's jobs and the accounting history's upkeep (aaa/accounting/accounting-partitions-job.ts). */
const NETWORK_JOBS = { ...NETWORK_ONLY_JOBS, ...ACCOUNTING_JOBS };

export async function startNetworkJobs(c: Container, opts: { schedule?: boolean } = {}): Promise<RunningRole> {
  const log = c.log.child({ role: 'worker', queue: QUEUES.network });
  const queue = c.queues.queue(QUEUES.network);
  if (opts.schedule !== false) {
    for (const [name, job] of Object.entries(NETWORK_JOBS)) {
      // Scheduled runs are not retried: the next tick is the retry.
      const template = { name, opts: { attempts: 1 } };
      if (job.every) await queue.upsertJobScheduler(name, { every: job.every }, template);
      else if (job.pattern) await queue.upsertJobScheduler(name, { pattern: job.pattern, tz: c.config.ISP_TIME_ZONE }, template);
      if (job.onStart) await queue.add(name, {}, { deduplication: { id: `${name}-on-start` }, attempts: 1 });
    }
  }

  const worker = c.queues.worker(
    QUEUES.network,
    async (job: Job<Record<string, unknown>>) => {
      const entry = NETWORK_JOBS[job.name];
      if (!entry) throw new Error(`unknown network job ${job.name}`);
      return entry.run(c, job.data ?? {});
    },
    { concurrency: 2 },
  );
  worker.on('failed', (job, err) => log.warn({ job: job?.name, attempts: job?.attemptsMade, err: err.message }, 'network job failed'));
  log.info({ jobs: Object.keys(NETWORK_JOBS) }, 'network jobs started');
  return {
    name: 'worker',
    async health() {
      return { ok: (await c.redis.ping()) === 'PONG', running: worker.isRunning() };
    },
    async stop() {
      await worker.close();
    },
  };
}
