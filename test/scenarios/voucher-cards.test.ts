/**
 * Voucher cards to print (issue 11): each layout (compact, standard with QR, large QR, a 58 mm
 * thermal strip) carries
 * every code of the batch with the ISP's name, price, terms and the note; each QR code, read back
 * by a QR decoder from the SVG the page serves, is the hotspot login URL with the code as username
 * and password; the login address defaults to the `hotspot` settings row's first login host (else
 * RouterOS's 10.5.50.1) and can be typed on the form, a bad one refused; labels in Indonesian;
 * and only staff with vouchers.manage print codes (viewers and technicians get 403).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { createStaff } from '../helpers/factories.js';
import { readQrSvg } from '../helpers/qr-reader.js';
import { createVoucherBatch } from '../helpers/vouchers-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;

before(async () => {
  web = await startWebServer();
  await web.c.db('settings').insert({ key: 'billing', value: JSON.stringify({ companyName: 'RT/RW Net Sejahtera', companyPhone: '0812-3456-7890' }) });
});
after(async () => {
  await web?.stop();
});

async function signedIn(role: 'admin' | 'cashier' | 'technician' | 'viewer', locale: 'en' | 'id' = 'en'): Promise<AdminClient> {
  const staff = await createStaff(web.c.db, { role, locale });
  const client = adminClient(web.baseUrl);
  assert.equal((await client.signIn(staff.username, staff.password)).status, 302);
  await client.get('/admin/vouchers');
  return client;
}

const decode = (html: string): string => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** Each card of the sheet: its code, and the text of its QR code as a decoder reads it (or null). */
function cardsOf(html: string): Array<{ code: string; qr: string | null; text: string }> {
  return html.split('data-card>').slice(1).map((card) => {
    const code = /data-code>([^<]*)</.exec(card)?.[1] ?? '';
    const svg = /<svg[\s\S]*?<\/svg>/.exec(card)?.[0];
    return { code, qr: svg ? readQrSvg(svg) : null, text: decode(card) };
  });
}

const loginUrl = (origin: string, code: string): string => `${origin}/login?username=${code}&password=${code}`;

test('every layout prints every code with name, price, terms and note; the QR logs the guest in at the hotspot', async () => {
  const { batchId, vouchers } = await createVoucherBatch(web.c.db, { quantity: 12, price: 5000, timeLimitSeconds: 3 * 3600, validitySeconds: 86_400 });
  const codes = vouchers.map((v) => v.code).sort();
  const client = await signedIn('cashier');

  for (const layout of ['compact', 'standard', 'qr-large', 'thermal-58'] as const) {
    const res = await client.get(`/admin/vouchers/batches/${batchId}/print?layout=${layout}&note=${encodeURIComponent('Beli di Warung Bu Sri')}`);
    assert.equal(res.status, 200, layout);
    assert.match(res.text, new RegExp(`data-layout="${layout}"`));
    assert.match(res.text, /href="\/static\/voucher-cards.css"/);
    const cards = cardsOf(res.text);
    assert.deepEqual(cards.map((c) => c.code).sort(), codes, `${layout}: every code once`);
    for (const card of cards) {
      assert.match(card.text, /RT\/RW Net Sejahtera/, layout);
      assert.match(card.text, /Rp 5\.000/, layout);
      assert.match(card.text, /3 h · valid 1 day/, layout);
      assert.match(card.text, /data-note>Beli di Warung Bu Sri</, layout);
      if (layout === 'compact') assert.equal(card.qr, null, 'compact cards carry no QR');
      else assert.equal(card.qr, loginUrl('http://10.5.50.1', card.code), `${layout}: the QR of ${card.code}`);
    }
  }
  // Without a layout: the standard one, with QR codes.
  const plain = cardsOf((await client.get(`/admin/vouchers/batches/${batchId}/print`)).text);
  assert.equal(plain.length, 12);
  assert.equal(plain[0]!.qr, loginUrl('http://10.5.50.1', plain[0]!.code));

  const audits = await web.c.db('audit_log').where({ action: 'voucher_batch_printed', object_id: String(batchId) }).orderBy('id').pluck('after');
  assert.deepEqual(audits.map((a: { layout: string; count: number }) => [a.layout, a.count]), [['compact', 12], ['standard', 12], ['qr-large', 12], ['thermal-58', 12], ['standard', 12]]);
});

