/**
 * The console's reports over HTTP against the real database, with rows of known dates and
 * amounts: receivables aging buckets (invoices due 10, 45, 75 and 120 days ago and the bucket
 * edges), revenue by month with payments either side of a month boundary in the ISP time zone
 * (Asia/Jakarta, UTC+7) and by plan, churn per month with its integer rate, top usage in order;
 * each page, its CSV (header and rows), and who may see them (admin and cashier; a technician
 * and a viewer get 403).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays } from '../../billing/plans/billing-period.js';
import { settableClock } from '../../lib/clock.js';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { createCustomer, createPlan, createStaff, createSubscription } from '../helpers/factories.js';
import { insertInvoice, insertPayment, insertUsage, rowCells, setLifetime } from '../helpers/reports-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

// 10:00 in Jakarta on Saturday 21 November 2026.
const clock = settableClock('2026-11-21T03:00:00Z');
const TODAY = '2026-11-21';
let web: WebServer;

before(async () => {
  web = await startWebServer({ clock });
});
after(async () => {
  await web.stop();
});

async function signedIn(role: 'admin' | 'cashier' | 'technician' | 'viewer', locale: 'id' | 'en' = 'en'): Promise<AdminClient> {
  const staff = await createStaff(web.c.db, { role, locale });
  const client = adminClient(web.baseUrl);
  assert.equal((await client.signIn(staff.username, staff.password)).status, 302, `sign-in as ${role}`);
  return client;
}

/** CSV lines (the body as the browser saves it, without the byte-order mark). */
const csvLines = (text: string): string[] => text.replace(/^\uFEFF/, '').trimEnd().split(/\r?\n/);

test('aging: open amounts land in not yet due, 0–30, 31–60, 61–90 and over 90 days past due, with totals, pages and a CSV', async () => {
  const a = await createCustomer(web.c.db, { name: 'Aging Ani', phone: '081200000001' });
  const b = await createCustomer(web.c.db, { name: 'Aging Bayu', phone: '081200000002' });
  const due = (daysAgo: number): { issueDate: string; dueDate: string } => ({ issueDate: addDays(TODAY, -daysAgo - 10), dueDate: addDays(TODAY, -daysAgo) });
  await insertInvoice(web.c.db, { customerId: a.id, ...due(10), lines: [{ amount: 100_000 }] });
  await insertInvoice(web.c.db, { customerId: a.id, ...due(45), status: 'partially_paid', amountPaid: 50_000, lines: [{ amount: 250_000 }] });
  await insertInvoice(web.c.db, { customerId: a.id, ...due(75), status: 'overdue', lines: [{ amount: 300_000 }] });
  await insertInvoice(web.c.db, { customerId: a.id, ...due(120), status: 'overdue', lines: [{ amount: 400_000 }] });
  await insertInvoice(web.c.db, { customerId: a.id, ...due(-5), lines: [{ amount: 50_000 }] });
  await insertInvoice(web.c.db, { customerId: a.id, ...due(20), status: 'paid', lines: [{ amount: 77_000 }] });
  await insertInvoice(web.c.db, { customerId: a.id, ...due(40), status: 'void', lines: [{ amount: 88_000 }] });
  // The edges: due today is 0 days past due; 30 | 31, 90 | 91.
  for (const [daysAgo, amount] of [[0, 5_000], [30, 10_000], [31, 20_000], [90, 30_000], [91, 40_000]] as const) {
    await insertInvoice(web.c.db, { customerId: b.id, ...due(daysAgo), status: daysAgo ? 'overdue' : 'open', lines: [{ amount }] });
  }
  // 30 more customers owing Rp 1.000 each, 5 days past due: a second page.
  for (let i = 0; i < 30; i++) {
    const c = await createCustomer(web.c.db, { name: `Aging Extra ${String(i).padStart(2, '0')}` });
    await insertInvoice(web.c.db, { customerId: c.id, ...due(5), lines: [{ amount: 1_000 }] });
  }

  const admin = await signedIn('admin');
  const page1 = await admin.get('/admin/reports/aging');
  assert.equal(page1.status, 200);
  // Customers, open invoices, not yet due, 0–30, 31–60, 61–90, over 90, total.
  assert.deepEqual(rowCells(page1.text, 'data-totals'), ['32', '40', 'Rp 50.000', 'Rp 145.000', 'Rp 220.000', 'Rp 330.000', 'Rp 440.000', 'Rp 1.185.000']);
  const rowsOf = (html: string): string[] => [...html.matchAll(/<tr data-customer="(\d+)"/g)].map((m) => m[1]!);
  const first = rowsOf(page1.text);
  assert.equal(first.length, 25, 'a page holds 25 customers');
  assert.deepEqual(first.slice(0, 2), [String(a.id), String(b.id)], 'the most past due first');
  assert.deepEqual(rowCells(page1.text, `data-customer="${a.id}"`), [a.customerNumber, 'Aging Ani', '5', 'Rp 50.000', 'Rp 100.000', 'Rp 200.000', 'Rp 300.000', 'Rp 400.000', 'Rp 1.050.000']);
  assert.match(page1.text, /Page 1 \/ 2/);
  const page2 = await admin.get('/admin/reports/aging?page=2');
  assert.equal(rowsOf(page2.text).length, 7);
  assert.equal(new Set([...first, ...rowsOf(page2.text)]).size, 32, 'every customer once over the two pages');

  const csv = await admin.get('/admin/reports/aging.csv');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
  assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="receivables-aging-2026-11-21\.csv"/);
  const lines = csvLines(csv.text);
  assert.equal(lines[0], 'customer_number,name,phone,invoices,not_due,days_0_30,days_31_60,days_61_90,days_over_90,total,oldest_days_past_due');
  assert.equal(lines.length, 33, 'a header and every customer who owes');
  assert.equal(lines[1], `${a.customerNumber},Aging Ani,081200000001,5,50000,100000,200000,300000,400000,1050000,120`, 'customer order');
  assert.equal(lines[2], `${b.customerNumber},Aging Bayu,081200000002,5,0,15000,20000,30000,40000,105000,91`);
});

