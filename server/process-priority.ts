/**
 * CPU priority of the process that runs the web and worker roles beside radius worker processes
 * (ARCHITECTURE.md "Roles"). After the radius workers are forked, every thread of this process
 * except its main thread gets a nice value RADIUS_YIELD_NICE higher (lower priority): libuv's
 * thread pool, where bcrypt hashes (lib/password.ts, @node-rs/bcrypt), zlib, fs and crypto work
 * run, and V8's helper threads. A sign-in storm then takes CPU only when RADIUS does not need it.
 *
 * Why not the main thread, and why not raise the radius workers instead:
 * - On Linux the nice value is per thread (setpriority(2) with PRIO_PROCESS and a thread id:
 *   "a call to setpriority() … affects only the calling thread"; sched(7)), and fork(2) copies the
 *   forking thread's nice value. The primary forks a replacement when a radius worker dies; were
 *   its main thread lowered, the replacement would inherit the low priority, and an unprivileged
 *   process can never lower a nice value again (RLIMIT_NICE, getrlimit(2)).
 * - Raising the radius workers (a negative nice) needs root or CAP_SYS_NICE, and would also put
 *   them above PostgreSQL, which accounting waits on.
 * Elsewhere than Linux (no /proc/self/task) nothing is changed.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { Logger } from '../lib/logger.js';

/** How much the helper threads are lowered: nice 0 → 10, about a tenth of a nice-0 thread's CPU share under contention (sched(7), CFS weights 1024 vs 110). */
export const RADIUS_YIELD_NICE = 10;

/**
 * Lowers every thread of this process but the main one by RADIUS_YIELD_NICE (at most 19).
 * Returns how many threads were lowered (0 off Linux). Never throws: a thread that ended
 * meanwhile, or a refusal, is skipped.
 */
export async function yieldHelperThreadsToRadius(log: Logger, taskDir = '/proc/self/task'): Promise<number> {
  // libuv creates its whole thread pool at the first piece of work: make sure it exists, so no
  // pool thread is created later (from the main thread, at nice 0).
  await fs.promises.stat(taskDir).catch(() => null);
  let tids: number[];
  try {
    tids = fs.readdirSync(taskDir).map(Number).filter((tid) => Number.isInteger(tid) && tid !== process.pid);
  } catch {
    log.debug('no /proc/self/task: thread priorities left as they are');
    return 0;
  }
  let lowered = 0;
  for (const tid of tids) {
    try {
      os.setPriority(tid, Math.min(19, os.getPriority(tid) + RADIUS_YIELD_NICE));
      lowered++;
    } catch {
      // the thread ended, or the system refused: leave it
    }
  }
  log.info({ threads: lowered, nice: RADIUS_YIELD_NICE }, 'web and worker helper threads (bcrypt, zlib, fs) yield the CPU to the radius processes');
  return lowered;
}
