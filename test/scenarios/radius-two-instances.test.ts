/**
 * Two radius instances on different ports against ONE database (issue 13, item 4: several radius
 * hosts on one PostgreSQL), driven by FreeRADIUS's radclient as the router:
 * - a subscription change committed once reaches both instances' decisions within a second
 *   (each keeps its replica by LISTEN/NOTIFY: aaa/replica/replica-sync.ts);
 * - simultaneous use holds across them: a session opened through instance A (its Accounting-Start)
 *   makes instance B reject a second device's login (plan simultaneous_use 1).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../lib/config.js';
import { createContainer, type Container } from '../../lib/container.js';
import { createLogger } from '../../lib/logger.js';
import { startRadiusRole, type RadiusRole } from '../../server/radius-role.js';
import { testRedisUrl } from '../helpers/database.js';
import { createNas, createPlan, createSubscription, TEST_SECRET_KEY } from '../helpers/factories.js';
import { radclient, type RadclientReply } from '../helpers/radclient.js';
import { startRadiusStack, type RadiusStack } from '../helpers/radius-stack.js';

let a: RadiusStack;
let cB: Container;
let b: RadiusRole;
let secret: string;
let sub: { id: number; username: string; password: string };
let fastPlan: number;

before(async () => {
  a = await startRadiusStack({
    before: async (c) => {
      secret = (await createNas(c.db)).secret;
      const plan = await createPlan(c.db, { rateLimit: '5M/10M', simultaneousUse: 1 });
      fastPlan = (await createPlan(c.db, { rateLimit: '20M/40M', simultaneousUse: 1 })).id;
      sub = await createSubscription(c.db, { planId: plan.id });
    },
  });
  // Instance B: its own container (pools, LISTEN connection, queue prefix) on the same database.
  const config = loadConfig({ NODE_ENV: 'test', QUEUE_PREFIX: `${a.c.config.QUEUE_PREFIX}b`, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', RADIUS_HOST: '127.0.0.1' });
  cB = createContainer({ config, log: createLogger(config.LOG_LEVEL), databaseUrl: a.c.databaseUrl, redisUrl: testRedisUrl(), secretKey: TEST_SECRET_KEY, processMetrics: false });
  b = await startRadiusRole(cB, { host: '127.0.0.1', authPort: 0, acctPort: 0, schedule: false });
  assert.notEqual(a.radius.ports.authPort, b.ports.authPort);
});

after(async () => {
  await b?.stop();
  await cB?.close();
  await a?.stop();
});

function login(port: number, mac: string): Promise<RadclientReply> {
  return radclient({ port, secret, type: 'auth', attributes: [`User-Name = "${sub.username}"`, `User-Password = "${sub.password}"`, `Calling-Station-Id = "${mac}"`, 'Message-Authenticator = 0x00'] });
}
const rate = (r: RadclientReply): string | undefined => r.attributes.find(([n]) => n === 'Mikrotik-Rate-Limit')?.[1];

/** Polls `check` until it holds; resolves with the ms it took from `since`, or fails after `limitMs`. */
async function within(limitMs: number, since: number, what: string, check: () => Promise<boolean>): Promise<number> {
  for (;;) {
    if (await check()) return performance.now() - since;
    assert.ok(performance.now() - since < limitMs, `${what} within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('a subscription change committed once reaches both radius instances within a second', { timeout: 60_000 }, async (t) => {
  for (const port of [a.radius.ports.authPort, b.ports.authPort]) assert.equal(rate(await login(port, 'AA:BB:CC:00:00:01')), '5M/10M');
  const committed = performance.now();
  await a.c.db('subscriptions').where({ id: sub.id }).update({ plan_id: fastPlan });
  const [tookA, tookB] = await Promise.all([
    within(1000, committed, 'instance A sees the new plan', async () => rate(await login(a.radius.ports.authPort, 'AA:BB:CC:00:00:01')) === '20M/40M'),
    within(1000, committed, 'instance B sees the new plan', async () => rate(await login(b.ports.authPort, 'AA:BB:CC:00:00:01')) === '20M/40M'),
  ]);
  t.diagnostic(`new plan seen by A after ${tookA.toFixed(0)} ms, by B after ${tookB.toFixed(0)} ms`);
});

test('simultaneous use holds across instances: a session opened through A makes B reject a second device', { timeout: 60_000 }, async () => {
  const first = await login(a.radius.ports.authPort, 'AA:BB:CC:00:00:01');
  assert.equal(first.code, 'Access-Accept');
  const cls = first.attributes.find(([n]) => n === 'Class')?.[1];
  const start = await radclient({ port: a.radius.ports.acctPort, secret, type: 'acct', attributes: [
    `User-Name = "${sub.username}"`, 'Acct-Status-Type = Start', 'Acct-Session-Id = "two-inst-1"', 'Calling-Station-Id = "AA:BB:CC:00:00:01"',
    'Framed-IP-Address = 100.64.20.1', ...(cls ? [`Class = ${cls}`] : []),
  ] });
  assert.equal(start.code, 'Accounting-Response', 'A stored the Start');
  const opened = performance.now();
  await within(1000, opened, 'instance B rejects a second device', async () => (await login(b.ports.authPort, 'AA:BB:CC:00:00:99')).code === 'Access-Reject');
  const second = await login(b.ports.authPort, 'AA:BB:CC:00:00:99');
  assert.deepEqual(second.attributes.filter(([n]) => n === 'Reply-Message').map(([, v]) => v), ['Sudah login di perangkat lain / Already logged in elsewhere']);
  assert.equal((await login(b.ports.authPort, 'AA:BB:CC:00:00:01')).code, 'Access-Accept', 'the same device reconnecting through B is let in');

  const stop = await radclient({ port: b.ports.acctPort, secret, type: 'acct', attributes: [
    `User-Name = "${sub.username}"`, 'Acct-Status-Type = Stop', 'Acct-Session-Id = "two-inst-1"', 'Calling-Station-Id = "AA:BB:CC:00:00:01"',
    'Framed-IP-Address = 100.64.20.1', 'Acct-Session-Time = 30', ...(cls ? [`Class = ${cls}`] : []),
  ] });
  assert.equal(stop.code, 'Accounting-Response', 'B stored the Stop of the session A opened');
  await within(1000, performance.now(), 'instance A lets the second device in after the Stop through B', async () => (await login(a.radius.ports.authPort, 'AA:BB:CC:00:00:99')).code === 'Access-Accept');
});
