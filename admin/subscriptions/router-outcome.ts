/**
 * What the router answered to a staff member's suspend, reactivate or disconnect, told truthfully.
 *
 * Billing commits the change and queues a `nas-control` job (lib/jobs.ts); the radius role sends
 * a CoA-Request or Disconnect-Request (RFC 5176), falls back to the RouterOS API, retries with
 * backoff and raises a staff alert when all fails (aaa/nas/nas-control.ts). The console:
 * - waits for the first attempt's result, at most FOLLOW_WAIT_MS and only while a radius role
 *   consumes the queue. A NAS that answers does so in milliseconds, so the page after the click
 *   already says "router confirmed"; an unanswered request takes the CoA client's retransmissions
 *   (3 × 1 s) per step, longer than anyone should wait on a click, so the page says "sent,
 *   waiting for the router" and follows the job (polling, partials/admin/router-outcome.hbs).
 *   It polls the job by id rather than `job.waitUntilFinished`: that resolves only after the
 *   last retry (minutes), while the first attempt's result (the job's progress, written by the
 *   radius role before BullMQ retries) is what staff need to see;
 * - remembers the job as the subscription's latest request to the router (Redis, a week, as
 *   long as BullMQ keeps failed jobs), so the subscription page shows its outcome afterwards.
 * "Confirmed" means a CoA-ACK or Disconnect-ACK (or a Disconnect-NAK 503 Session-Context-Not-Found:
 * the router says the session is gone) for every session; anything else says what failed and
 * what the fallback did.
 */
import { Job, Queue } from 'bullmq';
import type { NasAttempt, NasControlResult, NasSessionOutcome } from '../../lib/jobs.js';
import { QUEUES } from '../../lib/queue.js';
import type { Redis } from '../../lib/redis.js';

/** Bound on the console's wait for the router, milliseconds. */
export const FOLLOW_WAIT_MS = 2500;
const POLL_MS = 100;
const REMEMBER_SECONDS = 7 * 24 * 3600;

/**
 * - `confirmed`: the router ACKed for every session;
 * - `offline`: there was no open session: nothing to tell;
 * - `fallback`: the router did not ACK, the RouterOS API ended the session(s);
 * - `pending`: sent, no answer yet; `retrying`: an attempt failed, BullMQ tries again;
 * - `failed`: every attempt failed (a staff alert was raised); `unknown`: the job is no longer kept.
 */
export type RouterState = 'confirmed' | 'offline' | 'fallback' | 'pending' | 'retrying' | 'failed' | 'unknown';

export interface RouterStep {
  /** `coa`, `disconnect`, `routeros` or `none` (views/locales/admin/router: `router.action.*`). */
  action: string;
  /** `ack`, `nak`, `timeout`, `removed`, `error`, `none` (`router.result.*`). */
  result: string;
  /** The rest as the processor reported it (an Error-Cause, an API error), or ''. */
  detail: string;
}

export interface RouterOutcome {
  jobId: string;
  state: RouterState;
  /** Whether the page should keep asking (pending or retrying). */
  open: boolean;
  reason: string;
  attemptsMade: number;
  attempts: number;
  sessions: Array<{ username: string; nas: string; done: string | null; steps: RouterStep[] }>;
}

export interface RouterOutcomes {
  /** Waits (bounded) for the first attempt, remembers the job as the subscription's latest, returns its outcome. */
  follow(subscriptionId: number, jobId: string): Promise<RouterOutcome>;
  /** The subscription's latest staff request to the router, or null when there is none kept. */
  latest(subscriptionId: number): Promise<RouterOutcome | null>;
}

/** `ack`, `timeout`, `nak 503 Session-Context-Not-Found`, `removed 1`, `error: ...` → a step. */
function step(a: NasAttempt): RouterStep {
  const [, word = '', rest = ''] = /^(ack|timeout|nak|removed|error:?)\s*(.*)$/s.exec(a.result) ?? [];
  const result = word.replace(/:$/, '') || 'none';
  return { action: a.action, result, detail: result === 'none' ? a.result : rest.slice(0, 200) };
}

