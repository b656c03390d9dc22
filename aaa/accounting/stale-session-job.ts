/**
 * Runs sweepStaleSessions every minute through the `aaa-maintenance` queue: a job scheduler, so with
 * several radius instances the sweep still runs once per minute, on whichever instance is free.
 * The same minute marks hotspot vouchers whose validity ended as expired (the radius role refuses
 * them from expires_at on anyway; the status is for the console and the index's memory).
 */
import type { Worker } from 'bullmq';
import type { Container } from '../../lib/container.js';
import type { Logger } from '../../lib/logger.js';
import { QUEUES } from '../../lib/queue.js';
import { expireVouchers } from '../../billing/vouchers/expire-vouchers.js';
import { sweepStaleSessions } from './sweep-stale-sessions.js';

const JOB = 'stale-session-sweep';

export async function scheduleStaleSessionSweep(c: Container, staleAfterMs: number, log: Logger): Promise<Worker> {
  const queue = c.queues.queue(QUEUES.aaaMaintenance);
  await queue.upsertJobScheduler(JOB, { every: 60_000 }, { name: JOB, opts: { attempts: 1 } });
  return c.queues.worker(QUEUES.aaaMaintenance, async (job) => {
    if (job.name !== JOB) throw new Error(`unknown aaa-maintenance job ${job.name}`);
    const closed = await sweepStaleSessions(c.db, c.clock, staleAfterMs);
    if (closed) log.info({ closed, staleAfterMs }, 'closed stale sessions');
    const expired = await expireVouchers(c.db, c.clock.now());
    if (expired) log.info({ expired }, 'vouchers expired');
    return { closed, expired };
  }, { concurrency: 1 });
}
