/**
 * Settings › Import in a real browser (Debian's chromium, playwright-core, 1366×768) against the
 * whole product (startBillingStack: web, worker and radius roles, a NAS emulator): an admin
 * chooses "RouterOS export file", loads a generated export (test/fixtures/import) through the file
 * input, sees the preview (what would be created, the static-address conflict, the refused row)
 * with nothing written yet, commits, and finds the imported customers in the customer list; the
 * router (radclient) then logs in as an imported subscriber with the password it had on the
 * MikroTik, quotes and backslash included. Screenshots: test-output/screenshots/import-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { routerOsExport, fixtureSecrets, type FixtureSecret } from '../fixtures/import/routeros-export-fixture.js';
import { NAS_SECRET, startBillingStack, type BillingStack } from '../helpers/billing-stack.js';
import { journeyPerTest, openBrowser, screenshot, signInToConsole, text, until, type TestBrowser } from '../helpers/browser.js';
import { createStaff, createSubscription } from '../helpers/factories.js';
import { radclient } from '../helpers/radclient.js';

let stack: BillingStack;
let browser: TestBrowser;
const journey = journeyPerTest(() => browser);
let dir: string;

before(async () => {
  stack = await startBillingStack({ start: '2026-11-03T02:00:00Z' });
  browser = await openBrowser({ viewport: { width: 1366, height: 768 } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-e2e-import-'));
});
after(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});
/** The cells of the table row `selector`, as the user reads them. */
const cells = async (page: Page, selector: string): Promise<string[]> =>
  (await page.locator(`${selector} td`).allInnerTexts()).map((s) => s.trim());

/** A RADIUS double-quoted string (FreeRADIUS escapes `"` and `\`). */
const quoted = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

