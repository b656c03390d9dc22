/**
 * The embedded PostgreSQL and Redis that `npm start` runs are supervised: a server that dies is
 * started again (and /health says so), and servers a killed `npm start` left behind are stopped
 * and started anew by the next start, never run twice on one data directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readState, writeState } from '../../lib/embedded/local-state.js';
import { processesIn } from '../../lib/embedded/processes.js';
import { radclient, type RadclientReply } from '../helpers/radclient.js';
import { secretOf, startServer, stopServer, type Started } from '../helpers/npm-start.js';

interface PgState { clusterDir?: string }

async function clusterDir(dataDir: string): Promise<string> {
  return (await readState<PgState>(dataDir, 'postgres'))?.clusterDir ?? path.join(dataDir, 'postgres');
}

/** The postmaster's pid, from the postmaster.pid PostgreSQL writes in its cluster directory. */
async function postmasterPid(dataDir: string): Promise<number> {
  return Number(fs.readFileSync(path.join(await clusterDir(dataDir), 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function parentOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** An Accounting-Request Start for the demo subscriber, as a MikroTik sends it (RFC 2866). */
function accountingStart(s: Started, secret: string, sessionId: string, retries = 1): Promise<RadclientReply> {
  return radclient({
    port: s.ports.acct, secret, type: 'acct', retries, timeoutSeconds: 2,
    attributes: ['User-Name = "demo-active"', `Acct-Session-Id = "${sessionId}"`, 'Acct-Status-Type = Start', 'NAS-Port-Id = "ether2"', 'Framed-IP-Address = 100.64.0.10'],
  });
}

/** Kills whatever embedded server still runs on the data directory (cleanup after a failed test). */
async function killLeftovers(dataDir: string): Promise<void> {
  for (const pid of [...(await processesIn(path.join(dataDir, 'redis'), 'redis-server')), ...(await processesIn(await clusterDir(dataDir), 'postgres'))]) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

test('kill -9 of the embedded PostgreSQL: the server starts it again, accounting is answered again, /health counts the restart', { timeout: 150_000 }, async () => {
  const s = await startServer({});
  try {
    const secret = secretOf(await s.radclientLine);
    assert.equal((await accountingStart(s, secret, 'before-kill')).code, 'Accounting-Response');

    const from = s.output().length;
    process.kill(await postmasterPid(s.dataDir), 'SIGKILL');
    // The NAS keeps sending while the database is down; the server answers once it is back.
    const during = accountingStart(s, secret, 'during-outage', 20);
    await s.waitFor(/embedded PostgreSQL restarted/, from, 60_000);
    assert.equal((await during).code, 'Accounting-Response', `answered after the restart:\n${s.output().slice(from).slice(-3000)}`);
    assert.equal((await accountingStart(s, secret, 'after-restart', 3)).code, 'Accounting-Response');

    const health = (await (await fetch(`http://127.0.0.1:${s.ports.http}/health`)).json()) as {
      roles: { embedded: { ok: boolean; postgres: { running: boolean; restarts: number; lastExit: { signal: string } | null } } };
    };
    assert.equal(health.roles.embedded.ok, true);
    assert.equal(health.roles.embedded.postgres.running, true);
    assert.equal(health.roles.embedded.postgres.restarts, 1);
    assert.equal(health.roles.embedded.postgres.lastExit?.signal, 'SIGKILL');

    // Requests failing during the outage: one line per error code per 10 s, the rest counted ("N more like this").
    const failedLines = s.output().slice(from).split('\n').filter((l) => l.includes('request failed'));
    const lastLogged = new Map<string, number>();
    for (const l of failedLines) {
      assert.doesNotMatch(l, /insert into|"stack"/i, 'no SQL text and no stack trace per failed request');
      const line = JSON.parse(l) as { time: number; repeated?: number; error: { code: string } };
      if (line.repeated) continue;
      const prev = lastLogged.get(line.error.code);
      assert.ok(prev === undefined || line.time - prev >= 10_000, `${line.error.code} logged again within 10 s:\n${failedLines.join('\n')}`);
      lastLogged.set(line.error.code, line.time);
    }
  } finally {
    await stopServer(s).finally(() => killLeftovers(s.dataDir));
  }
});

test('after kill -9 of the server, the next start stops the PostgreSQL and Redis it left behind and supervises new ones: never two redis-servers on one directory', { timeout: 180_000 }, async () => {
  const first = await startServer({});
  const dataDir = first.dataDir;
  const redisDir = path.join(dataDir, 'redis');
  let second: Started | null = null;
  try {
    await first.radclientLine;
    const orphanRedis = (await readState<{ pid: number }>(dataDir, 'redis'))!.pid;
    const orphanPostgres = await postmasterPid(dataDir);
    const killed = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await killed;
    assert.deepEqual(await processesIn(redisDir, 'redis-server'), [orphanRedis], 'precondition: the killed server left its redis-server running');
    assert.equal(parentOf(orphanPostgres) === first.child.pid, false, 'precondition: and its PostgreSQL, now an orphan');
    // What a kill between starting redis-server and recording its pid leaves: the state names a process that is gone.
    const gone = spawnSync('true').pid;
    await writeState(dataDir, 'redis', { ...(await readState<object>(dataDir, 'redis')), pid: gone });

    second = await startServer({}, dataDir);
    await second.waitFor(/"msg":"started[;"]/); // the demo logins are printed on the first start only
    const redisServers = await processesIn(redisDir, 'redis-server');
    assert.equal(redisServers.length, 1, `one redis-server on ${redisDir}, not ${redisServers.length}:\n${second.output().slice(-3000)}`);
    assert.equal(parentOf(redisServers[0]!), second.child.pid, 'the redis-server that runs is the new server\'s (supervised) child');
    assert.equal(parentOf(await postmasterPid(dataDir)), second.child.pid, 'the PostgreSQL that runs is the new server\'s (supervised) child');
    await stopServer(second);
    assert.deepEqual(await processesIn(redisDir, 'redis-server'), [], 'nothing left running after a clean stop');
  } finally {
    await killLeftovers(dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
