/**
 * What a new user does first: `npm start` on an empty data directory starts embedded PostgreSQL
 * and Redis, migrates, loads the demo data, and prints a radclient line that gets an
 * Access-Accept. SIGTERM stops it cleanly, embedded services included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, isListening, readState } from '../../lib/embedded/local-state.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Started {
  child: ReturnType<typeof spawn>;
  dataDir: string;
  ports: { auth: number; http: number };
  /** Everything the process printed so far. */
  output(): string;
  /** The radclient line it printed, once it has. */
  radclientLine: Promise<string>;
}

/** `node lib/main.ts` (what npm start runs) on a fresh data directory and free ports. */
async function startServer(env: Record<string, string>): Promise<Started> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-start-'));
  const [auth, acct, http] = [await freePort(0), await freePort(0), await freePort(0)];
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, RADIUS_AUTH_PORT: String(auth), RADIUS_ACCT_PORT: String(acct), PORT: String(http), LOG_FORMAT: 'json', DATABASE_URL: '', REDIS_URL: '', APP_SECRET_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
  const radclientLine = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no radclient line printed:\n${out}`)), 90_000);
    child.stdout!.on('data', () => {
      const m = /^\s*(echo .* \| radclient -x .*)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });
  return { child, dataDir, ports: { auth, http }, output: () => out, radclientLine };
}

/** SIGTERM; asserts a clean exit and that the embedded PostgreSQL stopped with it. */
async function stopServer(s: Started): Promise<void> {
  const exited = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
  s.child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
  assert.equal(code, 0, `graceful exit:\n${s.output().slice(-2000)}`);
  const pg = await readState<{ port: number }>(s.dataDir, 'postgres');
  assert.ok(pg && !(await isListening(pg.port)), 'embedded PostgreSQL stopped with it');
  fs.rmSync(s.dataDir, { recursive: true, force: true });
}

/** Runs a shell line; resolves with its stdout, and stderr after it (so a failure shows why). */
function run(line: string): Promise<string> {
  return new Promise((resolve) => execFile('bash', ['-c', line], (_e, stdout, stderr) => resolve(stdout + stderr)));
}

test('npm start on a fresh data directory answers the radclient line it prints, then stops on SIGTERM', { timeout: 120_000 }, async () => {
  const s = await startServer({});
  try {
    const line = await s.radclientLine;
    assert.match(line, new RegExp(`127\\.0\\.0\\.1:${s.ports.auth} auth`));
    const reply = await run(line);
    assert.match(reply, /Received Access-Accept/, reply);
    assert.match(reply, /Mikrotik-Rate-Limit = "5M\/10M/);
    assert.ok(fs.existsSync(path.join(s.dataDir, 'secret.key')), 'the generated encryption key is kept in the data directory');
    const health = await fetch(`http://127.0.0.1:${s.ports.http}/health`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { roles: Record<string, { ok: boolean }> };
    assert.deepEqual(Object.keys(body.roles).sort(), ['radius', 'web', 'worker']);
  } finally {
    await stopServer(s);
  }
});

test('RADIUS_PROCESSES=2 runs the radius role in two processes on the same ports, with their metrics aggregated', { timeout: 120_000 }, async () => {
  const s = await startServer({ RADIUS_PROCESSES: '2' });
  try {
    const line = await s.radclientLine;
    for (let i = 0; i < 6; i++) {
      const reply = await run(line);
      assert.match(reply, /Received Access-Accept/, `request ${i + 1}:\n${reply}\n${s.output().slice(-3000)}`);
    }
    const health = (await (await fetch(`http://127.0.0.1:${s.ports.http}/health`)).json()) as { roles: { radius: { processes: number; running: number } } };
    assert.deepEqual(health.roles.radius, { ok: true, processes: 2, running: 2 });
    const metrics = await (await fetch(`http://127.0.0.1:${s.ports.http}/metrics`)).text();
    assert.match(metrics, /^radius_requests_total\{type="access",result="accept"\} 6$/m, 'both processes counted, summed');
  } finally {
    await stopServer(s);
  }
});
