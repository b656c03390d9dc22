/**
 * DATABASE_REPLICA_URL (issue 13 item 4): reports and CSV exports read from a real streaming
 * replica (test/helpers/pg-standby.ts: a primary and a hot standby fed by WAL streaming), the
 * rest of the console from the primary. The proof that a report reads the standby: with WAL
 * replay paused on the standby (pg_wal_replay_pause(), manual "Recovery Control Functions"), a
 * payment committed on the primary is missing from the daily-income report and the payments CSV
 * until replay resumes; the standby's pg_stat_activity shows the web role's replica pool.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createBillingEngine } from '../../billing/engine/engine.js';
import { settableClock } from '../../lib/clock.js';
import { loadConfig } from '../../lib/config.js';
import { createContainer, type Container } from '../../lib/container.js';
import { freePort } from '../../lib/embedded/local-state.js';
import { createLogger } from '../../lib/logger.js';
import { createHttpServer, type HttpServer } from '../../web/app.js';
import { startWebRole } from '../../web/web-role.js';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { testRedisUrl } from '../helpers/database.js';
import { createCustomer, createStaff, TEST_SECRET_KEY } from '../helpers/factories.js';
import { startStreamingPair, type StreamingPair } from '../helpers/pg-standby.js';
import { insertPayment } from '../helpers/reports-fixtures.js';

// 10:00 in Jakarta on Saturday 21 November 2026.
const clock = settableClock('2026-11-21T03:00:00Z');
let pair: StreamingPair;
let c: Container;
let http: HttpServer;
let admin: AdminClient;
let customerId: number;

before(async () => {
  pair = await startStreamingPair();
  const config = loadConfig({
    NODE_ENV: 'test', QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PASSWORD_HASH_ROUNDS: '4', DEMO_DATA: 'false', DATABASE_REPLICA_URL: pair.standbyUrl,
  });
  c = createContainer({ config, log: createLogger(config.LOG_LEVEL), databaseUrl: pair.primaryUrl, redisUrl: testRedisUrl(), secretKey: TEST_SECRET_KEY, clock, processMetrics: false });
  http = createHttpServer(c, () => []);
  startWebRole(c, http, createBillingEngine(c, { clock }));
  const port = await http.listen('127.0.0.1', await freePort(0));
  const staff = await createStaff(c.db, { role: 'admin', locale: 'en' });
  admin = adminClient(`http://127.0.0.1:${port}`);
  assert.equal((await admin.signIn(staff.username, staff.password)).status, 302);
  customerId = (await createCustomer(c.db, { name: 'Replika Sari' })).id;
});
after(async () => {
  await http?.close();
  await c?.close();
  await pair?.stop();
});

const amounts = (csv: string): string[] => csv.replace(/^\uFEFF/, '').trimEnd().split(/\r?\n/).slice(1).map((l) => l.split(',')[5]!);

test('reports and CSV exports read the streaming replica: a payment appears once the standby has replayed it, not before', async () => {
  assert.notEqual(c.replicaDb, c.db, 'a second pool when DATABASE_REPLICA_URL is set');
  await insertPayment(c.db, { customerId, amount: 150_000, settledAt: '2026-11-21T02:00:00Z' });
  await pair.caughtUp();
  const first = await admin.get('/admin/reports/daily.csv?day=2026-11-21');
  assert.equal(first.status, 200);
  assert.deepEqual(amounts(first.text), ['150000'], 'replicated rows are in the report');

  await pair.onStandby('SELECT pg_wal_replay_pause()');
  try {
    await insertPayment(c.db, { customerId, amount: 275_000, settledAt: '2026-11-21T02:30:00Z' });
    assert.equal((await c.db('payments').where({ amount: 275_000 })).length, 1, 'committed on the primary');
    const paused = await admin.get('/admin/reports/daily.csv?day=2026-11-21');
    assert.deepEqual(amounts(paused.text), ['150000'], 'the report reads the standby, which has not replayed the new payment');
    const page = await admin.get('/admin/reports/daily?day=2026-11-21');
    assert.equal(page.status, 200);
    assert.match(page.text, /Rp 150\.000/);
    assert.doesNotMatch(page.text, /Rp 275\.000/, 'the report page too');
    const payments = await admin.get('/admin/payments.csv');
    assert.equal(payments.status, 200);
    assert.match(payments.text, /,150000,/);
    assert.doesNotMatch(payments.text, /,275000,/, 'the payments export reads the standby');
    // The customers export writes its audit row on the primary (a standby refuses writes) and still succeeds.
    const customers = await admin.get('/admin/customers.csv');
    assert.equal(customers.status, 200);
    assert.match(customers.text, /Replika Sari/);
    const pools = await pair.onStandby<{ application_name: string }>(`SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = 'isp'`);
    assert.ok(pools.some((p) => p.application_name === 'isp radius,web,worker replica'), `the replica pool is connected to the standby: ${JSON.stringify(pools)}`);
  } finally {
    await pair.onStandby('SELECT pg_wal_replay_resume()');
  }
  await pair.caughtUp();
  const resumed = await admin.get('/admin/reports/daily.csv?day=2026-11-21');
  assert.deepEqual(amounts(resumed.text), ['150000', '275000'], 'after replay the report has both');
});
