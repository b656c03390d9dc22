/**
 * Voucher cards in Debian's chromium (issue 11): a cashier picks a layout on the print form, and
 * the sheet of 50 vouchers printed to PDF (A4, the page's own @page size) takes as many A4 pages
 * as the layout's grid says: compact 70 a page (1 page), standard 27 (2 pages), large QR 10
 * (5 pages). The QR code as the browser draws it is read back by a QR decoder. No console menu is
 * printed. The thermal layout prints one card per 58 mm wide page (a strip of a 58 mm receipt
 * roll). Screenshots: test-output/screenshots/voucher-cards-<layout>.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CARDS_PER_PAGE } from '../../admin/vouchers/print-options.js';
import { setBillingSettings } from '../helpers/billing-fixtures.js';
import type { Page } from 'playwright-core';
import { openBrowser, screenshot, signInToConsole, type TestBrowser } from '../helpers/browser.js';
import { createStaff } from '../helpers/factories.js';
import { readQrRgba } from '../helpers/qr-reader.js';
import { createVoucherBatch } from '../helpers/vouchers-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let browser: TestBrowser;

before(async () => {
  web = await startWebServer();
  browser = await openBrowser();
  await setBillingSettings(web.c.db, { companyName: 'NetDesa Sukamaju' });
});
after(async () => {
  await browser?.close();
  await web?.stop();
});

/** Pages of a PDF: its page objects (`/Type /Page`, not `/Pages`). */
const pdfPages = (pdf: Buffer): number => (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;

/** Every page's MediaBox of a PDF, as [width, height] in points (1 pt = 1/72 in). */
const mediaBoxes = (pdf: Buffer): Array<[number, number]> =>
  [...pdf.toString('latin1').matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);

const MM = 72 / 25.4; // points a millimetre

/** The text of the first card's QR code as chromium draws it (an <img> of the same SVG onto a canvas), read by jsQR. */
async function firstCardQr(page: Page): Promise<string | null> {
  const drawn = await page.evaluate<number[]>(`(async () => {
    const svg = document.querySelector('[data-card] [data-qr] svg');
    const img = new Image();
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 400;
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, 400, 400);
    g.drawImage(img, 40, 40, 320, 320);
    return Array.from(g.getImageData(0, 0, 400, 400).data);
  })()`);
  return readQrRgba(Uint8ClampedArray.from(drawn), 400, 400);
}

test('50 vouchers fit 1, 2 and 5 A4 pages in the compact, standard and large-QR layouts; the QR as drawn scans', async () => {
  const { batchId } = await createVoucherBatch(web.c.db, { quantity: 50, price: 5000, validitySeconds: 7 * 86_400 });
  const staff = await createStaff(web.c.db, { role: 'cashier', locale: 'en' });
  const j = await browser.journey();
  const { page } = j;
  try {
    await signInToConsole(page, web.baseUrl, staff.username, staff.password);
    await page.goto(`${web.baseUrl}/admin/vouchers/batches/${batchId}/print`);
    for (const [layout, label, pages] of [['compact', 'Compact (70 a page, no QR)', 1], ['standard', 'Standard with QR (27 a page)', 2], ['qr-large', 'Large QR (10 a page)', 5]] as const) {
      await page.getByLabel('Card layout').selectOption({ label });
      await page.getByLabel('Note on each card').fill('Beli di Warung Bu Sri');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL(new RegExp(`layout=${layout}`));
      assert.equal(await page.locator('[data-card]').count(), 50, layout);
      assert.equal(await page.locator('[data-note]').count(), 50, `${layout}: the note on every card`);
      await screenshot(page, `voucher-cards-${layout}`);
      assert.equal(Math.ceil(50 / CARDS_PER_PAGE[layout]), pages);

      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      assert.equal(pdfPages(pdf), pages, `${layout}: 50 cards on ${pages} A4 page(s)`);
      const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
      assert.ok(box && Math.abs(Number(box[1]) - 595.28) < 1 && Math.abs(Number(box[2]) - 841.89) < 1, `${layout}: A4 portrait (595 × 842 pt), not ${box?.[0]}`);

      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('header.top').isVisible(), false, 'no console header printed');
      assert.equal(await page.locator('.print-bar').isVisible(), false, 'no form printed');
      await page.emulateMedia({ media: null }); // page.pdf() prints with screen media while 'screen' is emulated

      if (layout !== 'compact') {
        // The first card's QR as chromium draws it (an <img> of the same SVG onto a canvas), read by jsQR.
        const code = (await page.locator('[data-card] [data-code]').first().textContent())!.trim();
        assert.equal(await firstCardQr(page), `http://10.5.50.1/login?username=${code}&password=${code}`, layout);
        const side = await page.locator('[data-card] [data-qr]').first().evaluate((el) => el.getBoundingClientRect().width);
        assert.ok(layout === 'standard' ? side > 80 && side < 100 : side > 160 && side < 175, `${layout}: QR ${side} px (24 or 44 mm at 96 dpi)`);
      }
    }
    assert.deepEqual(j.errors, []);
  } finally {
    await j.close();
  }
});

