import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasText, LOCALES, t } from '../../lib/i18n.js';
import { auditActionsInSource, statusReasonsInSource } from '../../test/helpers/audit-actions.js';
import { auditChanges, auditObject, auditSentence } from './audit-text.js';

test('every audit action written in the code has a sentence in Indonesian and English', () => {
  const { values, unreadable } = auditActionsInSource();
  assert.deepEqual(unreadable, [], 'every audit action expression can be read');
  assert.ok(values.size >= 60, `the scan finds the actions (${values.size})`);
  for (const must of ['customer_archived', 'subscription_terminated', 'plan_deactivated', 'nas_reactivated', 'customer_imported', 'ticket_closed']) {
    assert.ok(values.has(must), `the scan finds ${must}`);
  }
  const missing = [...values].flatMap(([action, file]) => LOCALES.filter((l) => !hasText(`audit.action.${action}`, l)).map((l) => `${action} (${l}, written in ${file})`));
  assert.deepEqual(missing, [], 'add the sentence to views/locales/admin/audit/{id,en}.json');
  for (const action of values.keys()) {
    for (const l of LOCALES) assert.doesNotMatch(t(l, `audit.action.${action}`), /[a-z]+_[a-z_]+/, `${action} reads as words in ${l}`);
  }
});

test('every status reason written in billing/ has a text in Indonesian and English', () => {
  const { values } = statusReasonsInSource();
  for (const must of ['staff_suspend', 'staff_reactivate', 'staff_terminate', 'import_disabled', 'dunning_suspend', 'dunning_soft_limit']) assert.ok(values.has(must), must);
  const missing = [...values].flatMap(([reason, file]) => LOCALES.filter((l) => !hasText(`status_reason.${reason}`, l)).map((l) => `${reason} (${l}, written in ${file})`));
  assert.deepEqual(missing, []);
});

test('a sentence puts the object where the text says, linked to its page', () => {
  const customer = auditObject('customer', '7', 'CUST0007');
  assert.deepEqual(auditSentence('id', 'customer_created', customer), { before: 'Pelanggan ', object: { type: 'customer', id: '7', label: 'CUST0007', href: '/admin/customers/7' }, after: ' dibuat' });
  assert.deepEqual(auditSentence('en', 'payment_recorded', auditObject('payment', '1')), { before: 'Payment ', object: { type: 'payment', id: '1', label: '#1', href: '/admin/payments/1' }, after: ' recorded' });
  assert.equal(auditSentence('id', 'customers_exported', auditObject('customer', null)).object, null);
  // An action written before its text existed reads as words, not as a key or an error.
  assert.deepEqual(auditSentence('id', 'some_future_action', auditObject('import', null)), { before: 'some future action ', object: null, after: '' });
});

test('details read as "field: before → after", statuses and reasons translated, money in rupiah', () => {
  assert.deepEqual(auditChanges('id', { status: 'active', statusReason: null, name: 'Budi' }, { status: 'suspended', statusReason: 'staff_suspend', name: 'Budi' }), [
    { field: 'Status', before: 'Aktif', after: 'Isolir' },
    { field: 'Alasan status', before: '–', after: 'diisolir oleh staf' },
  ]);
  assert.deepEqual(auditChanges('en', null, { amount: 150000, must_change_password: true }), [
    { field: 'Amount', before: null, after: 'Rp 150.000' },
    { field: 'Must change password', before: null, after: 'yes' },
  ]);
  assert.deepEqual(auditChanges('id', { archivedAt: null }, null), [{ field: 'Diarsipkan', before: '–', after: null }]);
});
