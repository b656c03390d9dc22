/**
 * REST API tokens in Debian's chromium (issue 14, "Browser journeys: create a token"): an admin
 * opens API tokens from the console's menu, creates a token for a cashier, copies it from the page
 * (shown once), and another system calls the API with it: the cashier's role decides (customers
 * served, voiding an invoice 403). The list then shows the last use; the reference page renders
 * the API under the Content-Security-Policy without a violation or a request to another host
 * (no validator badge); revoking the token (confirmed)
 * makes the API answer 401. Screenshots: test-output/screenshots/api-tokens-<step>.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import path from 'node:path';
import { openBrowser, screenshot, SCREENSHOTS, signInToConsole, text, until, type TestBrowser } from '../helpers/browser.js';
import { createCustomer, createStaff } from '../helpers/factories.js';
import { api } from '../helpers/api-client.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let browser: TestBrowser;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-08T03:00:00Z') });
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  await web?.stop();
});

test('an admin creates a token for a cashier in the console, the API answers with the cashier\'s role, the revoked token is refused', async () => {
  const { db } = web.c;
  const admin = await createStaff(db, { role: 'admin', locale: 'en' });
  const cashier = await createStaff(db, { role: 'cashier', locale: 'en', username: 'kasir-ani' });
  await createCustomer(db, { name: 'Pelanggan API' });
  const j = await browser.journey();
  const violations: string[] = [];
  j.page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const elsewhere: string[] = [];
  j.page.on('request', (r) => {
    if (!r.url().startsWith(web.baseUrl) && !r.url().startsWith('data:')) elsewhere.push(r.url());
  });
  const { page } = j;
  try {
    await signInToConsole(page, web.baseUrl, admin.username, admin.password);
    await page.getByRole('link', { name: 'API tokens' }).first().click();
    await page.waitForURL(/\/admin\/api-tokens$/);
    assert.equal(await text(page, 'h1'), 'API tokens');
    await page.getByLabel('Name (what it is for)').fill('Accounting sync');
    await page.getByLabel('Acts as staff member').selectOption({ label: 'kasir-ani (Cashier)' });
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.locator('[data-api-token]').waitFor();
    await screenshot(page, 'api-tokens-created');
    const token = await text(page, '[data-api-token]');
    assert.match(token, /^isp_[A-Za-z0-9_-]{43}$/);
    assert.match(await text(page, `tr[data-token-id] td:nth-child(3)`), /kasir-ani/);

    const customers = await api(web.baseUrl, token, 'GET', '/customers?q=Pelanggan');
    assert.equal(customers.status, 200);
    assert.deepEqual(customers.json.data.map((c: { name: string }) => c.name), ['Pelanggan API']);
    const voidTry = await api(web.baseUrl, token, 'POST', '/invoices/1/void', { body: { reason: 'x' } });
    assert.equal(voidTry.status, 403, 'a cashier may not void');

    await page.goto(`${web.baseUrl}/admin/api-tokens`);
    assert.equal(await page.locator('[data-api-token]').count(), 0, 'the token is not shown again');
    assert.doesNotMatch(await page.content(), new RegExp(token.slice(12)), 'nor any part past its prefix');
    assert.doesNotMatch(await text(page, 'tr[data-token-id] [data-last-used]'), /never/, 'the last use is shown');

    await page.getByRole('link', { name: 'API reference' }).click();
    await page.waitForURL(/\/api\/v1\/docs$/);
    await until('the reference lists the operations', async () => (await page.getByText('List customers').count()) > 0, 15_000);
    assert.equal(await page.locator('.validator-badge, img[src*="validator"]').count(), 0, 'the document is not sent to a validator elsewhere');
    // The viewport only: a full-page shot of the long reference is slow on a busy machine.
    await page.screenshot({ path: path.join(SCREENSHOTS, 'api-tokens-reference.png'), timeout: 30_000 });

    await page.goto(`${web.baseUrl}/admin/api-tokens`);
    await page.getByRole('button', { name: 'Revoke' }).click();
    await until('the token is revoked', async () => (await text(page, 'tr[data-token-id] td:nth-child(6)')).startsWith('Revoked'));
    assert.equal(j.dialogs.length, 1, 'revoking asks first');
    assert.equal((await api(web.baseUrl, token, 'GET', '/customers')).status, 401);
    const audit = await db('audit_log').whereIn('action', ['api_token_created', 'api_token_revoked']).orderBy('id').select('action', 'staff_user_id');
    assert.deepEqual(audit.map((a) => [a.action, Number(a.staff_user_id)]), [['api_token_created', admin.id], ['api_token_revoked', admin.id]]);
    assert.deepEqual(violations, []);
    assert.deepEqual(elsewhere, [], 'the console and the reference ask nothing of other hosts');
    assert.deepEqual(j.errors, []);
    void cashier;
  } finally {
    await j.close();
  }
});
