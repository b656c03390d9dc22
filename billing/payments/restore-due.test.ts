import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restoreDueFrom, type OpenInvoice } from './restore-due.js';

const inv = (id: number, dueDate: string | null, owed: number, over: Partial<OpenInvoice> = {}): OpenInvoice =>
  ({ id, invoiceNumber: `INV/2026/12/${String(id).padStart(6, '0')}`, subscriptionId: 7, kind: 'recurring', dueDate, owed, ...over });
const postpaid = { id: 7, billingType: 'postpaid' as const };
const today = '2027-01-18';

test('everything up to the last past-due invoice, in settlement order, is one payment; what is not due yet stays out', () => {
  const q = restoreDueFrom([inv(1, '2026-12-11', 150_000), inv(2, '2027-01-11', 100_000), inv(3, '2027-02-11', 150_000)], postpaid, today);
  assert.deepEqual(q.payNow, { throughInvoiceId: 2, amount: 250_000, invoiceCount: 2 });
  assert.equal(q.totalOwed, 400_000);
  assert.deepEqual(q.invoices.map((i) => i.pastDue), [true, true, false]);
});

test('an earlier one-off or another subscription\'s invoice is inside the payment: the money would reach it first', () => {
  const q = restoreDueFrom([inv(4, '2026-12-01', 50_000, { kind: 'one_off', subscriptionId: null }), inv(1, '2026-12-11', 150_000), inv(9, '2027-01-20', 80_000, { subscriptionId: 8 })], postpaid, today);
  assert.deepEqual(q.payNow, { throughInvoiceId: 1, amount: 200_000, invoiceCount: 2 });
});

test('due today is not past due (extendPaidAccess lifts without it); nothing past due: the oldest open invoice', () => {
  const q = restoreDueFrom([inv(5, today, 150_000), inv(6, null, 20_000)], postpaid, today);
  assert.deepEqual(q.invoices.map((i) => i.pastDue), [false, false]);
  assert.deepEqual(q.payNow, { throughInvoiceId: 5, amount: 150_000, invoiceCount: 1 });
});

test('prepaid: at least its first unpaid period, even when due today', () => {
  const prepaid = { id: 7, billingType: 'prepaid' as const };
  const q = restoreDueFrom([inv(4, '2027-01-02', 50_000, { kind: 'one_off', subscriptionId: null }), inv(5, '2027-01-18', 150_000)], prepaid, today);
  assert.deepEqual(q.payNow, { throughInvoiceId: 5, amount: 200_000, invoiceCount: 2 });
});

test('nothing owed: nothing to pay', () => {
  assert.deepEqual(restoreDueFrom([], postpaid, today), { invoices: [], totalOwed: 0, payNow: null });
});
