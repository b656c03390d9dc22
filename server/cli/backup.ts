/**
 * `npm run backup [-- FILE]`: a pg_dump (custom format, restorable with `npm run restore -- FILE`)
 * of the database the server uses: DATABASE_URL, or the embedded PostgreSQL under DATA_DIR
 * (attached to while the server runs; started for the dump and stopped after when it does not).
 * FILE defaults to ./backups/isp-<UTC date and time>.dump. Needs pg_dump of the server's major
 * version or newer (server/cli/pg-tools.ts). Exit code 1 with the reason on failure.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../lib/config.js';
import { createLogger } from '../../lib/logger.js';
import { resolveDatabase } from '../services.js';
import { findTool, serverMajor, splitPassword } from './pg-tools.js';

const config = loadConfig();
const file = path.resolve(process.argv[2] ?? path.join('backups', `isp-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}.dump`));
const database = await resolveDatabase(config, createLogger('warn', {}, config.LOG_FORMAT));
try {
  const pgDump = findTool('pg_dump', await serverMajor(database.url));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { url, password } = splitPassword(database.url);
  const r = spawnSync(pgDump, ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${url}`], { stdio: 'inherit', env: { ...process.env, PGPASSWORD: password } });
  if (r.status !== 0) throw new Error(`pg_dump failed (exit ${r.status})`);
  fs.chmodSync(file, 0o600);
  process.stdout.write(`backup written to ${file} (${fs.statSync(file).size} bytes)\n` +
    `Keep ${path.join(config.DATA_DIR, 'secret.key')} (or APP_SECRET_KEY) with it: the NAS secrets and passwords in the dump are encrypted with that key.\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await database.stop();
}
