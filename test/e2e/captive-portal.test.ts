/**
 * The captive portal on a 360×740 phone in a real browser (Debian's chromium, playwright-core)
 * against the whole product (startBillingStack). A subscriber suspended by the December dunning
 * pass dials in (radclient) with Framed-IP-Address 127.0.0.1, the browser's own address: the
 * page, Midtrans chosen (the browser lands on the fake Midtrans' Snap redirect URL), back on our
 * page through Snap's finish redirect while the payment is pending, then the payment settles and
 * the page says "back online" by itself (htmx poll) while the router receives the Disconnect.
 * Screenshots:
 * test-output/screenshots/captive-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { nineAm } from '../helpers/billing-fixtures.js';
import { startBillingStack, type BillingStack } from '../helpers/billing-stack.js';
import { openBrowser, screenshot, text, until, type TestBrowser } from '../helpers/browser.js';
import { dialIn, setCompany, subscriber, walkDays, type Subscriber } from '../helpers/captive-fixtures.js';
import { createPlan } from '../helpers/factories.js';
import { nextNasRequest } from '../helpers/nas-emulator.js';

let stack: BillingStack;
let browser: TestBrowser;
let budi: Subscriber;

before(async () => {
  stack = await startBillingStack({ start: nineAm('2026-11-20') });
  await setCompany(stack);
  const plan = await createPlan(stack.c.db, { name: 'Rumahan 10 Mbps', price: 150_000 });
  budi = await subscriber(stack, plan.id, 'Budi Santoso');
  await walkDays(stack, '2026-11-20', '2026-12-18');
  stack.clock.set('2026-12-18T05:00:00Z');
  assert.equal((await stack.c.db('subscriptions').where({ id: budi.id }).first('status')).status, 'suspended');
  await dialIn(stack, budi, '127.0.0.1', 'e2e-captive-1', 'walled_garden');
  browser = await openBrowser({ viewport: { width: 360, height: 740 }, isMobile: true });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

test('on a phone: the captive page, pay with Midtrans, back from the gateway while pending, then back online by itself', async () => {
  const { page, errors } = await browser.journey();
  await page.goto(`${stack.baseUrl}/portal/captive`);
  assert.equal(await text(page, 'h1'), 'Your internet is paused');
  assert.equal(await text(page, '[data-name]'), 'Bu** Sa*****');
  assert.equal(await text(page, '[data-total]'), 'Rp 150.000');
  assert.equal(await text(page, '[data-pay-amount]'), 'Rp 150.000');
  assert.match(await text(page, '[data-contact]'), /0812-3456-7890/);
  const pay = page.getByRole('button', { name: 'Pay with QRIS, virtual account or e-wallet' });
  const box = await pay.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `the pay button fits the screen: ${JSON.stringify(box)}`);
  assert.equal(await page.evaluate('document.documentElement.scrollWidth'), 360, 'no sideways scrolling');
  assert.equal(await page.locator('#captive-status').getAttribute('data-state'), 'unpaid');
  await screenshot(page, 'captive-page');

  await pay.click();
  await page.waitForURL(/\/snap\/v4\/redirection\//);
  const tx = [...stack.midtrans.transactions.values()][0]!;
  assert.ok(page.url().endsWith(tx.token), 'on the Snap page of the order');
  assert.equal(tx.grossAmount, 150_000);
  // The customer leaves Snap before the money arrives (a virtual account to pay later): Snap
  // follows callbacks.finish with the order's state appended. (The fake serves no payment page.)
  const finish = (tx.request.callbacks as { finish: string }).finish;
  await page.goto(`${finish}?order_id=${tx.orderId}&status_code=201&transaction_status=pending`);
  assert.equal(await page.locator('#captive-status').getAttribute('data-state'), 'pending');
  assert.match(await text(page, '#captive-status'), /Waiting for your payment .*Rp 150\.000/);
  await screenshot(page, 'captive-pending');

  // The money arrives: Midtrans notifies the webhook; the open page notices by itself.
  await page.evaluate('window.__sameDocument = true');
  const paidAt = Date.now();
  const told = nextNasRequest(stack.nas, budi.username);
  stack.midtrans.pay(tx.orderId);
  assert.equal((await stack.midtrans.notify(tx.orderId, `${stack.baseUrl}/webhooks/midtrans`)).status, 200);
  await until('the page says back online', async () => (await page.locator('#captive-status[data-state=online]').count()) === 1, 5000);
  const onlineMs = Date.now() - paidAt;
  assert.ok(onlineMs < 5000, `${onlineMs} ms`);
  assert.equal(await text(page, '#captive-status h2'), 'Payment received: you are back online');
  assert.equal(await page.evaluate('window.__sameDocument === true'), true, 'swapped in place by htmx, no reload');
  await until('the paid bill leaves the page', async () => (await page.locator('#captive-bill').count()) === 0, 1000);
  assert.equal(await text(page, 'h1'), 'Your internet is active', 'the heading follows');
  assert.equal(await page.locator('h1').count(), 1);
  const nas = await told;
  assert.ok(nas, 'the router was told');
  assert.ok(nas.ms < 5000, `the router was told after ${nas.ms} ms`);
  assert.ok(['disconnect', 'coa'].includes(nas.request.kind));
  assert.equal(stack.nas.attr(nas.request, 'Acct-Session-Id'), 'e2e-captive-1');
  await screenshot(page, 'captive-back-online');
  assert.equal((await stack.c.db('subscriptions').where({ id: budi.id }).first('status')).status, 'active');
  assert.deepEqual(errors, []);
  await page.close();
});
