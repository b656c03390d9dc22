/**
 * The console's voucher screens over HTTP against the real database and Redis: generating a
 * batch (every code unique, of the alphabet without look-alikes, audited), the form's errors, the
 * batch list with counts by status, a batch's page (search, filter, pages, the htmx fragment),
 * marking vouchers sold, the CSV, the printable sheet, finding a voucher by code, and what each
 * role may do (codes are shown whole only with vouchers.manage).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { createPlan, createStaff } from '../helpers/factories.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';
import { createVoucherBatch } from '../helpers/vouchers-fixtures.js';
import { VOUCHER_ALPHABET } from '../../billing/access/voucher-code.js';

let web: WebServer;

before(async () => {
  web = await startWebServer();
  await web.c.db('settings').insert({ key: 'billing', value: JSON.stringify({ companyName: 'RT/RW Net Sejahtera', companyPhone: '0812-3456-7890' }) });
});
after(async () => {
  await web?.stop();
});

async function signedIn(role: 'admin' | 'cashier' | 'technician' | 'viewer'): Promise<{ client: AdminClient; staffId: number }> {
  const staff = await createStaff(web.c.db, { role, locale: 'en' });
  const client = adminClient(web.baseUrl);
  assert.equal((await client.signIn(staff.username, staff.password)).status, 302);
  await client.get('/admin/vouchers');
  return { client, staffId: staff.id };
}

const FORM = {
  name: 'Harian 5K', plan_id: '', rate_limit: '1M/3M', time_value: '2', time_unit: 'hours', data_value: '1,5', data_unit: 'GB',
  validity_value: '7', validity_unit: 'days', price: '5.000', quantity: '250', code_length: '8',
};

const decode = (html: string): string => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

test('a cashier generates a batch: 250 unique codes of the alphabet without look-alikes, the terms as typed, audited', async () => {
  const { client, staffId } = await signedIn('cashier');
  const form = await client.get('/admin/vouchers/new');
  assert.equal(form.status, 200);
  assert.match(form.text, /name="rate_limit"/);
  const res = await client.post('/admin/vouchers', FORM);
  assert.equal(res.status, 302);
  const batchId = Number(/^\/admin\/vouchers\/batches\/(\d+)\?saved=created$/.exec(res.location ?? '')?.[1]);
  assert.ok(batchId > 0, res.location ?? '');

  const batch = await web.c.db('voucher_batches').where({ id: batchId }).first();
  assert.deepEqual(
    [batch.name, batch.rate_limit, Number(batch.time_limit_seconds), Number(batch.data_limit_bytes), Number(batch.validity_seconds), Number(batch.price), Number(batch.quantity)],
    ['Harian 5K', '1M/3M', 7200, 1.5 * 2 ** 30, 7 * 86_400, 5000, 250],
  );
  const codes = (await web.c.db('vouchers').where({ batch_id: batchId }).pluck('code')) as string[];
  assert.equal(codes.length, 250);
  assert.equal(new Set(codes).size, 250, 'all unique');
  for (const code of codes) {
    assert.equal(code.length, 8);
    assert.ok([...code].every((ch) => VOUCHER_ALPHABET.includes(ch)), code);
    assert.doesNotMatch(code, /[0O1lI]/, `${code} has no look-alikes`);
  }
  const audit = await web.c.db('audit_log').where({ action: 'voucher_batch_created', object_id: String(batchId) }).first();
  assert.equal(Number(audit.staff_user_id), staffId);
  assert.equal(audit.ip_address, '127.0.0.1');
  assert.equal(audit.after.quantity, 250);
  assert.equal(audit.after.price, 5000);

  const page = await client.get(res.location!);
  assert.equal(page.status, 200);
  assert.match(page.text, /Batch generated/);
  assert.match(page.text, /data-total>250</);
  assert.match(page.text, /data-count="unused">250</);
  assert.match(decode(page.text), /2 h/);
  assert.match(page.text, new RegExp(codes[0]!), 'a cashier sees whole codes');
});

test('bad input comes back with field errors and what was typed; nothing is created', async () => {
  const { client } = await signedIn('admin');
  const before = Number((await web.c.db('voucher_batches').count({ n: '*' }).first())!.n);
  const res = await client.post('/admin/vouchers', { ...FORM, name: 'Keep me', rate_limit: '', time_value: '', data_value: '', validity_value: '', quantity: '10001', price: 'lima ribu' });
  assert.equal(res.status, 422);
  assert.match(res.text, /value="Keep me"/);
  for (const field of ['rate_limit', 'time_value', 'quantity', 'price']) assert.match(res.text, new RegExp(`data-error="${field}"`), field);
  const badRate = await client.post('/admin/vouchers', { ...FORM, rate_limit: '10 Mbps' });
  assert.equal(badRate.status, 422);
  assert.match(badRate.text, /data-error="rate_limit"/);
  assert.equal(Number((await web.c.db('voucher_batches').count({ n: '*' }).first())!.n), before);

  const plan = await createPlan(web.c.db, { name: 'Hotspot Harian', serviceType: 'hotspot', rateLimit: '2M/2M' });
  const withPlan = await client.post('/admin/vouchers', { ...FORM, rate_limit: '', plan_id: String(plan.id), quantity: '3' });
  assert.equal(withPlan.status, 302, 'a plan instead of an own rate');
});

test('the batch list counts vouchers by status; a batch page searches, filters, pages and answers htmx with the fragment', async () => {
  const { client } = await signedIn('admin');
  const codes = Array.from({ length: 60 }, (_, i) => `PAGE${String(i).padStart(2, '0').replace(/0/g, 'A').replace(/1/g, 'B')}X`);
  const { batchId, vouchers } = await createVoucherBatch(web.c.db, { name: 'Paged batch', codes });
  await web.c.db('vouchers').where({ id: vouchers[0]!.id }).update({ status: 'active', first_used_at: new Date() });
  await web.c.db('vouchers').whereIn('id', [vouchers[1]!.id, vouchers[2]!.id]).update({ status: 'used' });

  const list = await client.get('/admin/vouchers');
  assert.equal(list.status, 200);
  const row = new RegExp(`<tr data-batch="${batchId}">[\\s\\S]*?</tr>`).exec(list.text)?.[0] ?? '';
  assert.match(row, /Paged batch/);
  assert.match(row, /data-count="unused">57</);
  assert.match(row, /data-count="active">1</);
  assert.match(row, /data-count="used">2</);

  const page1 = await client.get(`/admin/vouchers/batches/${batchId}`);
  assert.equal((page1.text.match(/<tr data-voucher=/g) ?? []).length, 50, 'first page: 50');
  assert.match(page1.text, /rel="next"/);
  const page2 = await client.get(`/admin/vouchers/batches/${batchId}?page=2`);
  assert.equal((page2.text.match(/<tr data-voucher=/g) ?? []).length, 10);

  const used = await client.get(`/admin/vouchers/batches/${batchId}?status=used`);
  assert.match(used.text, /data-total>2</);
  const search = await client.get(`/admin/vouchers/batches/${batchId}?q=${encodeURIComponent(codes[5]!.toLowerCase().slice(2))}`);
  assert.match(search.text, /data-total>1</, 'a fragment, in small letters');
  assert.match(search.text, new RegExp(codes[5]!));

  const fragment = await client.get(`/admin/vouchers/batches/${batchId}?status=active`, { 'HX-Request': 'true' });
  assert.match(fragment.text, /^<div id="voucher-results">/);
  assert.doesNotMatch(fragment.text, /<html/);
  assert.match(fragment.text, /data-total>1</);

  const found = await client.get(`/admin/vouchers/find?code=${codes[7]!.toLowerCase()}`);
  assert.equal(found.status, 302);
  assert.equal(found.location, `/admin/vouchers/batches/${batchId}?q=${codes[7]}`);
  assert.equal((await client.get('/admin/vouchers/find?code=NOSUCHCD')).location, '/admin/vouchers?not_found=1');
});

/** A signed-in cashier's cookie and CSRF token, for a raw POST with repeated fields (ticked ids). */
async function rawSession(): Promise<{ cookie: string; csrf: string }> {
  const staff = await createStaff(web.c.db, { role: 'cashier' });
  const res = await fetch(`${web.baseUrl}/admin/login`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams({ username: staff.username, password: staff.password }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const page = await fetch(`${web.baseUrl}/admin/vouchers`, { headers: { cookie } });
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]! };
}