test('revenue: invoiced, tax and received per month in Jakarta time, a payment at 00:30 on the 1st in the new month; invoiced per plan; CSVs', async () => {
  const customer = await createCustomer(web.c.db, { name: 'Revenue Rina' });
  const home = await createPlan(web.c.db, { name: 'Rumah 10M', price: 100_000 });
  const business = await createPlan(web.c.db, { name: 'Bisnis 50M', price: 150_000 });
  const inv = (issueDate: string, lines: Array<{ amount: number; planId?: number }>, over: { status?: 'paid' | 'void' | 'draft'; taxAmount?: number } = {}) =>
    insertInvoice(web.c.db, { customerId: customer.id, issueDate, status: over.status ?? 'paid', taxAmount: over.taxAmount, lines });
  await inv('2025-01-15', [{ amount: 100_000, planId: home.id }], { taxAmount: 11_000 });
  await inv('2025-02-01', [{ amount: 150_000, planId: business.id }, { amount: 50_000 }], { taxAmount: 22_000 });
  await inv('2025-01-20', [{ amount: 999_000, planId: home.id }], { status: 'void' });
  await inv('2025-01-21', [{ amount: 888_000, planId: home.id }], { status: 'draft' });
  await inv('2024-12-31', [{ amount: 70_000, planId: home.id }]);
  await inv('2025-03-01', [{ amount: 60_000, planId: home.id }]);
  const pay = (settledAt: string, amount: number, status?: 'pending') => insertPayment(web.c.db, { customerId: customer.id, amount, settledAt, status });
  await pay('2024-12-31T17:00:00Z', 111_000); // 1 Jan 00:00 WIB: January
  await pay('2025-01-31T16:59:00Z', 50_000); // 31 Jan 23:59 WIB: January
  await pay('2025-01-31T17:30:00Z', 172_000); // 1 Feb 00:30 WIB (still 31 January in UTC): February
  await pay('2024-12-31T16:59:59Z', 7_000); // 31 Dec 23:59:59 WIB: before the range
  await pay('2025-02-28T17:00:00Z', 9_000); // 1 Mar 00:00 WIB: after the range
  await pay('2025-01-10T03:00:00Z', 5_000, 'pending'); // not received

  const admin = await signedIn('admin');
  const res = await admin.get('/admin/reports/revenue?from=2025-01&to=2025-02');
  assert.equal(res.status, 200);
  const month = (m: string): string[] => rowCells(res.text, `data-month="${m}"`);
  assert.deepEqual(month('2025-01'), ['Jan 2025', '1', 'Rp 100.000', 'Rp 11.000', 'Rp 111.000', '2', 'Rp 161.000']);
  assert.deepEqual(month('2025-02'), ['Feb 2025', '1', 'Rp 200.000', 'Rp 22.000', 'Rp 222.000', '1', 'Rp 172.000']);
  assert.deepEqual(month('total'), ['Total', '2', 'Rp 300.000', 'Rp 33.000', 'Rp 333.000', '3', 'Rp 333.000']);
  const plans = [...res.text.matchAll(/<tr data-plan="(\w+)"/g)].map((m) => [m[1], ...rowCells(res.text, `data-plan="${m[1]}"`)]);
  assert.deepEqual(plans, [
    [String(business.id), 'Bisnis 50M', '1', 'Rp 150.000'],
    [String(home.id), 'Rumah 10M', '1', 'Rp 100.000'],
    ['other', 'Other lines (one-off charges, discounts, late fees)', '1', 'Rp 50.000'],
  ], 'largest plan first, lines without a plan last; together the months\' subtotal');
  assert.match(res.text, /<canvas data-chart="[^"]*Invoiced/, 'the chart of invoiced against received');
  assert.match(res.text, /<script src="\/static\/vendor\/chartjs\/chart\.umd\.min\.js" defer><\/script>/);

  const csv = await admin.get('/admin/reports/revenue.csv?from=2025-01&to=2025-02');
  assert.match(csv.headers.get('content-disposition') ?? '', /filename="revenue-2025-01-2025-02\.csv"/);
  assert.deepEqual(csvLines(csv.text), [
    'month,invoices,subtotal,tax,invoiced,payments,received',
    '2025-01,1,100000,11000,111000,2,161000',
    '2025-02,1,200000,22000,222000,1,172000',
  ]);
  assert.deepEqual(csvLines((await admin.get('/admin/reports/revenue-plans.csv?from=2025-01&to=2025-02')).text), [
    'plan,lines,amount_before_tax',
    'Bisnis 50M,1,150000',
    'Rumah 10M,1,100000',
    '"Other lines (one-off charges, discounts, late fees)",1,50000',
  ]);

  const defaults = await admin.get('/admin/reports/revenue');
  assert.match(defaults.text, /name="from" value="2026-01"/, 'this year by default');
  assert.match(defaults.text, /name="to" value="2026-11"/);
  const reversed = await admin.get('/admin/reports/revenue?from=2025-02&to=2025-01');
  assert.match(reversed.text, /name="from" value="2025-01"/, 'reversed bounds are swapped');
  assert.match((await admin.get('/admin/reports/revenue?from=2025-13&to=junk')).text, /name="from" value="2026-01"/, 'a malformed month falls back to the default');
});

