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

test('npm start on a fresh data directory answers the radclient line it prints, then stops on SIGTERM', { timeout: 120_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-start-'));
  const [auth, acct, http] = [await freePort(0), await freePort(0), await freePort(0)];
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, RADIUS_AUTH_PORT: String(auth), RADIUS_ACCT_PORT: String(acct), PORT: String(http), LOG_FORMAT: 'json', DATABASE_URL: '', REDIS_URL: '', APP_SECRET_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no radclient line printed:\n${out}`)), 90_000);
      const check = (): void => {
        const m = /^\s*(echo .* \| radclient -x .*)$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
    });
    assert.match(line, new RegExp(`127\\.0\\.0\\.1:${auth} auth`));
    const reply = await new Promise<string>((resolve) => execFile('bash', ['-c', line], (_e, stdout) => resolve(stdout)));
    assert.match(reply, /Received Access-Accept/, reply);
    assert.match(reply, /Mikrotik-Rate-Limit = "5M\/10M/);
    assert.ok(fs.existsSync(path.join(dataDir, 'secret.key')), 'the generated encryption key is kept in the data directory');
    const health = await fetch(`http://127.0.0.1:${http}/health`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { roles: Record<string, { ok: boolean }> };
    assert.deepEqual(Object.keys(body.roles).sort(), ['radius', 'web', 'worker']);
  } finally {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    assert.equal(code, 0, `graceful exit:\n${out.slice(-2000)}`);
    const pg = await readState<{ port: number }>(dataDir, 'postgres');
    assert.ok(pg && !(await isListening(pg.port)), 'embedded PostgreSQL stopped with it');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('RADIUS_PROCESSES=2 runs the radius role in two processes on the same ports, with their metrics aggregated', { timeout: 120_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-cluster-'));
  const [auth, acct, http] = [await freePort(0), await freePort(0), await freePort(0)];
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, RADIUS_AUTH_PORT: String(auth), RADIUS_ACCT_PORT: String(acct), PORT: String(http), LOG_FORMAT: 'json', RADIUS_PROCESSES: '2', DATABASE_URL: '', REDIS_URL: '', APP_SECRET_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no radclient line printed:\n${out}`)), 90_000);
      child.stdout.on('data', () => {
        const m = /^\s*(echo .* \| radclient -x .*)$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
    });
    for (let i = 0; i < 6; i++) {
      const reply = await new Promise<string>((resolve) => execFile('bash', ['-c', line], (_e, stdout) => resolve(stdout)));
      assert.match(reply, /Received Access-Accept/, reply);
    }
    const health = (await (await fetch(`http://127.0.0.1:${http}/health`)).json()) as { roles: { radius: { processes: number; running: number } } };
    assert.deepEqual(health.roles.radius, { ok: true, processes: 2, running: 2 });
    const metrics = await (await fetch(`http://127.0.0.1:${http}/metrics`)).text();
    assert.match(metrics, /^radius_requests_total\{type="access",result="accept"\} 6$/m, 'both processes counted, summed');
  } finally {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out.slice(-2000));
    const pg = await readState<{ port: number }>(dataDir, 'postgres');
    assert.ok(pg && !(await isListening(pg.port)), 'embedded PostgreSQL stopped after the workers');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