test('marking sold: the next N unused, then ticked ones; counts move, audited', async () => {
  const { client } = await signedIn('cashier');
  const { batchId, vouchers } = await createVoucherBatch(web.c.db, { quantity: 8 });
  await client.get(`/admin/vouchers/batches/${batchId}`);
  const next = await client.post(`/admin/vouchers/batches/${batchId}/sell`, { count: '3', back: '?status=unused' });
  assert.equal(next.status, 302);
  assert.equal(next.location, `/admin/vouchers/batches/${batchId}?status=unused&sold=3`);

  const { cookie, csrf } = await rawSession();
  const ticked = new URLSearchParams({ _csrf: csrf });
  for (const v of [vouchers[0]!, vouchers[6]!, vouchers[7]!]) ticked.append('ids', String(v.id));
  const res = await fetch(`${web.baseUrl}/admin/vouchers/batches/${batchId}/sell`, {
    method: 'POST', redirect: 'manual', body: ticked, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  });
  assert.equal(res.status, 302);
  assert.match(res.headers.get('location') ?? '', /sold=2$/, 'the first voucher was already sold');
  assert.equal(Number((await web.c.db('vouchers').where({ batch_id: batchId, status: 'sold' }).count({ n: '*' }).first())!.n), 5);
  const audit = await web.c.db('audit_log').where({ action: 'vouchers_sold', object_id: String(batchId) }).orderBy('id');
  assert.deepEqual(audit.map((a) => a.after.count), [3, 2]);
  const page = await client.get(`/admin/vouchers/batches/${batchId}`);
  assert.match(page.text, /data-count="sold">5</);
  const none = await client.post(`/admin/vouchers/batches/${batchId}/sell`, {});
  assert.match(none.location ?? '', /sell_error=nothing_selected/);
});

