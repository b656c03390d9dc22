/**
 * The staff console's look and its phone layout (issue 11: Look, Phone) in Debian's chromium at
 * 360×740 (a phone) and 1366×768 (a counter laptop), against the web role with a customer who
 * has a long name, an online subscription, invoices and payments:
 * a. no page is wider than the screen (dashboard, customers, a customer, revenue report,
 *    sessions, invoices) — on a phone tables stack with each value labelled by its column;
 * b. on a phone the menu folds behind a Menu button and reaches every section, nothing cut off;
 * c. the header carries the ISP's name (billing settings) and our logo; the favicon answers 200
 *    with an image type; the online dot and status badges have colour;
 * d. buttons share one style: every primary button (a <button> or an a.button) is drawn alike;
 *    primary, secondary and danger differ only in colour and are at least 40 px tall (a thumb);
 * e. a collector (issue 11, "Daily money") on a phone lands on their area's customers and records
 *    cash: the payment form fits the 360 px screen, nothing scrolls sideways, the page says
 *    whether the receipt went by WhatsApp.
 * Full-page screenshots: test-output/screenshots/console-<viewport>-<page>.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { settableClock } from '../../lib/clock.js';
import { setBillingSettings } from '../helpers/billing-fixtures.js';
import { openBrowser, pathOf, screenshot, signInToConsole, text, until, type TestBrowser } from '../helpers/browser.js';
import { createNas, createPlan, createStaff } from '../helpers/factories.js';
import { billedCustomer } from '../helpers/invoices-fixtures.js';
import { insertPayment, insertSession } from '../helpers/reports-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const PHONE = { width: 360, height: 740 };
const LAPTOP = { width: 1366, height: 768 };
const COMPANY = 'NetDesa Sejahtera Sukamaju';

let web: WebServer;
let browser: TestBrowser;
let staff: { username: string; password: string };
let customerId: number;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-11-21T03:00:00Z') });
  browser = await openBrowser({ viewport: LAPTOP });
  const { db } = web.c;
  await setBillingSettings(db, { companyName: COMPANY });
  staff = await createStaff(db, { role: 'admin', locale: 'en' });
  await createNas(db, { ipAddress: '10.9.0.1' });
  const plan = await createPlan(db, { name: 'Rumahan 20 Mbps Unlimited', price: 250_000 });
  const billed = await billedCustomer(db, web.engine, { planId: plan.id, startDate: '2026-11-01', name: 'Raden Ayu Kusumawardhani Puspitasari' });
  customerId = billed.customerId;
  await insertPayment(db, { customerId, amount: 250_000, settledAt: '2026-11-05T02:00:00Z' });
  await insertSession(db, { nasIp: '10.9.0.1', subscriptionId: billed.subscriptionId, start: '2026-11-21T01:00:00Z' });
  await db('staff_alerts').insert({ kind: 'payment_amount_mismatch', message: 'a payment to look at' });
});

after(async () => {
  await browser?.close();
  await web?.stop();
});

async function signedIn(viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const j = await browser.journey();
  await j.page.setViewportSize(viewport);
  await signInToConsole(j.page, web.baseUrl, staff.username, staff.password);
  return j;
}

/** How wide the page is (document.scrollingElement.scrollWidth) against the window. */
async function widthOf(page: Page): Promise<{ scroll: number; viewport: number }> {
  return page.evaluate<{ scroll: number; viewport: number }>('({ scroll: document.scrollingElement.scrollWidth, viewport: window.innerWidth })');
}

test('a. at 360×740 and 1366×768 no console page is wider than the screen; on a phone table values carry their column names', async () => {
  const pages: Array<[string, string]> = [
    ['dashboard', '/admin'], ['customers', '/admin/customers'], ['customer', `/admin/customers/${customerId}`],
    ['revenue', '/admin/reports/revenue'], ['sessions', '/admin/sessions'], ['invoices', '/admin/invoices'],
  ];
  for (const [name, viewport] of [['phone', PHONE], ['laptop', LAPTOP]] as const) {
    const j = await signedIn(viewport);
    try {
      const tooWide: string[] = [];
      for (const [page, path] of pages) {
        await j.page.goto(`${web.baseUrl}${path}`);
        const w = await widthOf(j.page);
        await screenshot(j.page, `console-${name}-${page}`);
        if (w.scroll > w.viewport) tooWide.push(`${path}: ${w.scroll} px`);
      }
      assert.deepEqual(tooWide, [], `${name}: pages wider than the ${viewport.width} px screen`);
      for (const [, path] of pages) {
        await j.page.goto(`${web.baseUrl}${path}`);
        assert.equal(await j.page.locator('main table:has(thead):not(.labelled)').count(), 0, `${path}: every table with a header row is labelled`);
      }
      if (name === 'phone') {
        // The customer's invoice row, stacked: its amount is shown beside its column's name.
        await j.page.goto(`${web.baseUrl}/admin/customers/${customerId}`);
        const owed = j.page.locator('tr[data-invoice] td').last();
        assert.equal(await owed.getAttribute('data-label'), 'Owed');
        assert.equal(await j.page.evaluate<string>("getComputedStyle(document.querySelector('tr[data-invoice] td:last-child'), '::before').content"), '"Owed"', 'the column name is drawn beside the value');
        // htmx swaps in new rows: they are labelled too.
        await j.page.goto(`${web.baseUrl}/admin/customers`);
        await j.page.getByRole('searchbox').fill('Raden');
        await until('the list is filtered in place', async () => (await text(j.page, '[data-total]')) === '1');
        await until('the new rows are labelled', async () => (await j.page.locator('#customer-results tbody tr').first().locator('td[data-label="Name"]').count()) === 1);
      }
      assert.deepEqual(j.errors, []);
    } finally {
      await j.close();
    }
  }
});

