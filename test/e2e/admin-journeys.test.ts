/**
 * The staff console in a real browser (Debian's chromium, driven by playwright-core) against the
 * whole product on 127.0.0.1 (startBillingStack: web, worker, radius roles, a NAS emulator):
 * a. first sign-in with a one-time password: the password page, a new password, the dashboard;
 * b. an admin creates a customer (an invalid email first: the field error, the name kept);
 * c. a cashier records a cash payment of "150.000" against an open invoice (the confirm dialog);
 * d. a technician suspends a subscription with a live session (the confirm dialog; the router
 *    receives a Disconnect/CoA within 5 s) and reactivates it;
 * e. on a 360×740 phone, typing in the customer search filters the list through htmx.
 * One browser and one stack for the file; each journey signs in afresh and leaves a full-page
 * screenshot in test-output/screenshots/<journey>.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NAS_SECRET, startBillingStack, type BillingStack } from '../helpers/billing-stack.js';
import { journeyPerTest, openBrowser, pathOf as path$, screenshot, signInToConsole, text, until, type TestBrowser } from '../helpers/browser.js';
import { createCustomer, createPlan, createStaff, createSubscription, TEST_STAFF_PASSWORD } from '../helpers/factories.js';
import { nextNasRequest } from '../helpers/nas-emulator.js';
import { radclient } from '../helpers/radclient.js';

let stack: BillingStack;
let browser: TestBrowser;
const journey = journeyPerTest(() => browser);

before(async () => {
  stack = await startBillingStack({ start: '2026-11-03T02:00:00Z' });
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

const current = journey;

test('a. first sign-in with a one-time password: the password page, a new password, then the dashboard', async () => {
  const { page, errors } = current();
  const staff = await createStaff(stack.c.db, { role: 'admin', mustChangePassword: true, name: 'Dewi Lestari' });
  await signInToConsole(page, stack.baseUrl, staff.username, staff.password, /\/admin\/password$/);
  assert.equal(await text(page, 'h1'), 'Change password');
  assert.match(await text(page, '.notice'), /one-time password/);
  // The console stays closed until the password is changed.
  await page.goto(`${stack.baseUrl}/admin/customers`);
  assert.equal(path$(page), '/admin/password');

  const fresh = 'sawah hijau di pagi hari';
  await page.getByLabel('Current password').fill(TEST_STAFF_PASSWORD);
  await page.getByLabel(/^New password/).fill(fresh);
  await page.getByLabel('Repeat the new password').fill(fresh);
  await page.getByRole('button', { name: 'Save password' }).click();
  await page.waitForURL(/\/admin\?saved=password$/);
  assert.equal(await text(page, 'main h1'), 'Dashboard');
  assert.match(await text(page, '.notice'), /Password saved/);
  assert.match(await text(page, 'header .me'), /Dewi Lestari \(admin\)/);
  await screenshot(page, 'first-sign-in');

  // The new password is the one that works from now on, and the password page is not forced again.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/admin\/login$/);
  await page.getByLabel('Username').fill(staff.username);
  await page.getByLabel('Password').fill(TEST_STAFF_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.equal(await text(page, '[role=alert]'), 'Wrong username or password, or the account is locked for a while after too many failed attempts.');
  await signInToConsole(page, stack.baseUrl, staff.username, fresh, /\/admin$/);
  assert.equal(await text(page, 'main h1'), 'Dashboard');
  assert.deepEqual(errors, []);
});

test('b. an admin creates a customer: an invalid email is shown beside the field with the name kept, then the customer page', async () => {
  const { page, errors } = current();
  const { db } = stack.c;
  const staff = await createStaff(db, { role: 'admin' });
  await signInToConsole(page, stack.baseUrl, staff.username, staff.password, /\/admin$/);
  await page.getByRole('link', { name: 'Customers' }).click();
  await page.waitForURL(/\/admin\/customers$/);
  await page.getByRole('link', { name: 'New customer' }).click();
  await page.waitForURL(/\/admin\/customers\/new$/);
  assert.equal(await text(page, 'main h1'), 'New customer');

  const name = 'Siti Rahmawati';
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Phone').fill('081298765432');
  // The browser's own check lets `siti@example` through (no dot needed); the server's does not.
  await page.getByLabel('Email').fill('siti@example');
  await page.getByLabel('Address').fill('Jl. Melati No. 7, Bekasi');
  await page.getByRole('button', { name: 'Save' }).click();
  await until('the form comes back with the email error', async () => (await page.locator('[data-error=email]').count()) === 1);
  assert.equal(await text(page, '[data-error=email]'), 'Not a valid email address.');
  assert.equal(await page.getByLabel('Name').inputValue(), name, 'the typed name is kept');
  assert.equal(await page.getByLabel('Phone').inputValue(), '0812-9876-5432', 'the number as pages show it');
  assert.equal(await page.getByLabel('Email').inputValue(), 'siti@example');
  assert.equal(await page.getByLabel('Address').inputValue(), 'Jl. Melati No. 7, Bekasi');
  assert.equal(await page.locator('[data-error=name]').count(), 0, 'only the email is wrong');
  assert.equal(Number((await db('customers').where({ name }).count({ n: '*' }))[0]!.n), 0, 'nothing saved yet');
  await screenshot(page, 'new-customer-invalid-email');

  await page.getByLabel('Email').fill('siti@example.id');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/admin\/customers\/\d+\?saved=1$/);
  const row = await db('customers').where({ name }).first();
  assert.ok(row, 'the customer is saved');
  assert.equal(path$(page), `/admin/customers/${row.id}?saved=1`);
  assert.equal(await text(page, 'main h1'), `${name} ${row.customer_number}`);
  assert.equal(await text(page, '[role=status]'), 'Saved.');
  const facts = await text(page, 'dl.facts');
  for (const shown of ['0812-9876-5432', 'siti@example.id', 'Jl. Melati No. 7, Bekasi', 'Rp 0']) assert.ok(facts.includes(shown), `${shown} in "${facts}"`);
  assert.match(await text(page, '.timeline'), new RegExp(`Customer ${row.customer_number} created`));
  await screenshot(page, 'new-customer');
  assert.deepEqual(errors, []);
});

test('c. a cashier records a cash payment of 150.000 on an open invoice: confirmed, listed, the invoice paid, the balance back to Rp 0', async () => {
  const { page, dialogs, errors } = current();
  const { db } = stack.c;
  const plan = await createPlan(db, { name: 'Rumahan 10 Mbps', price: 150_000 });
  const customer = await createCustomer(db, { name: 'Agus Kurniawan', phone: '081311112222' });
  const sub = await createSubscription(db, { customerId: customer.id, planId: plan.id, anchorDay: 3 });
  // Starts today (3 November, Jakarta): the invoice run bills its first month, 3 Nov – 3 Dec, at once.
  await db('subscriptions').where({ id: sub.id }).update({ started_at: '2026-11-03T08:00:00+07:00' });
  await stack.engine.generateInvoices();
  const invoice = await db('invoices').where({ subscription_id: sub.id }).first();
  assert.ok(invoice, 'the invoice run billed the subscription');
  assert.equal(invoice.status, 'open');
  assert.equal(Number(invoice.total), 150_000);

  const cashier = await createStaff(db, { role: 'cashier', name: 'Rina Kasir' });
  await signInToConsole(page, stack.baseUrl, cashier.username, cashier.password, /\/admin$/);
  await page.goto(`${stack.baseUrl}/admin/customers/${customer.id}`);
  assert.equal(await text(page, '[data-balance]'), '-Rp 150.000');
  const invoiceRow = `tr[data-invoice="${invoice.invoice_number}"]`;
  assert.equal(await text(page, `${invoiceRow} [data-status]`), 'Open');

  await page.getByLabel('Amount (Rp)').fill('150.000');
  await page.getByLabel('Method').selectOption('cash');
  await page.getByLabel('For invoice').selectOption(String(invoice.id));
  await page.getByLabel('Reference').fill('Loket 1');
  await page.getByRole('button', { name: 'Save payment' }).click();
  await page.waitForURL(/\/admin\/customers\/\d+\?saved=payment&payment=\d+$/);

  assert.equal(await text(page, '[role=status]'), 'Payment recorded.');
  assert.equal(await text(page, '[data-balance]'), 'Rp 0');
  assert.equal(await text(page, `${invoiceRow} [data-status]`), 'Paid');
  assert.equal(await text(page, `${invoiceRow} td:last-child`), 'Rp 0', 'nothing owed on it');
  const paymentRows = page.locator('h2:text-is("Payments") + table tbody tr');
  assert.equal(await paymentRows.count(), 1);
  const payment = await text(page, 'h2:text-is("Payments") + table tbody tr');
  for (const shown of ['Cash', 'Rp 150.000', 'Rina Kasir', 'Loket 1']) assert.ok(payment.includes(shown), `${shown} in "${payment}"`);
  assert.equal(await page.locator('select[name=invoice_id] option').count(), 1, 'no open invoice left to pay');
  await screenshot(page, 'cash-payment');

  const paid = await db('payments').where({ customer_id: customer.id });
  assert.equal(paid.length, 1, 'one payment, once');
  assert.equal(Number(paid[0].amount), 150_000);
  assert.equal((await db('invoices').where({ id: invoice.id }).first('status')).status, 'paid');
  // Last, so a missing dialog is reported after everything else was checked.
  assert.deepEqual(dialogs, ['Record this payment? Payments cannot be deleted.'], 'the payment waited for the cashier to confirm it in a dialog');
  assert.deepEqual(errors, []);
});

test('d. a technician suspends a subscription with a live session (the router is told within 5 s), then reactivates it', async () => {
  const { page, dialogs, errors } = current();
  const { db } = stack.c;
  const plan = await createPlan(db, { name: 'Bisnis 20 Mbps', price: 300_000, rateLimit: '10M/20M' });
  const customer = await createCustomer(db, { name: 'Hendra Wijaya', phone: '081355556666' });
  const sub = await createSubscription(db, { customerId: customer.id, planId: plan.id, password: 'rahasia-hendra' });
  await stack.radius.sync.settled();

  // The subscriber is online: the router authenticated them and opened an accounting session.
  const accept = await radclient({ port: stack.radius.ports.authPort, secret: NAS_SECRET, type: 'auth', attributes: [`User-Name = "${sub.username}"`, 'User-Password = "rahasia-hendra"', 'Message-Authenticator = 0x00'] });
  assert.equal(accept.code, 'Access-Accept', accept.stdout + accept.stderr);
  const cls = accept.attributes.find(([n]) => n === 'Class')?.[1];
  assert.ok(cls, 'the Access-Accept carries a Class');
  const start = await radclient({ port: stack.radius.ports.acctPort, secret: NAS_SECRET, type: 'acct', attributes: [`User-Name = "${sub.username}"`, 'Acct-Status-Type = Start', 'Acct-Session-Id = "e2e-d-1"', 'Framed-IP-Address = 100.64.9.1', `Class = ${cls}`] });
  assert.equal(start.code, 'Accounting-Response');
  await stack.radius.sync.settled();
  await until('the accounting session is stored', async () => Boolean(await db('accounting_sessions').where({ subscription_id: sub.id }).whereNull('stop_time').first()));

  const technician = await createStaff(db, { role: 'technician', name: 'Joko Teknisi' });
  await signInToConsole(page, stack.baseUrl, technician.username, technician.password, /\/admin$/);
  await page.goto(`${stack.baseUrl}/admin/customers/${customer.id}`);
  const row = page.locator(`tr[data-subscription="${sub.username}"]`);
  assert.equal(((await row.locator('[data-status]').textContent()) ?? '').trim(), 'Active');
  assert.equal(((await row.locator('td').nth(3).textContent()) ?? '').trim(), '●', 'shown online');
  assert.equal(await page.getByRole('button', { name: 'Save payment' }).count(), 0, 'a technician records no payments');

  const suspendTold = nextNasRequest(stack.nas, sub.username);
  await row.getByRole('button', { name: 'Suspend' }).click();
  await page.waitForURL(/\?saved=suspend_confirmed$/);
  assert.equal(await text(page, '[role=status]'), 'Subscription moved to the walled garden; router confirmed.');
  assert.equal(((await row.locator('[data-status]').textContent()) ?? '').trim(), 'Walled garden');
  assert.equal(await row.getByRole('button', { name: 'Suspend' }).count(), 0);
  await screenshot(page, 'suspend-subscription');

  const told = await suspendTold;
  assert.ok(told, `the router heard nothing of the suspension: ${seenByNas()}`);
  assert.ok(told.ms < 5000, `the router was told ${told.ms} ms after the click`);
  assert.ok(['disconnect', 'coa'].includes(told.request.kind), told.request.kind);
  assert.equal(stack.nas.attr(told.request, 'Acct-Session-Id'), 'e2e-d-1', 'about the live session');
  assert.equal((await db('subscriptions').where({ id: sub.id }).first('status')).status, 'suspended');

  const reactivateTold = nextNasRequest(stack.nas, sub.username);
  await row.getByRole('button', { name: 'Reactivate' }).click();
  await page.waitForURL(/\?saved=reactivate_confirmed$/);
  assert.equal(await text(page, '[role=status]'), 'Subscription reactivated; router confirmed.');
  assert.equal(((await row.locator('[data-status]').textContent()) ?? '').trim(), 'Active');
  assert.equal(await row.getByRole('button', { name: 'Suspend' }).count(), 1, 'can be suspended again');
  const back = await reactivateTold;
  assert.ok(back, `the router heard nothing of the reactivation: ${seenByNas()}`);
  assert.ok(back.ms < 5000, `the router was told ${back.ms} ms after the click`);
  assert.equal(stack.nas.attr(back.request, 'Acct-Session-Id'), 'e2e-d-1');
  assert.equal((await db('subscriptions').where({ id: sub.id }).first('status')).status, 'active');
  assert.match(await text(page, '.timeline'), /Subscription \S+ reactivated.*Subscription \S+ suspended/);
  await screenshot(page, 'reactivate-subscription');
  // Last, so a missing dialog is reported after everything else was checked. Reactivating asks nothing.
  assert.deepEqual(dialogs, ['Suspend this subscription now? Its live session will be disconnected.'], 'the suspension waited for the technician to confirm it in a dialog');
  assert.deepEqual(errors, []);
});

const seenByNas = (): string => JSON.stringify(stack.nas.received.map((r) => [r.kind, stack.nas.attr(r, 'User-Name')]));

test('e. on a 360×740 phone, typing in the customer search filters the list in place (htmx, no reload)', async () => {
  const { page, errors } = current();
  const { db } = stack.c;
  for (let i = 1; i <= 12; i++) await createCustomer(db, { name: `Pelanggan Blok C${i}`, phone: `0819000000${String(i).padStart(2, '0')}` });
  for (let i = 1; i <= 3; i++) await createCustomer(db, { name: `Warga Sukamaju ${i}`, phone: `0857111100${String(i).padStart(2, '0')}` });
  const everyone = Number((await db('customers').count({ n: '*' }))[0]!.n);

  await page.setViewportSize({ width: 360, height: 740 });
  const viewer = await createStaff(db, { role: 'viewer' });
  await signInToConsole(page, stack.baseUrl, viewer.username, viewer.password, /\/admin$/);
  await page.goto(`${stack.baseUrl}/admin/customers`);
  assert.equal(await text(page, '[data-total]'), String(everyone));
  assert.equal(await page.getByRole('link', { name: 'New customer' }).count(), 0, 'a viewer creates no customers');
  const search = page.getByRole('searchbox');
  assert.ok(await search.isVisible(), 'the search box is on the phone screen');
  const box = await search.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `the search box fits the screen: ${JSON.stringify(box)}`);

  // A full reload would lose this; an htmx swap keeps it.
  await page.evaluate('window.__sameDocument = true');
  await search.click();
  await search.pressSequentially('sukamaju', { delay: 40 });
  await until('the result count shows the 3 matches', async () => (await text(page, '[data-total]')) === '3');
  assert.equal(await page.evaluate('window.__sameDocument === true'), true, 'the list changed without a page load');
  // The phone layout's labels (public/admin-tables.js) are set by a MutationObserver after the swap.
  const names = async (): Promise<string[]> => (await page.locator('#customer-results tbody tr td[data-label="Name"]').allTextContents()).map((n) => n.trim()).sort();
  await until('the swapped rows are labelled for the phone', async () => (await names()).length > 0);
  assert.deepEqual(await names(), ['Warga Sukamaju 1', 'Warga Sukamaju 2', 'Warga Sukamaju 3']);
  await page.waitForURL(/[?&]q=sukamaju(&|$)/); // the address follows the search (back / reload keep it)
  assert.equal(await search.inputValue(), 'sukamaju', 'the typed text stays in the box');
  await screenshot(page, 'phone-customer-search');

  // A phone-number fragment finds the customers too, as staff type it (with the leading 0).
  await search.fill('0857111100');
  await until('the list shows the phone search', async () => (await page.locator('#customer-results a[href*="q=0857111100&"]').count()) > 0);
  assert.equal(await text(page, '[data-total]'), '3');
  await search.fill('085711110002');
  await until('the result count narrows to one', async () => (await text(page, '[data-total]')) === '1');
  await until('the swapped rows are labelled for the phone', async () => (await names()).length > 0);
  assert.deepEqual(await names(), ['Warga Sukamaju 2']);
  assert.equal(await page.evaluate('window.__sameDocument === true'), true);

  // Back goes to the previous search, still a whole console page (htmx restores it from the server).
  await page.goBack();
  await until('Back shows the previous search', async () => (await page.locator('a[href*="q=0857111100&"]').count()) > 0);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await page.getByRole('searchbox').count(), 1, 'the search box is still there after Back');
  assert.equal(await page.getByRole('link', { name: 'Customers' }).count(), 1, 'the console header is still there after Back');
  assert.equal(await text(page, '[data-total]'), '3');
  await screenshot(page, 'phone-customer-search-back');
  assert.deepEqual(errors, []);
});