test('the CSV and the printable sheet: whole codes, the ISP\'s name, price and limits on A4 cards; both audited', async () => {
  const { client } = await signedIn('cashier');
  const { batchId, vouchers } = await createVoucherBatch(web.c.db, { name: 'Print me', quantity: 45, price: 10_000, timeLimitSeconds: 3 * 3600, dataLimitBytes: 2 * 2 ** 30, validitySeconds: 86_400 });
  await web.c.db('vouchers').where({ id: vouchers[0]!.id }).update({ status: 'sold' });

  const csv = await client.get(`/admin/vouchers/batches/${batchId}/csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\n');
  assert.equal(lines[0], 'code,status,price,sold_at,first_used_at,expires_at,used_seconds,used_octets');
  assert.equal(lines.length, 46);
  assert.ok(lines.some((l) => l.startsWith(`${vouchers[3]!.code},unused,10000,`)));

  const print = await client.get(`/admin/vouchers/batches/${batchId}/print`);
  assert.equal(print.status, 200);
  assert.match(print.text, /<link rel="stylesheet" href="\/static\/voucher-cards.css">/);
  assert.match((await client.get('/static/voucher-cards.css')).text, /@page \{ size: A4 portrait/);
  assert.equal((print.text.match(/data-card>/g) ?? []).length, 44, 'the unused ones (one is sold)');
  assert.doesNotMatch(print.text, new RegExp(`data-code>${vouchers[0]!.code}<`), 'the sold one is not printed again');
  assert.match(print.text, new RegExp(`data-code>${vouchers[1]!.code}<`));
  assert.match(decode(print.text), /RT\/RW Net Sejahtera/);
  assert.match(print.text, /Rp 10\.000/);
  assert.match(decode(print.text), /3 h · 2 GB · valid 1 day/);
  const all = await client.get(`/admin/vouchers/batches/${batchId}/print?status=all`);
  assert.equal((all.text.match(/data-card>/g) ?? []).length, 45);
  const actions = (await web.c.db('audit_log').where({ object_type: 'voucher_batch', object_id: String(batchId) }).pluck('action')) as string[];
  assert.deepEqual(actions.sort(), ['voucher_batch_exported', 'voucher_batch_printed', 'voucher_batch_printed']);
});

test('roles: a viewer and a technician see batches with masked codes and can change, export or print nothing', async () => {
  const { batchId, vouchers } = await createVoucherBatch(web.c.db, { name: 'Secret codes', quantity: 3 });
  const batchesBefore = Number((await web.c.db('voucher_batches').count({ n: '*' }).first())!.n);
  for (const role of ['viewer', 'technician'] as const) {
    const { client } = await signedIn(role);
    const list = await client.get('/admin/vouchers');
    assert.equal(list.status, 200, role);
    assert.doesNotMatch(list.text, /href="\/admin\/vouchers\/new"/, `${role}: no "New batch"`);
    const page = await client.get(`/admin/vouchers/batches/${batchId}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, new RegExp(vouchers[0]!.code), `${role} does not see whole codes`);
    assert.match(page.text, new RegExp(`•{5}${vouchers[0]!.code.slice(-3)}`));
    assert.doesNotMatch(page.text, /\/print"/);
    assert.doesNotMatch(page.text, /\/csv\?/);
    for (const path of ['/admin/vouchers/new', `/admin/vouchers/batches/${batchId}/csv`, `/admin/vouchers/batches/${batchId}/print`]) {
      assert.equal((await client.get(path)).status, 403, `${role} GET ${path}`);
    }
    assert.equal((await client.post('/admin/vouchers', FORM)).status, 403, `${role} creates nothing`);
    assert.equal((await client.post(`/admin/vouchers/batches/${batchId}/sell`, { count: '1' })).status, 403, `${role} sells nothing`);
  }
  assert.equal(Number((await web.c.db('vouchers').where({ batch_id: batchId, status: 'sold' }).count({ n: '*' }).first())!.n), 0);
  assert.equal(Number((await web.c.db('voucher_batches').count({ n: '*' }).first())!.n), batchesBefore, 'no batch created');

  const signedOut = adminClient(web.baseUrl);
  for (const path of ['/admin/vouchers', `/admin/vouchers/batches/${batchId}`, `/admin/vouchers/batches/${batchId}/print`]) {
    assert.match((await signedOut.get(path)).location ?? '', /^\/admin\/login/, path);
  }
  const post = await signedOut.post('/admin/vouchers', { ...FORM, _csrf: null });
  assert.match(post.location ?? '', /^\/admin\/login/);
});

test('the batch list as CSV: one line per batch with its counts by status, no codes; viewers may export it', async () => {
  const { batchId, vouchers } = await createVoucherBatch(web.c.db, { name: 'Csv batch', codes: ['CSVAAAAA', 'CSVBBBBB', 'CSVCCCCC'] });
  await web.c.db('vouchers').where({ id: vouchers[0]!.id }).update({ status: 'sold', sold_at: new Date() });
  const { client } = await signedIn('viewer');
  const csv = await client.get('/admin/vouchers.csv');
  assert.equal(csv.status, 200);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.match(lines[0]!, /^batch,created_at,.*,quantity,unused,sold,active,used,expired$/);
  const row = lines.find((l) => l.startsWith('Csv batch,'));
  assert.ok(row, `batch ${batchId} listed`);
  assert.match(row, /,2,1,0,0,0$/, 'two unused, one sold');
  assert.doesNotMatch(csv.text, /CSVAAAAA|CSVBBBBB/, 'codes are not in the batch list');
});