test('b. on a phone the menu folds behind a Menu button and reaches every section, nothing cut off', async () => {
  const j = await signedIn(PHONE);
  const { page } = j;
  try {
    const menu = page.locator('header details.menu');
    const sections = menu.locator('nav a');
    const names = (await sections.allTextContents()).map((s) => s.trim());
    assert.deepEqual(names, ['Dashboard', 'Customers', 'Subscriptions', 'Sessions', 'Invoices', 'Payments', 'Bank transfers', 'Plans', 'Routers', 'Live', 'Devices', 'Map', 'Outages', 'Vouchers', 'Tickets', 'Broadcasts', 'Reports', 'Settings', 'Staff', 'Audit log', 'API tokens', 'Webhooks']);
    assert.equal(await sections.first().isVisible(), false, 'the menu starts folded');
    await screenshot(page, 'console-phone-menu-closed');
    for (const [i, name] of names.entries()) {
      await menu.locator('summary').click();
      const link = sections.nth(i);
      assert.ok(await link.isVisible(), `${name} is shown once the menu is open`);
      const box = await link.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${name} fits the screen: ${JSON.stringify(box)}`);
      if (i === 0) await screenshot(page, 'console-phone-menu-open');
      const href = (await link.getAttribute('href'))!;
      await link.click();
      await page.waitForURL((u) => u.pathname === href);
      assert.equal(pathOf(page), href);
      assert.equal(await sections.nth(i).getAttribute('aria-current'), 'page', `${name} is marked as the current section`);
      assert.equal(await sections.first().isVisible(), false, 'the menu is folded again on the new page');
      const w = await widthOf(page);
      await screenshot(page, `console-phone-section-${href.split('/')[2] ?? 'dashboard'}`);
      assert.ok(w.scroll <= w.viewport, `${href}: ${w.scroll} px wide`);
    }
    // Signing out and the language are in the menu too.
    await menu.locator('summary').click();
    assert.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible());
    assert.deepEqual(j.errors, []);
  } finally {
    await j.close();
  }
});

test('c. the header carries the ISP name and logo, the favicon is an image, the online dot and badges have colour', async () => {
  const j = await signedIn(LAPTOP);
  const { page } = j;
  try {
    await page.goto(`${web.baseUrl}/admin/customers/${customerId}`);
    assert.equal(await text(page, 'header .brand'), COMPANY);
    assert.ok(await page.evaluate<boolean>("(() => { const img = document.querySelector('header .brand img'); return img.complete && img.naturalWidth > 0; })()"), 'the logo is drawn');
    assert.equal(await page.locator('header [data-open-alerts]').getAttribute('data-open-alerts'), '1');
    const icons = await page.evaluate<string[]>("[...document.querySelectorAll('link[rel~=icon]')].map((l) => l.href)");
    assert.ok(icons.length >= 2, `an SVG and a PNG favicon are linked: ${icons.join(', ')}`);
    for (const href of icons) {
      const res = await page.request.get(href);
      assert.equal(res.status(), 200, href);
      assert.match(res.headers()['content-type'] ?? '', /^image\/(svg\+xml|png|x-icon|vnd\.microsoft\.icon)/, href);
    }
    const colour = (selector: string, prop: 'color' | 'backgroundColor'): Promise<string> => page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).${prop}`);
    const body = await colour('main', 'color');
    assert.equal(await text(page, 'tr[data-subscription] .online-dot'), '●');
    assert.notEqual(await colour('tr[data-subscription] .online-dot', 'color'), body, 'the online dot is coloured');
    const active = await colour('tr[data-subscription] .badge', 'backgroundColor');
    const open = await colour('tr[data-invoice] .badge', 'backgroundColor');
    assert.notEqual(active, open, 'an active subscription and an open invoice are told apart by colour');
    await screenshot(page, 'console-laptop-header');
    assert.deepEqual(j.errors, []);
  } finally {
    await j.close();
  }
});

