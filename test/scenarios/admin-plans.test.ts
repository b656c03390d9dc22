/**
 * The plans screen against the real database and Redis: who may see and change plans, the list's
 * search, filters, sorting and CSV, "150.000" as a price, field errors with what was typed, stale
 * edits refused, deactivating and deleting (a plan with subscribers cannot be deleted), the audit
 * trail, the SLA threshold (hours of outage before a pro-rata credit; empty: none), and, on the
 * whole product, a speed change reaching the radius role and the router.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { NAS_SECRET, startBillingStack } from '../helpers/billing-stack.js';
import { createPlan, createSubscription } from '../helpers/factories.js';
import type { ReceivedRequest } from '../helpers/nas-emulator.js';
import { bringOnline, formVersion, planForm, signedIn } from '../helpers/plans-fixtures.js';
import { radclient } from '../helpers/radclient.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-11-21T03:00:00Z') });
});
after(async () => {
  await web.stop();
});

const planRow = (name: string) => web.c.db('plans').where({ name }).first();

test('cashiers, technicians and viewers see plans but every change is refused with 403', async () => {
  const plan = await createPlan(web.c.db, { name: 'Read Only 5M', rateLimit: '1M/5M' });
  for (const role of ['cashier', 'technician', 'viewer'] as const) {
    const { client } = await signedIn(web.baseUrl, web.c.db, role);
    const list = await client.get('/admin/plans');
    assert.equal(list.status, 200, role);
    assert.match(list.text, /Read Only 5M/);
    assert.doesNotMatch(list.text, /href="\/admin\/plans\/new"/, `no "New plan" for a ${role}`);
    const page = await client.get(`/admin/plans/${plan.id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<fieldset class="grid" disabled>/, 'the form is read-only');
    assert.doesNotMatch(page.text, /\/deactivate"/);
    assert.equal((await client.get('/admin/plans/new')).status, 403, role);
    assert.equal((await client.post('/admin/plans', planForm({ name: `By ${role}` }))).status, 403, role);
    assert.equal((await client.post(`/admin/plans/${plan.id}`, planForm({ name: 'Renamed', version: '1' }))).status, 403, role);
    assert.equal((await client.post(`/admin/plans/${plan.id}/deactivate`, {})).status, 403, role);
    assert.equal((await client.post(`/admin/plans/${plan.id}/delete`, {})).status, 403, role);
  }
  const row = await web.c.db('plans').where({ id: plan.id }).first();
  assert.equal(row.name, 'Read Only 5M');
  assert.equal(row.is_active, true);
  assert.equal(Number((await web.c.db('plans').where('name', 'like', 'By %').count({ n: '*' }).first())!.n), 0, 'nothing was created');
});

test('an admin creates a plan with the price typed as "150.000"; the change is audited', async () => {
  const { client, staff } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const form = await client.get('/admin/plans/new');
  assert.equal(form.status, 200);
  const res = await client.post('/admin/plans', planForm({ name: 'Rumah 10M', price: '150.000', rate_limit: '2M/10M 4M/15M 1500k/8M 16/16 8', quota_gib: '100', fup_rate_limit: '1M/2M', framed_pool: 'pool-rumah' }));
  assert.equal(res.status, 302);
  assert.equal(res.location, '/admin/plans?saved=created');
  const row = await planRow('Rumah 10M');
  assert.equal(Number(row.price), 150_000);
  assert.equal(row.rate_limit, '2M/10M 4M/15M 1500k/8M 16/16 8');
  assert.equal(Number(row.quota_bytes), 100 * 2 ** 30);
  assert.equal(row.framed_pool, 'pool-rumah');
  const list = await client.get('/admin/plans?saved=created');
  assert.match(list.text, /Plan created\./);
  assert.match(list.text, /↓ 10 Mbit\/s · ↑ 2 Mbit\/s/, 'the list reads the rate as download and upload');
  const audit = await web.c.db('audit_log').where({ object_type: 'plan', object_id: String(row.id) });
  assert.equal(audit.length, 1);
  assert.equal(audit[0].action, 'plan_created');
  assert.equal(audit[0].staff_user_id, staff.id);
  assert.equal(audit[0].after.price, 150_000);
});

test('bad input comes back as 422 with each field\'s error and what was typed', async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const res = await client.post('/admin/plans', planForm({ name: 'Salah Ketik', price: '150,5', rate_limit: '10 Mbps', fup_rate_limit: '1M/1M', billing_cycle: 'days', framed_pool: 'pool rumah' }));
  assert.equal(res.status, 422);
  for (const field of ['price', 'rate_limit', 'fup_rate_limit', 'cycle_days', 'framed_pool']) assert.match(res.text, new RegExp(`data-error="${field}"`), field);
  assert.match(res.text, /value="Salah Ketik"/);
  assert.match(res.text, /value="10 Mbps"/);
  assert.match(res.text, /value="150,5"/);
  assert.match(res.text, /A fair-usage speed needs a quota/);
  assert.equal(await planRow('Salah Ketik'), undefined);
  await createPlan(web.c.db, { name: 'Sudah Ada' });
  const dup = await client.post('/admin/plans', planForm({ name: 'Sudah Ada' }));
  assert.equal(dup.status, 422);
  assert.match(dup.text, /Another plan has this name/);
});

test('the SLA threshold: 4 hours is stored and audited, empty means no SLA credit, 721 and -1 are refused once', async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const form = await client.get('/admin/plans/new');
  assert.match(form.text, /Outage credit after … hours/);
  assert.match(form.text, /credited pro rata of the plan price/, 'the form says how the credit is computed');
  assert.equal((await client.post('/admin/plans', planForm({ name: 'SLA 4 Jam', sla_threshold_hours: '4' }))).status, 302);
  const row = await planRow('SLA 4 Jam');
  assert.equal(row.sla_threshold_hours, 4);
  const created = await web.c.db('audit_log').where({ object_type: 'plan', object_id: String(row.id), action: 'plan_created' }).first();
  assert.equal(created.after.sla_threshold_hours, 4);
  const page = await client.get(`/admin/plans/${row.id}`);
  assert.match(page.text, /name="sla_threshold_hours" value="4"/, 'the saved value is shown for editing');
  assert.match((await client.get('/admin/plans?q=SLA')).text, /data-sla>Outage credit after 4 hours</, 'the list shows the threshold');

  for (const typed of ['721', '-1', '4.5']) {
    const res = await client.post(`/admin/plans/${row.id}`, planForm({ name: 'SLA 4 Jam', sla_threshold_hours: typed, version: formVersion(page.text) }));
    assert.equal(res.status, 422, typed);
    assert.equal(res.text.match(/data-error="sla_threshold_hours"/g)?.length, 1, `${typed}: one message`);
    assert.equal(res.text.split('A whole number of hours from 0 to 720').length - 1, 1, `${typed}: the message once`);
    assert.match(res.text, new RegExp(`name="sla_threshold_hours" value="${typed.replace('.', '\\.')}"`), 'what was typed is kept');
  }
  assert.equal((await planRow('SLA 4 Jam')).sla_threshold_hours, 4, 'a refused value changes nothing');

  const cleared = await client.post(`/admin/plans/${row.id}`, planForm({ name: 'SLA 4 Jam', sla_threshold_hours: '', version: formVersion(page.text) }));
  assert.equal(cleared.status, 302);
  const after = await planRow('SLA 4 Jam');
  assert.equal(after.sla_threshold_hours, null, 'empty: no SLA credit');
  assert.equal(after.version, 2, 'saved as a new version');
  const updated = await web.c.db('audit_log').where({ object_type: 'plan', object_id: String(row.id), action: 'plan_updated' });
  assert.equal(updated.length, 1);
  assert.equal(updated[0].before.sla_threshold_hours, 4);
  assert.equal(updated[0].after.sla_threshold_hours, null);
  assert.doesNotMatch((await client.get('/admin/plans?q=SLA')).text, /data-sla/, 'no SLA, nothing in the list');

  assert.equal((await client.post('/admin/plans', planForm({ name: 'SLA Nol', sla_threshold_hours: '0' }))).status, 302);
  assert.equal((await planRow('SLA Nol')).sla_threshold_hours, 0, 'zero hours: credit from the first hour');
  assert.match((await client.get('/admin/plans?q=SLA+Nol')).text, /data-sla>Outage credit after 0 hours</);
});

test('the rate limit is read back as download and upload while it is typed', async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const ok = await client.get('/admin/plans/rate-preview?rate_limit=2M%2F10M', { 'HX-Request': 'true' });
  assert.equal(ok.status, 200);
  assert.match(ok.text, /^<p id="rate-preview"/);
  assert.match(ok.text, /data-download>10 Mbit\/s</);
  assert.match(ok.text, /data-upload>2 Mbit\/s</);
  const bad = await client.get('/admin/plans/rate-preview?rate_limit=10mbps', { 'HX-Request': 'true' });
  assert.match(bad.text, /Not a valid Mikrotik-Rate-Limit/);
});

test('a stale edit is refused with 409 and does not overwrite the newer one', async () => {
  const plan = await createPlan(web.c.db, { name: 'Kantor 20M', rateLimit: '5M/20M', price: 300_000 });
  const a = (await signedIn(web.baseUrl, web.c.db, 'admin')).client;
  const b = (await signedIn(web.baseUrl, web.c.db, 'admin')).client;
  const version = formVersion((await a.get(`/admin/plans/${plan.id}`)).text);
  formVersion((await b.get(`/admin/plans/${plan.id}`)).text);
  const first = await a.post(`/admin/plans/${plan.id}`, planForm({ name: 'Kantor 20M', price: '325.000', rate_limit: '5M/20M', version }));
  assert.equal(first.status, 302);
  const stale = await b.post(`/admin/plans/${plan.id}`, planForm({ name: 'Kantor 20M', price: '275.000', rate_limit: '5M/20M', version }));
  assert.equal(stale.status, 409);
  assert.match(stale.text, /Someone else changed this record/);
  assert.match(stale.text, /value="275.000"/, 'what was typed is kept');
  assert.equal(Number((await web.c.db('plans').where({ id: plan.id }).first()).price), 325_000);
  const audit = await web.c.db('audit_log').where({ object_type: 'plan', object_id: String(plan.id), action: 'plan_updated' });
  assert.equal(audit.length, 1);
  assert.equal(audit[0].before.price, 300_000);
  assert.equal(audit[0].after.price, 325_000);
});

test('list: search, status and type filters, sorting by price, pages and the CSV of the filtered list', async () => {
  await createPlan(web.c.db, { name: 'Voucher Harian', price: 5_000, serviceType: 'hotspot', billingCycle: 'days', cycleDays: 1 });
  await createPlan(web.c.db, { name: 'Voucher Mingguan', price: 25_000, serviceType: 'hotspot', billingCycle: 'days', cycleDays: 7 });
  const old = await createPlan(web.c.db, { name: 'Voucher Lama', price: 1_000, serviceType: 'hotspot' });
  await web.c.db('plans').where({ id: old.id }).update({ is_active: false });
  const { client } = await signedIn(web.baseUrl, web.c.db, 'viewer');
  const hotspot = await client.get('/admin/plans?q=voucher&type=hotspot&status=active&sort=price&dir=desc');
  const names = [...hotspot.text.matchAll(/data-plan="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(names, ['Voucher Mingguan', 'Voucher Harian']);
  const inactive = await client.get('/admin/plans?status=inactive', { 'HX-Request': 'true' });
  assert.match(inactive.text, /^<div id="plan-results">/, 'htmx gets the results fragment');
  assert.deepEqual([...inactive.text.matchAll(/data-plan="([^"]+)"/g)].map((m) => m[1]), ['Voucher Lama']);
  const csv = await client.get('/admin/plans.csv?q=voucher&type=hotspot&sort=price&dir=asc');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\n');
  assert.equal(lines[0], 'name,service_type,price,billing_cycle,cycle_days,rate_limit,quota_bytes,fup_rate_limit,framed_pool,mikrotik_group,simultaneous_use,active,subscribers');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), ['Voucher Lama', 'Voucher Harian', 'Voucher Mingguan']);
  assert.match(lines[1]!, /,no,0$/);
  for (let i = 0; i < 26; i++) await createPlan(web.c.db, { name: `Zeta ${String(i).padStart(2, '0')}` });
  const page2 = await client.get('/admin/plans?q=zeta&page=2');
  assert.match(page2.text, /Page 2 \/ 2/);
  assert.deepEqual([...page2.text.matchAll(/data-plan="([^"]+)"/g)].map((m) => m[1]), ['Zeta 25']);
});

test('deactivate and reactivate (audited); a plan with subscribers cannot be deleted, an unused one can', async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const used = await createPlan(web.c.db, { name: 'Dipakai 10M' });
  await createSubscription(web.c.db, { planId: used.id });
  const page = await client.get(`/admin/plans/${used.id}`);
  assert.match(page.text, /hx-confirm="Stop offering this plan\? Its subscribers keep it\."/, 'deactivating asks first');
  assert.doesNotMatch(page.text, /\/delete"/, 'no delete button for a plan with subscribers');
  assert.equal((await client.post(`/admin/plans/${used.id}/deactivate`, {})).location, '/admin/plans?saved=deactivated');
  assert.equal((await web.c.db('plans').where({ id: used.id }).first()).is_active, false);
  assert.equal((await client.post(`/admin/plans/${used.id}/reactivate`, {})).location, '/admin/plans?saved=reactivated');
  assert.equal((await web.c.db('plans').where({ id: used.id }).first()).is_active, true);
  const refused = await client.post(`/admin/plans/${used.id}/delete`, {});
  assert.equal(refused.status, 409);
  assert.match(refused.text, /in use and cannot be deleted/);
  assert.match(refused.text, /Subscribers: 1/);
  assert.ok(await web.c.db('plans').where({ id: used.id }).first(), 'still there');

  const unused = await createPlan(web.c.db, { name: 'Tidak Dipakai' });
  const del = await client.post(`/admin/plans/${unused.id}/delete`, {});
  assert.equal(del.location, '/admin/plans?saved=deleted');
  assert.equal(await web.c.db('plans').where({ id: unused.id }).first(), undefined);
  const actions = (await web.c.db('audit_log').where({ object_type: 'plan' }).whereIn('object_id', [String(used.id), String(unused.id)]).orderBy('id')).map((a) => a.action);
  assert.deepEqual(actions, ['plan_deactivated', 'plan_reactivated', 'plan_deleted']);
});

test('a new speed reaches the radius role at once: the online subscriber gets a CoA, the next login the new rate', async () => {
  const stack = await startBillingStack({ start: '2026-11-21T03:00:00Z' });
  try {
    const plan = await createPlan(stack.c.db, { name: 'Naik Kecepatan', rateLimit: '2M/10M' });
    const sub = await createSubscription(stack.c.db, { planId: plan.id, password: 'speed-pw' });
    await stack.radius.sync.settled();
    const ports = { authPort: stack.radius.ports.authPort, acctPort: stack.radius.ports.acctPort, secret: NAS_SECRET };
    const before = await bringOnline({ ...ports, username: sub.username, password: 'speed-pw', sessionId: 'speed-1', framedIp: '100.64.7.1' });
    assert.equal(before, '2M/10M');
    await stack.radius.sync.settled();

    const { client } = await signedIn(stack.baseUrl, stack.c.db, 'admin');
    const version = formVersion((await client.get(`/admin/plans/${plan.id}`)).text);
    const saved = await client.post(`/admin/plans/${plan.id}`, planForm({ name: 'Naik Kecepatan', rate_limit: '4M/20M', version }));
    assert.equal(saved.status, 302);
    assert.equal(saved.location, '/admin/plans?saved=updated_online&told=1');

    const until = Date.now() + 8000;
    let coa: ReceivedRequest | undefined;
    while (!(coa = stack.nas.received.find((r) => r.kind === 'coa' && stack.nas.attr(r, 'Acct-Session-Id') === 'speed-1'))) {
      assert.ok(Date.now() < until, `no CoA reached the router: ${JSON.stringify(stack.nas.received)}`);
      await new Promise((res) => setTimeout(res, 20));
    }
    assert.equal(stack.nas.attr(coa, 'Mikrotik-Rate-Limit'), '4M/20M');
    assert.equal(stack.nas.attr(coa, 'User-Name'), sub.username);

    const next = await radclient({
      port: ports.authPort, secret: NAS_SECRET, type: 'auth',
      attributes: [`User-Name = "${sub.username}"`, 'User-Password = "speed-pw"', 'Message-Authenticator = 0x00'],
    });
    // The first session is still open and the plan allows one login: the second is refused,
    // so end it first the way the router reports it.
    assert.equal(next.code, 'Access-Reject');
    const stop = await radclient({
      port: ports.acctPort, secret: NAS_SECRET, type: 'acct',
      attributes: [`User-Name = "${sub.username}"`, 'Acct-Status-Type = Stop', 'Acct-Session-Id = "speed-1"', 'Acct-Terminate-Cause = User-Request'],
    });
    assert.equal(stop.code, 'Accounting-Response');
    await stack.radius.sync.settled();
    const again = await radclient({
      port: ports.authPort, secret: NAS_SECRET, type: 'auth',
      attributes: [`User-Name = "${sub.username}"`, 'User-Password = "speed-pw"', 'Message-Authenticator = 0x00'],
    });
    assert.equal(again.code, 'Access-Accept');
    assert.equal(again.attributes.find(([n]) => n === 'Mikrotik-Rate-Limit')?.[1], '4M/20M');
  } finally {
    await stack.stop();
  }
});
