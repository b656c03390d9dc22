/**
 * Bulk selection on a phone (issue 11, "Work on many at once"), in Debian's chromium at 360×740:
 * the subscription list's checkboxes are part of each row's card, the header box ticks the page,
 * "select all N matching this filter" then "Suspend…" opens the preview for the whole filter
 * (not just the page), and neither page is wider than the screen.
 * Screenshots: test-output/screenshots/bulk-360-{list,preview}.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { settableClock } from '../../lib/clock.js';
import { openBrowser, screenshot, signInToConsole, text, type TestBrowser } from '../helpers/browser.js';
import { createCustomer, createPlan, createStaff, createSubscription } from '../helpers/factories.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const PHONE = { width: 360, height: 740 };
let web: WebServer;
let browser: TestBrowser;
let staff: { username: string; password: string };
let planId: number;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-11-21T03:00:00Z') });
  browser = await openBrowser({ viewport: PHONE, isMobile: true });
  const { db } = web.c;
  staff = await createStaff(db, { role: 'admin', locale: 'en' });
  planId = (await createPlan(db, { name: 'Rumahan 20 Mbps Unlimited Malam Hari' })).id;
  for (let i = 0; i < 30; i++) {
    const c = await createCustomer(db, { name: `Raden Ayu Kusumawardhani Puspitasari ${i}` });
    await createSubscription(db, { customerId: c.id, planId, username: `pelanggan-dengan-nama-panjang-${i}` });
  }
});
after(async () => {
  await browser?.close();
  await web?.stop();
});

const widthOf = (page: Page): Promise<{ scroll: number; viewport: number }> =>
  page.evaluate<{ scroll: number; viewport: number }>('({ scroll: document.scrollingElement.scrollWidth, viewport: window.innerWidth })');

test('at 360×740: tick the page, select all matching, preview the suspend of all 30; no horizontal scroll', async () => {
  const j = await browser.journey();
  const { page } = j;
  await signInToConsole(page, web.baseUrl, staff.username, staff.password);
  await page.goto(`${web.baseUrl}/admin/subscriptions?plan=${planId}`);
  await page.waitForSelector('table.stacked');
  const list = await widthOf(page);
  assert.ok(list.scroll <= list.viewport, `the list fits the phone (${list.scroll} > ${list.viewport})`);
  // The row's checkbox sits inside its card.
  const card = await page.locator('tbody tr').first().boundingBox();
  const box = await page.locator('tbody tr input[name="ids"]').first().boundingBox();
  assert.ok(card && box && box.x >= card.x && box.x + box.width <= card.x + card.width && box.y >= card.y && box.y + box.height <= card.y + card.height, 'the checkbox is part of the card');

  await page.locator('[data-bulk-bar] [data-select-page]').check();
  assert.equal(await page.locator('input[name="ids"]:checked').count(), 25, 'the header box ticks the page');
  await page.getByLabel(/Select all/).check();
  assert.equal(await text(page, '[data-matching]'), '30');
  await screenshot(page, 'bulk-360-list');
  await page.locator('[data-bulk="suspend"]').click();
  await page.waitForURL(/\/admin\/bulk\/subscriptions\/suspend$/);
  assert.equal(await text(page, '[data-selected]'), '30', 'the whole filter, not the page');
  assert.equal(await text(page, '[data-will]'), '30');
  await page.waitForSelector('table.stacked');
  const preview = await widthOf(page);
  assert.ok(preview.scroll <= preview.viewport, `the preview fits the phone (${preview.scroll} > ${preview.viewport})`);
  await screenshot(page, 'bulk-360-preview');
  assert.deepEqual(j.errors, []);
  await j.close();
});
