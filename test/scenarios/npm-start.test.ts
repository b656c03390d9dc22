/**
 * What a new user does first: `npm start` on an empty data directory starts embedded PostgreSQL
 * and Redis, migrates, loads the demo data, and prints a radclient line that gets an
 * Access-Accept. SIGTERM stops it cleanly, embedded services included. As root (how most VPS
 * are used) with DATA_DIR where the postgres user cannot go (under /root, 0700), it still starts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readState } from '../../lib/embedded/local-state.js';
import { run, startServer, stopServer } from '../helpers/npm-start.js';

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
    const body = (await health.json()) as { roles: Record<string, { ok: boolean }> & { embedded: { postgres: { running: boolean; restarts: number }; redis: { running: boolean } } } };
    assert.deepEqual(Object.keys(body.roles).sort(), ['embedded', 'radius', 'web', 'worker']);
    assert.equal(body.roles.embedded.postgres.running, true, 'the embedded PostgreSQL is supervised');
    assert.equal(body.roles.embedded.redis.running, true, 'the local Redis is supervised');
    assert.match(s.output(), new RegExp(`staff console at http://127\\.0\\.0\\.1:${s.ports.http}/admin`), 'the log says where the console is');
    assert.match(s.output(), /the console listens on 127\.0\.0\.1 only/, 'and how to reach it from elsewhere');
  } finally {
    await stopServer(s);
  }
});

test('RADIUS_PROCESSES=2 runs Access-Requests in two processes on the same port, accounting in a third, with their metrics aggregated', { timeout: 120_000 }, async () => {
  const s = await startServer({ RADIUS_PROCESSES: '2', RADIUS_ACCT_PROCESSES: '1' });
  try {
    const line = await s.radclientLine;
    for (let i = 0; i < 6; i++) {
      const reply = await run(line);
      assert.match(reply, /Received Access-Accept/, `request ${i + 1}:\n${reply}\n${s.output().slice(-3000)}`);
    }
    const health = (await (await fetch(`http://127.0.0.1:${s.ports.http}/health`)).json()) as { roles: { radius: { processes: number; running: number; auth: number; acct: number } } };
    assert.deepEqual(health.roles.radius, { ok: true, processes: 3, running: 3, auth: 2, acct: 1 });
    const metrics = await (await fetch(`http://127.0.0.1:${s.ports.http}/metrics`)).text();
    assert.match(metrics, /^radius_requests_total\{type="access",result="accept"\} 6$/m, 'both processes counted, summed');
  } finally {
    await stopServer(s);
  }
});

test('as root with DATA_DIR under a 0700 directory (like /root on a VPS), npm start keeps the cluster where the postgres user can reach it and answers', {
  timeout: 120_000,
  skip: process.getuid?.() !== 0 && 'needs root',
}, async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-root-home-'));
  fs.chmodSync(home, 0o700);
  const dataDir = path.join(home, 'isp-billing', '.data');
  const s = await startServer({}, dataDir);
  try {
    const line = await s.radclientLine;
    const reply = await run(line);
    assert.match(reply, /Received Access-Accept/, reply);
    const state = await readState<{ clusterDir?: string }>(dataDir, 'postgres');
    assert.ok(state?.clusterDir?.startsWith('/var/lib/isp-billing/'), `cluster kept outside the 0700 directory: ${state?.clusterDir}`);
    assert.ok(s.output().includes(`the embedded PostgreSQL cluster is kept in ${state!.clusterDir}`), 'the log says where it went');
    assert.equal(fs.statSync(home).mode & 0o777, 0o700, 'the 0700 directory was left as it was');
  } finally {
    await stopServer(s);
    fs.rmSync(home, { recursive: true, force: true });
  }
});
