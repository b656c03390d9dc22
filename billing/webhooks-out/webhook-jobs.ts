/**
 * The `webhooks` queue (lib/queue.ts), consumed by the worker role (server/worker-role.ts):
 * - webhooks-dispatch every DISPATCH_EVERY_MS: due deliveries from the outbox are sent
 *   (dispatch-deliveries.ts), so an event reaches its endpoints a few seconds after its commit;
 * - webhooks-prune daily at 03:00 in the ISP's time zone: settled events older than 30 days go.
 * One job at a time: the dispatcher sends in parallel itself, and slow receivers (up to
 * WEBHOOK_TIMEOUT_SECONDS each) stay off the billing queue.
 */
import type { Job } from 'bullmq';
import type { Container } from '../../lib/container.js';
import { QUEUES } from '../../lib/queue.js';
import type { RunningRole } from '../../lib/role.js';
import { dispatchDueDeliveries, pruneWebhookEvents } from './dispatch-deliveries.js';
import { webhookDeps } from './webhook-deps.js';

export const WEBHOOK_JOBS = { dispatch: 'webhooks-dispatch', prune: 'webhooks-prune' } as const;

/** How often the outbox is looked at, milliseconds. */
export const DISPATCH_EVERY_MS = 5000;

/** Starts the queue's worker; `schedule: false` (tests) registers no schedule. */
export async function startWebhookJobs(c: Container, opts: { schedule?: boolean } = {}): Promise<RunningRole> {
  const deps = webhookDeps(c);
  const queue = c.queues.queue(QUEUES.webhooks);
  if (opts.schedule !== false) {
    await queue.upsertJobScheduler(WEBHOOK_JOBS.dispatch, { every: DISPATCH_EVERY_MS }, { name: WEBHOOK_JOBS.dispatch });
    await queue.upsertJobScheduler(WEBHOOK_JOBS.prune, { pattern: '0 3 * * *', tz: c.config.ISP_TIME_ZONE }, { name: WEBHOOK_JOBS.prune });
  }
  const worker = c.queues.worker(QUEUES.webhooks, async (job: Job) => {
    switch (job.name) {
      case WEBHOOK_JOBS.dispatch:
        return dispatchDueDeliveries(deps);
      case WEBHOOK_JOBS.prune:
        return { pruned: await pruneWebhookEvents(deps) };
      default:
        throw new Error(`unknown webhooks job ${job.name}`);
    }
  }, { concurrency: 1 });
  worker.on('failed', (job, err) => c.log.warn({ job: job?.name, err: err.message }, 'webhooks job failed'));
  return {
    name: 'worker',
    async health() {
      return { ok: true, running: worker.isRunning() };
    },
    async stop() {
      await worker.close();
    },
  };
}
