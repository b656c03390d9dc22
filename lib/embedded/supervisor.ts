/**
 * Keeps an embedded server (PostgreSQL, redis-server) that this process started running: when
 * the child exits without being asked to, it is started again after a backoff (1 s, 2 s, 5 s,
 * 10 s, then every 30 s; back to 1 s once a child ran for a minute), each exit and restart is
 * logged, and state() tells /health (through server/main.ts) whether it runs and how often it was
 * restarted.
 */
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../logger.js';

/** Supervision as /health reports it. Times are ISO 8601 UTC. */
export interface SupervisionState {
  running: boolean;
  pid: number | null;
  /** Restarts after an unexpected exit since this process started. */
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
  /** While down: when the next start is tried. */
  nextStartAt: string | null;
}

export interface Supervised {
  state(): SupervisionState;
  /** Graceful stop; no restart afterwards. */
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  /** For the log: "embedded PostgreSQL", "local Redis". */
  name: string;
  log: Logger;
  /** Starts the server; resolves with its process once it accepts connections, rejects when it did not start. */
  start(): Promise<ChildProcess>;
  /** Stops it gracefully; resolves when it exited. */
  stop(child: ChildProcess): Promise<void>;
  /** Delays before successive restarts (ms); the last one repeats. */
  backoffMs?: readonly number[];
  /** A child that ran this long resets the backoff (ms). */
  stableMs?: number;
}

const BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000] as const;

/**
 * Starts the server once (errors propagate: start-up fails as without supervision), then watches it.
 */
export async function supervise(opts: SupervisorOptions): Promise<Supervised> {
  const { name, log } = opts;
  const backoff = opts.backoffMs ?? BACKOFF_MS;
  const stableMs = opts.stableMs ?? 60_000;
  let child: ChildProcess | null = null;
  let startedAt = 0;
  let failures = 0;
  let restarts = 0;
  let lastExit: SupervisionState['lastExit'] = null;
  let nextStartAt: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  let starting: Promise<void> | null = null;
  let stopping = false;

  const watch = (c: ChildProcess): void => {
    child = c;
    startedAt = Date.now();
    c.once('exit', (code, signal) => {
      if (child !== c) return;
      child = null;
      lastExit = { code, signal, at: new Date().toISOString() };
      if (stopping) return;
      if (Date.now() - startedAt >= stableMs) failures = 0;
      schedule(`${name} exited unexpectedly; restarting`, { code, signal });
    });
  };

  const schedule = (msg: string, fields: Record<string, unknown>): void => {
    const delay = backoff[Math.min(failures, backoff.length - 1)]!;
    failures++;
    nextStartAt = Date.now() + delay;
    log.error({ ...fields, restartInMs: delay, restarts }, msg);
    timer = setTimeout(() => {
      timer = null;
      starting = restart().finally(() => { starting = null; });
    }, delay);
    timer.unref();
  };

  const restart = async (): Promise<void> => {
    nextStartAt = null;
    try {
      const c = await opts.start();
      if (stopping) {
        await opts.stop(c);
        return;
      }
      restarts++;
      watch(c);
      log.warn({ pid: c.pid, restarts }, `${name} restarted`);
    } catch (err) {
      if (!stopping) schedule(`${name} did not start; trying again`, { err: String((err as Error | undefined)?.message ?? err ?? 'exited') });
    }
  };

  watch(await opts.start());
  return {
    state: () => ({
      running: child !== null,
      pid: child?.pid ?? null,
      restarts,
      lastExit,
      nextStartAt: nextStartAt === null ? null : new Date(nextStartAt).toISOString(),
    }),
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      await starting;
      if (child) await opts.stop(child);
    },
  };
}
