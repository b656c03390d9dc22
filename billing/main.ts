/**
 * The worker role: BullMQ workers and schedules for billing (invoice run, dunning, notification
 * outbox, webhook inbox). This foundation starts the role and reports its queue connection;
 * the billing jobs register here as they are built.
 */
import type { Container } from '../lib/container.js';
import type { RunningRole } from '../lib/role.js';

export async function startWorkerRole(c: Container): Promise<RunningRole> {
  const log = c.log.child({ role: 'worker' });
  await c.redis.ping();
  log.info('worker role started');
  return {
    name: 'worker',
    async health() {
      return { ok: (await c.redis.ping()) === 'PONG' };
    },
    async stop() {
      // Queue workers are closed by the container (they finish running jobs first).
    },
  };
}
