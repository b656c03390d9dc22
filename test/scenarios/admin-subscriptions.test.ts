/**
 * The subscription screens against the web role, the real database and Redis: creating a
 * subscription with generated credentials (the row, the sealed password, the first invoice, the
 * audit), bad and duplicate usernames, who may do what, the subscription page, "show password",
 * the plan change preview and its confirmation, and "disconnect now" queuing nas-control.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';
import { createCustomer, createNas, createPlan, createSubscription, TEST_SECRET_BOX } from '../helpers/factories.js';
import { decodeHtml, insertSession, queuedNasControl, signedInAs } from '../helpers/subscriptions-fixtures.js';

// 21 November 2026, 10:00 in Jakarta.
const clock = settableClock('2026-11-21T03:00:00Z');
let web: WebServer;

before(async () => {
  web = await startWebServer({ clock });
});
after(async () => {
  await web?.stop();
});

const signedIn = (role: 'admin' | 'cashier' | 'technician' | 'viewer') => signedInAs(web.baseUrl, web.c.db, role);

test('an admin creates a subscription: generated username and password shown once, the row sealed, the first period invoiced pro rata, audited', async () => {
  const { db } = web.c;
  const plan = await createPlan(db, { name: 'Rumahan 20 Mbps', price: 150_000, rateLimit: '10M/20M' });
  await createPlan(db, { name: 'Paket Lama', price: 90_000 }).then((p) => db('plans').where({ id: p.id }).update({ is_active: false }));
  const customer = await createCustomer(db, { name: 'Dewi Anggraini' });
  const { client } = await signedIn('admin');

  const shown = await client.get(`/admin/customers/${customer.id}`);
  assert.match(shown.text, new RegExp(`href="/admin/customers/${customer.id}/subscriptions/new"`), 'the customer page offers a new subscription');
  const form = await client.get(`/admin/customers/${customer.id}/subscriptions/new`);
  assert.equal(form.status, 200);
  const suggested = customer.customerNumber.toLowerCase();
  assert.match(form.text, new RegExp(`name="username" value="${suggested}"`), 'a readable username from the customer number');
  assert.match(form.text, /name="anchor_day" value="21"/, "today's day in Jakarta");
  assert.match(form.text, /Rumahan 20 Mbps/);
  assert.doesNotMatch(form.text, /Paket Lama/, 'plans no longer on sale are not offered');

  const res = await client.post(`/admin/customers/${customer.id}/subscriptions`, {
    plan_id: String(plan.id), service_type: 'pppoe', billing_type: 'postpaid', anchor_day: '1', username: '', static_ip: '', mac_address: 'aa-bb-cc-00-11-22',
  });
  assert.equal(res.status, 302, res.text.slice(0, 500));
  const row = await db('subscriptions').where({ customer_id: customer.id }).first();
  assert.ok(row);
  assert.equal(res.location, `/admin/subscriptions/${row.id}?created=1`);
  assert.equal(row.username, suggested);
  assert.equal(Number(row.plan_id), plan.id);
  assert.equal(row.status, 'active');
  assert.equal(row.service_type, 'pppoe');
  assert.equal(row.billing_type, 'postpaid');
  assert.equal(row.anchor_day, 1);
  assert.equal(row.mac_address, 'aa:bb:cc:00:11:22');
  assert.equal(new Date(row.started_at).toISOString(), clock.now().toISOString(), 'it starts now (the billing clock)');
  const password = TEST_SECRET_BOX.open(row.password_enc);
  assert.match(password, /^[A-Za-z0-9]{10}$/);

  const page = await client.get(res.location!);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`<code data-username>${suggested}</code>`));
  assert.match(page.text, new RegExp(`<code data-password>${password}</code>`), 'the generated password is shown once');
  assert.match(page.text, /Rumahan 20 Mbps/);
  const again = await client.get(res.location!);
  assert.doesNotMatch(again.text, new RegExp(password), 'not on a reload');
  assert.match(again.text, /••••••••/, 'masked from then on');

  // 21 Nov – 30 Nov of the period 1 Nov – 1 Dec: 10 of 30 days.
  const invoice = await db('invoices').where({ subscription_id: row.id }).first();
  assert.ok(invoice, 'the first period is invoiced at once');
  assert.equal(invoice.kind, 'recurring');
  assert.equal(invoice.period_start, '2026-11-21');
  assert.equal(invoice.period_end, '2026-12-01');
  assert.equal(Number(invoice.total), 50_000);
  assert.equal(invoice.due_date, '2026-12-01', 'postpaid: due 10 days after it starts');
  assert.match(invoice.invoice_number, /^INV\/2026\/11\/\d{6}$/);
  const line = await db('invoice_lines').where({ invoice_id: invoice.id }).first();
  assert.equal(line.kind, 'proration');
  assert.equal(Number((await db('ledger_entries').where({ customer_id: customer.id }).sum({ b: 'amount' }).first())!.b), -50_000);
  // The invoice run sees that period billed and bills nothing twice.
  await web.engine.generateInvoices();
  assert.equal(Number((await db('invoices').where({ subscription_id: row.id, period_start: '2026-11-21' }).count({ n: '*' }))[0]!.n), 1);

  const audit = await db('audit_log').where({ object_type: 'subscription', object_id: String(row.id), action: 'subscription_created' });
  assert.equal(audit.length, 1);
  assert.equal(audit[0].after.username, suggested);
  assert.equal(audit[0].after.plan, 'Rumahan 20 Mbps');
  assert.doesNotMatch(JSON.stringify(audit[0]), new RegExp(password), 'the audit never holds the password');

  // The second subscription of the same customer gets the next free name.
  const second = await client.get(`/admin/customers/${customer.id}/subscriptions/new`);
  assert.match(second.text, new RegExp(`name="username" value="${suggested}-2"`));
});

test('a prepaid subscription of a customer holding credit is paid from it at once: paid until the period end', async () => {
  const { db } = web.c;
  const plan = await createPlan(db, { name: 'Prabayar 30 hari', price: 100_000, billingCycle: 'days', cycleDays: 30 });
  const customer = await createCustomer(db, { name: 'Rudi Hartono' });
  await db('ledger_entries').insert({ customer_id: customer.id, entry_type: 'payment', amount: 100_000, description: 'deposit' });
  const { client } = await signedIn('technician');
  const res = await client.post(`/admin/customers/${customer.id}/subscriptions`, {
    plan_id: String(plan.id), service_type: 'hotspot', billing_type: 'prepaid', anchor_day: '21', username: 'rudi.hotspot', static_ip: '', mac_address: '',
  });
  assert.equal(res.status, 302);
  const row = await db('subscriptions').where({ username: 'rudi.hotspot' }).first();
  const invoice = await db('invoices').where({ subscription_id: row.id }).first();
  assert.equal(Number(invoice.total), 100_000, 'a 30-day cycle from today: a whole period');
  assert.equal(invoice.status, 'paid');
  assert.equal(invoice.due_date, '2026-11-21', 'prepaid: due when the period starts');
  assert.equal(new Date(row.paid_until).toISOString(), '2026-12-20T17:00:00.000Z', 'paid until 21 Dec 00:00 in Jakarta');
});

test('a bad or taken username, a bad IP or no plan: 422, the field errors, what was typed kept, nothing created', async () => {
  const { db } = web.c;
  const plan = await createPlan(db, { name: 'Bisnis 50 Mbps', price: 500_000 });
  const customer = await createCustomer(db, { name: 'Toko Makmur' });
  await createSubscription(db, { username: 'toko-makmur', planId: plan.id });
  const { client } = await signedIn('admin');
  const count = async () => Number((await db('subscriptions').where({ customer_id: customer.id }).count({ n: '*' }))[0]!.n);
  await client.get(`/admin/customers/${customer.id}/subscriptions/new`);

  const bad = await client.post(`/admin/customers/${customer.id}/subscriptions`, {
    plan_id: String(plan.id), service_type: 'pppoe', billing_type: 'postpaid', anchor_day: '31', username: '-budi "x"', static_ip: '10.0.0.300', mac_address: '',
  });
  assert.equal(bad.status, 422);
  const text = decodeHtml(bad.text);
  assert.match(text, /data-error="username">3–64 characters/);
  assert.match(text, /data-error="anchor_day">A day from 1 to 28/);
  assert.match(text, /data-error="static_ip">Not a valid IPv4 address/);
  assert.match(text, /name="username" value="-budi "x""/, 'what was typed is kept');
  assert.match(text, /name="static_ip" value="10.0.0.300"/);
  assert.match(bad.text, new RegExp(`<option value="${plan.id}" selected`), 'the chosen plan stays chosen');

  const taken = await client.post(`/admin/customers/${customer.id}/subscriptions`, {
    plan_id: String(plan.id), service_type: 'pppoe', billing_type: 'postpaid', anchor_day: '5', username: 'Toko-Makmur', static_ip: '', mac_address: '',
  });
  assert.equal(taken.status, 422);
  assert.match(taken.text, /data-error="username">This username is already taken/, 'taken, whatever the case');
  assert.match(taken.text, /name="username" value="Toko-Makmur"/);

  const noPlan = await client.post(`/admin/customers/${customer.id}/subscriptions`, {
    plan_id: '', service_type: 'pppoe', billing_type: 'postpaid', anchor_day: '5', username: 'toko-2', static_ip: '', mac_address: '',
  });
  assert.equal(noPlan.status, 422);
  assert.match(noPlan.text, /data-error="plan_id">Choose a plan that is on sale/);
  assert.equal(await count(), 0, 'nothing was created');
  assert.equal(Number((await db('audit_log').where({ action: 'subscription_created' }).whereRaw(`after->>'customerId' = ?`, [String(customer.id)]).count({ n: '*' }))[0]!.n), 0);
});

test('a cashier or a viewer cannot create a subscription, see its password, change its plan, disconnect, edit, reset or terminate it', async () => {
  const { db } = web.c;
  const plan = await createPlan(db, { price: 100_000 });
  const other = await createPlan(db, { price: 200_000 });
  const sub = await createSubscription(db, { planId: plan.id });
  await insertSession(db, { subscriptionId: sub.id, username: sub.username, start: clock.now() });
  for (const role of ['cashier', 'viewer'] as const) {
    const { client } = await signedIn(role);
    const page = await client.get(`/admin/customers/${sub.customerId}`);
    assert.doesNotMatch(page.text, /subscriptions\/new"/, `no "New subscription" for a ${role}`);
    assert.doesNotMatch(page.text, /\/disconnect"/, `no "Disconnect" for a ${role}`);
    assert.equal((await client.get(`/admin/customers/${sub.customerId}/subscriptions/new`)).status, 403);
    const created = await client.post(`/admin/customers/${sub.customerId}/subscriptions`, { plan_id: String(plan.id), service_type: 'pppoe', billing_type: 'postpaid', anchor_day: '1', username: `by-${role}` });
    assert.equal(created.status, 403);
    const shown = await client.get(`/admin/subscriptions/${sub.id}`);
    assert.equal(shown.status, 200, 'every role may look at the subscription');
    assert.doesNotMatch(shown.text, /Show password/);
    assert.equal((await client.post(`/admin/subscriptions/${sub.id}/password`, {})).status, 403);
    assert.equal((await client.get(`/admin/subscriptions/${sub.id}/plan?plan_id=${other.id}`)).status, 403);
    assert.equal((await client.post(`/admin/subscriptions/${sub.id}/plan`, { plan_id: String(other.id) })).status, 403);
    assert.equal((await client.post(`/admin/subscriptions/${sub.id}/disconnect`, {})).status, 403);
    assert.equal((await client.get(`/admin/subscriptions/${sub.id}/edit`)).status, 403);
    assert.equal((await client.post(`/admin/subscriptions/${sub.id}/edit`, { username: `by-${role}`, service_type: 'pppoe', anchor_day: '1', version: '1' })).status, 403);
    assert.equal((await client.post(`/admin/subscriptions/${sub.id}/reset-password`, {})).status, 403);
    assert.equal((await client.get(`/admin/subscriptions/${sub.id}/terminate`)).status, 403);
    assert.equal((await client.post(`/admin/subscriptions/${sub.id}/terminate`, { reason: 'x' })).status, 403);
    assert.doesNotMatch(shown.text, /\/terminate"|\/edit"|reset-password/, `no lifecycle actions for a ${role}`);
  }
  assert.equal((await db('subscriptions').where({ id: sub.id }).first('status')).status, 'active');
  assert.equal(await db('subscriptions').whereIn('username', ['by-cashier', 'by-viewer']).first(), undefined);
  assert.equal(Number((await db('subscriptions').where({ id: sub.id }).first()).plan_id), plan.id);
  assert.deepEqual((await queuedNasControl(web.c.queues)).filter((j) => j.data.subscriptionId === sub.id), []);
  assert.equal(await db('audit_log').where({ object_type: 'subscription', object_id: String(sub.id) }).first(), undefined);
});

test('the subscription page: open sessions, session history newest first in pages, usage per day; "show password" for a technician, audited', async () => {
  const { db } = web.c;
  const nas = await createNas(db, { name: 'Router Pusat', ipAddress: '10.20.0.1' });
  const plan = await createPlan(db, { name: 'Keluarga 30 Mbps', rateLimit: '15M/30M' });
  const sub = await createSubscription(db, { planId: plan.id, password: 'kata-sandi-7' });
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  for (let i = 0; i < 23; i++) {
    await insertSession(db, {
      subscriptionId: sub.id, username: sub.username, nasId: nas.id, nasIp: nas.ipAddress, acctSessionId: `hist-${i}`,
      start: new Date(t0 + i * 3600_000), stop: new Date(t0 + i * 3600_000 + 1800_000), inputOctets: 1024 * (i + 1), outputOctets: 4096, terminateCause: i === 22 ? 'Lost-Carrier' : 'User-Request',
    });
  }
  await insertSession(db, { subscriptionId: sub.id, username: sub.username, nasId: nas.id, nasIp: nas.ipAddress, acctSessionId: 'live-1', framedIp: '100.64.7.9', mac: 'AA:BB:CC:11:22:33', start: '2026-11-21T02:00:00Z', inputOctets: 5 * 1024 ** 2, outputOctets: 50 * 1024 ** 2 });
  await db('usage_daily').insert([
    { subscription_id: sub.id, day: '2026-11-20', input_octets: 1024 ** 3, output_octets: 3 * 1024 ** 3 },
    { subscription_id: sub.id, day: '2026-10-01', input_octets: 1, output_octets: 1 },
  ]);

  const { client } = await signedIn('technician');
  const page = await client.get(`/admin/subscriptions/${sub.id}`);
  assert.equal(page.status, 200);
  const open = /data-open-sessions>[\s\S]*?<\/table>/.exec(page.text)![0];
  assert.match(open, /data-session="live-1"/);
  assert.match(open, /Router Pusat/);
  assert.match(open, /100\.64\.7\.9/);
  assert.match(open, /AA:BB:CC:11:22:33/);
  assert.match(open, /5\.0 MiB/);
  const history = /data-history>[\s\S]*?<\/table>/.exec(page.text)![0];
  const order = [...history.matchAll(/data-session="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(order.slice(0, 3), ['live-1', 'hist-22', 'hist-21'], 'newest first');
  assert.equal(order.length, 20, 'twenty a page');
  assert.match(history, /Lost-Carrier/);
  assert.match(history, /0:30:00/, 'the duration');
  assert.match(page.text, /data-history-total>24</);
  const second = await client.get(`/admin/subscriptions/${sub.id}?page=2`, { 'HX-Request': 'true' });
  assert.match(second.text, /^<div id="subscription-sessions">/, 'the next page as an htmx fragment');
  assert.deepEqual([...second.text.matchAll(/data-session="([^"]+)"/g)].map((m) => m[1]), ['hist-3', 'hist-2', 'hist-1', 'hist-0']);
  const usage = /data-usage>[\s\S]*?<\/table>/.exec(page.text)![0];
  assert.match(usage, /data-day="2026-11-20"/);
  assert.match(usage, /4\.0 GiB/);
  assert.doesNotMatch(usage, /2026-10-01/, 'only the last 30 days');

  assert.doesNotMatch(page.text, /kata-sandi-7/, 'the password is masked');
  const revealed = await client.post(`/admin/subscriptions/${sub.id}/password`, {}, { 'HX-Request': 'true' });
  assert.equal(revealed.status, 200);
  assert.match(revealed.text, /<code data-password-revealed>kata-sandi-7<\/code>/);
  const audit = await db('audit_log').where({ object_type: 'subscription', object_id: String(sub.id), action: 'subscription_password_viewed' });
  assert.equal(audit.length, 1);
  assert.doesNotMatch(JSON.stringify(audit[0]), /kata-sandi-7/);
});

test('change plan: the preview fragment shows the prorated credit and charge, confirming changes the plan, invoices, tells the router, audits', async () => {
  const { db } = web.c;
  const basic = await createPlan(db, { name: 'Basic 10', price: 150_000 });
  const plus = await createPlan(db, { name: 'Plus 20', price: 300_000, rateLimit: '10M/20M' });
  const mini = await createPlan(db, { name: 'Mini 5', price: 100_000 });
  // Anchor day 1: on 21 Nov, 10 of the 30 days of November are left.
  const sub = await createSubscription(db, { planId: basic.id, anchorDay: 1 });
  await db('subscriptions').where({ id: sub.id }).update({ started_at: '2026-10-01T00:00:00+07:00' });
  const { client } = await signedIn('technician');

  const page = await client.get(`/admin/subscriptions/${sub.id}/plan`);
  assert.equal(page.status, 200);
  assert.match(page.text, /data-current-plan>Basic 10/);
  assert.doesNotMatch(page.text, new RegExp(`<option value="${basic.id}"`), 'not the current plan');

  const preview = await client.get(`/admin/subscriptions/${sub.id}/plan?plan_id=${plus.id}`, { 'HX-Request': 'true' });
  assert.equal(preview.status, 200);
  assert.match(preview.text, /^<section id="plan-preview"/, 'only the fragment');
  const shown = decodeHtml(preview.text);
  assert.match(shown, /data-quote="upgrade"/);
  assert.match(shown, />Sisa paket Basic 10 \(10\/30 hari\)<\/td><td class="num">-Rp 50\.000/);
  assert.match(shown, /Paket Plus 20 \(10\/30 hari\)<\/td><td class="num">Rp 100\.000/);
  assert.match(shown, /data-quote-amount>Rp 50\.000/);
  assert.match(shown, /data-effective>21\/11\/2026/);

  const down = decodeHtml((await client.get(`/admin/subscriptions/${sub.id}/plan?plan_id=${mini.id}`, { 'HX-Request': 'true' })).text);
  assert.match(down, /data-quote="downgrade"/);
  assert.match(down, /data-effective>01\/12\/2026/, 'at the end of the period');

  // Someone else changed the subscription after this preview (here: a payment moved paid_until).
  const previewed = /name="version" value="(\d+)"/.exec(preview.text)![1]!;
  await db('subscriptions').where({ id: sub.id }).update({ paid_until: '2026-12-01T00:00:00+07:00', version: db.raw('version + 1') });
  const stale = await client.post(`/admin/subscriptions/${sub.id}/plan`, { plan_id: String(plus.id), version: previewed });
  assert.equal(stale.status, 409);
  assert.match(stale.text, /changed since the preview/);
  assert.match(decodeHtml(stale.text), /data-quote-amount>Rp 50\.000/, 'with the fresh preview');
  assert.equal(Number((await db('subscriptions').where({ id: sub.id }).first()).plan_id), basic.id, 'nothing changed');
  const fresh = /name="version" value="(\d+)"/.exec(stale.text)![1]!;
  assert.equal(Number(fresh), Number(previewed) + 1);

  const done = await client.post(`/admin/subscriptions/${sub.id}/plan`, { plan_id: String(plus.id), version: fresh });
  assert.equal(done.status, 302);
  assert.equal(done.location, `/admin/subscriptions/${sub.id}?saved=plan_changed`);
  assert.equal(Number((await db('subscriptions').where({ id: sub.id }).first()).plan_id), plus.id);
  const invoice = await db('invoices').where({ subscription_id: sub.id, kind: 'one_off' }).first();
  assert.equal(Number(invoice.total), 50_000);
  const jobs = await queuedNasControl(web.c.queues);
  assert.ok(jobs.some((j) => j.data.subscriptionId === sub.id && j.data.reason === 'plan_changed'), 'the router gets the new rate');
  const audit = await db('audit_log').where({ object_type: 'subscription', object_id: String(sub.id), action: 'subscription_plan_changed' }).first();
  assert.ok(audit, 'audited');
  assert.equal(audit.before.plan, 'Basic 10');
  assert.equal(audit.after.plan, 'Plus 20');
  assert.equal(audit.after.amount, 50_000);
  const after = await client.get(done.location!);
  assert.match(after.text, /Plan changed now/);
  assert.match(after.text, /data-plan>Plus 20/);

  const same = await client.post(`/admin/subscriptions/${sub.id}/plan`, { plan_id: String(plus.id) });
  assert.equal(same.status, 422);
  assert.match(decodeHtml(same.text), /already on that plan/);

  const scheduled = await client.post(`/admin/subscriptions/${sub.id}/plan`, { plan_id: String(mini.id) });
  assert.equal(scheduled.location, `/admin/subscriptions/${sub.id}?saved=plan_scheduled`);
  const row = await db('subscriptions').where({ id: sub.id }).first();
  assert.equal(Number(row.plan_id), plus.id, 'a downgrade waits');
  assert.equal(Number(row.next_plan_id), mini.id);
  assert.ok(await db('audit_log').where({ object_id: String(sub.id), action: 'subscription_plan_change_scheduled' }).first());
});

test('disconnect now: a nas-control job asking for a Disconnect of every open session, audited; nothing to do when offline', async () => {
  const { db } = web.c;
  const sub = await createSubscription(db, {});
  const { client } = await signedIn('technician');
  const before = (await queuedNasControl(web.c.queues)).length;

  const offline = await client.post(`/admin/subscriptions/${sub.id}/disconnect`, {});
  assert.equal(offline.location, `/admin/subscriptions/${sub.id}?saved=disconnect_none`);
  assert.equal((await queuedNasControl(web.c.queues)).length, before, 'nothing queued for an offline subscriber');

  await insertSession(db, { subscriptionId: sub.id, username: sub.username, acctSessionId: 'd-1', framedIp: '100.64.0.5', start: clock.now() });
  await insertSession(db, { subscriptionId: null, username: sub.username, acctSessionId: 'd-2', start: clock.now() });
  await insertSession(db, { subscriptionId: sub.id, username: sub.username, acctSessionId: 'd-old', start: '2026-11-01T00:00:00Z', stop: '2026-11-01T01:00:00Z' });
  const customerPage = await client.get(`/admin/customers/${sub.customerId}`);
  assert.match(customerPage.text, new RegExp(`action="/admin/subscriptions/${sub.id}/disconnect"`), 'offered on the customer page while online');
  const res = await client.post(`/admin/subscriptions/${sub.id}/disconnect`, {});
  assert.equal(res.location, `/admin/subscriptions/${sub.id}?saved=disconnect`);
  const jobs = (await queuedNasControl(web.c.queues)).filter((j) => j.data.subscriptionId === sub.id);
  assert.equal(jobs.length, 1);
  assert.deepEqual(jobs[0]!.data, { subscriptionId: sub.id, reason: 'staff_disconnect', disconnect: true });
  const audit = await db('audit_log').where({ object_type: 'subscription', object_id: String(sub.id), action: 'subscription_disconnected' }).first();
  assert.deepEqual(audit.after.sessions.map((s: { acctSessionId: string }) => s.acctSessionId).sort(), ['d-1', 'd-2'], 'the open sessions, the unattributed one by its username too');
  assert.match((await client.get(res.location!)).text, /Disconnect request sent to the router/);

  // Clicked twice: two requests to the router, not one swallowed by a repeated job id.
  await client.post(`/admin/subscriptions/${sub.id}/disconnect`, {});
  assert.equal((await queuedNasControl(web.c.queues)).filter((j) => j.data.subscriptionId === sub.id).length, 2);
});

test('suspend from the subscription page comes back to it', async () => {
  const { db } = web.c;
  const sub = await createSubscription(db, {});
  const { client } = await signedIn('technician');
  const page = await client.get(`/admin/subscriptions/${sub.id}`);
  assert.match(page.text, /name="return_to" value="subscription"/);
  const res = await client.post(`/admin/subscriptions/${sub.id}/suspend`, { return_to: 'subscription' });
  assert.equal(res.location, `/admin/subscriptions/${sub.id}?saved=suspend`);
  assert.equal((await db('subscriptions').where({ id: sub.id }).first()).status, 'suspended');
  const back = await client.post(`/admin/subscriptions/${sub.id}/reactivate`, {});
  assert.equal(back.location, `/admin/customers/${sub.customerId}?saved=reactivate`, 'from the customer page, back there as before');
});
