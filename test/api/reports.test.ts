/**
 * /api/v1/reports against the web role and a real database: the figures of the console's report
 * screens from the same queries (billing/reports/): revenue by month and plan with totals, churn,
 * receivables aging, the day's income, top usage; the ISP's time zone (Asia/Jakarta, UTC+7)
 * decides the month of a payment; bad ranges are 422 problem+json; reports.view decides (a
 * viewer holds no revenue figures).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { api, tokenFor } from '../helpers/api-client.js';
import { createCustomer, createPlan, createSubscription } from '../helpers/factories.js';
import { insertInvoice, insertPayment, insertUsage } from '../helpers/reports-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let customerId: number;
let planId: number;
let subscriptionId: number;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-08T03:00:00Z'), env: { API_RATE_LIMIT_PER_MINUTE: '1000', ISP_TIME_ZONE: 'Asia/Jakarta' } });
  customerId = (await createCustomer(web.c.db, { name: 'Report Customer' })).id;
  planId = (await createPlan(web.c.db, { name: 'Rumah 10M' })).id;
  subscriptionId = (await createSubscription(web.c.db, { customerId, planId })).id;
  await insertInvoice(web.c.db, { customerId, issueDate: '2026-11-05', dueDate: '2026-11-10', taxAmount: 11_000, lines: [{ amount: 100_000, planId }] });
  await insertInvoice(web.c.db, { customerId, issueDate: '2026-10-05', status: 'paid', lines: [{ amount: 50_000 }] });
  await insertPayment(web.c.db, { customerId, amount: 50_000, settledAt: '2026-10-31T17:30:00Z' }); // 1 Nov 00:30 WIB: November
  await insertPayment(web.c.db, { customerId, amount: 20_000, settledAt: '2026-12-08T01:00:00Z' }); // today 08:00 WIB
  await insertUsage(web.c.db, subscriptionId, '2026-12-01', 3_000_000, 1_000_000);
});
after(async () => {
  await web?.stop();
});

test('revenue: per month and per plan, with totals, months in the ISP time zone', async () => {
  const { token } = await tokenFor(web.c.db, 'cashier');
  const res = await api(web.baseUrl, token, 'GET', '/reports/revenue?from=2026-10&to=2026-11');
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.equal(res.json.from, '2026-10');
  assert.deepEqual(res.json.months.map((m: Record<string, unknown>) => [m.month, m.invoices, m.subtotal, m.tax, m.invoiced, m.payments, m.received]), [
    ['2026-10', 1, 50_000, 0, 50_000, 0, 0],
    ['2026-11', 1, 100_000, 11_000, 111_000, 1, 50_000],
  ]);
  assert.deepEqual(res.json.totals, { invoices: 2, subtotal: 150_000, tax: 11_000, invoiced: 161_000, payments: 1, received: 50_000 });
  assert.deepEqual(res.json.by_plan.map((p: Record<string, unknown>) => [p.plan_name, p.amount]), [['Rumah 10M', 100_000], [null, 50_000]]);
});

test('churn, aging, daily income and usage answer the screens\' figures', async () => {
  const { token } = await tokenFor(web.c.db, 'admin');
  const churn = await api(web.baseUrl, token, 'GET', '/reports/churn?from=2026-11&to=2026-12');
  assert.equal(churn.status, 200, JSON.stringify(churn.json));
  assert.deepEqual(churn.json.months.map((m: { month: string }) => m.month), ['2026-11', '2026-12']);

  const aging = await api(web.baseUrl, token, 'GET', '/reports/aging');
  assert.equal(aging.status, 200, JSON.stringify(aging.json));
  assert.equal(aging.json.today, '2026-12-08');
  const row = aging.json.rows.find((r: { customer_id: number }) => r.customer_id === customerId);
  assert.equal(row.total, 111_000);
  assert.equal(row.d0_30, 111_000, '28 days past due on 8 December');

  const daily = await api(web.baseUrl, token, 'GET', '/reports/daily-income');
  assert.equal(daily.status, 200, JSON.stringify(daily.json));
  assert.equal(daily.json.day, '2026-12-08');
  assert.equal(daily.json.total, 20_000);
  assert.deepEqual(daily.json.by_method.find((m: { method: string }) => m.method === 'cash'), { method: 'cash', payments: 1, amount: 20_000 });
  assert.equal(daily.json.payments[0].customer_name, 'Report Customer');
  assert.equal((await api(web.baseUrl, token, 'GET', '/reports/daily-income?day=2026-11-01')).json.total, 50_000);

  const usage = await api(web.baseUrl, token, 'GET', '/reports/usage?from=2026-12-01&to=2026-12-07&limit=10');
  assert.equal(usage.status, 200, JSON.stringify(usage.json));
  assert.deepEqual(usage.json.rows.map((u: Record<string, unknown>) => [u.subscription_id, u.download, u.upload, u.total]), [[subscriptionId, 3_000_000, 1_000_000, 4_000_000]]);
});

test('bad ranges are 422 problem+json; a viewer lacks reports.view', async () => {
  const { token } = await tokenFor(web.c.db, 'admin');
  const reversed = await api(web.baseUrl, token, 'GET', '/reports/revenue?from=2026-12&to=2026-01');
  assert.equal(reversed.status, 422);
  assert.equal(reversed.json.errors[0].pointer, '#/query/from');
  const format = await api(web.baseUrl, token, 'GET', '/reports/churn?from=2026-13');
  assert.equal(format.status, 422);
  assert.match(format.headers.get('content-type') ?? '', /problem\+json/);
  assert.equal((await api(web.baseUrl, token, 'GET', '/reports/revenue?from=2000-01&to=2026-01')).status, 422, 'over 120 months');
  assert.equal((await api(web.baseUrl, token, 'GET', '/reports/usage?from=2025-01-01&to=2026-12-01')).status, 422, 'over 366 days');
  assert.equal((await api(web.baseUrl, token, 'GET', '/reports/usage?limit=7')).status, 422);
  assert.equal((await api(web.baseUrl, token, 'GET', '/reports/daily-income?day=2026-02-30')).status, 422);
  const viewer = await tokenFor(web.c.db, 'viewer');
  assert.equal((await api(web.baseUrl, viewer.token, 'GET', '/reports/revenue')).status, 403);
});
