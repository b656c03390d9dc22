/**
 * Runs sweepStaleSessions every minute through the `aaa-maintenance` queue: a job scheduler, so with
 * several radius instances the sweep still runs once per minute, on whichever instance is free.
 * (Hotspot vouchers whose validity ended are marked expired by the worker role's `expire-vouchers`
 * job, billing/vouchers/expire-vouchers.ts: aaa/ writes no billing table.)
 */
import type { Worker } from 'bullmq';
import type { Container } from '../../lib/container.js';
import type { Logger } from '../../lib/logger.js';
import { QUEUES } from '../../lib/queue.js';
import { sweepStaleSessions } from './sweep-stale-sessions.js';

const JOB = 'stale-session-sweep';

export async function scheduleStaleSessionSweep(c: Container, staleAfterMs: number, log: Logger): Promise<Worker> {
  const queue = c.queues.queue(QUEUES.aaaMaintenance);
  await queue.upsertJobScheduler(JOB, { every: 60_000 }, { name: JOB, opts: { attempts: 1 } });
  return c.queues.worker(QUEUES.aaaMaintenance, async (job) => {
    if (job.name !== JOB) throw new Error(`unknown aaa-maintenance job ${job.name}`);
    const closed = await sweepStaleSessions(c.db, c.clock, staleAfterMs);
    if (closed) log.info({ closed, staleAfterMs }, 'closed stale sessions');
    return { closed };
  }, { concurrency: 1 });
}
