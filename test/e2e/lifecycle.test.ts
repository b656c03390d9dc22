/**
 * A subscription's life after it was created, in a real browser (Debian's chromium,
 * playwright-core, 1366×768) against the whole product (startBillingStack: web, worker and radius
 * roles, a NAS emulator), with the router's view checked by radclient after each step:
 * - editing the username and static IP through the form (a mistyped address first: the field
 *   error, what was typed kept): the page shows the new values, the new
 *   name logs in (with the new Framed-IP-Address) and the old one is rejected;
 * - a new password: shown once (not again on reload), the router accepts it and not the old one;
 * - terminating with a reason through the confirmation page: the status reads "Terminated", and
 *   "Berhenti" in Indonesian, the released username is named, the router is rejected;
 * - archiving the customer: refused while the subscription is live, done once it is terminated
 *   (no money open: a subscription billing never covered moves none).
 * Screenshots: test-output/screenshots/lifecycle-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { NAS_SECRET, startBillingStack, type BillingStack } from '../helpers/billing-stack.js';
import { journeyPerTest, openBrowser, screenshot, signInToConsole, text, type TestBrowser } from '../helpers/browser.js';
import { createCustomer, createPlan, createStaff, createSubscription } from '../helpers/factories.js';
import { radclient, type RadclientReply } from '../helpers/radclient.js';

let stack: BillingStack;
let browser: TestBrowser;
const journey = journeyPerTest(() => browser);

before(async () => {
  stack = await startBillingStack({ start: '2026-11-03T02:00:00Z' });
  browser = await openBrowser({ viewport: { width: 1366, height: 768 } });
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});
/** The router asks to log `username` in with `password` (PAP). */
function login(username: string, password: string): Promise<RadclientReply> {
  return radclient({
    port: stack.radius.ports.authPort, secret: NAS_SECRET, type: 'auth',
    attributes: [`User-Name = "${username}"`, `User-Password = "${password}"`, 'Message-Authenticator = 0x00'],
  });
}

/** What the page says under the definition term `term` (a dl.facts row). */
async function fact(page: Page, term: string): Promise<string> {
  const dd = page.locator('dl.facts dt', { hasText: term }).first().locator('xpath=following-sibling::dd[1]');
  return (await dd.innerText()).replace(/\s+/g, ' ').trim();
}

/** True when the element `selector` starts below the bottom of `above` on the page. */
async function below(page: Page, selector: string, above: Locator): Promise<boolean> {
  const [a, b] = [await above.boundingBox(), await page.locator(selector).boundingBox()];
  assert.ok(a && b, `${selector} is shown`);
  return b.y >= a.y + a.height;
}

