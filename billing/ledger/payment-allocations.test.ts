/**
 * The ledger replay that attributes invoices' amount_paid to payments (no database): the same
 * order allocateToOpenInvoices (allocate-credit.ts) allocates money in (the payment's own invoice first, then oldest due),
 * credit carried to a later invoice, voids giving money back, and receipt numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { receiptNumber, replayAllocations } from './payment-allocations.js';

type E = Parameters<typeof replayAllocations>[0][number];
const inv = (id: number, total: number): E => ({ entry_type: 'invoice', amount: -total, invoice_id: id, payment_id: null });
const pay = (id: number, amount: number): E => ({ entry_type: 'payment', amount, invoice_id: null, payment_id: id });

test('a payment pays the oldest due invoice first, the rest the next one', () => {
  const due = new Map([[1, '2026-12-11'], [2, '2026-11-11']]);
  const out = replayAllocations([inv(1, 150_000), inv(2, 100_000), pay(10, 200_000)], due, new Map([[10, null]]));
  assert.deepEqual(out, [
    { paymentId: 10, invoiceId: 1, amount: 100_000 },
    { paymentId: 10, invoiceId: 2, amount: 100_000 },
  ]);
});

test('the invoice the payment names comes first, whatever its due date', () => {
  const due = new Map([[1, '2026-11-11'], [2, '2026-12-11']]);
  const out = replayAllocations([inv(1, 150_000), inv(2, 150_000), pay(10, 150_000)], due, new Map([[10, 2]]));
  assert.deepEqual(out, [{ paymentId: 10, invoiceId: 2, amount: 150_000 }]);
});

test('an overpayment is credit that pays the next invoice when it is issued; two payments share an invoice', () => {
  const due = new Map([[1, '2026-11-11'], [2, '2026-12-11']]);
  const out = replayAllocations([inv(1, 100_000), pay(10, 60_000), pay(11, 100_000), inv(2, 100_000)], due, new Map([[10, 1], [11, 1]]));
  assert.deepEqual(out, [
    { paymentId: 10, invoiceId: 1, amount: 60_000 },
    { paymentId: 11, invoiceId: 1, amount: 40_000 },
    { paymentId: 11, invoiceId: 2, amount: 60_000 },
  ]);
});

test('late fees add to what the invoice owes; a voided invoice takes nothing', () => {
  const due = new Map([[1, '2026-11-11'], [2, '2026-12-11']]);
  const out = replayAllocations([
    inv(1, 100_000),
    { entry_type: 'late_fee', amount: -10_000, invoice_id: 1, payment_id: null },
    inv(2, 100_000),
    { entry_type: 'void', amount: 110_000, invoice_id: 1, payment_id: null },
    pay(10, 100_000),
  ], due, new Map([[10, null]]));
  assert.deepEqual(out, [{ paymentId: 10, invoiceId: 2, amount: 100_000 }]);
});

test('receipt numbers name the month the money arrived and the payment', () => {
  assert.equal(receiptNumber(123, '2026-11-30'), 'KWT/2026/11/000123');
  assert.equal(receiptNumber(1_234_567, null), 'KWT/1234567');
});
