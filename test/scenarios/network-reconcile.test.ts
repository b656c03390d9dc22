/**
 * Enforcement you can prove (issue 12 item 9): the `reconcile-sessions` job asks each router over
 * the RouterOS API what is online and compares it with our open sessions. A lost Stop is closed,
 * a lost Start is reported, a suspended subscriber the CoA missed gets a nas-control job again,
 * and a second run after the repairs finds nothing. A router that refuses the API login is
 * recorded as failed while the other is reconciled; drift that survives a repair raises one
 * staff alert.
 *
 * Real PostgreSQL and Redis (the nas-control queue), the fake RouterOS API server speaking the
 * real protocol to the real node-routeros client, and the console (web role) showing the figure.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { QUEUES } from '../../lib/queue.js';
import { NETWORK_JOBS } from '../../network/jobs.js';
import type { TestContainer } from '../helpers/container.js';
import { createNas, createSubscription } from '../helpers/factories.js';
import { startFakeRouterOs, type FakeRouterOs } from '../helpers/fake-routeros.js';
import { signedIn } from '../helpers/plans-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let c: TestContainer;
let good: FakeRouterOs;
let refusing: FakeRouterOs;
let nasId: number;
let refusingNasId: number;
const subs: Record<'synced' | 'lostStart' | 'lostStop' | 'suspended', { id: number; username: string }> = {} as never;
const NAS_IP = '10.9.0.1';

/** An open session as the accounting writer leaves it after a Start, 10 minutes ago. */
async function openSession(sub: { id: number; username: string }, acctSessionId: string, framedIp: string): Promise<string> {
  const key = randomUUID();
  const started = new Date(Date.now() - 10 * 60_000);
  await c.db('accounting_sessions').insert({
    session_key: key, acct_session_id: acctSessionId, username: sub.username, subscription_id: sub.id, nas_id: nasId,
    nas_ip_address: NAS_IP, framed_ip_address: framedIp, start_time: started, update_time: new Date(started.getTime() + 5 * 60_000),
  });
  return key;
}

const runJob = () => NETWORK_JOBS['reconcile-sessions']!.run(c, {}) as Promise<{ routers: number; failed: number; drift: number; repaired: number }>;
const lastRun = (id: number) => c.db('enforcement_drift').where({ nas_id: id }).orderBy('id', 'desc').first();

before(async () => {
  web = await startWebServer();
  c = web.c;
  for (const k of ['synced', 'lostStart', 'lostStop'] as const) subs[k] = await createSubscription(c.db);
  subs.suspended = await createSubscription(c.db, { status: 'suspended' });
  good = await startFakeRouterOs({
    users: { billing: 'api-pw' },
    ppp: [
      { name: subs.synced.username, address: '10.20.0.2', 'session-id': '0x81a00002', uptime: '10m3s' },
      { name: subs.lostStart.username, address: '10.20.0.3', 'session-id': '0x81a00003', uptime: '8m' },
      { name: subs.suspended.username, address: '10.20.0.4', 'session-id': '0x81a00004', uptime: '1h2m' },
    ],
    // Someone else is isolated; the suspended subscriber's address is not in the list: the CoA did not take.
    printMenus: { '/ip/firewall/address-list': [{ list: 'isolir', address: '10.20.0.99', dynamic: 'true' }] },
  });
  refusing = await startFakeRouterOs({ users: { billing: 'the-real-password' } });
  nasId = (await createNas(c.db, { name: 'core', ipAddress: NAS_IP, routerosUsername: 'billing', routerosPassword: 'api-pw', routerosApiPort: good.port, routerosApiHost: '127.0.0.1' })).id;
  refusingNasId = (await createNas(c.db, { name: 'edge', ipAddress: '10.9.0.2', routerosUsername: 'billing', routerosPassword: 'wrong', routerosApiPort: refusing.port, routerosApiHost: '127.0.0.1' })).id;
  // A router without API credentials is not asked.
  await createNas(c.db, { name: 'no-api', ipAddress: '10.9.0.3' });
  await openSession(subs.synced, '0x81a00002', '10.20.0.2');
  await openSession(subs.lostStop, '0x81a00009', '10.20.0.9');
  await openSession(subs.suspended, '0x81a00004', '10.20.0.4');
});

after(async () => {
  await good?.close();
  await refusing?.close();
  await web?.stop();
});

