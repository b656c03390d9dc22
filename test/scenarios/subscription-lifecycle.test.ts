/**
 * A subscription after it was created, through the console against the whole product (radius
 * role, worker, web, a NAS emulator; radclient plays the router): editing the username (the
 * router is told to reconnect the session; the new name logs in, the old one is rejected),
 * setting a new password (shown once; old rejected, new accepted), terminating (Access-Reject,
 * Disconnect-Request at the NAS, the money settled by days, the username free again), and
 * archiving a customer (refused while money is open).
 *
 * Money: plan 150,000 a month, billing day 1. A subscription created on 21 Nov is invoiced
 * 21 Nov – 1 Dec, 10 of 30 days: 50,000. Terminated on 25 Nov, 4 days were used (21–24; the
 * day of termination counts as unused, as the first day of a plan change counts for the new
 * plan): a final invoice of 50,000 × 4/10 = 20,000 when nothing was paid, or a credit of
 * 50,000 × 6/10 = 30,000 when the invoice was paid. The December period the invoice run already
 * billed (150,000, lead 7 days) is voided when unpaid.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlan } from '../helpers/factories.js';
import { NAS_SECRET, startBillingStack, type BillingStack } from '../helpers/billing-stack.js';
import { nextNasRequest } from '../helpers/nas-emulator.js';
import { radclient } from '../helpers/radclient.js';
import { decodeHtml, signedInAs } from '../helpers/subscriptions-fixtures.js';
import type { AdminClient } from '../helpers/admin-client.js';

let stack: BillingStack;
let plan: number;
let client: AdminClient;
/** Archiving needs customers.edit, which a technician lacks. */
let admin: AdminClient;

before(async () => {
  // 21 Nov 2026, 10:00 in Jakarta.
  stack = await startBillingStack({ start: '2026-11-21T03:00:00Z' });
  plan = (await createPlan(stack.c.db, { name: 'Rumahan 10 Mbps', price: 150_000, rateLimit: '5M/10M' })).id;
  ({ client } = await signedInAs(stack.baseUrl, stack.c.db, 'technician'));
  ({ client: admin } = await signedInAs(stack.baseUrl, stack.c.db, 'admin'));
});

after(async () => {
  await stack?.stop();
});

const auth = (username: string, password: string) => radclient({
  port: stack.radius.ports.authPort, secret: NAS_SECRET, type: 'auth',
  attributes: [`User-Name = "${username}"`, `User-Password = "${password}"`, 'Message-Authenticator = 0x00'],
});

/** Logs in and starts accounting as the router would; the session is then open in the database. */
async function online(username: string, password: string, sessionId: string): Promise<void> {
  const accept = await auth(username, password);
  assert.equal(accept.code, 'Access-Accept', `${username} logs in`);
  const cls = accept.attributes.find(([n]) => n === 'Class')![1];
  const start = await radclient({
    port: stack.radius.ports.acctPort, secret: NAS_SECRET, type: 'acct',
    attributes: [`User-Name = "${username}"`, 'Acct-Status-Type = Start', `Acct-Session-Id = "${sessionId}"`, 'Framed-IP-Address = 100.64.9.9', `Class = ${cls}`],
  });
  assert.equal(start.code, 'Accounting-Response');
  await stack.radius.sync.settled();
}

/** What the router does after a Disconnect-Request: it reports the session stopped, under the name it started with. */
async function stopped(username: string, sessionId: string): Promise<void> {
  const stop = await radclient({
    port: stack.radius.ports.acctPort, secret: NAS_SECRET, type: 'acct',
    attributes: [`User-Name = "${username}"`, 'Acct-Status-Type = Stop', `Acct-Session-Id = "${sessionId}"`, 'Acct-Terminate-Cause = Admin-Reset'],
  });
  assert.equal(stop.code, 'Accounting-Response');
  await stack.radius.sync.settled();
}

/** A subscription created from the console (its first invoice issued), with its password. */
async function newSubscription(username: string): Promise<{ id: number; customerId: number; password: string }> {
  const [customer] = await stack.c.db('customers').insert({ name: `Pelanggan ${username}` }).returning('id');
  const res = await client.post(`/admin/customers/${customer.id}/subscriptions`, {
    plan_id: String(plan), service_type: 'pppoe', billing_type: 'postpaid', anchor_day: '1', username, static_ip: '', mac_address: '',
  });
  assert.equal(res.status, 302, res.text.slice(0, 300));
  const page = await client.get(res.location!);
  const password = /<code data-password>([^<]+)<\/code>/.exec(page.text)![1]!;
  const row = await stack.c.db('subscriptions').where({ username }).first('id');
  await stack.radius.sync.settled();
  return { id: Number(row.id), customerId: Number(customer.id), password };
}

