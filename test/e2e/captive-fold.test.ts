/**
 * The captive portal's first screen on a 360×740 phone (Debian's chromium, playwright-core)
 * against the whole product (startBillingStack): a subscriber suspended by the December dunning
 * pass (two bills owed) dials in with Framed-IP-Address 127.0.0.1, the browser's own address.
 * Without scrolling the screen shows the amount and the way to pay: the Pay button while a
 * gateway is on; the bank transfer box (the ISP's accounts, the invoice numbers for the note)
 * once both gateways are turned off. Screenshots of the first screen:
 * test-output/screenshots/captive-fold-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { nineAm, setBillingSettings } from '../helpers/billing-fixtures.js';
import { startBillingStack, type BillingStack } from '../helpers/billing-stack.js';
import { openBrowser, SCREENSHOTS, text, type TestBrowser } from '../helpers/browser.js';
import { dialIn, setCompany, subscriber, walkDays, type Subscriber } from '../helpers/captive-fixtures.js';
import { createPlan } from '../helpers/factories.js';
import { setGatewaysOn } from '../helpers/gateway-switch.js';

const SCREEN = { width: 360, height: 740 };
let stack: BillingStack;
let browser: TestBrowser;
let budi: Subscriber;

before(async () => {
  stack = await startBillingStack({ start: nineAm('2026-11-20') });
  await setCompany(stack);
  await setBillingSettings(stack.c.db, {
    bankAccounts: [
      { bank: 'BCA', number: '123 456 7890', holder: 'PT NetDesa Sejahtera' },
      { bank: 'BRI', number: '0012-01-000123-30-5', holder: 'PT NetDesa Sejahtera' },
    ],
  });
  const plan = await createPlan(stack.c.db, { name: 'Rumahan 10 Mbps', price: 150_000 });
  budi = await subscriber(stack, plan.id, 'Budi Santoso');
  await walkDays(stack, '2026-11-20', '2027-01-18');
  stack.clock.set('2027-01-18T05:00:00Z');
  assert.equal((await stack.c.db('subscriptions').where({ id: budi.id }).first('status')).status, 'suspended');
  await dialIn(stack, budi, '127.0.0.1', 'e2e-fold-1', 'walled_garden');
  browser = await openBrowser({ viewport: SCREEN, isMobile: true });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The bottom edge of `selector` on the first screen (no scrolling), in CSS pixels. */
async function bottomOf(page: Page, selector: string): Promise<number> {
  assert.equal(await page.evaluate('window.scrollY'), 0, 'not scrolled');
  const box = await page.locator(selector).boundingBox();
  assert.ok(box, `${selector} is shown`);
  assert.ok(box.x >= 0 && box.x + box.width <= SCREEN.width, `${selector} fits the width: ${JSON.stringify(box)}`);
  return box.y + box.height;
}

/** The first screen only (what the subscriber sees before scrolling). */
const firstScreen = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: path.join(SCREENSHOTS, `captive-fold-${name}.png`) });

test('with a gateway on, the amount owed and the Pay button are on the first screen of a 360×740 phone', async () => {
  const { page, errors } = await browser.journey();
  await page.goto(`${stack.baseUrl}/portal/captive`);
  assert.equal(await text(page, 'h1'), 'Your internet is paused');
  assert.equal(await text(page, '[data-pay-amount]'), 'Rp 300.000');
  const amount = await bottomOf(page, '[data-pay-amount]');
  const pay = await bottomOf(page, 'button[name=provider][value=midtrans]');
  await firstScreen(page, 'gateway');
  assert.ok(amount <= SCREEN.height && pay <= SCREEN.height, `amount ends at ${amount} px, the Pay button at ${pay} px (screen: ${SCREEN.height})`);
  assert.equal(await page.evaluate('document.documentElement.scrollWidth'), SCREEN.width, 'no sideways scrolling');
  assert.deepEqual(errors, []);
  await page.close();
});

test('with no gateway, the bank transfer box (amount, accounts, note) is on the first screen instead', async () => {
  await setGatewaysOn(stack, false);
  try {
    const { page, errors } = await browser.journey();
    await page.goto(`${stack.baseUrl}/portal/captive`);
    assert.equal(await page.locator('button[name=provider]').count(), 0, 'no Pay button without a gateway');
    assert.equal(await text(page, '[data-bank-amount]'), 'Rp 300.000');
    const box = await text(page, '[data-bank-transfer]');
    assert.match(box, /BCA 123 456 7890\s*in the name of PT NetDesa Sejahtera BRI 0012-01-000123-30-5/);
    assert.match(box, /Write in the transfer note: INV\/2026\/11\/\d{6}, INV\/2026\/12\/\d{6}/);
    const bank = await bottomOf(page, '[data-bank-transfer]');
    await firstScreen(page, 'bank');
    assert.ok(bank <= SCREEN.height, `the bank transfer box ends at ${bank} px (screen: ${SCREEN.height})`);
    assert.equal(await page.evaluate('document.documentElement.scrollWidth'), SCREEN.width, 'no sideways scrolling');
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await setGatewaysOn(stack, true);
  }
});
