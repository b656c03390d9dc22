/**
 * Job contracts between roles: what billing and admin put on a queue and what the consumer
 * expects. Billing never imports aaa/ (ARCHITECTURE.md, "Dependency rules"); it enqueues these.
 */
import type { Queue } from 'bullmq';

/**
 * `nas-control`: a subscription's access changed (suspended, reactivated, plan or status change),
 * or staff asked for a disconnect. The radius role decides what reaches each NAS holding a live
 * session: a CoA-Request with the new attributes when the session can stay, else a
 * Disconnect-Request (RFC 5176), else the RouterOS API; and a staff alert when all fail.
 */
export interface NasControlJob {
  subscriptionId: number;
  /** Why, for logs and alerts: `suspended`, `reactivated`, `plan_changed`, `staff_disconnect`, ... */
  reason: string;
  /** Disconnect even when a CoA would do (staff "disconnect now"). */
  disconnect?: boolean;
  /** Act on this session only (staff per-session disconnect); default: every open session. */
  sessionKey?: string;
}

/** What nas-control can do to one session, in the order it tries them. */
export type NasAction = 'coa' | 'disconnect' | 'routeros';

/**
 * One step tried on a session: `result` is `ack`, `timeout`, `nak` or `nak <Error-Cause> <name>`
 * (RFC 5176 §3.5-3.6) for CoA / Disconnect; `removed <n>` or `error: ...` for the RouterOS API;
 * with action `none`, why nothing could be sent (e.g. `no NAS registered for 10.0.0.1`).
 */
export interface NasAttempt { action: NasAction | 'none'; result: string }

/** What became of one open session: `done` is the step that ended or changed it, null when none did. */
export interface NasSessionOutcome {
  username: string;
  /** The NAS's name, or its address when it is not registered. */
  nas: string;
  done: NasAction | null;
  tried: NasAttempt[];
}

/**
 * The job's return value (and, for an attempt that failed, its progress, so the console can say
 * what failed while BullMQ retries): counts per outcome and the steps per session.
 */
export interface NasControlResult {
  sessions: number;
  coa: number;
  disconnected: number;
  routeros: number;
  failed: number;
  outcomes: NasSessionOutcome[];
}

/** The BullMQ job id of a nas-control job: `sub-<subscriptionId>-<key>` (key sanitised). */
export const nasControlJobId = (job: Pick<NasControlJob, 'subscriptionId'>, idempotencyKey: string | number): string =>
  `sub-${job.subscriptionId}-${String(idempotencyKey).replace(/[^A-Za-z0-9_.-]/g, '_')}`;

/**
 * Enqueues a nas-control job once per `idempotencyKey` (e.g. the subscription's version after the
 * change): BullMQ ignores a second add with the same job id, so a retried transaction or a
 * duplicate webhook does not send a second CoA.
 */
export async function enqueueNasControl(queue: Queue, job: NasControlJob, idempotencyKey: string | number): Promise<void> {
  await queue.add('apply', job, { jobId: nasControlJobId(job, idempotencyKey) });
}

/**
 * The same for many jobs (a dunning step that suspends thousands), in pipelined batches of
 * `batch` (one Redis round trip each). Throws on a Redis error; batches before it stay queued.
 */
export async function enqueueNasControlMany(
  queue: Queue,
  entries: ReadonlyArray<{ job: NasControlJob; key: string | number }>,
  batch = 1000,
): Promise<void> {
  for (let i = 0; i < entries.length; i += batch) {
    await queue.addBulk(entries.slice(i, i + batch).map(({ job, key }) => ({ name: 'apply', data: job, opts: { jobId: nasControlJobId(job, key) } })));
  }
}