const version = async (id: number): Promise<string> => String((await stack.c.db('subscriptions').where({ id }).first('version')).version);

test('editing the username: the live session gets a Disconnect-Request, the new name logs in, the old one is rejected; audited', async () => {
  const { db } = stack.c;
  const sub = await newSubscription('budi-lama');
  await online('budi-lama', sub.password, 'edit-1');
  await db('subscriptions').insert({ customer_id: sub.customerId, plan_id: plan, username: 'sudah-ada', password_enc: 'x', anchor_day: 1 });

  const form = await client.get(`/admin/subscriptions/${sub.id}/edit`);
  assert.equal(form.status, 200);
  assert.match(form.text, /name="username" value="budi-lama"/);
  const taken = await client.post(`/admin/subscriptions/${sub.id}/edit`, {
    username: 'Sudah-Ada', service_type: 'pppoe', anchor_day: '1', static_ip: '', mac_address: '', notes: '', version: await version(sub.id),
  });
  assert.equal(taken.status, 422);
  assert.match(decodeHtml(taken.text), /data-error="username">This username is already taken/);
  const hotspot = await client.post(`/admin/subscriptions/${sub.id}/edit`, {
    username: 'budi-baru', service_type: 'hotspot', anchor_day: '1', static_ip: '', mac_address: '', notes: '', version: await version(sub.id),
  });
  assert.equal(hotspot.status, 422, 'a hotspot login on a PPPoE plan');
  assert.match(decodeHtml(hotspot.text), /data-error="service_type">/);

  const disconnect = nextNasRequest(stack.nas, 'budi-lama');
  const res = await client.post(`/admin/subscriptions/${sub.id}/edit`, {
    username: 'budi-baru', service_type: 'pppoe', anchor_day: '5', static_ip: '10.10.20.5', mac_address: 'aa-bb-cc-00-11-22', notes: 'Tiang depan rumah', version: await version(sub.id),
  });
  assert.equal(res.status, 302, res.text.slice(0, 300));
  assert.equal(res.location, `/admin/subscriptions/${sub.id}?saved=edited`);
  const got = await disconnect;
  assert.ok(got, 'the router was asked to end the session with the old attributes');
  assert.equal(got.request.kind, 'disconnect');
  assert.equal(stack.nas.attr(got.request, 'Acct-Session-Id'), 'edit-1');
  await stopped('budi-lama', 'edit-1');

  await stack.radius.sync.settled();
  assert.equal((await auth('budi-lama', sub.password)).code, 'Access-Reject', 'the old name no longer logs in');
  const accept = await auth('budi-baru', sub.password);
  assert.equal(accept.code, 'Access-Accept', 'the new name does, at once');
  assert.ok(accept.attributes.some(([n, v]) => n === 'Framed-IP-Address' && v === '10.10.20.5'), 'with the new static IP');
  const row = await db('subscriptions').where({ id: sub.id }).first();
  assert.equal(row.anchor_day, 5);
  assert.equal(row.mac_address, 'aa:bb:cc:00:11:22');
  assert.equal(row.notes, 'Tiang depan rumah');
  const audit = await db('audit_log').where({ object_type: 'subscription', object_id: String(sub.id), action: 'subscription_updated' }).first();
  assert.equal(audit.before.username, 'budi-lama');
  assert.equal(audit.after.username, 'budi-baru');
  assert.equal(audit.after.static_ip, '10.10.20.5');

  // A form opened before that edit is stale now.
  const stale = await client.post(`/admin/subscriptions/${sub.id}/edit`, {
    username: 'budi-lagi', service_type: 'pppoe', anchor_day: '1', static_ip: '', mac_address: '', notes: '', version: String(Number(await version(sub.id)) - 1),
  });
  assert.equal(stale.status, 409);
  assert.equal((await db('subscriptions').where({ id: sub.id }).first('username')).username, 'budi-baru');
});

