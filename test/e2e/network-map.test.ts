/**
 * The network map in Debian's chromium (issue 12 item 7), with tiles off (no tile URL: there is
 * no network here, and it is how an offline ISP runs it): Leaflet, served by us, draws the four
 * subscription states in four colours on a plain background with a scale; a click on a
 * subscriber opens its popup whose link leads to its page; "lat, lng" pasted in the coordinates
 * field and saved moves the marker there; a click on the map fills the field. No script error,
 * no console error and no Content-Security-Policy violation on the way. With a tile server that
 * cannot be reached, the map falls back to the plain background and still draws everything.
 * Screenshots: test-output/screenshots/network-map-<step>.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { MAP_SETTINGS_KEY } from '../../network/map/map-settings.js';
import { journeyPerTest, openBrowser, pathOf, screenshot, signInToConsole, until, type TestBrowser } from '../helpers/browser.js';
import { createStaff } from '../helpers/factories.js';
import { seedMapNetwork, type MapNetwork } from '../helpers/map-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let browser: TestBrowser;
let net: MapNetwork;
let staff: { username: string; password: string };
const journey = journeyPerTest(() => browser);

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-07T03:00:00Z') });
  browser = await openBrowser();
  await web.c.db('settings').insert({ key: MAP_SETTINGS_KEY, value: JSON.stringify({ tileUrl: '', attribution: '' }) });
  net = await seedMapNetwork(web.c.db);
  staff = await createStaff(web.c.db, { role: 'technician', locale: 'en' });
});
after(async () => {
  await browser?.close();
  await web?.stop();
});

/** Console errors and CSP violations seen by the page, from before its first script runs. */
async function watch(): Promise<{ problems: string[] }> {
  const { page } = journey();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.exposeFunction('reportViolation', (text: string) => problems.push(`csp: ${text}`));
  await page.addInitScript("document.addEventListener('securitypolicyviolation', (e) => { void window.reportViolation(e.violatedDirective + ' ' + e.blockedURI); });");
  return { problems };
}

const marker = (id: number): string => `path[data-subscription="${id}"]`;

test('the four states in four colours on a plain background with a scale; a click opens the popup whose link leads to the subscription', async () => {
  const { problems } = await watch();
  const { page, errors } = journey();
  await signInToConsole(page, web.baseUrl, staff.username, staff.password);
  await page.getByRole('link', { name: 'Map', exact: true }).click();
  await page.waitForURL(/\/admin\/network\/map$/);
  await until('the four subscribers are drawn', async () => (await page.locator('path.map-sub').count()) === 4);

  const fills: Record<string, string> = {};
  for (const state of ['online', 'offline', 'isolated', 'overdue']) {
    const id = net[state as keyof MapNetwork];
    const path = page.locator(marker(id));
    assert.match((await path.getAttribute('class')) ?? '', new RegExp(`state-${state}`), `${state} marker`);
    fills[state] = (await path.getAttribute('fill')) ?? '';
  }
  assert.equal(new Set(Object.values(fills)).size, 4, `four colours: ${JSON.stringify(fills)}`);
  assert.equal(await page.locator('#network-map.no-tiles').count(), 1, 'the plain background');
  assert.equal(await page.locator('img.leaflet-tile').count(), 0, 'no tile requested');
  assert.match(await page.locator('.leaflet-control-scale').innerText(), /\d+ (m|km)/);
  assert.equal(await page.locator('path.map-link').count(), 4, 'links: three subscribers to the ODP, the ODP to the OLT');
  assert.ok(await page.locator('li[data-legend="isolated"]').isVisible());
  await screenshot(page, 'network-map-states');

  await page.locator(marker(net.online)).click();
  const popup = page.locator(`.leaflet-popup [data-popup-subscription="${net.online}"]`);
  await popup.waitFor();
  assert.match(await popup.innerText(), /Online/);
  await popup.getByRole('link', { name: 'Open subscription' }).click();
  await page.waitForURL(/\/admin\/subscriptions\/\d+$/);
  assert.equal(pathOf(page), `/admin/subscriptions/${net.online}`);

  // The ODP's popup tells its ports.
  await page.goBack();
  await until('drawn again', async () => (await page.locator('path.map-sub').count()) === 4);
  await page.locator(`[data-device="${net.odp}"]`).click();
  const odp = page.locator(`.leaflet-popup [data-popup-device="${net.odp}"]`);
  await odp.waitFor();
  assert.match(await odp.innerText(), /Ports: 4 used, 4 free \(8\)/);

  assert.deepEqual(errors, []);
  assert.deepEqual(problems, []);
});

