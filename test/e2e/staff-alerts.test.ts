/**
 * Staff alerts in Debian's chromium (issue 10, "Browser journeys: … staff alert seen and
 * acknowledged"), at 1366×768 (a counter laptop) and 360×740 (a phone): a router answers no
 * attempt to end a suspended subscriber's session, so the nas-control job's final attempt raises
 * a staff alert (aaa/nas/nas-control.ts, as in production); the console header shows the bell
 * with the open count, the staff member opens Alerts, reads the alert, acknowledges it, the
 * count leaves the header and the alert is under the Acknowledged tab.
 * Screenshots: test-output/screenshots/staff-alerts-<viewport>-<step>.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { createCoaClient, type CoaClient } from '../../aaa/nas/coa-client.js';
import { createNasControlProcessor } from '../../aaa/nas/nas-control.js';
import { removeActiveSession } from '../../aaa/nas/routeros-api.js';
import { classFor } from '../../aaa/policy/reply-attributes.js';
import { openBrowser, screenshot, signInToConsole, text, type TestBrowser } from '../helpers/browser.js';
import { createNas, createStaff, createSubscription, TEST_SECRET_BOX } from '../helpers/factories.js';
import { startNasEmulator, type NasEmulator } from '../helpers/nas-emulator.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const PHONE = { width: 360, height: 740 };
const LAPTOP = { width: 1366, height: 768 };
const NAS_SECRET = 'alert-nas-secret';

let web: WebServer;
let browser: TestBrowser;
let nas: NasEmulator;
let coa: CoaClient;
let nasId: number;
let staff: { username: string; password: string };

before(async () => {
  web = await startWebServer();
  browser = await openBrowser({ viewport: LAPTOP });
  staff = await createStaff(web.c.db, { role: 'technician', locale: 'en' });
  nas = await startNasEmulator({ secret: NAS_SECRET, behaviour: { default: { reply: 'silent' } } });
  nasId = (await createNas(web.c.db, { name: 'POP-Cibubur', secret: NAS_SECRET, coaPort: nas.port })).id;
  coa = createCoaClient({ log: pino({ level: 'silent' }), timeoutMs: 100, retries: 1 });
});

after(async () => {
  await browser?.close();
  await coa?.close();
  await nas?.close();
  await web?.stop();
});

/**
 * A subscriber online on the silent NAS is suspended; the nas-control job's final attempt
 * finds the session cannot be ended and writes the staff alert. Returns the subscriber's name.
 */
async function raiseNasControlAlert(): Promise<string> {
  const { db } = web.c;
  const sub = await createSubscription(db, { username: `budi-${randomUUID().slice(0, 6)}` });
  await db('accounting_sessions').insert({
    session_key: randomUUID(), acct_session_id: '81a00003', username: sub.username, subscription_id: sub.id, nas_id: nasId,
    nas_ip_address: '127.0.0.1', framed_ip_address: '10.10.0.7', class: classFor(sub.id, sub.planId, false).toString('latin1'),
    start_time: new Date(), update_time: new Date(),
  });
  const processor = createNasControlProcessor({
    db, secrets: TEST_SECRET_BOX, coa, removeActiveSession, log: pino({ level: 'silent' }),
    decide: () => ({ kind: 'walled_garden', reason: 'suspended', profile: { rateLimit: '256k/256k', addressList: 'isolir' }, message: 'Layanan diisolir' }),
  });
  await assert.rejects(processor({ subscriptionId: sub.id, reason: 'suspended' }, { isFinal: true }), /could not be changed or ended/);
  return sub.username;
}

for (const [label, viewport] of [['laptop', LAPTOP], ['phone', PHONE]] as const) {
  test(`${label} ${viewport.width}×${viewport.height}: the alert is counted in the header, read and acknowledged`, async () => {
    const username = await raiseNasControlAlert();
    const j = await browser.journey();
    try {
      const { page } = j;
      await page.setViewportSize(viewport);
      await signInToConsole(page, web.baseUrl, staff.username, staff.password);

      const bell = page.locator('header a.alerts-link');
      assert.ok(await bell.isVisible(), 'the alert bell is visible without opening the menu');
      assert.equal(await bell.getAttribute('data-open-alerts'), '1');
      assert.equal(await text(page, 'header .alerts-link .badge'), '1');
      const box = await bell.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= viewport.width, `the bell is on screen: ${JSON.stringify(box)}`);
      await screenshot(page, `staff-alerts-${label}-1-header`);

      await bell.click();
      await page.waitForURL(/\/admin\/alerts$/);
      const row = page.locator('[data-alerts] tbody tr', { hasText: username });
      assert.match((await row.textContent()) ?? '', new RegExp(`Could not apply "suspended" to ${username} on NAS POP-Cibubur \\(127\\.0\\.0\\.1\\)`));
      assert.match((await row.textContent()) ?? '', /nas_control_failed/);
      await screenshot(page, `staff-alerts-${label}-2-open`);

      await row.getByRole('button', { name: 'Acknowledge' }).click();
      await page.waitForURL(/\/admin\/alerts\?(.*&)?saved=acknowledged$/);
      assert.equal(await text(page, '[role=status]'), 'Alert acknowledged.');
      assert.equal(await text(page, '[data-alerts] tbody'), 'No open alerts.');
      assert.equal(await bell.getAttribute('data-open-alerts'), '0');
      assert.equal(await page.locator('header .alerts-link .badge').count(), 0, 'no count in the header');
      await screenshot(page, `staff-alerts-${label}-3-acknowledged`);

      await page.getByRole('link', { name: 'Acknowledged', exact: true }).click();
      await page.waitForURL(/show=acknowledged/);
      const done = page.locator('[data-alerts] tbody tr', { hasText: username });
      assert.match((await done.textContent()) ?? '', /Acknowledged by/);
      assert.equal(await done.getByRole('button', { name: 'Acknowledge' }).count(), 0);
      await screenshot(page, `staff-alerts-${label}-4-acknowledged-tab`);
      assert.deepEqual(j.errors, []);
    } finally {
      await j.close();
    }
  });
}
