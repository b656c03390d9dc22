/**
 * Allocating a customer's money to open invoices, against a real database: oldest due date first
 * (not oldest created), the invoice the customer named first, what is left partially paid (or
 * overdue once past due), and money beyond what is owed kept as credit for the next invoice.
 *
 * One customer with three subscriptions, invoiced by the real invoice run (lead 7 days):
 *   A postpaid, anchor 1, 150,000: December invoice issued 24 Nov, due 11 Dec
 *   C postpaid, anchor 3,  50,000: December invoice issued 26 Nov, due 13 Dec
 *   P prepaid,  anchor 5, 100,000: December invoice issued 28 Nov, due  5 Dec
 * so creation order is A, C, P and due order is P, A, C. Total owed: 300,000.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Knex } from '../../lib/db.js';
import { createCustomer, createPlan } from '../../test/helpers/factories.js';
import { ledgerInvariantViolations, ledgerSum, startBillingTest, subscriber, type BillingTest } from '../../test/helpers/billing-fixtures.js';
import { localDate } from '../plans/billing-period.js';
import { allocateToOpenInvoices } from './allocate-credit.js';
import { ledgerBalance, lockCustomer } from './customer-balance.js';

interface Setup {
  b: BillingTest;
  customerId: number;
  /** Invoice ids. */
  a: number;
  c: number;
  p: number;
}

async function setup(t: TestContext): Promise<Setup> {
  const b = await startBillingTest({ day: '2026-11-24' });
  t.after(() => b.dispose());
  const customerId = (await createCustomer(b.db, { name: 'Toko Sinar Jaya' })).id;
  const a = await subscriber(b.db, { customerId, planId: (await createPlan(b.db, { price: 150_000 })).id, startDate: '2026-10-01', anchorDay: 1 });
  const c = await subscriber(b.db, { customerId, planId: (await createPlan(b.db, { price: 50_000 })).id, startDate: '2026-10-03', anchorDay: 3 });
  const p = await subscriber(b.db, { customerId, planId: (await createPlan(b.db, { price: 100_000 })).id, startDate: '2026-10-05', anchorDay: 5, billingType: 'prepaid' });
  for (const day of ['2026-11-24', '2026-11-26', '2026-11-28']) {
    b.setDay(day);
    await b.engine.generateInvoices();
  }
  const id = async (subscriptionId: number) => Number((await b.db('invoices').where({ subscription_id: subscriptionId }).first('id')).id);
  const s = { b, customerId, a: await id(a.id), c: await id(c.id), p: await id(p.id) };
  assert.ok(s.a < s.c && s.c < s.p, 'created in the order A, C, P');
  assert.deepEqual(await dues(s), { a: '2026-12-11', c: '2026-12-13', p: '2026-12-05' });
  return s;
}

async function dues(s: Setup): Promise<Record<'a' | 'c' | 'p', string>> {
  const rows = await s.b.db('invoices').whereIn('id', [s.a, s.c, s.p]).select('id', 'due_date');
  const due = (id: number) => rows.find((r) => Number(r.id) === id).due_date as string;
  return { a: due(s.a), c: due(s.c), p: due(s.p) };
}

/** Money the customer paid in (a settled payment and its ledger entry), as every payment path records it. */
async function moneyIn(trx: Knex.Transaction, customerId: number, amount: number): Promise<void> {
  const [payment] = await trx('payments').insert({ customer_id: customerId, amount, method: 'bank_transfer', status: 'settled', settled_at: new Date() }).returning('id');
  await trx('ledger_entries').insert({ customer_id: customerId, entry_type: 'payment', amount, payment_id: payment.id, description: 'Transfer bank' });
}

/**
 * Pays `amount` in and allocates, on the test clock's local date; returns the ids of the invoices
 * paid in full. Like every money path, it takes the customer's lock before writing money rows
 * (inserting them first takes a key-share lock on the customer, and two such transactions
 * upgrading to the money lock deadlock).
 */
async function payAndAllocate(s: Setup, amount: number, prefer: number | null = null): Promise<number[]> {
  const now = s.b.clock.now();
  return s.b.db.transaction(async (trx) => {
    await lockCustomer(trx, s.customerId);
    if (amount) await moneyIn(trx, s.customerId, amount);
    return (await allocateToOpenInvoices(trx, s.customerId, localDate(now, 'Asia/Jakarta'), now, prefer)).map((i) => i.id);
  });
}

async function state(s: Setup): Promise<Record<'a' | 'c' | 'p', [string, number]>> {
  const rows = await s.b.db('invoices').whereIn('id', [s.a, s.c, s.p]).select('id', 'status', 'amount_paid');
  const of = (id: number): [string, number] => {
    const r = rows.find((x) => Number(x.id) === id);
    return [r.status, r.amount_paid];
  };
  return { a: of(s.a), c: of(s.c), p: of(s.p) };
}