test('the login address: the hotspot settings\' first login host by default, or as typed; a bad one prints nothing', async () => {
  const { batchId, vouchers } = await createVoucherBatch(web.c.db, { quantity: 3 });
  const client = await signedIn('admin');
  await web.c.db('settings').insert({ key: 'hotspot', value: JSON.stringify({ loginHosts: ['wifi.rtrw.net', '10.5.50.1'] }) });
  try {
    const byDefault = await client.get(`/admin/vouchers/batches/${batchId}/print?layout=qr-large`);
    assert.match(decode(byDefault.text), /name="login" value="http:\/\/wifi\.rtrw\.net"/);
    for (const card of cardsOf(byDefault.text)) assert.equal(card.qr, loginUrl('http://wifi.rtrw.net', card.code));

    const typed = await client.get(`/admin/vouchers/batches/${batchId}/print?login=${encodeURIComponent('https://HS.Example.net:8443/any/path?x=1')}`);
    const cards = cardsOf(typed.text);
    assert.equal(cards.length, 3);
    for (const card of cards) assert.equal(card.qr, loginUrl('https://hs.example.net:8443', card.code));

    const before = await web.c.db('audit_log').where({ action: 'voucher_batch_printed', object_id: String(batchId) }).count({ n: '*' }).first();
    for (const bad of ['javascript:alert(1)', 'ftp://10.5.50.1', 'http://user:pass@10.5.50.1', 'http://']) {
      const res = await client.get(`/admin/vouchers/batches/${batchId}/print?login=${encodeURIComponent(bad)}`);
      assert.equal(res.status, 422, bad);
      assert.match(res.text, /data-login-error>Type the hotspot&#x27;s address/, bad);
      assert.equal(cardsOf(res.text).length, 0, `${bad}: no cards`);
      for (const v of vouchers) assert.ok(!res.text.includes(v.code), `${bad}: no code`);
    }
    const afterBad = await web.c.db('audit_log').where({ action: 'voucher_batch_printed', object_id: String(batchId) }).count({ n: '*' }).first();
    assert.equal(Number(afterBad?.n), Number(before?.n), 'nothing printed, nothing audited');
  } finally {
    await web.c.db('settings').where({ key: 'hotspot' }).delete();
  }
});

test('the form and the cards in Indonesian', async () => {
  const { batchId } = await createVoucherBatch(web.c.db, { quantity: 2 });
  const client = await signedIn('admin', 'id');
  const res = decode((await client.get(`/admin/vouchers/batches/${batchId}/print?layout=standard`)).text);
  assert.match(res, /Tata letak kartu/);
  assert.match(res, /Ringkas \(70 per halaman, tanpa QR\)/);
  assert.match(res, /QR besar \(10 per halaman\)/);
  assert.match(res, /Printer thermal 58 mm \(1 per potongan\)/);
  const thermal = decode((await client.get(`/admin/vouchers/batches/${batchId}/print?layout=thermal-58`)).text);
  assert.match(thermal, /Kode voucher/);
  assert.match(thermal, /data-cut><span>✂ potong di sini</);
  assert.match(res, /Alamat login hotspot/);
  assert.match(res, /Catatan di tiap kartu/);
  assert.match(res, /pindai QR atau ketik kodenya/);
});

test('viewers and technicians cannot print codes or QR codes in any layout', async () => {
  const { batchId, vouchers } = await createVoucherBatch(web.c.db, { quantity: 2 });
  for (const role of ['viewer', 'technician'] as const) {
    const client = await signedIn(role);
    for (const layout of ['compact', 'standard', 'qr-large', 'thermal-58']) {
      const res = await client.get(`/admin/vouchers/batches/${batchId}/print?layout=${layout}&status=all`);
      assert.equal(res.status, 403, `${role} ${layout}`);
      assert.ok(!res.text.includes(vouchers[0]!.code) && !res.text.includes('<svg class="qr"'), `${role} ${layout}: no code, no QR`);
    }
  }
});
