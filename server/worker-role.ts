/**
 * The worker role: the `billing` queue's jobs and their schedules, in the ISP time zone:
 * - invoice-run at 00:30 (and on start, so a fresh install bills at once);
 * - dunning-pass at 09:00, when reminders are welcome;
 * - payment-event for each stored gateway notification (queued by the webhook), and a sweep every
 *   minute that retries events whose gateway was unreachable, with growing delays;
 * - notifications-dispatch every 15 seconds and whenever billing queues messages: new staff alerts
 *   go to the staff Telegram chat, then due outbox messages are sent;
 * - expire-vouchers every minute: hotspot vouchers whose validity ended become `expired`.
 * BullMQ retries failed jobs with backoff and keeps the failed ones visible for a week; a
 * SIGTERM lets running jobs finish before the process exits.
 */
import type { Job } from 'bullmq';
import type { Container } from '../lib/container.js';
import { QUEUES } from '../lib/queue.js';
import type { RunningRole } from '../lib/role.js';
import { BILLING_JOBS, createBillingEngine, type BillingEngine } from '../billing/engine/engine.js';
import { expireVouchers } from '../billing/vouchers/expire-vouchers.js';
import { duePaymentEvents } from '../billing/webhooks/due-payment-events.js';
import { startNetworkJobs } from './network-jobs.js';
import { startWebhookJobs } from '../billing/webhooks-out/webhook-jobs.js';

/**
 * Starts the billing queue's worker. `schedule: false` (tests driving the days themselves) runs
 * the jobs others queue but registers no schedule.
 */
export async function startWorkerRole(c: Container, engine: BillingEngine = createBillingEngine(c), opts: { schedule?: boolean } = {}): Promise<RunningRole> {
  const log = c.log.child({ role: 'worker' });
  const queue = c.queues.queue(QUEUES.billing);
  const tz = c.config.ISP_TIME_ZONE;
  if (opts.schedule !== false) {
    await queue.upsertJobScheduler(BILLING_JOBS.invoiceRun, { pattern: '30 0 * * *', tz }, { name: BILLING_JOBS.invoiceRun });
    await queue.upsertJobScheduler(BILLING_JOBS.dunningPass, { pattern: '0 9 * * *', tz }, { name: BILLING_JOBS.dunningPass });
    await queue.upsertJobScheduler(BILLING_JOBS.paymentEventsSweep, { every: 60_000 }, { name: BILLING_JOBS.paymentEventsSweep });
    await queue.upsertJobScheduler(BILLING_JOBS.notificationsDispatch, { every: 15_000 }, { name: BILLING_JOBS.notificationsDispatch });
    await queue.upsertJobScheduler(BILLING_JOBS.expireVouchers, { every: 60_000 }, { name: BILLING_JOBS.expireVouchers });
    await queue.add(BILLING_JOBS.invoiceRun, {}, { deduplication: { id: 'invoice-run-on-start' } });
  }

  const worker = c.queues.worker(
    QUEUES.billing,
    async (job: Job<{ eventId?: number }>) => {
      switch (job.name) {
        case BILLING_JOBS.invoiceRun:
          return engine.generateInvoices();
        case BILLING_JOBS.dunningPass:
          return engine.runDunningPass();
        case BILLING_JOBS.paymentEvent: {
          const outcome = await engine.processPaymentEvent(Number(job.data.eventId));
          // The gateway could not confirm: BullMQ retries with backoff (and the sweep after that).
          if (outcome === 'retry') throw new Error('payment gateway status API unavailable');
          return outcome;
        }
        case BILLING_JOBS.paymentEventsSweep: {
          const ids = await duePaymentEvents(c.db, c.clock.now());
          for (const id of ids) await engine.processPaymentEvent(id);
          return { swept: ids.length };
        }
        case BILLING_JOBS.notificationsDispatch:
          return engine.dispatchNotifications();
        case BILLING_JOBS.expireVouchers: {
          const expired = await expireVouchers(c.db, c.clock.now());
          if (expired) log.info({ expired }, 'vouchers expired');
          return { expired };
        }
        default:
          throw new Error(`unknown billing job ${job.name}`);
      }
    },
    { concurrency: 4 },
  );
  worker.on('failed', (job, err) => log.warn({ job: job?.name, attempts: job?.attemptsMade, err: err.message }, 'billing job failed'));
  const network = await startNetworkJobs(c, opts); // the `network` queue (issue 12)
  const webhooks = await startWebhookJobs(c, opts); // the `webhooks` queue: outbound webhooks (issue 14)
  log.info('worker role started');
  return {
    name: 'worker',
    async health() {
      return { ok: (await c.redis.ping()) === 'PONG', running: worker.isRunning(), network: (await network.health()).running };
    },
    async stop() {
      await Promise.all([worker.close(), network.stop(), webhooks.stop()]); // waits for running jobs
    },
  };
}
