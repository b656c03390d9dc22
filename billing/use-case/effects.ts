/**
 * Side effects of a billing transaction that must happen only after it commits (ARCHITECTURE.md, "Conventions"):
 * nas-control jobs for subscriptions whose access changed, and a nudge to the notification
 * dispatcher. State changes run in `effects.transaction`, push here, and what they pushed is
 * kept only when that transaction commits (a rolled-back suspension must not reach the router:
 * its retry commits a new version under the same job id, which BullMQ would then ignore). The
 * use case calls `flush` at the end.
 */
import type { Queue } from 'bullmq';
import type { Knex } from '../../lib/db.js';
import { enqueueNasControlMany, type NasControlJob } from '../../lib/jobs.js';
import type { Logger } from '../../lib/logger.js';

export interface Effects {
  /** A subscription's access changed: `key` makes the job idempotent (e.g. its new version). */
  accessChanged(job: NasControlJob, key: string | number): void;
  /** Messages were queued in the outbox. */
  notificationsQueued(): void;
  /**
   * Runs `fn` in a database transaction; what `fn` pushed here is dropped if it rolls back.
   * Transactions on one collector run one after another, never at once.
   */
  transaction<T>(db: Knex, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
}

export interface EffectSink extends Effects {
  /** Sends what was collected (after commit). Never throws: a failure is logged, the state change stands. */
  flush(): Promise<void>;
  readonly pending: { nasControl: number; notify: boolean };
}

export function collectEffects(deps: { nasControl: Queue; kickNotifications: () => Promise<void>; log: Logger }): EffectSink {
  let jobs: Array<{ job: NasControlJob; key: string | number }> = [];
  let notify = false;
  return {
    accessChanged(job, key) {
      jobs.push({ job, key });
    },
    notificationsQueued() {
      notify = true;
    },
    async transaction(db, fn) {
      const mark = { jobs: jobs.length, notify };
      try {
        return await db.transaction(fn);
      } catch (err) {
        jobs.length = mark.jobs;
        notify = mark.notify;
        throw err;
      }
    },
    get pending() {
      return { nasControl: jobs.length, notify };
    },
    async flush() {
      const todo = jobs;
      jobs = [];
      try {
        await enqueueNasControlMany(deps.nasControl, todo);
      } catch (err) {
        // The change is committed; sessions keep their old access until they reconnect.
        deps.log.error({ err: (err as Error).message, subscriptions: todo.length }, 'could not enqueue nas-control');
      }
      if (notify) {
        notify = false;
        await deps.kickNotifications().catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, 'could not wake the notification dispatcher'));
      }
    },
  };
}