test('churn: in service at the start, new and terminated per month in Jakarta time, and the rate rounded half up in integers', async () => {
  const sub = async (started: string, terminated?: string): Promise<void> => setLifetime(web.c.db, (await createSubscription(web.c.db)).id, started, terminated);
  await sub('2023-06-01T00:00:00Z'); // in service throughout
  await sub('2023-05-01T00:00:00Z', '2024-01-31T17:30:00Z'); // terminated 1 Feb 00:30 WIB: February
  await sub('2023-07-01T00:00:00Z', '2024-01-10T05:00:00Z'); // terminated in January
  await sub('2024-02-10T05:00:00Z', '2024-03-05T05:00:00Z'); // new in February, terminated in March
  await sub('2023-01-01T00:00:00Z', '2023-12-15T05:00:00Z'); // gone before the range
  await sub('2023-12-31T17:30:00Z', '2024-03-31T16:59:59Z'); // new 1 Jan 00:30 WIB; terminated 31 Mar 23:59:59 WIB

  const admin = await signedIn('admin');
  const res = await admin.get('/admin/reports/churn?from=2024-01&to=2024-03');
  assert.equal(res.status, 200);
  // In service at the start, new, terminated, rate.
  const row = (m: string): string[] => rowCells(res.text, `data-month="${m}"`).slice(1);
  assert.deepEqual(row('2024-01'), ['3', '1', '1', '33.33 %']);
  assert.deepEqual(row('2024-02'), ['3', '1', '1', '33.33 %']);
  assert.deepEqual(row('2024-03'), ['3', '0', '2', '66.67 %'], '2 ÷ 3 = 66.666… rounds up');

  const csv = await admin.get('/admin/reports/churn.csv?from=2024-01&to=2024-03');
  assert.deepEqual(csvLines(csv.text), [
    'month,active_at_start,new,terminated,churn_rate_percent',
    '2024-01,3,1,1,33.33',
    '2024-02,3,1,1,33.33',
    '2024-03,3,0,2,66.67',
  ]);
  const empty = await admin.get('/admin/reports/churn?from=2020-01&to=2020-01');
  assert.equal(rowCells(empty.text, 'data-month="2020-01"')[4], '–', 'no rate without anyone in service');

  const kasir = await signedIn('cashier', 'id');
  const id = await kasir.get('/admin/reports/churn?from=2024-03&to=2024-03');
  assert.equal(id.status, 200);
  assert.equal(rowCells(id.text, 'data-month="2024-03"')[4], '66,67 %', 'a decimal comma in Indonesian');
  assert.match(id.text, /Mar 2024/);
});