test('an admin imports a RouterOS export: preview shows creates, the conflict and the refused row; commit; the customers are listed; the router logs in with the original password', async () => {
  const { page, errors } = journey();
  const { db } = stack.c;
  // plg011's static address (fixtureSecrets: every 10th has one) is already another subscriber's.
  await createSubscription(db, { username: 'lama-001', staticIp: '10.77.0.12' });
  const secrets: FixtureSecret[] = [
    ...fixtureSecrets(12),
    { name: 'ab', password: 'pendek', profile: 'paket-5M', staticIp: null, disabled: false, comment: null },
  ];
  const file = path.join(dir, 'mikrotik-export.rsc');
  fs.writeFileSync(file, routerOsExport(secrets, 6));
  const admin = await createStaff(db, { role: 'admin', name: 'Andi Admin' });

  await signInToConsole(page, stack.baseUrl, admin.username, admin.password);
  await page.goto(`${stack.baseUrl}/admin/import`);
  assert.equal(await text(page, 'main h1'), 'Import existing users');
  await page.getByLabel('Source').selectOption({ label: 'RouterOS export file (/export, /ppp secret export)' });
  await page.getByLabel('Router the subscribers connect through').selectOption('127.0.0.1');
  await page.getByLabel('Billing day of new subscriptions (1-28)').fill('5');
  const [form, area] = [await page.locator('[data-import-form]').boundingBox(), await page.getByLabel('Contents (or paste here)').boundingBox()];
  assert.ok(form && area && area.width > form.width * 0.9, 'the contents area spans the form, to be read');
  await page.getByLabel('File', { exact: true }).setInputFiles(file);
  await until('the file is loaded into the text area', async () => (await page.getByLabel('Contents (or paste here)').inputValue()).includes('/ppp secret'));
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.waitForURL(/\/admin\/import\/preview$/);

  assert.equal(await text(page, '[data-import-preview] h2'), 'Preview (nothing written yet)');
  // 5 profiles → 5 plans; 12 secrets less the conflict → 11 customers and 11 subscriptions.
  assert.equal(await text(page, '[data-count=create]'), '27');
  assert.equal(await text(page, '[data-count=conflicts]'), '1');
  assert.equal(await text(page, '[data-count=refused]'), '1');
  await screenshot(page, 'import-preview');
  assert.deepEqual(await cells(page, '[data-subscription=plg008]'), ['create', 'plg008', 'paket-20M', 'Active', '']);
  assert.deepEqual(await cells(page, '[data-subscription=plg004]'), ['create', 'plg004', 'Bisnis 50M', 'Walled garden', ''], 'a disabled secret is imported suspended');
  assert.deepEqual(await cells(page, '[data-plan="Bisnis 50M"]'), ['create', 'Bisnis 50M', '25M/50M', '']);
  assert.match(await text(page, '[data-import-conflicts]'), /^line \d+ — the static address belongs to another subscription: .*10\.77\.0\.12/);
  assert.match(await text(page, '[data-import-refused] [data-reason=username_format]'), /— username not allowed \(3-64 letters, digits, \. _ - @\): ab$/);
  assert.equal(await db('subscriptions').where('username', 'plg008').first(), undefined, 'the preview writes nothing');

  await page.getByRole('button', { name: 'Commit import' }).click();
  await page.waitForURL(/\/admin\/import\/commit$/);
  assert.equal(await text(page, '[data-import-committed]'), 'The import was committed.');
  assert.equal(await text(page, '[data-import-preview] h2'), 'Imported');
  assert.equal((await page.locator('[data-import-counts]').innerText()).replace(/\s+/g, ' ').trim(), 'Created 27 Updated 0 Unchanged 0 Conflicts 1 Refused 1');
  await screenshot(page, 'import-committed');

  await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
  await page.waitForURL(/\/admin\/customers$/);
  await page.getByRole('searchbox').fill('Cibiru');
  await until('the search lists the imported customers with comments', async () => (await page.locator('#customer-results tbody tr').count()) === 4);
  const rows = await text(page, '#customer-results tbody');
  for (const name of ['Pelanggan 1 – Désa Cibiru', 'Pelanggan 4 – Désa Cibiru', 'Pelanggan 7 – Désa Cibiru', 'Pelanggan 10 – Désa Cibiru']) assert.ok(rows.includes(name), `${name} in ${rows}`);
  await page.getByRole('searchbox').fill('plg008');
  await until('the customer named by its username is listed', async () => (await text(page, '#customer-results tbody')).includes('plg008'));
  await screenshot(page, 'import-customers');

  // plg008's password on the MikroTik was `p"a\ss$ 7?`, its profile paket-20M.
  const original = secrets[7]!;
  assert.equal(original.password, 'p"a\\ss$ 7?');
  const accept = await radclient({
    port: stack.radius.ports.authPort, secret: NAS_SECRET, type: 'auth',
    attributes: [`User-Name = "${original.name}"`, `User-Password = ${quoted(original.password)}`, 'Message-Authenticator = 0x00'],
  });
  assert.equal(accept.code, 'Access-Accept', accept.stdout + accept.stderr);
  assert.equal(accept.attributes.find(([n]) => n === 'Mikrotik-Rate-Limit')?.[1], '10M/20M', "the profile's rate limit");
  const wrong = await radclient({
    port: stack.radius.ports.authPort, secret: NAS_SECRET, type: 'auth',
    attributes: [`User-Name = "${original.name}"`, 'User-Password = "Rahasia259"', 'Message-Authenticator = 0x00'],
  });
  assert.equal(wrong.code, 'Access-Reject');

  // The same export again, with plg002's password and profile changed on the MikroTik since:
  // nothing new, one update, and the changes named.
  secrets[1] = { ...secrets[1]!, password: 'BaruLagi42', profile: 'paket-5M' };
  await page.goto(`${stack.baseUrl}/admin/import`);
  await page.getByLabel('Contents (or paste here)').fill(routerOsExport(secrets, 7));
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.waitForURL(/\/admin\/import\/preview$/);
  assert.equal(await text(page, '[data-count=create]'), '0');
  assert.equal(await text(page, '[data-count=update]'), '1');
  assert.deepEqual(await cells(page, '[data-subscription=plg002]'), ['update', 'plg002', 'paket-5M', 'Active', 'password, plan']);
  await screenshot(page, 'import-preview-again');
  assert.deepEqual(errors, []);
});
