/**
 * Outage-aware billing (issue 12, items 5, 7 and 8) against the real database and the console and
 * portal over HTTP, with a fixed clock: an OLT with an ODC and an ODP behind it goes down in one
 * prober round → one staff alert; after the outage threshold an outage opens with the three
 * subscriptions behind it; the dunning pass leaves them alone (an overdue invoice that suspends
 * elsewhere does not suspend them); one start notice per customer; the portal says so; the OLT
 * comes back → the outage ends, one end notice each, SLA credits pro rata written once however
 * often the job runs, and the console lists the outage with its credits.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword } from '../../lib/password.js';
import { handleDeviceChanges, type DeviceStateChange } from '../../network/alerts/device-changes.js';
import { runOutageRound } from '../../network/alerts/outage-round.js';
import { createCustomer, createPlan, createSubscription } from '../helpers/factories.js';
import { portalClient, signInWithPassword } from '../helpers/portal-fixtures.js';
import { capturingChannel, openInvoice, startConsoleServer, type ConsoleServer } from '../helpers/settings-fixtures.js';

let s: ConsoleServer;
const whatsapp = capturingChannel('whatsapp');
// 09:00 in Jakarta on 21 November 2026.
const T0 = new Date('2026-11-21T02:00:00Z');
const MIN = 60_000;

before(async () => {
  s = await startConsoleServer({ start: T0.toISOString(), gateways: {}, channels: { whatsapp } });
});
after(() => s.stop());

async function device(kind: string, name: string, parentId: number | null, address: string | null = null): Promise<number> {
  const [row] = await s.c.db('devices').insert({ kind, name, parent_id: parentId, address }).returning('id');
  return Number(row.id);
}

/** What the prober does after damping: device_state written, then the changes handed over. */
async function round(changes: DeviceStateChange[]): Promise<void> {
  for (const c of changes) {
    await s.c.db('device_state').insert({ device_id: c.deviceId, state: c.to, since: c.at }).onConflict('device_id').merge(['state', 'since']);
  }
  await handleDeviceChanges({ db: s.c.db, clock: s.clock, log: s.c.log }, changes);
}

const outageRound = () => runOutageRound({ db: s.c.db, clock: s.clock, log: s.c.log, billing: s.engine });