const sessionsOf = (outcomes: NasSessionOutcome[] | undefined): RouterOutcome['sessions'] =>
  (outcomes ?? []).map((o) => ({ username: o.username, nas: o.nas, done: o.done, steps: o.tried.map(step) }));

/** The outcome of the job as BullMQ holds it now. */
export async function readOutcome(queue: Queue, jobId: string): Promise<RouterOutcome> {
  const job = await Job.fromId<{ reason?: string }, NasControlResult>(queue, jobId);
  const base = { jobId, reason: '', attemptsMade: 0, attempts: 0, sessions: [] as RouterOutcome['sessions'] };
  if (!job) return { ...base, state: 'unknown', open: false };
  const common = { ...base, reason: String(job.data?.reason ?? ''), attemptsMade: job.attemptsMade, attempts: job.opts.attempts ?? 1 };
  const state = await job.getState();
  if (state === 'completed') {
    const r = job.returnvalue;
    const sessions = sessionsOf(r?.outcomes);
    if (!r || r.sessions === 0) return { ...common, sessions, state: 'offline', open: false };
    return { ...common, sessions, state: r.routeros > 0 ? 'fallback' : 'confirmed', open: false };
  }
  const progress = typeof job.progress === 'object' && job.progress !== null ? (job.progress as Partial<NasControlResult>) : null;
  const sessions = sessionsOf(progress?.outcomes);
  if (state === 'failed') return { ...common, sessions, state: 'failed', open: false };
  return { ...common, sessions, state: job.attemptsMade > 0 ? 'retrying' : 'pending', open: true };
}

/**
 * @param deps.redis the web role's connection (BullMQ uses it as is; nothing blocks on it)
 * @param deps.prefix the queues' key prefix (QUEUE_PREFIX)
 */
export function createRouterOutcomes(deps: { redis: Redis; prefix: string; waitMs?: number }): RouterOutcomes {
  let queue: Queue | null = null;
  const nasControl = (): Queue => (queue ??= new Queue(QUEUES.nasControl, { connection: deps.redis, prefix: deps.prefix }));
  const latestKey = (subscriptionId: number): string => `${deps.prefix}:router-outcome:${subscriptionId}`;
  const waitMs = deps.waitMs ?? FOLLOW_WAIT_MS;

  /** Whether a radius role is consuming nas-control now (no one: nothing will answer soon). */
  async function consumed(): Promise<boolean> {
    try {
      return (await nasControl().getWorkersCount()) > 0;
    } catch {
      return true; // CLIENT LIST refused by the Redis host: wait, bounded, as if one were.
    }
  }

  return {
    async follow(subscriptionId, jobId) {
      await deps.redis.set(latestKey(subscriptionId), jobId, 'EX', REMEMBER_SECONDS);
      let outcome = await readOutcome(nasControl(), jobId);
      if (outcome.state !== 'pending' || !(await consumed())) return outcome;
      const until = Date.now() + waitMs;
      while (outcome.state === 'pending' && Date.now() < until) {
        await new Promise((res) => setTimeout(res, POLL_MS));
        outcome = await readOutcome(nasControl(), jobId);
      }
      return outcome;
    },
    async latest(subscriptionId) {
      const jobId = await deps.redis.get(latestKey(subscriptionId));
      if (!jobId || !jobId.startsWith(`sub-${subscriptionId}-`)) return null;
      return readOutcome(nasControl(), jobId);
    },
  };
}

/** The suffix of a `saved=` notice for an outcome: `_confirmed`, `_offline`, `_unanswered` or '' (sent, waiting). */
export function savedSuffix(outcome: RouterOutcome): string {
  if (outcome.state === 'confirmed') return '_confirmed';
  if (outcome.state === 'offline') return '_offline';
  if (outcome.state === 'fallback' || outcome.state === 'retrying' || outcome.state === 'failed') return '_unanswered';
  return '';
}