test('first run: lost Stop closed, lost Start reported, missed CoA queued again; the refusing router is recorded as failed', async () => {
  const summary = await runJob();
  assert.deepEqual({ routers: summary.routers, failed: summary.failed }, { routers: 2, failed: 1 });

  const run = await lastRun(nasId);
  assert.equal(run.ok, true);
  assert.deepEqual(
    { router: run.router_sessions, ours: run.open_sessions, inSync: run.in_sync, lostStart: run.lost_start, lostStop: run.lost_stop, notEnforced: run.not_enforced, drift: run.drift },
    { router: 3, ours: 3, inSync: 2, lostStart: 1, lostStop: 1, notEnforced: 1, drift: 3 },
  );
  const byKind = Object.fromEntries(run.findings.map((f: { kind: string }) => [f.kind, f]));
  assert.deepEqual(byKind.lost_start, { kind: 'lost_start', username: subs.lostStart.username, sessionId: '0x81a00003', address: '10.20.0.3', subscriptionId: subs.lostStart.id, action: 'reported' });
  assert.equal(byKind.lost_stop.username, subs.lostStop.username);
  assert.equal(byKind.lost_stop.action, 'closed');
  assert.deepEqual(byKind.not_isolated, { kind: 'not_isolated', username: subs.suspended.username, sessionId: '0x81a00004', address: '10.20.0.4', subscriptionId: subs.suspended.id, action: 'nas_control_queued' });

  // The lost Stop is closed as the stale sweep closes (a later real Stop or Interim still wins); the others stay open.
  const sessions = await c.db('accounting_sessions').select('username', 'stop_time', 'terminate_cause', 'update_time');
  const of = (u: string) => sessions.find((s) => s.username === u)!;
  assert.equal(of(subs.lostStop.username).terminate_cause, 'Stale-Session');
  assert.deepEqual(of(subs.lostStop.username).stop_time, of(subs.lostStop.username).update_time);
  assert.equal(of(subs.synced.username).stop_time, null);
  assert.equal(of(subs.suspended.username).stop_time, null);
  assert.equal(sessions.length, 3, 'a lost Start is reported, not inserted: the next Interim-Update inserts it');

  const jobs = await c.queues.queue(QUEUES.nasControl).getJobs(['waiting', 'delayed', 'prioritized']);
  assert.deepEqual(jobs.map((j) => j.data.subscriptionId), [subs.suspended.id], 'one nas-control job, for the suspended subscriber');
  assert.equal(jobs[0]!.data.reason, 'enforcement_drift_not_isolated');
  assert.equal(good.menus['/ppp/active'].length, 3, 'nothing removed on the router: nas-control acts on our session');

  const failed = await lastRun(refusingNasId);
  assert.equal(failed.ok, false);
  assert.match(failed.error, /username or password is invalid/i);
  assert.equal(await c.db('enforcement_drift').whereNotIn('nas_id', [nasId, refusingNasId]).count('* as n').first().then((r) => Number(r!.n)), 0);
});

test('second run after the repairs (the Interim-Update came, the CoA took) finds no drift and raises no alert', async () => {
  await openSession(subs.lostStart, '0x81a00003', '10.20.0.3');
  good.readOnlyMenus.get('/ip/firewall/address-list')!.push({ '.id': '*F1', list: 'isolir', address: '10.20.0.4', dynamic: 'true' });
  const summary = await runJob();
  assert.equal(summary.drift, 0);
  const run = await lastRun(nasId);
  assert.deepEqual({ inSync: run.in_sync, drift: run.drift, findings: run.findings, since: run.drift_since }, { inSync: 3, drift: 0, findings: [], since: null });
  assert.equal(Number((await c.db('staff_alerts').where({ kind: 'enforcement_drift' }).count('* as n').first())!.n), 0);
});

test('drift that survives a repair raises one staff alert; a suspended session we never heard of is removed on the router', async () => {
  const ghost = await createSubscription(c.db, { status: 'suspended' });
  good.menus['/ppp/active'].push({ '.id': '*A1', name: 'unknown-user', address: '10.20.0.50', 'session-id': '0x81a00050', uptime: '20m' });
  good.menus['/ppp/active'].push({ '.id': '*A2', name: ghost.username, address: '10.20.0.51', 'session-id': '0x81a00051', uptime: '20m' });
  await runJob();
  const first = await lastRun(nasId);
  assert.equal(first.lost_start, 2);
  assert.equal(first.findings.find((f: { kind: string }) => f.kind === 'not_isolated').action, 'removed');
  assert.deepEqual(good.menus['/ppp/active'].filter((i) => i.name === ghost.username), [], 'removed over the API: nas-control has no session of ours to act on');
  assert.equal(Number((await c.db('staff_alerts').where({ kind: 'enforcement_drift' }).count('* as n').first())!.n), 0, 'one drifting run is not yet an alert');

  await runJob();
  await runJob();
  const alerts = await c.db('staff_alerts').where({ kind: 'enforcement_drift' });
  assert.equal(alerts.length, 1, 'one alert for the whole streak');
  assert.match(alerts[0].message, /Router core \(10\.9\.0\.1\)/);
  assert.deepEqual(new Date((await lastRun(nasId)).drift_since), new Date(first.ran_at));
});

test('the routers screen and the dashboard show each router\'s enforcement drift', async () => {
  const { client } = await signedIn(web.baseUrl, c.db, 'admin');
  const drift = (html: string, name: string) => new RegExp(`data-nas="${name}"[\\s\\S]*?data-drift="([^"]+)"`).exec(html)?.[1];
  const routers = await client.get('/admin/nas');
  assert.equal(routers.status, 200);
  assert.match(routers.text, /Enforcement drift/);
  assert.equal(drift(routers.text, 'core'), '1', 'the unknown session still on the router');
  assert.equal(drift(routers.text, 'edge'), 'failed');
  assert.match(routers.text, /lost Stop 0, not enforced 0/);
  const dashboard = await client.get('/admin');
  assert.equal(dashboard.status, 200);
  assert.equal(drift(dashboard.text, NAS_IP), '1');
  assert.equal(drift(dashboard.text, '10.9.0.2'), 'failed');
  assert.equal(drift(dashboard.text, '10.9.0.3'), 'unknown');
});