test('pasting "-6.2, 106.8" and saving moves the marker there; a click on the map fills the coordinates', async () => {
  const { problems } = await watch();
  const { page, errors } = journey();
  await signInToConsole(page, web.baseUrl, staff.username, staff.password);
  await page.goto(`${web.baseUrl}/admin/subscriptions/${net.offline}`);
  await page.locator('a[data-map-link]').click();
  await page.waitForURL(/\/admin\/network\/map\?place=subscription:\d+$/);
  await until('the subscriber is drawn', async () => (await page.locator(marker(net.offline)).count()) === 1);
  const field = page.getByLabel('Coordinates (lat, lng)');
  assert.equal(await field.inputValue(), '-6.3012, 106.9008', 'the current location');

  const box = (await page.locator('#network-map').boundingBox())!;
  await page.mouse.click(box.x + 40, box.y + box.height - 40);
  assert.match(await field.inputValue(), /^-?\d+\.\d{6}, -?\d+\.\d{6}$/, 'a click on the map fills the field');

  await field.fill('-6.2, 106.8');
  await page.getByRole('button', { name: 'Save' }).click();
  await until('saved', async () => (await page.locator('[data-place-status]').innerText()) === 'Location saved.');
  const row = await web.c.db('subscriptions').where({ id: net.offline }).first('latitude', 'longitude');
  assert.deepEqual([Number(row.latitude), Number(row.longitude)], [-6.2, 106.8]);
  // The map moved to the new place and drew the marker there: at the centre of the map.
  await until('the marker is at the centre', async () => {
    const m = await page.locator(marker(net.offline)).boundingBox();
    const map = (await page.locator('#network-map').boundingBox())!;
    return m !== null && Math.abs(m.x + m.width / 2 - (map.x + map.width / 2)) < 3 && Math.abs(m.y + m.height / 2 - (map.y + map.height / 2)) < 3;
  });
  assert.equal(await page.locator(marker(net.online)).count(), 0, 'the old neighbours are out of view');
  await screenshot(page, 'network-map-moved');

  assert.deepEqual(errors, []);
  assert.deepEqual(problems, []);
});

test('a tile server out of reach: the plain background comes back, markers and links are still drawn, and the policy let the page try', async () => {
  const { problems } = await watch();
  const { page, errors } = journey();
  // Port 9 (discard) on this machine: nothing listens, every tile fails.
  await web.c.db('settings').where({ key: MAP_SETTINGS_KEY }).update({ value: JSON.stringify({ tileUrl: 'http://127.0.0.1:9/{z}/{x}/{y}.png', attribution: 'Tiles © Contoh' }) });
  try {
    await signInToConsole(page, web.baseUrl, staff.username, staff.password);
    await page.goto(`${web.baseUrl}/admin/network/map`);
    await until('the four subscribers are drawn', async () => (await page.locator('path.map-sub').count()) === 4);
    await until('the plain background after failed tiles', async () => (await page.locator('#network-map.no-tiles').count()) === 1);
    assert.equal(await page.locator('path.map-link').count(), 4);
    assert.match(await page.locator('.leaflet-control-attribution').innerText(), /Tiles © Contoh/);
    assert.deepEqual(errors, []);
    assert.deepEqual(problems.filter((p) => p.startsWith('csp:') || /Content Security Policy/i.test(p)), [], 'tiles were refused by the network, not by the policy');
  } finally {
    await web.c.db('settings').where({ key: MAP_SETTINGS_KEY }).update({ value: JSON.stringify({ tileUrl: '', attribution: '' }) });
  }
});
