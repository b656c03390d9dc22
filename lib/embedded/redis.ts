/**
 * Local Redis for `npm start` without REDIS_URL: `redis-server` from the PATH, bound to
 * 127.0.0.1, data (append-only file) under DATA_DIR/redis, restarted when it dies (supervisor.ts).
 * A second process on the same DATA_DIR attaches to the running server. BullMQ needs `maxmemory-policy noeviction`, set here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { freePort, isListening, readState, writeState } from './local-state.js';
import { isProcess, ownerIsRunning, processesIn, stopProcess } from './processes.js';
import { supervise, type SupervisionState } from './supervisor.js';

/** DATA_DIR/redis.json. `ownerPid`: the process that started the server and supervises it. */
interface RedisState { port: number; pid?: number; ownerPid?: number }

export interface LocalRedisHandle {
  url: string;
  /** Shuts the server down when this process started it; a no-op when it attached. */
  stop(): Promise<void>;
  /** Whether the server this process supervises runs; null when it attached to another process's. */
  supervision(): SupervisionState | null;
}

const PREFERRED_PORT = 63790;
const PID_FILE = 'redis-server.pid';

export const REDIS_MISSING_HELP =
  'redis-server was not found on the PATH. Install it (Debian/Ubuntu: sudo apt-get install redis-server; ' +
  'macOS: brew install redis) or set REDIS_URL to an existing Redis 6.2+.';

/**
 * Starts (or attaches to) the local redis-server under `dataDir`. A server another live process
 * on this DATA_DIR started is attached to; one a killed process left behind is shut down (it saves
 * its append-only file) and started again under supervision: never two servers on one directory.
 * @throws Error with REDIS_MISSING_HELP when redis-server is not installed; Error when it exits at start.
 */
export async function startLocalRedis(opts: { dataDir: string; log: Logger }): Promise<LocalRedisHandle> {
  const { dataDir, log } = opts;
  const dir = path.join(dataDir, 'redis');
  await fs.mkdir(dir, { recursive: true });
  let state = await readState<RedisState>(dataDir, 'redis');
  // The owner (another live process on this DATA_DIR) supervises its server, also while restarting it.
  if (state && (await ownerIsRunning(state.ownerPid))) {
    log.info({ port: state.port, owner: state.ownerPid }, 'attached to the running local Redis');
    return { url: `redis://127.0.0.1:${state.port}`, stop: async () => {}, supervision: () => null };
  }
  for (const pid of await runningServers(dir, state)) {
    log.warn({ pid, dir }, 'stopping the local Redis a previous run left behind (it was killed); starting it again under supervision');
    await stopProcess(pid, 'SIGTERM', 60_000); // redis-server saves and exits on SIGTERM
  }
  const port = await freePort(state?.port ?? PREFERRED_PORT);
  state = { port, ownerPid: process.pid };
  await writeState(dataDir, 'redis', state);
  const args = [
    '--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--pidfile', path.join(dir, PID_FILE),
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
    '--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--protected-mode', 'yes',
  ];
  const supervised = await supervise({
    name: 'local Redis',
    log,
    start: async () => {
      const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const started = await waitForStart(child, port);
      if (started instanceof Error) throw started;
      child.stdout?.on('data', (b: Buffer) => log.debug({ redis: b.toString().trim() }, 'redis'));
      await writeState(dataDir, 'redis', { ...state, pid: child.pid });
      return child;
    },
    stop: stopChild,
  });
  log.info({ port }, 'started local Redis');
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => supervised.stop(),
    supervision: () => supervised.state(),
  };
}

/**
 * Live redis-server processes on `dir`: found by working directory on Linux, else by the pid file
 * redis-server writes and the pid the state file recorded.
 */
async function runningServers(dir: string, state: RedisState | null): Promise<number[]> {
  const found = new Set(await processesIn(dir, 'redis-server'));
  const fromFile = Number(await fs.readFile(path.join(dir, PID_FILE), 'utf8').catch(() => ''));
  for (const pid of [fromFile, state?.pid]) if (pid && (await isProcess(pid, 'redis-server'))) found.add(pid);
  return [...found];
}

async function waitForStart(child: ChildProcess, port: number): Promise<true | Error> {
  let failure: Error | null = null;
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  child.once('error', (err: NodeJS.ErrnoException) => {
    failure = err.code === 'ENOENT' ? new Error(REDIS_MISSING_HELP) : err;
  });
  child.once('exit', (code) => {
    failure ??= new Error(`redis-server exited with code ${code}: ${stderr.trim()}`);
  });
  for (let i = 0; i < 100; i++) {
    if (failure) return failure;
    if (await isListening(port, 200)) return true;
    await sleep(50);
  }
  child.kill('SIGKILL');
  return new Error('redis-server did not start listening within 5 seconds');
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM'); // redis-server saves and exits on SIGTERM
  });
}
