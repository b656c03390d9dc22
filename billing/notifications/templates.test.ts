import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRupiah } from '../../lib/money.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.js';
import { loadTemplateOverrides, LOCALES, parseTemplateFile, renderTemplate, TEMPLATE_NAMES, TemplateError, validateTemplateSource } from './templates.js';

const params = {
  customerName: 'Budi Santoso',
  customerNumber: 'CUST0042',
  invoiceNumber: 'INV-2026-11-000123',
  amount: formatRupiah(150_000),
  dueDate: '1 Desember 2026',
  payUrl: 'https://billing.netdesa.id/pay/abc123',
  text: 'Yth. Budi, jaringan di area Cibubur dalam perbaikan pukul 01.00–03.00.',
  companyName: 'Net Desa',
  planName: 'Rumahan 10 Mbps',
  message: 'NAS Router Pusat tidak menjawab CoA',
  code: '482913',
  minutes: '5',
  link: 'https://billing.netdesa.id/portal/account/login/link/Yx3kQ',
  days: '14',
  since: '7 Desember 2026 14.05',
  until: '7 Desember 2026 18.40',
};

describe('built-in templates', () => {
  test('an invoice in Indonesian, as an Indonesian ISP writes it', () => {
    const r = renderTemplate('invoice_issued', 'id', params);
    assert.equal(r.subject, 'Tagihan internet INV-2026-11-000123 sebesar Rp 150.000');
    assert.match(r.text, /^Yth\. Bapak\/Ibu Budi Santoso,\n\n/);
    assert.match(r.text, /tagihan internet Anda INV-2026-11-000123 untuk paket Rumahan 10 Mbps sebesar Rp 150\.000 telah terbit dan jatuh tempo pada 1 Desember 2026\./i);
    assert.match(r.text, /\nhttps:\/\/billing\.netdesa\.id\/pay\/abc123\n/);
    assert.match(r.text, /Hormat kami,\nNet Desa$/);
  });

  test('the same invoice in English', () => {
    const r = renderTemplate('invoice_issued', 'en', { ...params, amount: formatRupiah(1_250_000) });
    assert.equal(r.subject, 'Internet invoice INV-2026-11-000123 for Rp 1.250.000');
    assert.match(r.text, /^Dear Budi Santoso,\n\nYour internet invoice INV-2026-11-000123 for the Rumahan 10 Mbps plan of Rp 1\.250\.000 has been issued and is due on 1 Desember 2026\./);
    assert.match(r.text, /Kind regards,\nNet Desa$/);
  });

  test('every template renders in both languages, amounts as given, no HTML escaping', () => {
    for (const locale of LOCALES) {
      for (const name of TEMPLATE_NAMES) {
        const r = renderTemplate(name, locale, { ...params, customerName: 'Toko "Maju" & Sons', message: 'a < b & c' });
        assert.ok(r.subject.length > 0 && !r.subject.includes('\n'), `${locale}/${name} subject`);
        assert.ok(!/{{|}}/.test(r.text + r.subject), `${locale}/${name} left a placeholder`);
        assert.ok(!r.text.includes('&amp;') && !r.text.includes('&quot;') && !r.text.includes('&lt;'), `${locale}/${name} escaped HTML`);
        // A broadcast is the staff member's text as filled in when queued (admin/broadcasts/): the name is in it or not.
        // The assistant's reply is likewise its whole text (billing/assistant/).
        if (name !== 'staff_alert' && name !== 'login_code' && name !== 'broadcast' && name !== 'assistant_reply') assert.ok(r.text.includes('Toko "Maju" & Sons'), `${locale}/${name} customer name`);
        if (name === 'broadcast') assert.ok(r.text.startsWith('Yth. Budi, jaringan di area Cibubur'), `${locale}/${name} the text as queued`);
        if (name === 'assistant_reply') assert.ok(r.text.startsWith('Yth. Budi, jaringan di area Cibubur'), `${locale}/${name} the text as queued`);
        if (name === 'login_code') assert.ok(r.text.includes('482913') && r.subject.includes('482913'), `${locale}/${name} code`);
        if (name === 'sign_in_link') assert.ok(r.text.includes('\nhttps://billing.netdesa.id/portal/account/login/link/Yx3kQ\n') && r.text.includes('14'), `${locale}/${name} link on its own line`);
        if (['invoice_issued', 'payment_reminder', 'payment_received', 'suspended'].includes(name)) assert.ok(r.text.includes('Rp 150.000'), `${locale}/${name} amount`);
      }
    }
  });

  test('an outage notice says since when, and when it ended', () => {
    const started = renderTemplate('outage_started', 'id', params);
    assert.equal(started.subject, 'Gangguan jaringan di area Anda');
    assert.match(started.text, /gangguan jaringan di area Anda sejak 7 Desember 2026 14\.05\./);
    const ended = renderTemplate('outage_ended', 'en', { ...params, since: '7 December 2026 14:05', until: '7 December 2026 18:40' });
    assert.match(ended.text, /The network outage in your area since 7 December 2026 14:05 ended at 7 December 2026 18:40\./);
  });

  test('optional params that are absent leave no empty lines or dangling words', () => {
    const r = renderTemplate('invoice_issued', 'id', { customerName: 'Budi', invoiceNumber: 'INV-1', amount: 'Rp 50.000', dueDate: '5 Januari 2027' });
    assert.equal(
      r.text,
      'Yth. Bapak/Ibu Budi,\n\nTagihan internet Anda INV-1 sebesar Rp 50.000 telah terbit dan jatuh tempo pada 5 Januari 2027.\n\nMohon lakukan pembayaran sebelum jatuh tempo agar layanan internet Anda tetap lancar. Abaikan pesan ini apabila Anda sudah membayar.',
    );
  });

  test('a param containing {{ }} is printed, never evaluated', () => {
    const r = renderTemplate('payment_received', 'id', { ...params, customerName: '{{payUrl}} {{#each this}}x{{/each}} {{constructor.name}}' });
    assert.ok(r.text.includes('Yth. Bapak/Ibu {{payUrl}} {{#each this}}x{{/each}} {{constructor.name}},'));
    assert.ok(!r.text.includes('https://billing.netdesa.id'));
  });

  test('inherited properties are not params', () => {
    const r = renderTemplate('staff_alert', 'en', Object.assign(Object.create({ customerName: 'from the prototype' }) as Record<string, string>, { message: 'disk full' }));
    assert.ok(!r.text.includes('from the prototype'));
  });

  test('a missing required param, an unknown template or locale is a TemplateError', () => {
    assert.throws(() => renderTemplate('invoice_issued', 'id', { customerName: 'Budi', amount: 'Rp 1' }), (e: Error) => e instanceof TemplateError && /missing invoiceNumber, dueDate/.test(e.message));
    assert.throws(() => renderTemplate('welcome', 'id', params), TemplateError);
    assert.throws(() => renderTemplate('invoice_issued', 'fr', params), TemplateError);
  });
});