test('edit the username and static IP, set a new password, terminate with a reason, archive the customer: the page and the router agree at each step', async () => {
  const { page, dialogs, errors } = journey();
  const { db } = stack.c;
  const plan = await createPlan(db, { name: 'Rumahan 10 Mbps', price: 150_000, rateLimit: '5M/10M' });
  const customer = await createCustomer(db, { name: 'Rina Kusuma', phone: '081355556666' });
  const sub = await createSubscription(db, { customerId: customer.id, planId: plan.id, username: 'rina-rumah', password: 'Awal2026xy', staticIp: '10.10.20.5' });
  const admin = await createStaff(db, { role: 'admin', name: 'Andi Admin' });
  assert.equal((await login('rina-rumah', 'Awal2026xy')).code, 'Access-Accept', 'the subscriber is online before');

  await signInToConsole(page, stack.baseUrl, admin.username, admin.password);
  await page.goto(`${stack.baseUrl}/admin/subscriptions/${sub.id}`);

  // Edit.
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await page.waitForURL(/\/edit$/);
  assert.match(await text(page, 'main h1'), /^Edit subscription rina-rumah · Rina Kusuma · CUST\d+$/);
  assert.equal(await page.getByLabel('Username').inputValue(), 'rina-rumah');
  assert.equal(await page.getByLabel('Static IP').inputValue(), '10.10.20.5');
  await page.getByLabel('Username').fill('rina-baru');
  await page.getByLabel('Static IP').fill('10.10.20.300');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('[data-error=static_ip]').waitFor();
  assert.equal(await text(page, '[data-error=static_ip]'), 'Not a valid IPv4 address.');
  assert.equal(await text(page, 'main [role=alert]'), 'Check the marked fields.');
  assert.equal(await page.getByLabel('Username').inputValue(), 'rina-baru', 'what was typed is kept');
  // Each help text reads under its own field, not as a cell of the row beside it.
  assert.ok(await below(page, '#username-help', page.getByLabel('Username')), 'the username help is under the username');
  assert.ok(await below(page, '#anchor-help', page.getByLabel('Billing day')), 'the billing day help is under the billing day');
  await screenshot(page, 'lifecycle-edit');
  await page.getByLabel('Static IP').fill('10.10.20.9');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/admin\/subscriptions\/\d+\?saved=edited$/);
  assert.equal(await text(page, 'main [role=status]'), 'Subscription saved; where access changed, the router was told to reconnect the session.');
  assert.match(await text(page, 'main h1'), /^rina-baru /);
  assert.equal(await fact(page, 'IP address'), '10.10.20.9');
  await screenshot(page, 'lifecycle-edited');
  const renamed = await login('rina-baru', 'Awal2026xy');
  assert.equal(renamed.code, 'Access-Accept', renamed.stdout + renamed.stderr);
  assert.equal(renamed.attributes.find(([n]) => n === 'Framed-IP-Address')?.[1], '10.10.20.9');
  assert.equal((await login('rina-rumah', 'Awal2026xy')).code, 'Access-Reject', 'the old username no longer logs in');

  // A new password, shown once.
  await page.getByRole('button', { name: 'New password' }).click();
  await page.waitForURL(/\?password_reset=1$/);
  assert.match(await text(page, '[data-new-credentials] [role=status]'), /^New password set\. .* shown only this once/);
  assert.equal(await text(page, '[data-new-credentials] [data-username]'), 'rina-baru');
  const password = await text(page, '[data-new-credentials] [data-password]');
  assert.match(password, /^[A-Za-z0-9]{10}$/);
  await screenshot(page, 'lifecycle-password');
  await page.reload();
  assert.equal(await page.locator('[data-new-credentials]').count(), 0);
  assert.doesNotMatch(await page.content(), new RegExp(password), 'not shown again');
  assert.equal((await login('rina-baru', password)).code, 'Access-Accept');
  assert.equal((await login('rina-baru', 'Awal2026xy')).code, 'Access-Reject', 'the old password no longer works');

  // Archive is refused while the subscription is live.
  await page.goto(`${stack.baseUrl}/admin/customers/${customer.id}`);
  await page.getByRole('button', { name: 'Archive' }).click();
  await page.locator('[data-archive-refused]').waitFor();
  assert.equal(await text(page, '[data-archive-refused]'), 'Cannot archive: terminate these subscriptions first: rina-baru');

  // Terminate, through the confirmation page.
  await page.goto(`${stack.baseUrl}/admin/subscriptions/${sub.id}`);
  await page.getByRole('link', { name: 'Terminate' }).click();
  await page.waitForURL(/\/terminate$/);
  assert.match(await text(page, 'main h1'), /^Terminate subscription rina-baru/);
  assert.match(await text(page, '[data-terminate-summary]'), /the username is released for a new subscription: rina-baru/);
  await page.getByLabel('Reason (required)').fill('Pindah ke Bandung');
  assert.ok(await below(page, '[data-confirm-terminate]', page.getByLabel('Reason (required)')), 'the button follows the reason');
  await screenshot(page, 'lifecycle-terminate');
  await page.getByRole('button', { name: 'Terminate now' }).click();
  await page.waitForURL(/\?saved=terminated$/);
  assert.equal(await text(page, 'main [role=status]'), 'Subscription terminated; the router was told to disconnect it.');
  assert.equal(await text(page, '[data-status]'), 'Terminated');
  assert.match(await text(page, '[data-terminated]'), /· Pindah ke Bandung · username was rina-baru$/);
  assert.equal(await page.getByRole('link', { name: 'Edit', exact: true }).count(), 0, 'a terminated subscription is not edited');
  await screenshot(page, 'lifecycle-terminated');
  assert.equal((await login('rina-baru', password)).code, 'Access-Reject', 'the router is refused after termination');

  // In Indonesian.
  await page.getByRole('button', { name: 'Bahasa Indonesia' }).click();
  await page.waitForURL(/\/admin\/subscriptions\/\d+/);
  await page.locator('html[lang=id]').waitFor();
  assert.equal(await text(page, '[data-status]'), 'Berhenti');
  assert.equal(await fact(page, 'Diberhentikan'), await text(page, '[data-terminated]'));
  assert.match(await text(page, '[data-terminated]'), /· Pindah ke Bandung · username sebelumnya rina-baru$/);
  await screenshot(page, 'lifecycle-terminated-id');

  // Archive: nothing is open now.
  await page.getByRole('link', { name: 'Rina Kusuma' }).first().click();
  await page.waitForURL(new RegExp(`/admin/customers/${customer.id}$`));
  await page.getByRole('button', { name: 'Arsipkan' }).click();
  await page.waitForURL(/\?saved=archived$/);
  assert.equal(await text(page, 'main [role=status]'), 'Pelanggan diarsipkan.');
  assert.match(await text(page, '[data-archived]'), /^Diarsipkan sejak /);
  await screenshot(page, 'lifecycle-archived');

  assert.deepEqual(dialogs, [
    'Generate a new password? The old one stops working at the next login.',
    'Archive this customer? They stay on record but leave the customer list.',
    'Arsipkan pelanggan ini? Datanya tetap tersimpan tetapi tidak tampil di daftar pelanggan.',
  ]);
  assert.deepEqual(errors, []);
});