test('money goes to the invoice due first, not the one created first; the rest is left partially paid', async (t) => {
  const s = await setup(t);
  // 180,000: P (due 5 Dec) 100,000 in full, then A (due 11 Dec) 80,000 of 150,000; C (due 13 Dec) nothing.
  assert.deepEqual(await payAndAllocate(s, 180_000), [s.p]);
  assert.deepEqual(await state(s), { p: ['paid', 100_000], a: ['partially_paid', 80_000], c: ['open', 0] });
  assert.equal(await ledgerSum(s.b.db, s.customerId), 180_000 - 300_000);
  assert.ok((await s.b.db('invoices').where({ id: s.p }).first('paid_at')).paid_at, 'paid_at stamped');
  // The rest: A's remaining 70,000 first, then C.
  assert.deepEqual(await payAndAllocate(s, 100_000), [s.a]);
  assert.deepEqual(await state(s), { p: ['paid', 100_000], a: ['paid', 150_000], c: ['partially_paid', 30_000] });
  assert.deepEqual(await ledgerInvariantViolations(s.b.db), []);
});

test('the invoice the customer names is paid first, then the oldest due', async (t) => {
  const s = await setup(t);
  // 180,000 for C: C 50,000, then P 100,000, then A 30,000.
  assert.deepEqual(await payAndAllocate(s, 180_000, s.c), [s.c, s.p]);
  assert.deepEqual(await state(s), { c: ['paid', 50_000], p: ['paid', 100_000], a: ['partially_paid', 30_000] });
});

test('naming an invoice with less than it owes pays only that one, partially', async (t) => {
  const s = await setup(t);
  assert.deepEqual(await payAndAllocate(s, 60_000, s.a), []);
  assert.deepEqual(await state(s), { a: ['partially_paid', 60_000], c: ['open', 0], p: ['open', 0] });
});

test('overpayment stays as credit, and the next invoice uses it automatically', async (t) => {
  const s = await setup(t);
  assert.deepEqual((await payAndAllocate(s, 400_000)).sort(), [s.a, s.c, s.p].sort());
  assert.deepEqual(await state(s), { a: ['paid', 150_000], c: ['paid', 50_000], p: ['paid', 100_000] });
  assert.equal(await ledgerBalance(s.b.db, s.customerId), 100_000, '400,000 − 300,000 is credit');
  assert.deepEqual(await payAndAllocate(s, 0), [], 'with nothing open the credit just stays');
  assert.equal(await ledgerSum(s.b.db, s.customerId), 100_000);

  // A's January invoice (150,000, issued 25 Dec) takes the 100,000 credit at issue.
  s.b.setDay('2026-12-25');
  await s.b.engine.generateInvoices();
  const jan = await s.b.db('invoices').whereNot('id', s.a).where({ customer_id: s.customerId, period_start: '2027-01-01' }).first('status', 'amount_paid', 'total');
  assert.deepEqual(jan, { status: 'partially_paid', amount_paid: 100_000, total: 150_000 });
  assert.equal(await ledgerSum(s.b.db, s.customerId), -50_000);
  assert.deepEqual(await ledgerInvariantViolations(s.b.db), []);
});

test('an invoice past its due date that is paid in part stays overdue', async (t) => {
  const s = await setup(t);
  s.b.setDay('2026-12-12');
  // 120,000 on 12 Dec: P (due 5 Dec, overdue) in full, A (due 11 Dec, overdue) 20,000.
  assert.deepEqual(await payAndAllocate(s, 120_000), [s.p]);
  assert.deepEqual(await state(s), { p: ['paid', 100_000], a: ['overdue', 20_000], c: ['open', 0] });
});

test('settling again without new money allocates nothing twice', async (t) => {
  const s = await setup(t);
  await payAndAllocate(s, 120_000);
  const before = await state(s);
  assert.deepEqual(await payAndAllocate(s, 0), []);
  assert.deepEqual(await payAndAllocate(s, 0), []);
  assert.deepEqual(await state(s), before);
  assert.deepEqual(before, { p: ['paid', 100_000], a: ['partially_paid', 20_000], c: ['open', 0] });
});

test('two payments settling at the same time: every rupiah applied once', async (t) => {
  const s = await setup(t);
  // Two transfers of 100,000 at once: P in full (100,000), then A 100,000; nothing lost or counted twice.
  const pay = () => s.b.engine.recordStaffPayment({ customerId: s.customerId, amount: 100_000, method: 'bank_transfer', receivedBy: null });
  const outcomes = await Promise.all([pay(), pay(), s.b.db.transaction((trx) => allocateToOpenInvoices(trx, s.customerId, '2026-11-28', s.b.clock.now()))]);
  assert.deepEqual(outcomes.flatMap((o) => ('paidInvoiceIds' in o ? o.paidInvoiceIds : o.map((i) => i.id))), [s.p]);
  assert.deepEqual(await state(s), { p: ['paid', 100_000], a: ['partially_paid', 100_000], c: ['open', 0] });
  assert.equal(await ledgerSum(s.b.db, s.customerId), -100_000);
  assert.deepEqual(await ledgerInvariantViolations(s.b.db), []);
});
