/**
 * Local Redis for `npm start` without REDIS_URL: `redis-server` from the PATH, bound to
 * 127.0.0.1, data (append-only file) under DATA_DIR/redis. A second process on the same DATA_DIR
 * attaches to the running server. BullMQ needs `maxmemory-policy noeviction`, set here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { freePort, isListening, readState, writeState } from './local-state.js';

interface RedisState { port: number; pid?: number }

export interface LocalRedisHandle {
  url: string;
  /** Shuts the server down when this process started it; a no-op when it attached. */
  stop(): Promise<void>;
}

const PREFERRED_PORT = 63790;

export const REDIS_MISSING_HELP =
  'redis-server was not found on the PATH. Install it (Debian/Ubuntu: sudo apt-get install redis-server; ' +
  'macOS: brew install redis) or set REDIS_URL to an existing Redis 6.2+.';

/**
 * Starts (or attaches to) the local redis-server under `dataDir`.
 * @throws Error with REDIS_MISSING_HELP when redis-server is not installed; Error when it exits at start.
 */
export async function startLocalRedis(opts: { dataDir: string; log: Logger }): Promise<LocalRedisHandle> {
  const { dataDir, log } = opts;
  const dir = path.join(dataDir, 'redis');
  await fs.mkdir(dir, { recursive: true });
  let state = await readState<RedisState>(dataDir, 'redis');
  if (state?.pid && isAlive(state.pid) && (await isListening(state.port))) {
    log.info({ port: state.port }, 'attached to the running local Redis');
    return { url: `redis://127.0.0.1:${state.port}`, stop: async () => {} };
  }
  const port = await freePort(state?.port ?? PREFERRED_PORT);
  const args = [
    '--bind', '127.0.0.1', '--port', String(port), '--dir', dir,
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
    '--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--protected-mode', 'yes',
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const started = await waitForStart(child, port);
  if (started instanceof Error) throw started;
  child.stdout?.on('data', (b: Buffer) => log.debug({ redis: b.toString().trim() }, 'redis'));
  state = { port, pid: child.pid };
  await writeState(dataDir, 'redis', state);
  log.info({ port }, 'started local Redis');
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => stopChild(child),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM'); // redis-server saves and exits on SIGTERM
  });
}
