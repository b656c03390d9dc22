/**
 * The dashboard against the real database with sessions, payments and invoices of known times:
 * the figures, router health (reporting, stale after two interim intervals of silence, never
 * heard from), sessions online at each quarter hour of the last 24 hours, payments received per
 * month over 12 months in the ISP time zone (Asia/Jakarta, UTC+7); Chart.js served by us and
 * loaded by the page; and, in Chromium, both charts drawn from the page's data without a script
 * error.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { openBrowser, screenshot, until } from '../helpers/browser.js';
import { createCustomer, createNas, createStaff, createSubscription } from '../helpers/factories.js';
import { insertInvoice, insertPayment, insertSession, rowCells } from '../helpers/reports-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

// 10:07 in Jakarta on 21 November 2026; the last quarter-hour mark is 10:00 (03:00 UTC).
const clock = settableClock('2026-11-21T03:07:00Z');
let web: WebServer;
let admin: AdminClient;
let session: { name: string; value: string };

before(async () => {
  web = await startWebServer({ clock });
  const { db } = web.c;
  const ok = await createNas(db, { name: 'A Pusat', ipAddress: '10.1.0.1' });
  await createNas(db, { name: 'B Gudang', ipAddress: '10.1.0.2' });
  await createNas(db, { name: 'C Baru', ipAddress: '10.1.0.3' });
  await createNas(db, { name: 'D Sunyi', ipAddress: '10.1.0.4' });
  const [s1, s2, s3] = await Promise.all([1, 2, 3].map(() => createSubscription(db)));
  await createSubscription(db, { status: 'suspended' });
  // A: online since before the window, last interim 2 minutes ago. E: started after the last mark.
  await insertSession(db, { nasIp: ok.ipAddress, subscriptionId: s1!.id, start: '2026-11-19T00:00:00Z', update: '2026-11-21T03:05:00Z' });
  await insertSession(db, { nasIp: ok.ipAddress, subscriptionId: s2!.id, start: '2026-11-21T03:05:00Z' });
  // B Gudang: its last session stopped 47 minutes ago; C exactly on two marks; D before the window.
  await insertSession(db, { nasIp: '10.1.0.2', start: '2026-11-21T01:10:00Z', stop: '2026-11-21T02:20:00Z' });
  await insertSession(db, { nasIp: '10.1.0.2', start: '2026-11-20T10:00:00Z', stop: '2026-11-20T10:15:00Z' });
  await insertSession(db, { nasIp: '10.1.0.2', start: '2026-11-20T01:00:00Z', stop: '2026-11-20T02:00:00Z' });
  // D Sunyi: a session still open, but nothing from it for 27 minutes.
  await insertSession(db, { nasIp: '10.1.0.4', subscriptionId: s3!.id, start: '2026-11-21T00:00:00Z', update: '2026-11-21T02:40:00Z' });

  const customer = await createCustomer(db);
  const pay = (settledAt: string, amount: number) => insertPayment(db, { customerId: customer.id, amount, settledAt });
  await pay('2026-11-05T03:00:00Z', 150_000);
  await pay('2026-10-31T17:30:00Z', 100_000); // 1 Nov 00:30 WIB: this month
  await pay('2026-10-31T16:59:00Z', 70_000); // 31 Oct 23:59 WIB: last month
  await pay('2025-11-30T17:00:00Z', 20_000); // 1 Dec 2025 00:00 WIB: the first of the 12 months
  await pay('2025-11-30T16:59:00Z', 9_000); // November 2025: before them
  await insertInvoice(db, { customerId: customer.id, issueDate: '2026-10-01', dueDate: '2026-10-11', status: 'overdue', lines: [{ amount: 100_000 }] });
  await insertInvoice(db, { customerId: customer.id, issueDate: '2026-11-18', dueDate: '2026-11-25', lines: [{ amount: 120_000 }] });

  const staff = await createStaff(db, { role: 'viewer' });
  admin = adminClient(web.baseUrl);
  const signIn = await admin.signIn(staff.username, staff.password);
  assert.equal(signIn.status, 302);
  const [name, value] = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('isp_staff='))!.split('=') as [string, string];
  session = { name, value };
});
after(async () => {
  await web.stop();
});

const decode = (s: string): string => s.replace(/&(#x([0-9a-f]+)|quot|amp|lt|gt);/gi, (_m, name: string, hex?: string) =>
  (hex ? String.fromCharCode(parseInt(hex, 16)) : ({ quot: '"', amp: '&', lt: '<', gt: '>' } as Record<string, string>)[name.toLowerCase()]!));

test('the figures: online now, subscriptions by status, overdue customers, revenue this and last month in Jakarta time, due this week', async () => {
  const res = await admin.get('/admin');
  assert.equal(res.status, 200);
  const figure = (name: string): string => new RegExp(`data-figure="${name}">([^<]*)<`).exec(res.text)?.[1] ?? '';
  assert.equal(figure('online'), '3', 'subscriptions with an open session');
  assert.equal(figure('active'), '3');
  assert.equal(figure('suspended'), '1');
  assert.equal(figure('overdue'), '1');
  assert.equal(figure('revenue-this-month'), 'Rp 250.000', 'a payment at 00:30 on 1 November in Jakarta is November\'s');
  assert.equal(figure('revenue-last-month'), 'Rp 70.000');
  assert.equal(figure('due-this-week'), '1');
  assert.match(res.text, /Due in 7 days: Rp 120\.000/);
});

test('router health: reporting, stale after more than two interim intervals of silence (open sessions or not), never heard from', async () => {
  const res = await admin.get('/admin');
  const state = (ip: string): string => new RegExp(`<tr data-nas="${ip.replace(/\./g, '\\.')}" data-state="(\\w+)"`).exec(res.text)?.[1] ?? '';
  assert.equal(state('10.1.0.1'), 'ok');
  assert.equal(state('10.1.0.2'), 'stale', 'its last stop was 47 minutes ago');
  assert.equal(state('10.1.0.3'), 'never');
  assert.equal(state('10.1.0.4'), 'stale', 'an open session with no interim for 27 minutes');
  assert.deepEqual(rowCells(res.text, 'data-nas="10.1.0.1"'), ['A Pusat', '10.1.0.1', '2', '21/11/2026, 10.05', 'Reporting']);
  assert.deepEqual(rowCells(res.text, 'data-nas="10.1.0.2"'), ['B Gudang', '10.1.0.2', '0', '21/11/2026, 09.20', 'Stale']);
  assert.deepEqual(rowCells(res.text, 'data-nas="10.1.0.3"'), ['C Baru', '10.1.0.3', '0', 'never', 'No accounting yet']);
  assert.deepEqual(rowCells(res.text, 'data-nas="10.1.0.4"'), ['D Sunyi', '10.1.0.4', '1', '21/11/2026, 09.40', 'Stale']);
  const order = [...res.text.matchAll(/<tr data-nas="([\d.]+)"/g)].map((m) => m[1]);
  assert.deepEqual(order, ['10.1.0.2', '10.1.0.3', '10.1.0.4', '10.1.0.1'], 'the ones needing a look first');
  assert.match(res.text, /more than two interim intervals: 10 minutes/);
});

test('online sessions at each quarter hour of the last 24 hours, and payments received in each of the last 12 months', async () => {
  const res = await admin.get('/admin');
  const online = [...res.text.matchAll(/<tr data-at="(\d\d:\d\d)"><td>[^<]*<\/td><td class="num">(\d+)<\/td>/g)].map((m) => [m[1]!, Number(m[2])] as const);
  assert.equal(online.length, 96);
  assert.deepEqual(online[0], ['10:15', 1], 'from 10:15 yesterday (Jakarta)');
  assert.deepEqual(online.at(-1), ['10:00', 2], 'to 10:00 today: the session started at 10:05 is not in yet');
  const at = new Map(online);
  // A throughout; C on [17:00, 17:15); D Sunyi's from 07:00; B on [08:10, 09:20).
  assert.deepEqual(['16:45', '17:00', '17:15', '06:45', '07:00', '08:00', '08:15', '09:15', '09:30'].map((t) => at.get(t)), [1, 2, 1, 1, 2, 2, 3, 3, 2]);

  const revenue = [...res.text.matchAll(/<tr data-month="(\d{4}-\d\d)"><td>([^<]*)<\/td><td class="num">([^<]*)<\/td>/g)].map((m) => [m[1], m[2], m[3]]);
  assert.equal(revenue.length, 12);
  assert.deepEqual(revenue[0], ['2025-12', 'Dec 2025', 'Rp 20.000'], 'from December 2025 (a payment at 00:00 on the 1st in Jakarta)');
  assert.deepEqual(revenue.slice(-2), [['2026-10', 'Oct 2026', 'Rp 70.000'], ['2026-11', 'Nov 2026', 'Rp 250.000']]);
  assert.equal(revenue.filter((m) => m[2] === 'Rp 0').length, 9);

  // The same figures, as JSON in the canvases' data-chart attributes (no script carries data).
  const charts = [...res.text.matchAll(/<canvas data-chart="([^"]*)"/g)].map((m) => JSON.parse(decode(m[1]!)) as { type: string; labels: string[]; series: Array<{ label: string; data: number[] }>; money?: boolean });
  assert.equal(charts.length, 2);
  assert.deepEqual(charts[0]!.labels, online.map((p) => p[0]));
  assert.deepEqual(charts[0]!.series[0]!.data, online.map((p) => p[1]));
  assert.equal(charts[1]!.money, true);
  assert.deepEqual(charts[1]!.series[0]!.data.slice(-3), [0, 70_000, 250_000]);
  assert.doesNotMatch(res.text, /<script>|<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
});

test('Chart.js is loaded from our own server, only on the pages with charts, and that URL serves JavaScript', async () => {
  const res = await admin.get('/admin');
  assert.match(res.text, /<script src="\/static\/vendor\/chartjs\/chart\.umd\.min\.js" defer><\/script>\s*<script src="\/static\/admin-charts\.js" defer><\/script>/);
  assert.doesNotMatch(res.text, /(src|href)="(https?:)?\/\//, 'nothing from another host');
  for (const path of ['/static/vendor/chartjs/chart.umd.min.js', '/static/admin-charts.js']) {
    const js = await fetch(`${web.baseUrl}${path}`);
    assert.equal(js.status, 200, path);
    assert.match(js.headers.get('content-type') ?? '', /javascript/, path);
    assert.match(await js.text(), /Chart/, path);
  }
  assert.doesNotMatch((await admin.get('/admin/customers')).text, /chart\.umd\.min\.js/, 'not on a page without charts');
});

test('in Chromium both charts are drawn from the page\'s data, with no script error', async () => {
  const browser = await openBrowser();
  try {
    const { page, errors } = await browser.journey();
    await browser.context.addCookies([{ ...session, url: web.baseUrl }]);
    await page.goto(`${web.baseUrl}/admin`);
    // What Chart.js holds for each canvas (a string: this file is typed for Node, not the DOM).
    const drawn = (): Promise<number[][]> =>
      page.evaluate<number[][]>(`[...document.querySelectorAll('canvas[data-chart]')].map((c) => window.Chart?.getChart(c)?.data.datasets[0]?.data ?? [])`);
    await until('both charts are drawn', async () => (await drawn()).filter((d) => d.length).length === 2);
    const [online, revenue] = await drawn();
    assert.equal(online!.length, 96);
    assert.deepEqual(revenue!.slice(-2), [70_000, 250_000]);
    await screenshot(page, 'dashboard-charts');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
