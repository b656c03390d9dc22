/**
 * RADIUS never waits for anything else (issue 13, item 1): `npm start` with every role, as a new
 * user runs it (embedded PostgreSQL and Redis, demo data, bcrypt cost 12), keeps answering a
 * router's Access-Requests in time while
 * (a) a storm of wrong console sign-ins hits /admin/login (bcrypt in the web process), and
 * (b) an accounting flood keeps the accounting port busy (Access-Requests are served by other
 *     processes than accounting: server/radius-cluster.ts).
 *
 * Bounds are generous, for a shared 2-core machine, and meaningful: RouterOS resends an
 * Access-Request after 300 ms (ARCHITECTURE.md "What a MikroTik router sends"), so a reply later
 * than that is a retransmission; the flood bound compares the login's p99 with the accounting
 * replies' own p50 under the flood (a login must not queue behind accounting).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { after, before, test } from 'node:test';
import { accessRequest, accountingInterim, flood, percentile, probe, type ProbeResult } from '../helpers/radius-load.js';
import { secretOf, startServer, stopServer, type Started } from '../helpers/npm-start.js';

let s: Started;
let secret: string;
let user: { name: string; password: string };

before(async () => {
  s = await startServer({ PASSWORD_HASH_ROUNDS: '12' });
  // Up to 4 minutes: each radius process compiles the TypeScript on start, on 2 shared cores.
  const line = (await s.waitFor(/^\s*(echo .* \| radclient -x .*)$/m, 0, 240_000))[1]!;
  secret = secretOf(line);
  const m = /User-Name = "([^"]+)", User-Password = "([^"]+)"/.exec(line)!;
  user = { name: m[1]!, password: m[2]! };
  await s.waitFor(/"msg":"started; staff console/, 0, 60_000);
  // warm-up: templates compiled, the replica and the duplicate cache in use
  await probe({ port: s.ports.auth, make: login, intervalMs: 20, durationMs: 500 });
  await signIn('127.0.1.250', 'nobody');
});

after(async () => {
  if (s) await stopServer(s);
});

const login = (id: number): Buffer => accessRequest(id, user.name, user.password, secret);
const ms = (r: ProbeResult, p: number): string => percentile(r.latencies, p).toFixed(1);
const describe = (r: ProbeResult): string => `p50 ${ms(r, 50)} ms, p99 ${ms(r, 99)} ms, max ${ms(r, 100)} ms, ${r.latencies.length}/${r.sent} answered, ${r.timeouts} timeouts`;

/** One wrong console sign-in from `localAddress` (each its own address: the per-address brake allows 30 a quarter hour). */
function signIn(localAddress: string, username: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams({ username, password: 'not the password at all' }).toString();
    const req = http.request({ host: '127.0.0.1', port: s.ports.http, path: '/admin/login', method: 'POST', localAddress, agent: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('(a) a storm of wrong console sign-ins (bcrypt cost 12) does not delay Access-Requests past a router\'s 300 ms retransmit', { timeout: 400_000 }, async (t) => {
  let running = true;
  let answered = 0;
  const clients = Array.from({ length: 40 }, async (_, k) => {
    while (running) {
      const status = await signIn(`127.0.1.${k + 1}`, k % 2 ? 'admin' : `nobody-${k}`);
      if (status > 0) answered++; // the sign-in page again, with "wrong username or password"
    }
  });
  const during = await probe({ port: s.ports.auth, make: login, intervalMs: 20, durationMs: 8000 });
  running = false;
  await Promise.all(clients);
  t.diagnostic(`Access-Request during the sign-in storm: ${describe(during)}; sign-ins answered: ${answered}`);
  assert.ok(answered >= 1, `the storm reached bcrypt: ${answered} sign-ins answered`);
  assert.equal(during.timeouts, 0, describe(during));
  assert.ok(percentile(during.latencies, 100) < 300, `no login reply later than 300 ms: ${describe(during)}`);
});

/** The niceness (getpriority(2)) of the radius worker processes of `kind`, from their environment (server/radius-cluster.ts). */
function workerNiceness(kind: 'auth' | 'acct'): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`ISP_RADIUS_KIND=${kind}`)
        && fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(s.child.pid)) found.push(os.getPriority(Number(entry)));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

test('the accounting processes run at RADIUS_ACCT_NICE (default 10), the Access-Request ones as started', () => {
  const acct = workerNiceness('acct');
  const auth = workerNiceness('auth');
  assert.ok(acct.length >= 1 && auth.length >= 1, `radius workers found: acct ${acct.length}, auth ${auth.length}`);
  assert.deepEqual([...new Set(acct)], [10]);
  assert.deepEqual([...new Set(auth)], [os.getPriority()]);
});

test('each Access-Request process answered its warm-up on its own socket before opening the shared one', () => {
  // RADIUS_WARM_UP_REQUESTS (default 10,000): all answered, in every `auth` worker. A worker's
  // port-0 socket bound through the cluster module would be one socket shared by all workers,
  // and the warm-ups would steal each other's replies until their deadline.
  const warmUps = s.output().split('\n').filter((l) => l.includes('"msg":"Access-Request path warmed up"')).map((l) => JSON.parse(l) as { kind: string; requests: number; ms: number });
  assert.equal(warmUps.length, workerNiceness('auth').length, s.output().slice(-2000));
  for (const w of warmUps) {
    assert.equal(w.kind, 'auth');
    assert.equal(w.requests, 10_000);
    assert.ok(w.ms < 10_000, `warm-up took ${w.ms} ms (its deadline is 10 s)`);
  }
});

test('(b) during an accounting flood, Access-Requests are answered well ahead of the accounting replies', { timeout: 120_000 }, async (t) => {
  const f = await flood({ port: s.ports.acct, sockets: 4, inFlight: 64, make: (id, n) => accountingInterim(id, `flood-user-${n % 50}`, `flood-${n % 2000}`, secret) });
  // (Other usernames than the probe's: its own open sessions would make each login a simultaneous-use recheck in PostgreSQL.)
  await new Promise((r) => setTimeout(r, 1000)); // the flood at full pressure
  const during = await probe({ port: s.ports.auth, make: login, intervalMs: 10, durationMs: 8000 });
  const acct = await f.stop();
  const acctP50 = percentile(acct.latencies, 50);
  t.diagnostic(`Access-Request during the flood: ${describe(during)}; accounting: ${acct.answered} answered, p50 ${acctP50.toFixed(1)} ms, p99 ${percentile(acct.latencies, 99).toFixed(1)} ms`);
  assert.ok(acct.answered >= 2000, `the flood was real: ${acct.answered} Accounting-Responses`);
  assert.equal(during.timeouts, 0, describe(during));
  const p99 = percentile(during.latencies, 99);
  assert.ok(p99 < acctP50, `a login does not queue behind accounting: Access-Request p99 ${p99.toFixed(1)} ms vs accounting p50 ${acctP50.toFixed(1)} ms`);
});
