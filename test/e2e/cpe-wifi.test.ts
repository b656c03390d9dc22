/**
 * CPE management through GenieACS in a real browser (Debian's chromium via playwright-core),
 * against the web role and the local GenieACS NBI fake: a technician links the customer's ONT to
 * the subscription by its serial on the subscription page and sees its model and Wi-Fi; then the
 * customer, on a phone, signs in to the portal, opens "Wi-Fi", is refused a 7-character password,
 * and changes the Wi-Fi name and password; the fake receives the setParameterValues task and the
 * page shows the new name. Screenshots: test-output/screenshots/cpe-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { writeSetting } from '../../lib/settings-store.js';
import { openBrowser, pathOf, screenshot, signInToConsole, text, type TestBrowser } from '../helpers/browser.js';
import { createStaff } from '../helpers/factories.js';
import { igdDevice, startFakeGenieAcs, type FakeGenieAcs } from '../helpers/fake-genieacs.js';
import { portalCustomer } from '../helpers/portal-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const NOW = new Date('2026-12-07T03:00:00Z');
let web: WebServer;
let acs: FakeGenieAcs;
let desk: TestBrowser;
let phone: TestBrowser;

before(async () => {
  acs = await startFakeGenieAcs();
  web = await startWebServer({ clock: settableClock(NOW.toISOString()) });
  await web.c.db.transaction((trx) => writeSetting(trx, 'genieacs', { enabled: true, url: acs.url, username: '', offlineFactor: 3 }, 0));
  desk = await openBrowser();
  phone = await openBrowser({ viewport: { width: 360, height: 740 }, isMobile: true });
});
after(async () => {
  await phone?.close();
  await desk?.close();
  await web?.stop();
  await acs?.close();
});

test('staff link the ONT by serial; the customer changes the Wi-Fi name and password from the portal', async () => {
  const customer = await portalCustomer(web.c.db, { name: 'Ayu Lestari', phone: '0812 7300 4455', password: 'portal-ayu-2026' });
  const device = igdDevice({ serial: 'HWTCAYU00042', lastInform: new Date(NOW.getTime() - 60_000), ssids: [{ ssid: 'HUAWEI-A8F2', clients: 5 }] });
  acs.add(device);
  const staff = await createStaff(web.c.db, { role: 'technician' });

  const tech = await desk.journey();
  try {
    await signInToConsole(tech.page, web.baseUrl, staff.username, staff.password);
    await tech.page.goto(`${web.baseUrl}/admin/subscriptions/${customer.subscriptionId}`);
    assert.match(await text(tech.page, '[data-cpe-panel]'), /No modem is linked/);
    await tech.page.locator('[data-cpe-link-form] input[name="serial"]').fill('HWTCAYU00042');
    await tech.page.locator('[data-cpe-link-form] button').click();
    await tech.page.waitForURL(/cpe=linked/);
    assert.equal(await text(tech.page, '[data-cpe-notice]'), 'The modem is linked.');
    assert.match(await text(tech.page, '[data-cpe-model]'), /HG8245H/);
    assert.match(await text(tech.page, '[data-cpe-wifi]'), /HUAWEI-A8F2 · 5 clients/);
    await screenshot(tech.page, 'cpe-console-panel');
    assert.deepEqual(tech.errors, []);
  } finally {
    await tech.close();
  }

  const { page, errors, close } = await phone.journey();
  try {
    await page.goto(`${web.baseUrl}/portal/account/login`);
    await page.locator('#id-pw').fill(customer.customerNumber);
    await page.locator('#pw').fill('portal-ayu-2026');
    await page.locator('#pw').press('Enter');
    await page.waitForURL(/\/portal\/account$/);
    await page.getByRole('link', { name: 'Wi-Fi' }).click();
    await page.waitForURL(/\/portal\/account\/wifi$/);
    assert.equal(await text(page, 'h1'), 'Home Wi-Fi');
    assert.equal(await text(page, '[data-current-ssid]'), 'HUAWEI-A8F2');

    await page.getByLabel('New Wi-Fi name').fill('Rumah Ayu');
    await page.getByLabel('New Wi-Fi password').fill('ayu1234');
    await page.getByRole('button', { name: 'Save Wi-Fi' }).click();
    await page.waitForSelector('[data-error="wifi_password"]');
    assert.match(await text(page, '[data-error="wifi_password"]'), /8 to 63 characters/);
    assert.equal(acs.tasks.length, 0, 'nothing was sent for a refused password');

    await page.getByLabel('New Wi-Fi name').fill('Rumah Ayu');
    await page.getByLabel('New Wi-Fi password').fill('kopi-pagi-2026');
    await page.getByRole('button', { name: 'Save Wi-Fi' }).click();
    await page.waitForURL(/\/portal\/account\/wifi\?saved=done$/);
    assert.equal(pathOf(page), '/portal/account/wifi?saved=done');
    assert.match(await text(page, '[data-wifi-saved]'), /Your Wi-Fi was changed/);
    assert.equal(await text(page, '[data-current-ssid]'), 'Rumah Ayu', 'the page reads the modem again');
    await screenshot(page, 'cpe-portal-wifi');

    const task = acs.tasks.at(-1)!;
    assert.equal(task.device, device._id);
    assert.deepEqual(task.parameterValues, [
      ['InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID', 'Rumah Ayu', 'xsd:string'],
      ['InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.PreSharedKey.1.KeyPassphrase', 'kopi-pagi-2026', 'xsd:string'],
    ]);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
