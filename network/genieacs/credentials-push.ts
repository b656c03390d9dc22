/**
 * After a subscription gets PPPoE credentials (created or its password reset, from the console or
 * the REST API):
 * link the CPE whose serial staff typed on the new-subscription form (optional), then queue the
 * `genieacs-push-pppoe` network job (network/genieacs/push-pppoe.ts) for the worker role, which
 * skips it when no CPE is linked. Nothing is queued while GenieACS is off. The job carries the
 * subscription id only, never the password. A failure here never fails the staff action: it is
 * logged and the CPE can be pushed again by resetting the password.
 */
import { Queue } from 'bullmq';
import type { AuditActor } from '../../lib/audit.js';
import { QUEUES } from '../../lib/queue.js';
import { linkCpeBySerial } from './cpe-actions.js';
import { loadGenieSettings } from './genieacs-settings.js';
import { enqueuePppoePush } from './push-pppoe.js';
import type { Redis } from '../../lib/redis.js';
import type { SyncDeps } from './sync-cpes.js';

export interface CredentialsPush {
  /** @param key makes the job idempotent: `created`, or `reset-<version>` */
  (subscriptionId: number, key: string, opts?: { cpeSerial?: string; actor?: AuditActor }): Promise<void>;
}

/** What the push needs: the database, the secrets (linking asks GenieACS), and the queue's Redis and prefix. */
export interface CredentialsPushDeps extends SyncDeps {
  redis: Redis;
  /** BullMQ key prefix (QUEUE_PREFIX). */
  prefix: string;
}

export function createCredentialsPush(deps: CredentialsPushDeps): CredentialsPush {
  let queue: Queue | null = null;
  return async (subscriptionId, key, opts = {}) => {
    try {
      const { settings } = await loadGenieSettings(deps.db);
      if (!settings.enabled) return;
      if (opts.cpeSerial && opts.actor) await linkCpeBySerial(deps, subscriptionId, opts.cpeSerial, opts.actor);
      queue ??= new Queue(QUEUES.network, { connection: deps.redis, prefix: deps.prefix });
      await enqueuePppoePush(queue, subscriptionId, key);
    } catch (err) {
      deps.log.warn({ subscriptionId, err: (err as Error).message }, 'could not queue the PPPoE push to the CPE');
    }
  };
}
