/**
 * Outbound webhooks in Debian's chromium (issue 14, "Browser journeys: … register a webhook and see
 * a delivery"), at 1366×768: an admin opens Webhooks from the menu, registers a receiver on
 * 127.0.0.1 for payment.received, copies the signing secret shown once, sends a test event and
 * sees it delivered (200) in the delivery log; a payment is recorded, the worker's dispatcher
 * runs, and the log shows payment.received delivered. The receiver checks every signature with
 * its own HMAC code and the secret read from the page.
 * Screenshots: test-output/screenshots/webhooks-<step>.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatchDueDeliveries } from '../../billing/webhooks-out/dispatch-deliveries.js';
import { webhookDeps } from '../../billing/webhooks-out/webhook-deps.js';
import { openBrowser, screenshot, signInToConsole, text, type TestBrowser } from '../helpers/browser.js';
import { createCustomer, createStaff } from '../helpers/factories.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let browser: TestBrowser;
let rx: WebhookReceiver;
let staff: { username: string; password: string };

before(async () => {
  web = await startWebServer({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TIMEOUT_SECONDS: '3' } });
  browser = await openBrowser({ viewport: { width: 1366, height: 768 } });
  staff = await createStaff(web.c.db, { role: 'admin', locale: 'en' });
  rx = await startWebhookReceiver('/hooks/isp');
});

after(async () => {
  await browser?.close();
  await rx?.close();
  await web?.stop();
});

test('register a webhook in the console, send a test event and see deliveries in the log', async () => {
  const j = await browser.journey();
  try {
    const { page } = j;
    await signInToConsole(page, web.baseUrl, staff.username, staff.password);
    await page.getByRole('link', { name: 'Webhooks', exact: true }).first().click();
    await page.waitForURL(/\/admin\/webhooks$/);
    assert.equal(await text(page, '[data-webhook-endpoints] tbody'), 'No webhook endpoints yet.');

    await page.getByRole('textbox', { name: 'URL' }).fill(rx.url);
    await page.getByRole('textbox', { name: 'Description' }).fill('Akuntansi');
    await page.getByRole('checkbox', { name: /payment\.received/ }).check();
    await screenshot(page, 'webhooks-1-form');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.waitForURL(/\/admin\/webhooks\/\d+\?saved=created$/);
    const secret = await text(page, '[data-signing-secret]');
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    await screenshot(page, 'webhooks-2-secret-once');

    await page.getByRole('button', { name: 'Send a test event' }).click();
    await page.waitForURL(/saved=test_delivered$/);
    assert.equal(await text(page, '[role=status]'), 'Test event delivered.');
    assert.equal(await page.locator('[data-signing-secret]').count(), 0, 'the secret is not shown again');
    const testRow = page.locator('[data-deliveries] tbody tr').first();
    assert.equal(await testRow.getAttribute('data-status'), 'delivered');
    assert.match((await testRow.textContent()) ?? '', /webhook\.test[\s\S]*Delivered[\s\S]*200/);
    await screenshot(page, 'webhooks-3-test-delivered');

    const customer = await createCustomer(web.c.db);
    await web.engine.recordStaffPayment({ customerId: customer.id, amount: 250_000, method: 'bank_transfer', receivedBy: null });
    await dispatchDueDeliveries(webhookDeps(web.c)); // what the worker does every few seconds
    await page.reload();
    const paymentRow = page.locator('[data-deliveries] tbody tr', { hasText: 'payment.received' });
    assert.equal(await paymentRow.getAttribute('data-status'), 'delivered');
    assert.match((await paymentRow.textContent()) ?? '', /Delivered[\s\S]*200/);
    await screenshot(page, 'webhooks-4-payment-delivered');

    assert.deepEqual(rx.received.map((w) => w.body.type), ['webhook.test', 'payment.received']);
    assert.ok(rx.received.every((w) => rx.verify(w, secret)), 'every delivery verifies with the secret the page showed');
    assert.equal(rx.received[1]!.body.data.amount, 250_000);
    assert.deepEqual(j.errors, []);
  } finally {
    await j.close();
  }
});