test('the 58 mm thermal layout prints one card per 58 mm wide strip, in Indonesian, with a QR that scans', async () => {
  const { batchId } = await createVoucherBatch(web.c.db, { quantity: 3, price: 5000, validitySeconds: 86_400 });
  const staff = await createStaff(web.c.db, { role: 'cashier', locale: 'id' });
  const j = await browser.journey();
  const { page } = j;
  try {
    await signInToConsole(page, web.baseUrl, staff.username, staff.password);
    await page.goto(`${web.baseUrl}/admin/vouchers/batches/${batchId}/print`);
    await page.getByLabel('Tata letak kartu').selectOption({ label: 'Printer thermal 58 mm (1 per potongan)' });
    await page.getByRole('button', { name: 'Tampilkan' }).click();
    await page.waitForURL(/layout=thermal-58/);
    const cards = page.locator('[data-card]');
    assert.equal(await cards.count(), 3);
    const first = cards.first();
    assert.match((await first.textContent())!, /NetDesa Sukamaju[\s\S]*Rp\s?5\.000[\s\S]*Kode voucher/, 'company, price and the code label in Indonesian');
    assert.match((await first.locator('[data-cut]').textContent())!, /potong di sini/);
    await screenshot(page, 'voucher-cards-thermal-58');

    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    assert.equal(pdfPages(pdf), 3, 'one card a page (a strip segment)');
    const boxes = mediaBoxes(pdf);
    assert.equal(boxes.length, 3);
    for (const [width] of boxes) assert.ok(Math.abs(width - 58 * MM) <= 1 * MM, `58 mm wide (${(58 * MM).toFixed(1)} pt), not ${width} pt`);

    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').isVisible(), false, 'no console header printed');
    assert.equal(await page.locator('.print-bar').isVisible(), false, 'no form printed');
    const code = (await first.locator('[data-code]').textContent())!.trim();
    const font = await page.evaluate<{ family: string; px: number }>(`(() => {
      const s = getComputedStyle(document.querySelector('[data-card] [data-code]'));
      return { family: s.fontFamily, px: parseFloat(s.fontSize) };
    })()`);
    assert.match(font.family, /monospace/, 'the code in a monospace font');
    assert.ok(font.px >= 20, `the code in large type (${font.px} px)`);
    const side = await first.locator('[data-qr]').evaluate((el) => el.getBoundingClientRect().width);
    assert.ok(side > 120 && side < 182, `QR ${side} px: fits the 48 mm printed width`);
    await page.emulateMedia({ media: null });

    assert.equal(await firstCardQr(page), `http://10.5.50.1/login?username=${code}&password=${code}`);
    assert.deepEqual(j.errors, []);
  } finally {
    await j.close();
  }
});
