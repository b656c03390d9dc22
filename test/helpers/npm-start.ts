/**
 * `node server/main.ts` (what `npm start` runs) as a child process on free ports, for the start-up
 * tests: its output, the radclient line it prints, waiting for a log line, and a SIGTERM stop
 * that checks the embedded PostgreSQL stopped with it.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, readState } from '../../lib/embedded/local-state.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Started {
  child: ReturnType<typeof spawn>;
  dataDir: string;
  ports: { auth: number; acct: number; http: number };
  /** Everything the process printed so far. */
  output(): string;
  /** The radclient line it printed, once it has. */
  radclientLine: Promise<string>;
  /** Resolves with the first match of `re` in the output from `from` (an output() length) on; rejects on exit or after `timeoutMs`. */
  waitFor(re: RegExp, from?: number, timeoutMs?: number): Promise<RegExpExecArray>;
}

/** Starts the server on `dataDir` (default: a fresh one under the temp dir) and free ports. */
export async function startServer(env: Record<string, string>, dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-start-'))): Promise<Started> {
  const [auth, acct, http] = [await freePort(0), await freePort(0), await freePort(0)];
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, RADIUS_AUTH_PORT: String(auth), RADIUS_ACCT_PORT: String(acct), PORT: String(http), LOG_FORMAT: 'json', DATABASE_URL: '', REDIS_URL: '', APP_SECRET_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
  const waitFor = (re: RegExp, from = 0, timeoutMs = 90_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = re.exec(out.slice(from));
        if (!m) return false;
        done();
        resolve(m);
        return true;
      };
      const onExit = (code: number | null): void => { done(); reject(new Error(`exited with ${code} before ${re}:\n${out.slice(-3000)}`)); };
      const timer = setTimeout(() => { done(); reject(new Error(`no ${re} within ${timeoutMs} ms:\n${out.slice(-3000)}`)); }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.stderr!.off('data', check);
        child.off('exit', onExit);
      };
      if (check()) return;
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.once('exit', onExit);
    });
  const radclientLine = waitFor(/^\s*(echo .* \| radclient -x .*)$/m).then((m) => m[1]!);
  radclientLine.catch(() => {}); // a test that never awaits it must not fail on an unhandled rejection
  return { child, dataDir, ports: { auth, acct, http }, output: () => out, radclientLine, waitFor };
}

/** SIGTERM; asserts a clean exit and that the embedded PostgreSQL stopped with it; removes the data. */
export async function stopServer(s: Started): Promise<void> {
  if (s.child.exitCode === null && s.child.signalCode === null) {
    const exited = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
    s.child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    assert.equal(code, 0, `graceful exit:\n${s.output().slice(-2000)}`);
  }
  const pg = await readState<{ port: number; clusterDir?: string }>(s.dataDir, 'postgres');
  assert.ok(pg, 'embedded PostgreSQL was set up');
  // PostgreSQL removes its postmaster.pid when it shuts down cleanly.
  const pidFile = path.join(pg.clusterDir ?? path.join(s.dataDir, 'postgres'), 'postmaster.pid');
  assert.ok(!fs.existsSync(pidFile), `embedded PostgreSQL stopped with it:\n${s.output().slice(-3000)}`);
  if (pg.clusterDir && !pg.clusterDir.startsWith(s.dataDir)) fs.rmSync(pg.clusterDir, { recursive: true, force: true });
  fs.rmSync(s.dataDir, { recursive: true, force: true });
}

/** Runs a shell line; resolves with its stdout, and stderr after it (so a failure shows why). */
export function run(line: string): Promise<string> {
  return new Promise((resolve) => execFile('bash', ['-c', line], (_e, stdout, stderr) => resolve(stdout + stderr)));
}

/** The NAS shared secret in the radclient line the server printed. */
export function secretOf(radclientLine: string): string {
  return /auth '([^']+)'$/.exec(radclientLine)![1]!;
}
