/**
 * The Content-Security-Policy (lib/http/security-headers.ts) in Debian's chromium: the pages that
 * run scripts — the dashboard's charts, htmx's live customer search, the print pages' print
 * button, the hotspot login script — work under it, and the browser reports no violation.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { openBrowser, signInToConsole, until, type TestBrowser } from '../helpers/browser.js';
import { createNas, createPlan, createStaff } from '../helpers/factories.js';
import { billedCustomer } from '../helpers/invoices-fixtures.js';
import { createVoucherBatch } from '../helpers/vouchers-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let browser: TestBrowser;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-11-21T03:00:00Z') });
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  await web?.stop();
});

test('console, print and hotspot pages run their scripts under the policy without a single violation', async () => {
  const { db } = web.c;
  const staff = await createStaff(db, { role: 'admin', locale: 'en' });
  const plan = await createPlan(db, { name: 'Rumahan 10', price: 150_000 });
  const { invoices: [invoice] } = await billedCustomer(db, web.engine, { planId: plan.id, startDate: '2026-11-01', name: 'Budi Santoso' });
  const { batchId } = await createVoucherBatch(db, { quantity: 2 });
  await createNas(db, { ipAddress: '10.9.0.1' });

  const j = await browser.journey();
  const violations: string[] = [];
  j.page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  try {
    const { page } = j;
    await signInToConsole(page, web.baseUrl, staff.username, staff.password);
    await until('the dashboard charts are drawn', async () => (await page.locator('canvas').count()) > 0 && (await page.evaluate('typeof window.Chart')) === 'function');

    await page.goto(`${web.baseUrl}/admin/customers`);
    await page.getByRole('searchbox').first().fill('Budi');
    await until('htmx filtered the list in place', async () => (await page.content()).includes('Budi Santoso'));

    for (const path of [`/admin/invoices/${invoice!.id}/print`, `/admin/vouchers/batches/${batchId}/print`]) {
      await page.goto(`${web.baseUrl}${path}`);
      await page.evaluate("window.print = () => document.body.setAttribute('data-printed', '1')");
      await page.locator('button[onclick]').first().click();
      assert.equal(await page.locator('body').getAttribute('data-printed'), '1', `${path}: the print button's inline handler ran`);
    }

    await page.goto(`${web.baseUrl}/portal/hotspot/login?${new URLSearchParams({ 'link-login-only': 'http://10.9.0.1/login', 'chap-id': '\\001', 'chap-challenge': '\\002\\003' })}`);
    await until('the hotspot script is loaded', async () => (await page.locator('form[data-hotspot-login]').count()) > 0);

    assert.deepEqual(violations, []);
    assert.deepEqual(j.errors, []);
  } finally {
    await j.close();
  }
});
