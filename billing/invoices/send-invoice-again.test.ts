/**
 * Sending an invoice again: one new outbox row per channel the customer can be reached on, with
 * what is still owed and the pay link, audited with the channels; each press a new message;
 * refused for an invoice with nothing to ask for or a customer no channel can reach.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStaff } from '../../test/helpers/factories.js';
import { invoicesOfSubscription, subscriber, withOneInvoice } from '../../test/helpers/billing-fixtures.js';
import { sendInvoiceAgain } from './send-invoice-again.js';
import { voidInvoice } from './void-invoice.js';

test('sends what is still owed again to the customer by SMS, audited; a second press is a second message', async (t) => {
  const { b, planId, sub, invoice } = await withOneInvoice(t);
  const staff = await createStaff(b.db, { username: 'kasir-siti', role: 'cashier' });
  const actor = { staffUserId: staff.id, username: staff.username, ip: null };
  await b.engine.recordStaffPayment({ customerId: sub.customerId, amount: 50_000, method: 'cash', invoiceId: invoice.id, receivedBy: staff.id });

  b.setDay('2026-12-02');
  const out = await b.engine.run((u) => sendInvoiceAgain(u, { invoiceId: invoice.id, actor }));
  assert.deepEqual(out, { ok: true, customerId: sub.customerId, invoiceNumber: invoice.invoice_number, sentTo: [{ channel: 'sms', recipient: '6281234567890' }] });
  const rows = await b.db('notification_outbox').where({ customer_id: sub.customerId, template: 'invoice_issued' }).orderBy('id');
  assert.equal(rows.length, 2, 'the invoice run sent it once, staff once more');
  const again = rows[1]!;
  assert.deepEqual([again.channel, again.recipient, again.status, again.payload.invoiceNumber, again.payload.amount, again.payload.dueDate, again.payload.planName],
    ['sms', '6281234567890', 'pending', invoice.invoice_number, 'Rp 100.000', '11 Desember 2026', 'Rumahan']);
  assert.match(again.payload.payUrl, /^http/);
  const audit = await b.db('audit_log').where({ action: 'invoice_sent_again' }).first('actor', 'object_id', 'after');
  assert.deepEqual([audit.actor, audit.object_id, audit.after.channels, audit.after.amount], ['kasir-siti', String(invoice.id), ['sms'], 100_000]);

  b.clock.advance(60_000);
  assert.ok((await b.engine.run((u) => sendInvoiceAgain(u, { invoiceId: invoice.id, actor }))).ok);
  assert.equal((await b.db('notification_outbox').where({ customer_id: sub.customerId, template: 'invoice_issued' })).length, 3);

  await b.db('customers').where({ id: sub.customerId }).update({ phone: null });
  assert.deepEqual(await b.engine.run((u) => sendInvoiceAgain(u, { invoiceId: invoice.id, actor })), { ok: false, code: 'no_channel' });
  assert.equal((await b.db('audit_log').where({ action: 'invoice_sent_again' })).length, 2, 'nothing sent, nothing audited');

  await b.db('customers').where({ id: sub.customerId }).update({ phone: '081234567890' });
  const other = await subscriber(b.db, { planId, startDate: '2026-10-01' });
  b.setDay('2026-11-24');
  await b.engine.generateInvoices();
  const [otherInvoice] = await invoicesOfSubscription(b.db, other.id);
  await b.engine.run((u) => voidInvoice(u, { invoiceId: otherInvoice!.id, reason: 'salah', actor }));
  assert.deepEqual(await b.engine.run((u) => sendInvoiceAgain(u, { invoiceId: otherInvoice!.id, actor })), { ok: false, code: 'not_open', status: 'void' });
  assert.deepEqual(await b.engine.run((u) => sendInvoiceAgain(u, { invoiceId: 999_999, actor })), { ok: false, code: 'not_found' });
});