test('an OLT down with three subscribers behind it: one alert, an outage, dunning paused, notices once, SLA credits once, console and portal show it', async () => {
  const { db } = s.c;
  // Rp 300.000 a month, 4 hours of outage tolerated.
  const plan = await createPlan(db, { name: 'Fiber 20 Mbps', price: 300_000 });
  await db('plans').where({ id: plan.id }).update({ sla_threshold_hours: 4 });
  const olt = await device('olt', 'OLT Cibubur', null, '10.20.0.1');
  const odc = await device('odc', 'ODC Cibubur 1', olt);
  const odp = await device('odp', 'ODP Cibubur 1-1', odc);
  const elsewhere = await device('odp', 'ODP Depok', null);

  const customers = [];
  for (const [i, name] of ['Siti Aminah', 'Budi Santoso', 'Dewi Lestari'].entries()) {
    const c = await createCustomer(db, { name, phone: `08121111000${i}` });
    const sub = await createSubscription(db, { customerId: c.id, planId: plan.id });
    await db('subscriptions').where({ id: sub.id }).update({ device_id: odp });
    customers.push({ ...c, subscriptionId: sub.id });
  }
  const control = await createCustomer(db, { name: 'Joko Widodo', phone: '081211119999' });
  const controlSub = await createSubscription(db, { customerId: control.id, planId: plan.id });
  await db('subscriptions').where({ id: controlSub.id }).update({ device_id: elsewhere });
  // Overdue by 11 days: the default schedule suspends at H+7.
  for (const [customerId, subscriptionId, n] of [[customers[0]!.id, customers[0]!.subscriptionId, 1], [control.id, controlSub.id, 2]] as const) {
    const inv = await openInvoice(db, customerId, { number: `INV/2026/11/00090${n}`, total: 300_000, dueDate: '2026-11-10', subscriptionId });
    await db('ledger_entries').insert({ customer_id: customerId, entry_type: 'invoice', amount: -300_000, invoice_id: inv, description: `INV/2026/11/00090${n}` });
  }
  await db('customers').where({ id: customers[0]!.id }).update({ portal_password_hash: await hashPassword('rumah di desa 123', 4) });

  // One prober round: the OLT, the ODC and the ODP all stop answering.
  await round([olt, odc, odp].map((deviceId) => ({ deviceId, from: 'up' as const, to: 'down' as const, at: T0 })));
  const downAlerts = await db('staff_alerts').where({ kind: 'device_down' });
  assert.equal(downAlerts.length, 1, 'one alert for the OLT, none for the ODC and ODP behind it');
  assert.match(downAlerts[0].message, /OLT Cibubur is down \(2 device\(s\) behind it also down\)/);
  // The same round retried raises nothing new.
  await round([olt, odc, odp].map((deviceId) => ({ deviceId, from: 'up' as const, to: 'down' as const, at: T0 })));
  assert.equal((await db('staff_alerts').where({ kind: 'device_down' })).length, 1);

  s.clock.set(new Date(T0.getTime() + 10 * MIN));
  assert.equal((await outageRound()).opened, 0, 'not yet: the default threshold is 15 minutes');
  s.clock.set(new Date(T0.getTime() + 16 * MIN));
  assert.equal((await outageRound()).opened, 1);
  await outageRound();
  const outages = await db('outages');
  assert.equal(outages.length, 1, 'one outage, for the OLT');
  assert.equal(Number(outages[0].device_id), olt);
  assert.equal(new Date(outages[0].started_at).getTime(), T0.getTime(), 'since the OLT went down');
  assert.equal(outages[0].affected, 3);
  const outageId = Number(outages[0].id);
  const started = await db('notification_outbox').where({ template: 'outage_started' });
  assert.deepEqual(started.map((m) => Number(m.customer_id)).sort(), customers.map((c) => c.id).sort(), 'one start notice per affected customer, once');
  assert.ok(started.every((m) => m.channel === 'whatsapp'));

  // The dunning pass: the control subscription is suspended, the one in the outage is not.
  await s.engine.runDunningPass();
  assert.equal((await db('subscriptions').where({ id: controlSub.id }).first()).status, 'suspended');
  assert.equal((await db('subscriptions').where({ id: customers[0]!.subscriptionId }).first()).status, 'active', 'dunning paused during the outage');

  // The portal shows the outage to an affected customer.
  const portal = await portalClient(s.baseUrl);
  assert.equal((await signInWithPassword(portal, '081211110000', 'rumah di desa 123')).status, 302);
  const home = await portal.get('/portal/account');
  assert.equal(home.status, 200);
  assert.match(home.text, /data-outage>(Gangguan di area Anda sejak|Outage in your area since) [^<]*21/);

  // Ten hours after it went down, the OLT and everything behind it answers again.
  const up = new Date(T0.getTime() + 10 * 60 * MIN);
  s.clock.set(new Date(up.getTime() + MIN));
  await round([olt, odc, odp].map((deviceId) => ({ deviceId, from: 'down' as const, to: 'up' as const, at: up })));
  assert.equal((await db('staff_alerts').where({ kind: 'device_up' })).length, 1, 'one "up again" alert');
  assert.equal(new Date((await db('outages').where({ id: outageId }).first()).ended_at).getTime(), up.getTime());
  assert.equal((await outageRound()).settled, 1);
  await outageRound();
  await outageRound();

  const ended = await db('notification_outbox').where({ template: 'outage_ended' });
  assert.equal(ended.length, 3, 'one end notice per customer');
  // 10 h lost, 4 h tolerated: 6 h of a 30-day month (720 h) of Rp 300.000 = Rp 2.500.
  const credits = await db('ledger_entries').where({ entry_type: 'adjustment' }).orderBy('customer_id');
  assert.deepEqual(credits.map((e) => [Number(e.customer_id), Number(e.amount)]), customers.map((c) => [c.id, 2_500]));
  assert.ok(credits.every((e) => e.description.includes(`#${outageId}`)), 'the outage is the reason');
  assert.equal(Number((await db('invoices').where({ customer_id: customers[0]!.id }).first()).amount_paid), 2_500, 'the credit is allocated to what is owed');

  // Dunning resumes after the outage.
  await s.engine.runDunningPass();
  assert.equal((await db('subscriptions').where({ id: customers[0]!.subscriptionId }).first()).status, 'suspended');

  // The portal line is gone; the console lists the outage with its credits.
  assert.doesNotMatch((await portal.get('/portal/account')).text, /data-outage>/);
  const admin = await s.signedIn('technician');
  const list = await admin.get('/admin/network/outages');
  assert.equal(list.status, 200);
  assert.match(list.text, new RegExp(`data-outage="${outageId}"[\\s\\S]*OLT Cibubur[\\s\\S]*<td>3</td>[\\s\\S]*Rp 7\\.500`));
  const page = await admin.get(`/admin/network/outages/${outageId}`);
  assert.equal(page.status, 200);
  for (const c of customers) assert.match(page.text, new RegExp(`data-subscription="${c.subscriptionId}"[\\s\\S]*?Rp 2\\.500`));
});

test('alert rules: staff with settings.manage edit them, others may not; a bad value is refused', async () => {
  const tech = await s.signedIn('technician');
  assert.equal((await tech.get('/admin/network/alert-rules')).status, 403);
  const admin = await s.signedIn('admin');
  const form = await admin.get('/admin/network/alert-rules');
  assert.equal(form.status, 200);
  assert.match(form.text, /name="outage_after_minutes" value="15"/);
  const values = { missed_probes_down: '5', interface_down: '1', utilisation_pct: '', utilisation_minutes: '15', cpu_pct: '85', cpu_minutes: '10', nas_silent: '1', outage_after_minutes: '30' };
  const bad = await admin.post('/admin/network/alert-rules', { ...values, cpu_pct: '150' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /data-error="cpu_pct"/);
  const ok = await admin.post('/admin/network/alert-rules', values);
  assert.equal(ok.status, 302);
  const row = await s.c.db('network_alert_rules').first();
  assert.deepEqual([row.missed_probes_down, row.utilisation_pct, row.cpu_pct, row.outage_after_minutes], [5, null, 85, 30]);
});