describe('staff-edited templates', () => {
  test('an override wins for its template and locale only', () => {
    const overrides = { invoice_issued: { id: { subject: 'Tagihan {{invoiceNumber}}', body: 'Halo {{customerName}}, bayar {{amount}} ya.' } } };
    assert.deepEqual(renderTemplate('invoice_issued', 'id', params, overrides), { subject: 'Tagihan INV-2026-11-000123', text: 'Halo Budi Santoso, bayar Rp 150.000 ya.' });
    assert.match(renderTemplate('invoice_issued', 'en', params, overrides).text, /^Dear Budi Santoso/);
    assert.match(renderTemplate('payment_received', 'id', params, overrides).text, /^Yth\. Bapak\/Ibu/);
  });

  test('a broken or helper-calling source is refused', () => {
    assert.equal(validateTemplateSource('Tagihan {{invoiceNumber}}', 'Halo {{customerName}}{{#if payUrl}} {{payUrl}}{{/if}}'), null);
    assert.match(validateTemplateSource('Tagihan', 'Halo {{#if customerName}}') ?? '', /Parse error|Expecting/);
    assert.notEqual(validateTemplateSource('Tagihan', '{{customHelper customerName}}'), null);
    assert.throws(() => renderTemplate('invoice_issued', 'id', params, { invoice_issued: { id: { subject: 'x', body: '{{#if}}' } } }), TemplateError);
  });

  test('template files start with a Subject line', () => {
    assert.deepEqual(parseTemplateFile('Subject: Hai {{customerName}}\n\nIsi\n'), { subject: 'Hai {{customerName}}', body: 'Isi\n' });
    assert.throws(() => parseTemplateFile('Hai\nIsi'), TemplateError);
  });

  describe('from the database', () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase();
    });
    after(async () => {
      await t.drop();
    });

    test('loadTemplateOverrides reads message_templates; one row per template and locale', async () => {
      await t.db('message_templates').insert([
        { template: 'payment_reminder', locale: 'id', subject: 'Pengingat {{invoiceNumber}}', body: 'Halo {{customerName}}, tagihan {{amount}} jatuh tempo {{dueDate}}.' },
        { template: 'obsolete_template', locale: 'id', subject: 'x', body: 'y' },
      ]);
      await assert.rejects(t.db('message_templates').insert({ template: 'payment_reminder', locale: 'id', subject: 'dup', body: 'dup' }), /message_templates_template_locale_key/);
      const overrides = await loadTemplateOverrides(t.db);
      assert.deepEqual(Object.keys(overrides), ['payment_reminder']);
      assert.deepEqual(renderTemplate('payment_reminder', 'id', params, overrides), {
        subject: 'Pengingat INV-2026-11-000123',
        text: 'Halo Budi Santoso, tagihan Rp 150.000 jatuh tempo 1 Desember 2026.',
      });
    });
  });
});
