/**
 * `npm run restore -- FILE`: replaces the database's contents with a dump from `npm run backup`
 * (pg_restore --clean --if-exists, in one transaction: on failure nothing changes). Stop the
 * server first: with the embedded PostgreSQL, restore refuses while a server on this DATA_DIR runs.
 * Needs pg_restore of the server's major version or newer (server/cli/pg-tools.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { loadConfig } from '../../lib/config.js';
import { readState } from '../../lib/embedded/local-state.js';
import { ownerIsRunning } from '../../lib/embedded/processes.js';
import { createLogger } from '../../lib/logger.js';
import { resolveDatabase } from '../services.js';
import { findTool, serverMajor, splitPassword } from './pg-tools.js';

const file = process.argv[2];
if (!file || !fs.existsSync(file)) {
  process.stderr.write(`usage: npm run restore -- FILE (a dump written by npm run backup)${file ? `; ${file} does not exist` : ''}\n`);
  process.exit(2);
}
const config = loadConfig();
if (!config.DATABASE_URL && (await ownerIsRunning((await readState<{ ownerPid?: number }>(config.DATA_DIR, 'postgres'))?.ownerPid))) {
  process.stderr.write('the server is running on this DATA_DIR: stop it first (systemctl stop isp-billing, or Ctrl-C), then restore\n');
  process.exit(1);
}
const database = await resolveDatabase(config, createLogger('warn', {}, config.LOG_FORMAT));
try {
  const pgRestore = findTool('pg_restore', await serverMajor(database.url));
  const { url, password } = splitPassword(database.url);
  const r = spawnSync(pgRestore, ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${url}`, file], { stdio: 'inherit', env: { ...process.env, PGPASSWORD: password } });
  if (r.status !== 0) throw new Error(`pg_restore failed (exit ${r.status}); the database is unchanged`);
  process.stdout.write(`restored ${file}; start the server again (it runs any newer migrations)\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await database.stop();
}
