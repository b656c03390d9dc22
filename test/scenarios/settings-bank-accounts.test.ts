/**
 * The ISP's bank accounts for transfers in the console's company settings (/admin/settings):
 * up to three rows of bank / account number / holder, an empty row skipped, a row typed in part
 * or a number with letters refused (422, what was typed kept), the saved accounts shown again and
 * audited. The captive portal shows them (test/scenarios/captive-portal.test.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBillingSettings } from '../../billing/settings/billing-settings.js';
import { auditRows, formVersion, startConsoleServer, type ConsoleServer } from '../helpers/settings-fixtures.js';

let s: ConsoleServer;

before(async () => {
  s = await startConsoleServer();
});
after(async () => {
  await s.stop();
});

test('bank accounts: typed in the company settings, checked, stored in order without empty rows, shown again and audited', async () => {
  const admin = await s.signedIn('admin');
  const page = await admin.get('/admin/settings');
  assert.equal(page.status, 200);
  assert.match(page.text, /Bank accounts for transfers/);
  for (const i of [0, 1, 2]) assert.match(page.text, new RegExp(`name="bank${i}Number" value=""`), `row ${i}`);
  const form = {
    version: formVersion(page.text, '/admin/settings'), companyName: 'Net Desa', companyPhone: '', companyEmail: '', companyAddress: '', tax: '0', invoicePrefix: 'INV', leadDays: '7', postpaidDueDays: '10',
    bank0Bank: 'BCA', bank0Number: '123 456 7890', bank0Holder: 'PT Net Desa',
    bank1Bank: '', bank1Number: '', bank1Holder: '',
    bank2Bank: 'BRI', bank2Number: '0012-01-000123-30-5', bank2Holder: 'Net Desa',
  };

  const letters = await admin.post('/admin/settings', { ...form, bank2Number: '12AB' });
  assert.equal(letters.status, 422);
  assert.match(letters.text, /data-error="bank2Number"/);
  assert.match(letters.text, /name="bank2Number" value="12AB"/, 'what was typed is kept');
  const partial = await admin.post('/admin/settings', { ...form, bank1Bank: 'Mandiri' });
  assert.equal(partial.status, 422);
  for (const field of ['bank1Number', 'bank1Holder']) assert.match(partial.text, new RegExp(`data-error="${field}">Required\\.<`), field);
  assert.doesNotMatch(partial.text, /data-error="bank1Bank"/);
  assert.equal(await s.c.db('settings').where({ key: 'billing' }).first(), undefined, 'nothing saved');

  const ok = await admin.post('/admin/settings', form);
  assert.equal(ok.status, 302);
  assert.deepEqual((await loadBillingSettings(s.c.db)).bankAccounts, [
    { bank: 'BCA', number: '123 456 7890', holder: 'PT Net Desa' },
    { bank: 'BRI', number: '0012-01-000123-30-5', holder: 'Net Desa' },
  ]);
  const again = (await admin.get('/admin/settings')).text;
  assert.match(again, /name="bank0Bank" value="BCA"/);
  assert.match(again, /name="bank1Bank" value="BRI"/, 'the empty row left no gap');
  assert.match(again, /name="bank2Bank" value=""/);
  const [audit] = await auditRows(s.c.db, 'settings', 'billing');
  assert.equal((audit!.after as { bankAccounts: unknown[] }).bankAccounts.length, 2);
});