test('d. every primary button, a <button> or an a.button, is drawn alike; so is every secondary one', async () => {
  const j = await signedIn(LAPTOP);
  const { page } = j;
  const PROPS = ['backgroundColor', 'color', 'borderTopColor', 'borderRadius', 'fontSize', 'fontWeight', 'height', 'paddingLeft', 'textDecorationLine', 'boxShadow'] as const;
  // The first element matching `selector`: its computed PROPS (a string: the project has no DOM types).
  const looks = (selector: string): Promise<Record<string, string>> =>
    page.evaluate<Record<string, string>>(`(() => { const s = getComputedStyle(document.querySelector(${JSON.stringify(selector)})); return Object.fromEntries(${JSON.stringify(PROPS)}.map((p) => [p, s[p]])); })()`);
  try {
    await page.goto(`${web.baseUrl}/admin/customers`);
    const newCustomer = await looks('main a.button:not(.secondary)'); // "New customer", a link
    const search = await looks('main form.filters button[type=submit]'); // "Search", a button
    await page.goto(`${web.baseUrl}/admin/customers/${customerId}`);
    const savePayment = await looks('main form.grid button[type=submit]'); // "Save payment"
    const editLink = await looks('main .heading a.button.secondary'); // "Edit", a link
    const archive = await looks('main .heading button.secondary'); // "Archive", a button
    assert.deepEqual(search, newCustomer, 'a primary <button> looks like a primary a.button');
    assert.deepEqual(savePayment, newCustomer, 'a form\'s submit button looks like the other primary buttons');
    assert.deepEqual(archive, editLink, 'a secondary <button> looks like a secondary a.button');
    const suspend = await looks('tr[data-subscription] button.danger');
    for (const [what, b] of [['primary', newCustomer], ['secondary', editLink], ['danger', suspend]] as const) {
      for (const p of ['borderRadius', 'fontSize', 'fontWeight', 'height', 'paddingLeft'] as const) assert.equal(b[p], newCustomer[p], `${what} buttons share the primary's ${p}`);
      assert.ok(parseFloat(b.height!) >= 40, `${what} buttons are a thumb's target (≥ 40 px): ${b.height}`);
    }
    assert.notEqual(editLink.backgroundColor, newCustomer.backgroundColor, 'secondary is not primary');
    assert.notEqual(newCustomer.textDecorationLine, 'underline', 'a.button is not an underlined link');
    assert.deepEqual(j.errors, []);
  } finally {
    await j.close();
  }
});

test('e. a collector on a 360×740 phone lands on their customers, records cash with a thumb (the form fits, no sideways scrolling) and is told where the receipt went', async () => {
  const { db } = web.c;
  await db('customers').where({ id: customerId }).update({ area: 'Dusun Krajan' });
  const collector = await createStaff(db, { role: 'collector', name: 'Pak Penagih', locale: 'en' });
  await db('staff_areas').insert({ staff_user_id: collector.id, area: 'Dusun Krajan' });
  const j = await browser.journey();
  const { page } = j;
  try {
    await page.setViewportSize(PHONE);
    await signInToConsole(page, web.baseUrl, collector.username, collector.password, /\/admin\/customers$/);
    assert.equal(await text(page, '[data-total]'), '1', 'their area\'s customer');
    await page.locator('#customer-results tbody a').first().click();
    await page.waitForURL((u) => u.pathname === `/admin/customers/${customerId}`);
    const form = page.locator('form[data-record-payment]');
    const amount = form.getByLabel('Amount (Rp)');
    const submit = form.locator('button[type=submit]');
    for (const [what, el] of [['the form', form], ['the amount', amount], ['the method', form.getByLabel('Method')], ['the button', submit]] as const) {
      const box = await el.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${what} fits the screen: ${JSON.stringify(box)}`);
    }
    assert.ok(((await submit.boundingBox())?.height ?? 0) >= 40, 'the button is a thumb\'s target');
    assert.equal(await amount.getAttribute('inputmode'), 'numeric', 'the phone shows its number pad');
    let w = await widthOf(page);
    assert.ok(w.scroll <= w.viewport, `the customer page is ${w.scroll} px wide`);
    await screenshot(page, 'console-phone-collector-payment');
    await amount.fill('50.000');
    await submit.click();
    await page.waitForURL(/saved=payment&payment=\d+$/);
    assert.equal(j.dialogs.length, 1, 'the payment waited for a confirmation');
    assert.match(await text(page, '[data-receipt-whatsapp]'), /^No receipt by WhatsApp: /, 'this server has no WhatsApp: the page says so');
    w = await widthOf(page);
    assert.ok(w.scroll <= w.viewport, `after the payment the page is ${w.scroll} px wide`);
    await screenshot(page, 'console-phone-collector-paid');
    const paid = await db('payments').where({ customer_id: customerId, received_by: collector.id }).first();
    assert.equal(Number(paid.amount), 50_000);
    assert.deepEqual(j.errors, []);
  } finally {
    await j.close();
  }
});
