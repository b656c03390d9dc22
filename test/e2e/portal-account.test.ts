/**
 * The self-service portal in a real browser (Debian's chromium via playwright-core) on a
 * 360×740 phone, against the web role with the WhatsApp Cloud fake as its WhatsApp channel:
 * a customer signs in with the code the fake received, sees the amount due, the invoices and one
 * invoice, the usage chart, and opens a support ticket and replies to it (htmx swaps the thread).
 * Screenshots: test-output/screenshots/portal-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { openBrowser, pathOf, screenshot, text, until, type TestBrowser } from '../helpers/browser.js';
import { portalCustomer, startFakeWhatsApp, type FakeWhatsApp } from '../helpers/portal-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';
import type { Page } from 'playwright-core';

let web: WebServer;
let wa: FakeWhatsApp;
let browser: TestBrowser;
const clock = settableClock('2026-11-21T03:00:00Z');

before(async () => {
  wa = await startFakeWhatsApp();
  web = await startWebServer({ clock, channels: wa.channels });
  browser = await openBrowser({ viewport: { width: 360, height: 740 }, isMobile: true });
});
after(async () => {
  await browser?.close();
  await web?.stop();
  await wa?.close();
});

/** Nothing wider than the phone: no sideways scrolling. */
async function fitsThePhone(page: Page, what: string): Promise<void> {
  const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
  assert.ok(width <= 360, `${what} is ${width} px wide`);
}

test('on a phone: sign in with a WhatsApp code, see invoices and usage, open a support ticket', async () => {
  const c = await portalCustomer(web.c.db, { name: 'Dewi Kartika', phone: '0812 7000 1234', invoices: 3 });
  const days = Array.from({ length: 30 }, (_, i) => i);
  await web.c.db('usage_daily').insert(days.map((i) => ({
    subscription_id: c.subscriptionId,
    day: new Date(Date.UTC(2026, 9, 23 + i)).toISOString().slice(0, 10),
    input_octets: 150_000_000 + ((i * 37) % 11) * 40_000_000,
    output_octets: 1_200_000_000 + ((i * 53) % 13) * 300_000_000,
  })));
  const { page, errors, close } = await browser.journey();
  try {
    await page.goto(`${web.baseUrl}/portal/account`);
    assert.equal(pathOf(page), '/portal/account/login');
    assert.equal(await text(page, 'h1'), 'Sign in to your account', 'English from the browser\'s Accept-Language');
    await fitsThePhone(page, 'the sign-in page');
    await screenshot(page, 'portal-login');

    await page.locator('#id-code').fill('0812-7000-1234');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.waitForURL(/\/portal\/account\/login\/code$/);
    assert.equal(await text(page, 'h1'), 'Enter your code');
    const code = await wa.codeFor('6281270001234');
    await page.getByLabel('6-digit code').fill(code);
    await screenshot(page, 'portal-code');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/portal\/account\/password\?first=1$/);
    assert.equal(await text(page, 'h1'), 'Set a password');

    await page.getByRole('link', { name: 'Home' }).click();
    await page.waitForURL(/\/portal\/account$/);
    assert.equal(await text(page, '[data-amount-due]'), 'Rp 150.000');
    await fitsThePhone(page, 'home');
    await screenshot(page, 'portal-home');

    await page.getByRole('link', { name: 'Invoices' }).click();
    await page.waitForURL(/\/portal\/account\/invoices$/);
    for (const inv of c.invoices) assert.ok((await page.content()).includes(inv.number), inv.number);
    await fitsThePhone(page, 'invoices');
    await screenshot(page, 'portal-invoices');
    await page.getByRole('link', { name: new RegExp(c.invoices[2]!.number) }).click();
    await page.waitForURL(/\/portal\/account\/invoices\/INV%2F/);
    assert.match(await text(page, 'h1'), new RegExp(c.invoices[2]!.number));
    assert.equal(await text(page, '[data-amount-due]'), 'Rp 150.000');
    await fitsThePhone(page, 'an invoice');
    await screenshot(page, 'portal-invoice');

    await page.getByRole('link', { name: 'Usage' }).click();
    await page.waitForURL(/\/portal\/account\/usage$/);
    assert.equal(await page.locator('svg rect.bar').count(), 30);
    const box = await page.locator('.acct-chart svg').boundingBox();
    assert.ok(box && box.width > 250 && box.height > 100, `the chart is drawn (${JSON.stringify(box)})`);
    await fitsThePhone(page, 'usage');
    await screenshot(page, 'portal-usage');

    await page.getByRole('link', { name: 'Support' }).click();
    await page.waitForURL(/\/portal\/account\/tickets$/);
    await page.getByLabel('Subject').fill('Internet putus-putus');
    await page.getByLabel('Message').fill('Sejak hujan kemarin koneksi sering putus.\nMohon dicek.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.waitForURL(/\/portal\/account\/tickets\/T-2026-\d{6}\?opened=1$/);
    assert.equal(await text(page, 'h1'), 'Internet putus-putus');
    const url = page.url();
    await page.getByLabel('Your reply').fill('Router sudah saya nyalakan ulang.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await until('the reply shows in the thread', async () => (await page.locator('.acct-thread li').count()) === 2);
    assert.equal(page.url(), url, 'htmx swapped the thread in place');
    await fitsThePhone(page, 'a ticket');
    await screenshot(page, 'portal-ticket');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
