/**
 * Side effects of a billing transaction that must happen only after it commits (DESIGN.md §6):
 * nas-control jobs for subscriptions whose access changed, and a nudge to the notification
 * dispatcher. Functions that change state push here; the caller commits, then calls `flush`.
 */
import type { Queue } from 'bullmq';
import { enqueueNasControlMany, type NasControlJob } from '../lib/jobs.js';
import type { Logger } from '../lib/logger.js';

export interface Effects {
  /** A subscription's access changed: `key` makes the job idempotent (e.g. its new version). */
  accessChanged(job: NasControlJob, key: string | number): void;
  /** Messages were queued in the outbox. */
  notificationsQueued(): void;
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
