/**
 * Test runner: starts one real stack for the whole run (embedded PostgreSQL and redis-server
 * under the system temp dir), migrates a template database once, then runs every `*.test.ts`
 * (or the files given as arguments) with node:test. Each test file clones the template into its
 * own database (test/helpers/database.ts), so files run in parallel without sharing rows.
 *
 * Two bounds keep a hung test from holding CI for its whole time limit:
 * - `--test-timeout` (TEST_FILE_TIMEOUT_MS, default 300000 = 5 min): node:test (Node 20) applies
 *   it to each test file's process as a whole, so it must be above the slowest file (the fuzz
 *   and browser files take about a minute on 2 busy cores); a file past it is cancelled and
 *   reported as failed with `test timed out`, and the other files go on.
 * - a watchdog on the whole run (TEST_RUN_TIMEOUT_MS, default 1800000 = 30 min, against about
 *   5 min for the suite): past it the test processes are killed, the stack stopped and the run
 *   fails with exit code 124, saying so.
 *
 * Usage: node --import tsx scripts/run-tests.ts [files...]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb } from '../lib/db.js';
import { startEmbeddedPostgres } from '../lib/embedded/postgres.js';
import { startLocalRedis } from '../lib/embedded/redis.js';
import { createLogger } from '../lib/logger.js';
import { migrateLatest } from '../lib/migrate.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SKIP = new Set(['node_modules', '.git', '.data', 'test-output', 'scratch']);

function findTests(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findTests(p, out);
    else if (e.name.endsWith('.test.ts')) out.push(path.relative(ROOT, p));
  }
  return out.sort();
}

const log = createLogger(process.env.TEST_STACK_LOG ?? 'warn', { stack: 'test' });
// A fresh stack per run, under the system temp dir (as root, PostgreSQL runs as the `postgres`
// user, which may not be able to enter the checkout under /root), so two runs at once (two
// terminals, parallel agents) never share a cluster or drop each other's template.
// TEST_STACK_DIR keeps one across runs instead (faster start; one run at a time).
const ownStack = !process.env.TEST_STACK_DIR;
const stackDir = process.env.TEST_STACK_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'isp-test-stack-'));
const files = process.argv.slice(2).length ? process.argv.slice(2) : findTests(ROOT);

const postgres = await startEmbeddedPostgres({ dataDir: stackDir, database: 'postgres', log });
const redis = await startLocalRedis({ dataDir: stackDir, log });
const template = 'test_template';
const admin = new pg.Client({ connectionString: postgres.adminUrl });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${template}`);
await admin.end();
const templateUrl = postgres.adminUrl.replace(/\/postgres$/, `/${template}`);
const db = createDb({ url: templateUrl });
await migrateLatest(db);
await db.destroy();

const concurrency = Number(process.env.TEST_CONCURRENCY ?? Math.max(2, os.availableParallelism()));
const fileTimeoutMs = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 300_000);
const runTimeoutMs = Number(process.env.TEST_RUN_TIMEOUT_MS ?? 1_800_000);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${fileTimeoutMs}`, ...files],
  {
    cwd: ROOT,
    stdio: 'inherit',
    // Its own process group, so the watchdog ends the test files' processes with it.
    detached: true,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      TEST_DATABASE_ADMIN_URL: postgres.adminUrl,
      TEST_TEMPLATE_DATABASE: template,
      TEST_REDIS_URL: redis.url,
    },
  },
);
// Ctrl-C or a CI cancel reaches run-tests only (the tests have their own group): pass it on,
// then stop the stack as after any run.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      child.kill(signal);
    }
  });
}
let timedOut = false;
const watchdog = setTimeout(() => {
  timedOut = true;
  console.error(`run-tests: the run took longer than ${runTimeoutMs} ms (TEST_RUN_TIMEOUT_MS); killing the test processes`);
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}, runTimeoutMs);
const exited: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
clearTimeout(watchdog);
const code = timedOut ? 124 : exited;
await redis.stop();
await postgres.stop();
if (ownStack) fs.rmSync(stackDir, { recursive: true, force: true });
process.exit(code);
