/**
 * The console tells what the router really answered (issue 10, item 6): "router confirmed" only
 * after a CoA-ACK / Disconnect-ACK; a router that does not answer shows "sent, waiting", then what
 * failed and what the RouterOS API fallback did. And a session the router no longer holds does
 * not block the next login as "already logged in": the router's active list is asked first.
 *
 * The whole product (billing-stack.ts): the radius role consuming nas-control, a NAS emulator as
 * the router's RFC 5176 side, the fake RouterOS API as its API side, radclient as the NAS's RADIUS
 * client, and the console over HTTP.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { NAS_SECRET, startBillingStack, type BillingStack } from '../helpers/billing-stack.js';
import { createPlan, createStaff, createSubscription, TEST_SECRET_BOX } from '../helpers/factories.js';
import { startFakeRouterOs, type FakeRouterOs } from '../helpers/fake-routeros.js';
import { radclient } from '../helpers/radclient.js';

let stack: BillingStack;
let ros: FakeRouterOs;
let client: AdminClient;
let planId: number;

before(async () => {
  stack = await startBillingStack({ start: '2026-12-07T08:00:00Z' });
  ros = await startFakeRouterOs({ users: { billing: 'api-password' } });
  await stack.c.db('nas').update({ routeros_username: 'billing', routeros_password_enc: TEST_SECRET_BOX.seal('api-password'), routeros_api_port: ros.port });
  planId = (await createPlan(stack.c.db, { rateLimit: '10M/20M', simultaneousUse: 1 })).id;
  const staff = await createStaff(stack.c.db, { role: 'admin' });
  client = adminClient(stack.baseUrl);
  assert.equal((await client.signIn(staff.username, staff.password)).status, 302);
});

after(async () => {
  await ros?.close();
  await stack?.stop();
});

async function newSubscriber() {
  return createSubscription(stack.c.db, { planId, password: 'pw-router-1' });
}

/** Access-Request from `callingStationId`; the reply's code and Reply-Message. */
async function authenticate(sub: { username: string; password: string }, callingStationId: string) {
  const reply = await radclient({
    port: stack.radius.ports.authPort, secret: NAS_SECRET, type: 'auth',
    attributes: [`User-Name = "${sub.username}"`, `User-Password = "${sub.password}"`, `Calling-Station-Id = "${callingStationId}"`, 'Message-Authenticator = 0x00'],
  });
  return { code: reply.code, message: reply.attributes.find(([n]) => n === 'Reply-Message')?.[1], cls: reply.attributes.find(([n]) => n === 'Class')?.[1] };
}

/** A session as the router opens it: Access-Accept, then Accounting-Start; the replica has it when this resolves. */
async function online(sub: { username: string; password: string }, acctSessionId: string, callingStationId: string): Promise<void> {
  // Accounting ties a session to its subscription through the radius role's replica: wait until
  // the replica knows the new subscription, or under load the Start can be stored without it.
  await stack.radius.sync.settled();
  const accept = await authenticate(sub, callingStationId);
  assert.equal(accept.code, 'Access-Accept');
  const start = await radclient({
    port: stack.radius.ports.acctPort, secret: NAS_SECRET, type: 'acct',
    attributes: [`User-Name = "${sub.username}"`, 'Acct-Status-Type = Start', `Acct-Session-Id = "${acctSessionId}"`, 'Framed-IP-Address = 10.20.0.9',
      `Calling-Station-Id = "${callingStationId}"`, `Class = ${accept.cls}`],
  });
  assert.equal(start.code, 'Accounting-Response');
  await stack.radius.sync.settled();
  assert.equal((await stack.radius.sync.loadOpenSessions((await stack.c.db('subscriptions').where({ username: sub.username }).first('id')).id)).length, 1);
}