test('top usage: the heaviest subscriptions, or customers with their subscriptions together, over the chosen days only', async () => {
  const x = await createCustomer(web.c.db, { name: 'Usage Xena' });
  const y = await createCustomer(web.c.db, { name: 'Usage Yoga' });
  const plan = await createPlan(web.c.db, { name: 'Usage Plan' });
  const u1 = await createSubscription(web.c.db, { customerId: x.id, planId: plan.id, username: 'usage-x1' });
  const u2 = await createSubscription(web.c.db, { customerId: x.id, planId: plan.id, username: 'usage-x2' });
  const u3 = await createSubscription(web.c.db, { customerId: y.id, planId: plan.id, username: 'usage-y1' });
  const G = 1_000_000_000;
  await insertUsage(web.c.db, u1.id, '2026-10-01', 5 * G, 1 * G);
  await insertUsage(web.c.db, u1.id, '2026-10-05', 1 * G, 0);
  await insertUsage(web.c.db, u2.id, '2026-10-10', 6 * G, G / 2);
  await insertUsage(web.c.db, u2.id, '2026-10-11', 100 * G, 0); // the day after the range
  await insertUsage(web.c.db, u3.id, '2026-09-30', 50 * G, 0); // the day before
  await insertUsage(web.c.db, u3.id, '2026-10-03', 7 * G, 1 * G);

  const admin = await signedIn('admin');
  const range = 'from=2026-10-01&to=2026-10-10';
  const bySub = await admin.get(`/admin/reports/usage?${range}`);
  assert.equal(bySub.status, 200);
  const ranked = (html: string): Array<{ customer: string; subscription?: string }> =>
    [...html.matchAll(/<tr data-rank="\d+" data-customer="(\d+)"(?: data-subscription="(\d+)")?>/g)].map((m) => ({ customer: m[1]!, subscription: m[2] }));
  assert.deepEqual(ranked(bySub.text).map((r) => r.subscription), [u3.id, u1.id, u2.id].map(String));
  assert.deepEqual([...bySub.text.matchAll(/data-bytes="(\d+)"/g)].map((m) => Number(m[1])), [8 * G, 7 * G, 6.5 * G]);
  const byCustomer = await admin.get(`/admin/reports/usage?${range}&by=customer`);
  assert.deepEqual(ranked(byCustomer.text).map((r) => r.customer), [x.id, y.id].map(String), 'Xena\'s two subscriptions together outweigh Yoga\'s one');
  assert.deepEqual([...byCustomer.text.matchAll(/data-bytes="(\d+)"/g)].map((m) => Number(m[1])), [13.5 * G, 8 * G]);

  const csv = await admin.get(`/admin/reports/usage.csv?${range}&limit=10`);
  assert.match(csv.headers.get('content-disposition') ?? '', /filename="top-usage-subscription-2026-10-01-2026-10-10\.csv"/);
  assert.deepEqual(csvLines(csv.text), [
    'rank,customer_number,customer_name,username,plan,subscriptions,download_bytes,upload_bytes,total_bytes',
    `1,${y.customerNumber},Usage Yoga,usage-y1,Usage Plan,1,7000000000,1000000000,8000000000`,
    `2,${x.customerNumber},Usage Xena,usage-x1,Usage Plan,1,6000000000,1000000000,7000000000`,
    `3,${x.customerNumber},Usage Xena,usage-x2,Usage Plan,1,6000000000,500000000,6500000000`,
  ]);
  assert.deepEqual(csvLines((await admin.get(`/admin/reports/usage.csv?${range}&by=customer`)).text).slice(1), [
    `1,${x.customerNumber},Usage Xena,,,2,12000000000,1500000000,13500000000`,
    `2,${y.customerNumber},Usage Yoga,,,1,7000000000,1000000000,8000000000`,
  ]);
  const defaults = await admin.get('/admin/reports/usage');
  assert.match(defaults.text, /name="from" value="2026-10-23"/, 'the last 30 days by default, today included');
  assert.match(defaults.text, /name="to" value="2026-11-21"/);
});

test('reports are for admins and cashiers: a technician and a viewer get 403 on every page and CSV, and no menu entry', async () => {
  const paths = [
    '/admin/reports', '/admin/reports/revenue', '/admin/reports/revenue.csv', '/admin/reports/revenue-plans.csv',
    '/admin/reports/aging', '/admin/reports/aging.csv', '/admin/reports/churn', '/admin/reports/churn.csv',
    '/admin/reports/usage', '/admin/reports/usage.csv',
  ];
  for (const role of ['technician', 'viewer'] as const) {
    const client = await signedIn(role);
    assert.doesNotMatch((await client.get('/admin')).text, /href="\/admin\/reports"/, `no Reports menu entry for a ${role}`);
    for (const path of paths) assert.equal((await client.get(path)).status, 403, `${role} ${path}`);
  }
  for (const role of ['admin', 'cashier'] as const) {
    const client = await signedIn(role);
    const index = await client.get('/admin/reports');
    assert.match(index.text, /href="\/admin\/reports\/aging"/);
    for (const path of paths) assert.equal((await client.get(path)).status, 200, `${role} ${path}`);
  }
});
