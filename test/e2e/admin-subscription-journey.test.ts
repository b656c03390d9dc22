/**
 * A technician connects a new subscriber, in a real browser (Debian's chromium, playwright-core)
 * against the whole product (startBillingStack: web, worker and radius roles, a NAS emulator):
 * signs in, opens the customer, creates a subscription with generated credentials, reads them
 * off the page; the router (radclient) logs in with them at once and gets Access-Accept with the
 * plan's Mikrotik-Rate-Limit; the session shows on the subscription page and among the live
 * sessions; "Disconnect now" (confirmed in a dialog) reaches the router as a Disconnect-Request.
 * Screenshot: test-output/screenshots/subscription-create.png (and subscription-online.png).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NAS_SECRET, startBillingStack, type BillingStack } from '../helpers/billing-stack.js';
import { journeyPerTest, openBrowser, screenshot, signInToConsole, text, until, type TestBrowser } from '../helpers/browser.js';
import { createCustomer, createPlan, createStaff } from '../helpers/factories.js';
import { radclient } from '../helpers/radclient.js';

let stack: BillingStack;
let browser: TestBrowser;
const journey = journeyPerTest(() => browser);

before(async () => {
  // 3 November 2026, 09:00 in Jakarta.
  stack = await startBillingStack({ start: '2026-11-03T02:00:00Z' });
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});
test('a technician creates a subscription; the router logs in with the generated credentials at once and gets the plan rate; disconnect reaches the router', async () => {
  const { page, dialogs, errors } = journey();
  const { db } = stack.c;
  const rate = '5M/10M 8M/15M 4M/8M 16/16 8 2M/5M';
  const plan = await createPlan(db, { name: 'Rumahan 10 Mbps', price: 150_000, rateLimit: rate });
  const customer = await createCustomer(db, { name: 'Wahyu Pratama', phone: '081377778888' });
  const technician = await createStaff(db, { role: 'technician', name: 'Joko Teknisi' });

  await signInToConsole(page, stack.baseUrl, technician.username, technician.password);
  await page.goto(`${stack.baseUrl}/admin/customers/${customer.id}`);
  await page.getByRole('link', { name: 'New subscription' }).click();
  await page.waitForURL(/\/admin\/customers\/\d+\/subscriptions\/new$/);
  assert.equal(await text(page, 'main h1'), `New subscription Wahyu Pratama · ${customer.customerNumber}`);
  assert.equal(await page.locator('input[name=anchor_day]').inputValue(), '3', "today's day in Jakarta");
  assert.equal(await page.locator('input[name=username]').inputValue(), customer.customerNumber.toLowerCase(), 'a username is proposed');
  await page.locator('select[name=plan_id]').selectOption(String(plan.id));
  await page.getByRole('button', { name: 'Create subscription' }).click();
  await page.waitForURL(/\/admin\/subscriptions\/\d+\?created=1$/);

  const username = await text(page, '[data-username]');
  const password = await text(page, '[data-password]');
  assert.equal(username, customer.customerNumber.toLowerCase());
  assert.match(password, /^[A-Za-z0-9]{10}$/);
  assert.match(await text(page, '[data-new-credentials] [role=status]'), /Subscription created/);
  assert.equal(await text(page, '[data-plan]'), 'Rumahan 10 Mbps · Rp 150.000');
  await screenshot(page, 'subscription-create');

  // Straight away, as a router would: no wait for the radius role's index.
  const accept = await radclient({
    port: stack.radius.ports.authPort, secret: NAS_SECRET, type: 'auth',
    attributes: [`User-Name = "${username}"`, `User-Password = "${password}"`, 'Message-Authenticator = 0x00'],
  });
  assert.equal(accept.code, 'Access-Accept', accept.stdout + accept.stderr);
  assert.equal(accept.attributes.find(([n]) => n === 'Mikrotik-Rate-Limit')?.[1], rate, "the plan's rate limit");
  const wrong = await radclient({
    port: stack.radius.ports.authPort, secret: NAS_SECRET, type: 'auth',
    attributes: [`User-Name = "${username}"`, 'User-Password = "not-the-password"', 'Message-Authenticator = 0x00'],
  });
  assert.equal(wrong.code, 'Access-Reject', 'only the generated password opens it');

  // The subscriber comes online: the session shows on the subscription page and in the live list.
  const cls = accept.attributes.find(([n]) => n === 'Class')?.[1];
  assert.ok(cls);
  const start = await radclient({
    port: stack.radius.ports.acctPort, secret: NAS_SECRET, type: 'acct',
    attributes: [`User-Name = "${username}"`, 'Acct-Status-Type = Start', 'Acct-Session-Id = "e2e-sub-1"', 'Framed-IP-Address = 100.64.20.7', 'Calling-Station-Id = "AA:BB:CC:20:20:07"', `Class = ${cls}`],
  });
  assert.equal(start.code, 'Accounting-Response');
  await page.reload();
  assert.match(await text(page, '[data-open-sessions] tbody'), /100\.64\.20\.7/);
  assert.doesNotMatch(await page.content(), new RegExp(password), 'the password is not shown again');
  await page.getByRole('link', { name: 'Sessions' }).click();
  await page.waitForURL(/\/admin\/sessions$/);
  await page.getByRole('searchbox').fill('100.64.20.7');
  await until('the search finds the session', async () => (await text(page, '[data-total]')) === '1');
  assert.match(await text(page, '#session-results tbody tr'), new RegExp(username));
  await page.getByRole('link', { name: username }).click();
  await page.waitForURL(/\/admin\/subscriptions\/\d+$/);
  await screenshot(page, 'subscription-online');
  await page.getByRole('button', { name: 'Show password' }).click();
  await until('the password is revealed in place', async () => (await page.locator('[data-password-revealed]').count()) === 1);
  assert.equal(await text(page, '[data-password-revealed]'), password);

  const skip = stack.nas.received.length;
  const clicked = Date.now();
  await page.getByRole('button', { name: 'Disconnect now' }).click();
  await page.waitForURL(/\?saved=disconnect$/);
  assert.equal(await text(page, '[role=status]'), 'Disconnect request sent to the router; its answer is below.');
  await until('the router receives a Disconnect-Request', async () => stack.nas.received.slice(skip).some((r) => r.kind === 'disconnect'), 5000);
  const request = stack.nas.received.slice(skip).find((r) => r.kind === 'disconnect')!;
  assert.equal(stack.nas.attr(request, 'User-Name'), username);
  assert.equal(stack.nas.attr(request, 'Acct-Session-Id'), 'e2e-sub-1');
  assert.ok(Date.now() - clicked < 5000);
  assert.deepEqual(dialogs, ['Disconnect every session of this subscription now? The subscriber\'s router will reconnect.'], 'confirmed in a dialog first');
  assert.deepEqual(errors, []);
});

test('changing the plan: choosing a plan shows the prorated preview in place (htmx), confirming changes it', async () => {
  const { page, dialogs, errors } = journey();
  const { db } = stack.c;
  const basic = await createPlan(db, { name: 'Hemat 5 Mbps', price: 100_000, rateLimit: '2M/5M' });
  const fast = await createPlan(db, { name: 'Cepat 20 Mbps', price: 250_000, rateLimit: '10M/20M' });
  const customer = await createCustomer(db, { name: 'Sri Wulandari' });
  const technician = await createStaff(db, { role: 'technician' });
  await signInToConsole(page, stack.baseUrl, technician.username, technician.password);
  await page.goto(`${stack.baseUrl}/admin/customers/${customer.id}/subscriptions/new`);
  // Billing day 1: on 3 November, 28 of November's 30 days are left.
  await page.locator('select[name=plan_id]').selectOption(String(basic.id));
  await page.locator('input[name=anchor_day]').fill('1');
  await page.getByRole('button', { name: 'Create subscription' }).click();
  await page.waitForURL(/\/admin\/subscriptions\/\d+\?created=1$/);

  await page.getByRole('link', { name: 'Change plan' }).click();
  await page.waitForURL(/\/plan$/);
  await page.evaluate('window.__sameDocument = true');
  await page.locator('select[name=plan_id]').selectOption(String(fast.id));
  await until('the preview appears', async () => (await page.locator('[data-quote=upgrade]').count()) === 1);
  assert.equal(await page.evaluate('window.__sameDocument === true'), true, 'in place, without a page load');
  // 250.000 × 28/30 − 100.000 × 28/30 = 233.333 − 93.333.
  assert.equal(await text(page, '[data-quote-amount]'), 'Rp 140.000');
  assert.equal(await text(page, '[data-effective]'), '03/11/2026');
  await screenshot(page, 'subscription-change-plan');
  await page.getByRole('button', { name: 'Confirm plan change' }).click();
  await page.waitForURL(/\?saved=plan_changed$/);
  assert.equal(await text(page, '[data-plan]'), 'Cepat 20 Mbps · Rp 250.000');
  assert.deepEqual(dialogs, ["Change this subscription's plan now?"]);
  assert.deepEqual(errors, []);
});
