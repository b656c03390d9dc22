/**
 * GenieACS, the paths that start outside the subscription page (issue 14 item 3): a subscription
 * created with its CPE's serial queues `genieacs-push-pppoe`, and the worker's job sends the PPPoE
 * username and password to the CPE in one setParameterValues (never through the queue); a
 * password reset queues it again; nothing is queued while GenieACS is off. The inform endpoint
 * refuses a bad or missing token and, with the right one, reads the device and links it. A
 * customer changes their Wi-Fi in the portal only on their own CPE.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { QUEUES } from '../../lib/queue.js';
import { writeSetting } from '../../lib/settings-store.js';
import { NETWORK_JOBS } from '../../network/jobs.js';
import { createPlan, createSubscription } from '../helpers/factories.js';
import { signedIn } from '../helpers/plans-fixtures.js';
import { portalClient, portalCustomer, signInWithPassword } from '../helpers/portal-fixtures.js';
import { igdDevice, startFakeGenieAcs, tr181Device, type FakeGenieAcs } from '../helpers/fake-genieacs.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';
import { api, tokenFor } from '../helpers/api-client.js';

const NOW = new Date('2026-12-07T03:00:00Z');
const TOKEN = 'inform-token-0123456789abcdef';
let web: WebServer;
let acs: FakeGenieAcs;

async function configure(enabled: boolean): Promise<void> {
  await web.c.db.transaction(async (trx) => {
    const row = await trx('settings').where({ key: 'genieacs' }).first('version');
    await writeSetting(trx, 'genieacs', { enabled, url: acs.url, username: '', informToken: web.c.secrets.seal(TOKEN), offlineFactor: 3 }, row ? Number(row.version) : 0);
  });
}

before(async () => {
  acs = await startFakeGenieAcs();
  web = await startWebServer({ clock: settableClock(NOW.toISOString()) });
  await configure(true);
});
after(async () => {
  await web?.stop();
  await acs?.close();
});

const networkQueue = () => web.c.queues.queue(QUEUES.network);

test('a subscription created with its CPE serial gets its PPPoE credentials pushed by the worker; a password reset pushes them again', async () => {
  const device = igdDevice({ serial: 'HWTCNEW00001', lastInform: new Date(NOW.getTime() - 60_000) });
  acs.add(device);
  const customer = await createSubscription(web.c.db, { username: 'pppoe-existing' });
  const plan = await createPlan(web.c.db, { name: 'Rumahan 20M' });
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  await client.get(`/admin/customers/${customer.customerId}/subscriptions/new`);
  const created = await client.post(`/admin/customers/${customer.customerId}/subscriptions`, {
    plan_id: String(plan.id), service_type: 'pppoe', billing_type: 'postpaid', anchor_day: '1', username: 'pppoe-rina', cpe_serial: 'HWTCNEW00001',
  });
  assert.equal(created.status, 302, created.text.slice(0, 300));
  const sub = await web.c.db('subscriptions').where({ username: 'pppoe-rina' }).first('id', 'password_enc');
  const password = web.c.secrets.open(sub.password_enc);

  const job = await networkQueue().getJob(`genieacs-push-pppoe-${sub.id}-created`);
  assert.ok(job, 'the push is queued for the worker');
  assert.deepEqual(job.data, { subscriptionId: Number(sub.id) }, 'the job carries the id, never the password');
  assert.deepEqual(await NETWORK_JOBS[job.name]!.run(web.c, job.data), { pushed: 'done' });
  const task = acs.tasks.at(-1)!;
  assert.equal(task.device, device._id);
  assert.deepEqual(task.parameterValues, [
    ['InternetGatewayDevice.WANDevice.1.WANConnectionDevice.2.WANPPPConnection.1.Username', 'pppoe-rina', 'xsd:string'],
    ['InternetGatewayDevice.WANDevice.1.WANConnectionDevice.2.WANPPPConnection.1.Password', password, 'xsd:string'],
  ]);
  const audit = await web.c.db('audit_log').where({ action: 'cpe_pppoe_pushed', object_id: String(sub.id) }).first('after');
  assert.ok(audit && !JSON.stringify(audit.after).includes(password), 'audited without the password');

  await client.get(`/admin/subscriptions/${sub.id}`);
  assert.equal((await client.post(`/admin/subscriptions/${sub.id}/reset-password`, {})).status, 302);
  const again = (await networkQueue().getJobs(['waiting', 'delayed', 'prioritized'])).filter((j) => j.name === 'genieacs-push-pppoe' && String(j.id).startsWith(`genieacs-push-pppoe-${sub.id}-reset-`));
  assert.equal(again.length, 1, 'a password reset queues the push again');
  await NETWORK_JOBS['genieacs-push-pppoe']!.run(web.c, again[0]!.data);
  const newPassword = web.c.secrets.open((await web.c.db('subscriptions').where({ id: sub.id }).first('password_enc')).password_enc);
  assert.notEqual(newPassword, password);
  assert.equal((acs.tasks.at(-1)!.parameterValues as unknown[][])[1]![1], newPassword);

  // Without a linked CPE the job does nothing; with GenieACS off nothing is queued at all.
  assert.deepEqual(await NETWORK_JOBS['genieacs-push-pppoe']!.run(web.c, { subscriptionId: customer.id }), { skipped: 'no_cpe' });
  await configure(false);
  try {
    const off = await client.post(`/admin/customers/${customer.customerId}/subscriptions`, { plan_id: String(plan.id), service_type: 'pppoe', billing_type: 'postpaid', anchor_day: '1', username: 'pppoe-off' });
    assert.equal(off.status, 302);
    const offId = (await web.c.db('subscriptions').where({ username: 'pppoe-off' }).first('id')).id;
    assert.equal(await networkQueue().getJob(`genieacs-push-pppoe-${offId}-created`), undefined);
  } finally {
    await configure(true);
  }
});

test('the inform endpoint refuses a bad or missing token and, with the right one, reads the device and links it by PPPoE username', async () => {
  const sub = await createSubscription(web.c.db, { username: 'pppoe-inform' });
  const device = tr181Device({ serial: 'TPL-INFORM-9', pppoeUsername: 'pppoe-inform', lastInform: NOW });
  acs.add(device);
  const post = (token: string | null, body: unknown) => fetch(`${web.baseUrl}/integrations/genieacs/inform`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body),
  });
  assert.equal((await post('wrong-token-0123456789abcdef', { deviceId: device._id })).status, 401);
  assert.equal((await post(null, { deviceId: device._id })).status, 401);
  assert.equal(await web.c.db('cpes').where({ genieacs_id: device._id }).first(), undefined, 'a refused inform changes nothing');
  const ok = await post(TOKEN, { deviceId: device._id });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { ok: true, linked: true, known: true });
  const cpe = await web.c.db('cpes').where({ genieacs_id: device._id }).first('subscription_id', 'linked_by', 'last_inform');
  assert.deepEqual([Number(cpe.subscription_id), cpe.linked_by, new Date(cpe.last_inform).toISOString()], [sub.id, 'pppoe', NOW.toISOString()]);
  assert.equal((await post(TOKEN, {})).status, 400);
});

test('a customer changes the Wi-Fi of their own CPE in the portal, never another customer\'s', async () => {
  const dewi = await portalCustomer(web.c.db, { name: 'Dewi', phone: '0812 7100 0001', password: 'sandi-portal-dewi' });
  const other = await portalCustomer(web.c.db, { name: 'Rudi', phone: '0812 7100 0002', password: 'sandi-portal-rudi' });
  const device = igdDevice({ serial: 'HWTCDEWI0001', pppoeUsername: dewi.username, lastInform: NOW, ssids: [{ ssid: 'Dewi-Home', clients: 4 }] });
  acs.add(device);
  acs.add(igdDevice({ serial: 'HWTCRUDI0001', pppoeUsername: other.username, lastInform: NOW }));
  await NETWORK_JOBS['genieacs-sync']!.run(web.c, {});

  const client = await portalClient(web.baseUrl);
  assert.equal((await signInWithPassword(client, dewi.customerNumber, 'sandi-portal-dewi')).status, 302);
  const page = await client.get('/portal/account/wifi');
  assert.match(page.text, /data-current-ssid>Dewi-Home</);
  assert.doesNotMatch(page.text, new RegExp(other.username), 'only their own subscriptions');

  const bad = await client.post('/portal/account/wifi', { subscription: dewi.username, ssid: 'x'.repeat(33) });
  assert.equal(bad.status, 422);
  const foreign = await client.post('/portal/account/wifi', { subscription: other.username, ssid: 'Dibajak' });
  assert.equal(foreign.status, 404, 'another customer\'s subscription is not found');
  const tasks = acs.tasks.length;
  const saved = await client.post('/portal/account/wifi', { subscription: dewi.username, ssid: 'Dewi Baru', wifi_password: 'teh-manis-99' });
  assert.equal(saved.location, '/portal/account/wifi?saved=done');
  assert.equal(acs.tasks.length, tasks + 1);
  assert.deepEqual(acs.tasks.at(-1)!.parameterValues, [
    ['InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID', 'Dewi Baru', 'xsd:string'],
    ['InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.PreSharedKey.1.KeyPassphrase', 'teh-manis-99', 'xsd:string'],
  ]);
  const audit = await web.c.db('audit_log').where({ action: 'cpe_wifi_changed', object_id: String(dewi.subscriptionId) }).first('actor', 'after');
  assert.equal(audit.actor, `customer ${dewi.customerNumber}`);
  assert.ok(!JSON.stringify(audit.after).includes('teh-manis-99'));
});

test('a subscription created through the REST API queues the same PPPoE push as the console', async () => {
  const customer = await createSubscription(web.c.db, { username: 'pppoe-api-existing' });
  const plan = await createPlan(web.c.db, { name: 'Rumahan 30M' });
  const { token } = await tokenFor(web.c.db, 'technician');
  const created = await api(web.baseUrl, token, 'POST', '/subscriptions', {
    body: { customer_id: customer.customerId, plan_id: plan.id, service_type: 'pppoe', billing_type: 'postpaid', anchor_day: 1, username: 'pppoe-api-dewi' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const job = await networkQueue().getJob(`genieacs-push-pppoe-${created.json.id}-created`);
  assert.ok(job, 'the push is queued for the worker');
  assert.deepEqual(job.data, { subscriptionId: created.json.id }, 'the job carries the id, never the password');
});