test('a new password: shown once, audited without it; the old password is rejected and the new one accepted', async () => {
  const { db } = stack.c;
  const sub = await newSubscription('sandi-baru');
  const res = await client.post(`/admin/subscriptions/${sub.id}/reset-password`, {});
  assert.equal(res.location, `/admin/subscriptions/${sub.id}?password_reset=1`);
  const page = await client.get(res.location!);
  const password = /<code data-password>([^<]+)<\/code>/.exec(page.text)?.[1];
  assert.ok(password, 'the new password is on the page');
  assert.match(password, /^[A-Za-z0-9]{10}$/);
  assert.notEqual(password, sub.password);
  assert.doesNotMatch((await client.get(res.location!)).text, new RegExp(password), 'only once');

  await stack.radius.sync.settled();
  assert.equal((await auth('sandi-baru', sub.password)).code, 'Access-Reject', 'the old password');
  assert.equal((await auth('sandi-baru', password)).code, 'Access-Accept', 'the new one');
  const audit = await db('audit_log').where({ object_type: 'subscription', object_id: String(sub.id), action: 'subscription_password_reset' });
  assert.equal(audit.length, 1);
  assert.doesNotMatch(JSON.stringify(audit[0]), new RegExp(password));
});

test('terminate: confirmation page, Access-Reject, Disconnect-Request, final invoice or credit in whole rupiah, the username free again; archive refused while money is open', async () => {
  const { db } = stack.c;
  const unpaid = await newSubscription('henti-utang');
  const paid = await newSubscription('henti-lunas');
  for (const s of [unpaid, paid]) assert.equal(Number((await db('invoices').where({ subscription_id: s.id }).first('total')).total), 50_000);
  await stack.engine.recordStaffPayment({ customerId: paid.customerId, amount: 50_000, method: 'cash', receivedBy: null });
  stack.clock.set('2026-11-25T03:00:00Z');
  await stack.engine.generateInvoices();
  for (const s of [unpaid, paid]) {
    assert.equal(Number((await db('invoices').where({ subscription_id: s.id, period_start: '2026-12-01' }).first('total')).total), 150_000, 'December billed ahead');
  }
  await online('henti-utang', unpaid.password, 'term-1');

  const confirm = await client.get(`/admin/subscriptions/${unpaid.id}/terminate`);
  assert.equal(confirm.status, 200);
  assert.match(confirm.text, /data-terminate-summary/);
  assert.match(confirm.text, /data-open-sessions-count>\(1 /);
  const noReason = await client.post(`/admin/subscriptions/${unpaid.id}/terminate`, { reason: '  ' });
  assert.equal(noReason.status, 422);
  assert.equal((await db('subscriptions').where({ id: unpaid.id }).first('status')).status, 'active', 'nothing without a reason');

  const disconnect = nextNasRequest(stack.nas, 'henti-utang');
  const res = await client.post(`/admin/subscriptions/${unpaid.id}/terminate`, { reason: 'Pindah rumah' });
  assert.equal(res.location, `/admin/subscriptions/${unpaid.id}?saved=terminated`);
  const got = await disconnect;
  assert.ok(got, 'the live session is disconnected');
  assert.equal(got.request.kind, 'disconnect');
  assert.equal(stack.nas.attr(got.request, 'Acct-Session-Id'), 'term-1');
  await stack.radius.sync.settled();
  assert.equal((await auth('henti-utang', unpaid.password)).code, 'Access-Reject');

  const row = await db('subscriptions').where({ id: unpaid.id }).first();
  assert.equal(row.status, 'terminated');
  assert.equal(row.termination_reason, 'Pindah rumah');
  assert.equal(row.released_username, 'henti-utang');
  assert.ok(row.terminated_at);
  const invoices = await db('invoices').where({ subscription_id: unpaid.id }).orderBy('id').select('kind', 'status', 'total', 'period_start', 'period_end');
  assert.deepEqual(invoices.map((i) => [i.kind, i.status, Number(i.total)]), [
    ['recurring', 'void', 50_000], ['recurring', 'void', 150_000], ['one_off', 'open', 20_000],
  ], 'both unpaid periods voided; a final invoice for 4 of 10 days');
  assert.equal(invoices[2].period_start, '2026-11-21');
  assert.equal(invoices[2].period_end, '2026-11-25');
  const balance = async (customerId: number) => Number((await db('ledger_entries').where({ customer_id: customerId }).sum({ b: 'amount' }).first())!.b);
  assert.equal(await balance(unpaid.customerId), -20_000);
  const page = await client.get(res.location!);
  assert.match(page.text, /data-status>Terminated/);
  assert.doesNotMatch(page.text, /\/terminate"/, 'no second termination');

  const paidRes = await client.post(`/admin/subscriptions/${paid.id}/terminate`, { reason: 'Berhenti' });
  assert.equal(paidRes.status, 302);
  const paidInvoices = await db('invoices').where({ subscription_id: paid.id }).orderBy('id').select('status', 'total');
  assert.deepEqual(paidInvoices.map((i) => [i.status, Number(i.total)]), [['paid', 50_000], ['void', 150_000]]);
  assert.equal(await balance(paid.customerId), 30_000, 'the 6 unused paid days credited');
  const credit = await db('ledger_entries').where({ customer_id: paid.customerId, entry_type: 'adjustment' }).first('amount', 'description');
  assert.equal(Number(credit.amount), 30_000);
  assert.match(credit.description, /^Kredit sisa 6\/10 hari .+ \(berhenti langganan\)$/, 'in the customer\'s language only');

  // The name is free for a new subscription.
  const again = await newSubscription('henti-utang');
  assert.notEqual(again.id, unpaid.id);

  // Archive: refused while the final invoice is unpaid, or while credit is held, or a subscription is live.
  const refused = await admin.post(`/admin/customers/${unpaid.customerId}/archive`, {});
  assert.equal(refused.status, 409);
  assert.match(refused.text, /data-archive-refused="money_open"/, 'the final invoice is open');
  const finalNumber = (await db('invoices').where({ subscription_id: unpaid.id, kind: 'one_off' }).first('invoice_number')).invoice_number;
  assert.match(decodeHtml(refused.text), new RegExp(`<code>${finalNumber}</code>`), 'naming the invoice');
  const credited = await admin.post(`/admin/customers/${paid.customerId}/archive`, {});
  assert.equal(credited.status, 409, 'credit to refund first');
  assert.equal((await db('customers').where({ id: unpaid.customerId }).first('archived_at')).archived_at, null);
  const live = await admin.post(`/admin/customers/${again.customerId}/archive`, {});
  assert.equal(live.status, 409);

  await stack.engine.recordStaffPayment({ customerId: unpaid.customerId, amount: 20_000, method: 'cash', receivedBy: null });
  assert.equal((await client.post(`/admin/customers/${unpaid.customerId}/archive`, {})).status, 403, 'not for a technician');
  const archived = await admin.post(`/admin/customers/${unpaid.customerId}/archive`, {});
  assert.equal(archived.location, `/admin/customers/${unpaid.customerId}?saved=archived`);
  const list = await client.get('/admin/customers?q=henti-utang');
  assert.doesNotMatch(list.text, new RegExp(`/admin/customers/${unpaid.customerId}"`), 'hidden from the default list');
  assert.match(list.text, new RegExp(`/admin/customers/${again.customerId}"`), 'the new holder of the name is listed');
  assert.match((await client.get('/admin/customers?filter=archived')).text, new RegExp(`/admin/customers/${unpaid.customerId}"`), 'under the archived filter');
  assert.ok(await db('audit_log').where({ action: 'customer_archived', object_id: String(unpaid.customerId) }).first());
});

test('change plan offers only plans of the subscription\'s service, and refuses another', async () => {
  const { db } = stack.c;
  const voucherish = await createPlan(db, { name: 'Hotspot Harian', price: 300_000, serviceType: 'hotspot' });
  const bigger = await createPlan(db, { name: 'Rumahan 50 Mbps', price: 300_000 });
  const sub = await newSubscription('ganti-paket');
  const page = await client.get(`/admin/subscriptions/${sub.id}/plan`);
  assert.match(page.text, new RegExp(`<option value="${bigger.id}"`));
  assert.doesNotMatch(page.text, new RegExp(`<option value="${voucherish.id}"`), 'no hotspot plan for a PPPoE login');
  const refused = await client.post(`/admin/subscriptions/${sub.id}/plan`, { plan_id: String(voucherish.id) });
  assert.equal(refused.status, 422);
  assert.match(decodeHtml(refused.text), /another service type/);
  assert.equal(Number((await db('subscriptions').where({ id: sub.id }).first('plan_id')).plan_id), plan);
});
