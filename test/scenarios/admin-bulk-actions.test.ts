/**
 * Bulk actions on the console's lists (issue 11, "Work on many at once") against the web role,
 * the real database and Redis: the subscription list's checkboxes, a bulk suspend previewed
 * (a row already suspended listed as skipped) then run (statuses, audit rows, one nas-control job
 * each), the single-use confirmation, "select all matching this filter", a bulk plan change
 * previewing each row's proration, a bulk reminder queuing outbox messages, the CSV of the
 * selection, and each action refused without the single-row form's permission.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotificationChannel } from '../../billing/notifications/channel.js';
import { settableClock } from '../../lib/clock.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';
import { createCustomer, createPlan, createSubscription } from '../helpers/factories.js';
import { decodeHtml, queuedNasControl, signedInAs } from '../helpers/subscriptions-fixtures.js';

// 21 November 2026, 10:00 in Jakarta.
const clock = settableClock('2026-11-21T03:00:00Z');
let web: WebServer;
// The reminders are queued, never dispatched here: the outbox is what is checked.
const never: NotificationChannel = { name: 'whatsapp', send: () => Promise.reject(new Error('route tests never dispatch the outbox')) };

before(async () => {
  web = await startWebServer({ clock, channels: { whatsapp: never } });
});
after(async () => {
  await web?.stop();
});

const signedIn = (role: 'admin' | 'cashier' | 'technician' | 'viewer') => signedInAs(web.baseUrl, web.c.db, role);
const tokenOf = (html: string): string => /name="token" value="([0-9a-f]{32})"/.exec(html)?.[1] ?? '';
const count = (html: string, name: string): number => Number(new RegExp(`data-${name}>(\\d+)<`).exec(html)?.[1] ?? -1);

test('bulk suspend: the preview lists what happens and what is skipped, the run suspends each one, audited, one router job each', async () => {
  const { db } = web.c;
  const plan = await createPlan(db, { name: 'Bulk Suspend 10' });
  const subs = [];
  for (const name of ['Adi', 'Bayu', 'Citra']) subs.push(await createSubscription(db, { planId: plan.id, customerId: (await createCustomer(db, { name: `${name} Bulk` })).id, username: `bulk-${name.toLowerCase()}` }));
  const already = await createSubscription(db, { planId: plan.id, username: 'bulk-already', status: 'suspended' });
  const { client } = await signedIn('technician');

  const list = await client.get(`/admin/subscriptions?plan=${plan.id}&status=`);
  assert.equal(list.status, 200);
  for (const s of [...subs, already]) assert.match(list.text, new RegExp(`name="ids" value="${s.id}"`), 'a checkbox per row');
  assert.match(list.text, /formaction="\/admin\/bulk\/subscriptions\/suspend"/);

  const ids = [...subs, already].map((s) => s.id).join(',');
  const preview = await client.post('/admin/bulk/subscriptions/suspend', { ids });
  assert.equal(preview.status, 200, preview.text.slice(0, 300));
  assert.equal(count(preview.text, 'will'), 3);
  assert.equal(count(preview.text, 'skip'), 1);
  assert.match(preview.text, new RegExp(`<tr data-row="${already.id}">[\\s\\S]*?data-reason="status_suspended">Already suspended<`), 'the suspended one is listed as skipped, with the reason');
  for (const s of subs) assert.equal((await db('subscriptions').where({ id: s.id }).first()).status, 'active', 'a preview changes nothing');
  const token = tokenOf(preview.text);
  assert.ok(token, 'the confirmation carries a token');

  const run = await client.post('/admin/bulk/subscriptions/suspend', { token });
  assert.equal(run.status, 302);
  assert.match(run.location ?? '', /^\/admin\/bulk\/runs\/[0-9a-f]{24}$/);
  const result = await client.get(run.location!);
  assert.equal(result.status, 200);
  assert.match(result.text, /data-finished="1"/, 'three rows run inside the request');
  assert.equal(count(result.text, 'done'), 3);
  assert.equal(count(result.text, 'failed'), 0);
  for (const s of subs) {
    assert.match(result.text, new RegExp(`data-row="${s.id}" data-outcome="done"`));
    assert.equal((await db('subscriptions').where({ id: s.id }).first()).status, 'suspended');
    const audit = await db('audit_log').where({ action: 'subscription_suspended', object_type: 'subscription', object_id: String(s.id) });
    assert.equal(audit.length, 1, 'audited like the single-row button');
  }
  const jobs = await queuedNasControl(web.c.queues);
  for (const s of subs) assert.equal(jobs.filter((j) => j.data.subscriptionId === s.id).length, 1, 'one nas-control job per subscription');
  assert.equal(jobs.filter((j) => j.data.subscriptionId === already.id).length, 0);

  const again = await client.post('/admin/bulk/subscriptions/suspend', { token });
  assert.equal(again.status, 409, 'the confirmation is single-use');
  const { client: other } = await signedIn('admin');
  assert.equal((await other.get(run.location!)).status, 404, 'another staff member does not see the run');
});

test('select all N matching the filter takes every row of the filter, not just the page', async () => {
  const { db } = web.c;
  const plan = await createPlan(db, { name: 'Bulk All 5' });
  const ids: number[] = [];
  for (let i = 0; i < 30; i++) ids.push((await createSubscription(db, { planId: plan.id, username: `bulk-all-${i}`, status: 'suspended' })).id);
  const { client } = await signedIn('admin');
  const list = await client.get(`/admin/subscriptions?plan=${plan.id}&status=suspended`);
  assert.match(list.text, /data-matching>30</, '"select all 30 matching this filter"');
  assert.equal((list.text.match(/name="ids"/g) ?? []).length, 25, 'one page of checkboxes');
  const preview = await client.post('/admin/bulk/subscriptions/reactivate', { all: '1', plan: String(plan.id), status: 'suspended', q: '', area: '', nas: '' });
  assert.equal(preview.status, 200);
  assert.equal(count(preview.text, 'selected'), 30);
  assert.equal(count(preview.text, 'will'), 30);
});

test('bulk change plan previews each row\'s proration and changes the plans, audited', async () => {
  const { db } = web.c;
  const basic = await createPlan(db, { name: 'Bulk Basic 10', price: 150_000 });
  const plus = await createPlan(db, { name: 'Bulk Plus 20', price: 300_000 });
  const hotspot = await createSubscription(db, { planId: (await createPlan(db, { name: 'Bulk Hotspot', serviceType: 'hotspot', price: 50_000 })).id, serviceType: 'hotspot', username: 'bulk-hotspot' });
  // Anchor day 1: on 21 Nov, 10 of the 30 days of November are left: Rp 100.000 − Rp 50.000.
  const subs = [await createSubscription(db, { planId: basic.id, anchorDay: 1, username: 'bulk-plan-1' }), await createSubscription(db, { planId: basic.id, anchorDay: 1, username: 'bulk-plan-2' })];
  await db('subscriptions').whereIn('id', subs.map((s) => s.id)).update({ started_at: '2026-10-01T00:00:00+07:00' });
  const { client } = await signedIn('technician');

  const none = await client.post('/admin/bulk/subscriptions/plan', { ids: String(subs[0]!.id) });
  assert.equal(none.status, 422, 'a plan must be chosen');
  const preview = await client.post('/admin/bulk/subscriptions/plan', { ids: [...subs, hotspot].map((s) => s.id).join(','), plan_id: String(plus.id) });
  assert.equal(preview.status, 200);
  const shown = decodeHtml(preview.text);
  for (const s of subs) assert.match(shown, new RegExp(`<tr data-row="${s.id}">[\\s\\S]*?Upgraded now[\\s\\S]*?data-amount>Rp 50\\.000<`), 'each row with its prorated amount');
  assert.match(shown, new RegExp(`<tr data-row="${hotspot.id}">[\\s\\S]*?data-reason="other_service"`));
  const run = await client.post('/admin/bulk/subscriptions/plan', { token: tokenOf(preview.text) });
  assert.equal(run.status, 302);
  assert.equal(count((await client.get(run.location!)).text, 'done'), 2);
  for (const s of subs) {
    assert.equal(Number((await db('subscriptions').where({ id: s.id }).first()).plan_id), plus.id);
    assert.ok(await db('audit_log').where({ action: 'subscription_plan_changed', object_id: String(s.id) }).first());
    assert.equal(Number((await db('invoices').where({ subscription_id: s.id, kind: 'one_off' }).first()).total), 50_000);
  }
});

test('bulk reminder queues the invoice messages; a paid invoice is skipped', async () => {
  const { db } = web.c;
  const customer = await createCustomer(db, { name: 'Rina Reminder', phone: '081299990001' });
  const unpaid = [];
  for (const n of [1, 2]) {
    const [row] = await db('invoices').insert({ customer_id: customer.id, kind: 'one_off', invoice_number: `INV/BULK/${n}`, status: 'open', issue_date: '2026-11-01', due_date: '2026-11-10', total: 150_000, amount_paid: 0 }).returning('id');
    unpaid.push(Number(row.id));
  }
  const [paid] = await db('invoices').insert({ customer_id: customer.id, kind: 'one_off', invoice_number: 'INV/BULK/3', status: 'paid', issue_date: '2026-11-01', due_date: '2026-11-10', total: 150_000, amount_paid: 150_000 }).returning('id');
  const { client: viewer } = await signedIn('viewer');
  assert.equal((await viewer.post('/admin/bulk/invoices/remind', { ids: unpaid.join(',') })).status, 403, 'the single-row form\'s permission (invoices.send)');
  const { client } = await signedIn('cashier');
  const list = await client.get('/admin/invoices?q=INV%2FBULK');
  assert.match(list.text, new RegExp(`name="ids" value="${unpaid[0]}"`));
  const preview = await client.post('/admin/bulk/invoices/remind', { ids: [...unpaid, Number(paid.id)].join(',') });
  assert.equal(count(preview.text, 'will'), 2);
  assert.match(preview.text, new RegExp(`<tr data-row="${paid.id}">[\\s\\S]*?data-reason="invoice_paid"`));
  const before = Number((await db('notification_outbox').count({ n: '*' }))[0]!.n);
  const run = await client.post('/admin/bulk/invoices/remind', { token: tokenOf(preview.text) });
  assert.equal(count((await client.get(run.location!)).text, 'done'), 2);
  const queued = await db('notification_outbox').where({ customer_id: customer.id, template: 'invoice_issued' }).where('idempotency_key', 'like', 'invoice_sent_again:%');
  assert.ok(queued.length >= 2, `the outbox has the reminders (${queued.length})`);
  assert.ok(Number((await db('notification_outbox').count({ n: '*' }))[0]!.n) > before);
  assert.equal((await db('audit_log').where({ action: 'invoice_sent_again' }).whereIn('object_id', unpaid.map(String))).length, 2);
});

test('export: the CSV of the ticked rows only, audited', async () => {
  const { db } = web.c;
  const a = await createSubscription(db, { username: 'bulk-export-a' });
  await createSubscription(db, { username: 'bulk-export-b' });
  const { client } = await signedIn('viewer');
  const res = await client.post('/admin/bulk/subscriptions/export', { ids: String(a.id) });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
  assert.match(res.text, /bulk-export-a/);
  assert.doesNotMatch(res.text, /bulk-export-b/);
  assert.ok(await db('audit_log').where({ action: 'customers_exported' }).whereRaw(`after->>'list' = 'subscriptions'`).first());
  assert.equal((await client.post('/admin/bulk/subscriptions/suspend', { ids: String(a.id) })).status, 403, 'a viewer may not suspend');
});
