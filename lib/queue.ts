/**
 * BullMQ queues: their names (one per kind of work), default job options, and a factory that
 * builds queues and workers on a shared prefix. Each queue has one consuming role, so a worker
 * never takes a job it does not know: the radius role consumes `nas-control` and `aaa-maintenance`, the worker role `billing`, `network` and `webhooks`.
 */
import { Queue, Worker, type JobsOptions, type Processor, type WorkerOptions } from 'bullmq';
import { hasHashTag } from './redis-url.js';
import { isCluster, type Redis } from './redis.js';

export const QUEUES = {
  /** CoA-Request / Disconnect-Request to the NAS (RFC 5176); consumed by the radius role. */
  nasControl: 'nas-control',
  /** The radius role's housekeeping on a schedule (stale-session sweep); consumed by the radius role. */
  aaaMaintenance: 'aaa-maintenance',
  /** Billing: invoice run, dunning pass, payment notifications, message dispatch; consumed by the worker role. */
  billing: 'billing',
  /** Network operations: ping rounds, SNMP polls, sample rollups, partition upkeep, alerts; consumed by the worker role. */
  network: 'network',
  /** Outbound webhooks: the outbox sender every few seconds, the daily prune; consumed by the worker role. */
  webhooks: 'webhooks',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * Retries with exponential backoff (1 s, 2 s, 4 s, ...); completed jobs are kept for an hour,
 * failed ones for a week so staff can see what did not go through (the dead letters).
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface QueueFactory {
  queue(name: QueueName): Queue;
  worker<T, R>(name: QueueName, processor: Processor<T, R>, opts?: Partial<WorkerOptions>): Worker<T, R>;
  close(): Promise<void>;
}

/**
 * Builds queues and workers on `connection` with key prefix `prefix`; `close()` ends them all.
 * @throws Error when `connection` is a Redis Cluster and `prefix` has no hash tag (`{isp}`):
 *   BullMQ's Lua scripts touch several keys of a queue at once, which a cluster allows only
 *   within one hash slot (docs.bullmq.io/patterns/redis-cluster); loadConfig adds the braces
 *   for a redis+cluster:// REDIS_URL (lib/redis-url.ts hashTaggedPrefix).
 */
export function createQueueFactory(connection: Redis, prefix: string): QueueFactory {
  if (isCluster(connection) && !hasHashTag(prefix)) {
    throw new Error(`queue prefix "${prefix}" needs a hash tag on Redis Cluster, e.g. "{${prefix}}"`);
  }
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  return {
    queue(name) {
      let q = queues.get(name);
      if (!q) {
        q = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
        queues.set(name, q);
      }
      return q;
    },
    worker(name, processor, opts = {}) {
      const w = new Worker(name, processor, { connection, prefix, concurrency: 4, ...opts });
      workers.push(w as Worker);
      return w;
    },
    async close() {
      // Workers first: close() waits for running jobs to finish, so none is lost on SIGTERM.
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
