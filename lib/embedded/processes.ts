/**
 * Which embedded server processes run on a directory, and stopping one we did not start.
 * Linux answers from /proc (a server's working directory is its data directory: PostgreSQL and
 * redis-server both chdir there); elsewhere only "is this pid alive" is known.
 */
import fs from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** True when a process with this pid exists (signal 0 probe). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's command name (/proc/<pid>/comm), or null when unknown (no /proc, or gone). */
async function commOf(pid: number): Promise<string | null> {
  return fs.readFile(`/proc/${pid}/comm`, 'utf8').then((s) => s.trim(), () => null);
}

/**
 * True when `pid` is alive and, where /proc tells, its command name starts with `comm`
 * (guards against a pid reused by an unrelated process after a reboot).
 */
export async function isProcess(pid: number | undefined, comm: string): Promise<boolean> {
  if (!pid || !isAlive(pid)) return false;
  const actual = await commOf(pid);
  return actual === null || actual.startsWith(comm);
}

/**
 * Pids of live processes named `comm` whose working directory is `dir` (Linux /proc only; [] elsewhere).
 */
export async function processesIn(dir: string, comm: string): Promise<number[]> {
  const entries = await fs.readdir('/proc').catch(() => [] as string[]);
  const found: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    if (!(await commOf(Number(e)))?.startsWith(comm)) continue;
    const cwd = await fs.readlink(`/proc/${e}/cwd`).catch(() => null);
    if (cwd === dir) found.push(Number(e));
  }
  return found;
}

/**
 * True when the process that started an embedded server (`ownerPid` from the state file) still
 * runs: another `npm start` or script on the same DATA_DIR, whose server we attach to. Our own
 * pid is not an owner (a pid reused after a container restart).
 */
export async function ownerIsRunning(ownerPid: number | undefined): Promise<boolean> {
  return ownerPid !== undefined && ownerPid !== process.pid && isProcess(ownerPid, 'node');
}

/** A process that exited but was not reaped yet (its parent is gone and init is slow, or is a plain node as pid 1). */
async function isZombie(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return / Z /.test(stat.slice(stat.lastIndexOf(')')));
}

/**
 * Sends `signal` to `pid` and waits until it is gone.
 * @throws Error when it still runs after `timeoutMs`
 */
export async function stopProcess(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && !(await isZombie(pid))) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop within ${timeoutMs / 1000} s after ${signal}`);
    await sleep(100);
  }
}