/** The subscription page's router block, asked again (as htmx does) until `done` holds, at most `ms`. */
async function routerBlock(subscriptionId: number, done: (html: string) => boolean, ms = 20_000): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const res = await client.get(`/admin/subscriptions/${subscriptionId}/router`, { 'HX-Request': 'true' });
    assert.equal(res.status, 200);
    if (done(res.text)) return res.text;
    if (Date.now() > until) throw new Error(`router block never settled: ${res.text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const state = (html: string): string | undefined => /data-router-state="([a-z]+)"/.exec(html)?.[1];

test('a router that ACKs: the console says "router confirmed", on the customer page and the subscription page', async () => {
  stack.nas.behaviour.default = { reply: 'ack' };
  const sub = await newSubscriber();
  await online(sub, 'ack-0001', 'AA:00:00:00:00:01');
  await client.get(`/admin/customers/${sub.customerId}`);
  const res = await client.post(`/admin/subscriptions/${sub.id}/suspend`, {});
  assert.equal(res.status, 302);
  assert.equal(res.location, `/admin/customers/${sub.customerId}?saved=suspend_confirmed`);
  assert.match((await client.get(res.location!)).text, /walled garden; router confirmed\./);

  const page = await client.get(`/admin/subscriptions/${sub.id}`);
  assert.equal(state(page.text), 'confirmed');
  assert.match(page.text, /Router confirmed: every session was answered with an ACK\./);
  assert.match(page.text, /Disconnect-Request: ACK/);
  assert.ok(stack.nas.received.some((r) => r.kind === 'disconnect'), 'the NAS got the Disconnect-Request');
});

test('a router that does not answer: "sent, waiting", then what failed and what the RouterOS API did; never "confirmed"', async () => {
  stack.nas.behaviour.default = { reply: 'silent' };
  const sub = await newSubscriber();
  await online(sub, 'silent-0001', 'AA:00:00:00:00:02');
  ros.menus['/ppp/active'].push({ '.id': '*51', name: sub.username, 'session-id': 'silent-0001' });
  await client.get(`/admin/subscriptions/${sub.id}`);
  const started = Date.now();
  const res = await client.post(`/admin/subscriptions/${sub.id}/disconnect`, {});
  assert.equal(res.location, `/admin/subscriptions/${sub.id}?saved=disconnect`);
  assert.ok(Date.now() - started < 4000, 'the console waited at most a few seconds');

  const page = await client.get(res.location!);
  assert.doesNotMatch(page.text, /confirmed/i);
  assert.equal(state(page.text), 'pending');
  assert.match(page.text, /Sent, waiting for the router\./);
  assert.match(page.text, /hx-trigger="every 2s"/, 'the block keeps asking while the router has not answered');

  const settled = await routerBlock(sub.id, (html) => state(html) !== 'pending');
  assert.equal(state(settled), 'fallback');
  assert.doesNotMatch(settled, /confirmed/i);
  assert.match(settled, /Disconnect-Request: no answer \(timed out\); RouterOS API: session removed/);
  assert.match(settled, /ended over the RouterOS API instead/);
  assert.doesNotMatch(settled, /hx-trigger/, 'settled: no more polling');
  assert.deepEqual(ros.menus['/ppp/active'].filter((i) => i.name === sub.username), [], 'the API removed it');
});

test('a stale session blocks no login when the router\'s API says it is gone; one the router still holds is refused', async () => {
  stack.nas.behaviour.default = { reply: 'silent' };
  const gone = await newSubscriber();
  await online(gone, 'stale-0001', 'AA:00:00:00:00:03');
  // The router lost it (no Stop reached us): its active list does not have it.
  const accepted = await authenticate(gone, 'AA:00:00:00:00:04');
  assert.equal(accepted.code, 'Access-Accept', 'the other device is let in');
  const row = await stack.c.db('accounting_sessions').where({ acct_session_id: 'stale-0001' }).first('stop_time', 'terminate_cause');
  assert.ok(row.stop_time, 'the stale row is closed');
  assert.equal(row.terminate_cause, 'Stale-Session');

  const held = await newSubscriber();
  await online(held, 'held-0001', 'AA:00:00:00:00:05');
  ros.menus['/ppp/active'].push({ '.id': '*52', name: held.username, 'session-id': 'held-0001' });
  const refused = await authenticate(held, 'AA:00:00:00:00:06');
  assert.equal(refused.code, 'Access-Reject');
  assert.match(String(refused.message), /Already logged in elsewhere/);
  assert.equal((await stack.c.db('accounting_sessions').where({ acct_session_id: 'held-0001' }).first('stop_time')).stop_time, null, 'the live session stays open');
});
