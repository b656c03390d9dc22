/**
 * Cash and bank transfers recorded by staff, against a real database and queue: partial
 * payments, who received the money, the ledger, lifting a dunning suspension (and telling the
 * router through a nas-control job), and amounts refused before anything is stored.
 *
 * Every test: plan 150,000 monthly, postpaid, anchor 1, customer since 1 Oct 2026; the December
 * invoice is issued on 24 Nov and due on 11 Dec (default dunning: soft limit H+3 = 14 Dec,
 * suspension H+7 = 18 Dec).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../lib/errors.js';
import { createPlan, createStaff } from '../../test/helpers/factories.js';
import {
  invoicesOfSubscription, ledgerInvariantViolations, ledgerSum, outboxOf, subscriber, withOneInvoice, type BillingTest, type InvoiceRow,
} from '../../test/helpers/billing-fixtures.js';

interface Setup {
  b: BillingTest;
  sub: { id: number; customerId: number };
  invoice: InvoiceRow;
  cashier: number;
}

async function setup(t: TestContext): Promise<Setup> {
  const { b, sub, invoice } = await withOneInvoice(t);
  assert.equal(invoice.total, 150_000);
  return { b, sub, invoice, cashier: (await createStaff(b.db, { username: 'kasir-siti', role: 'cashier' })).id };
}

/** Walks the dunning pass to the suspension on 18 Dec. */
async function suspendForNonPayment(s: Setup): Promise<void> {
  for (const day of ['2026-12-14', '2026-12-18']) {
    s.b.setDay(day);
    await s.b.engine.runDunningPass();
  }
  const sub = await s.b.db('subscriptions').where({ id: s.sub.id }).first('status', 'status_reason');
  assert.deepEqual(sub, { status: 'suspended', status_reason: 'dunning_suspend' });
}

const statusOf = async (s: Setup) => (await s.b.db('subscriptions').where({ id: s.sub.id }).first('status')).status as string;
const invoiceOf = async (s: Setup) => (await s.b.db('invoices').where({ id: s.invoice.id }).first('status', 'amount_paid', 'paid_at')) as { status: string; amount_paid: number; paid_at: Date | null };

test('a partial cash payment: invoice partially paid, who received it recorded, in the ledger', async (t) => {
  const s = await setup(t);
  s.b.setDay('2026-11-30');
  const out = await s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 100_000, method: 'cash', invoiceId: s.invoice.id, receivedBy: s.cashier, note: 'bayar di loket' });
  assert.deepEqual(out.paidInvoiceIds, []);
  assert.deepEqual(out.reactivatedSubscriptionIds, []);
  assert.equal(out.balance, -50_000, '150,000 owed − 100,000 paid');
  assert.equal(out.balance, await ledgerSum(s.b.db, s.sub.customerId));

  const inv = await invoiceOf(s);
  assert.deepEqual([inv.status, inv.amount_paid, inv.paid_at], ['partially_paid', 100_000, null]);
  const payment = await s.b.db('payments').where({ id: out.paymentId }).first();
  assert.deepEqual(
    [payment.customer_id, payment.invoice_id, payment.amount, payment.method, payment.status, payment.received_by, payment.note],
    [s.sub.customerId, s.invoice.id, 100_000, 'cash', 'settled', s.cashier, 'bayar di loket'],
  );
  assert.equal(new Date(payment.settled_at).toISOString(), s.b.clock.now().toISOString());
  const entry = await s.b.db('ledger_entries').where({ payment_id: out.paymentId }).first();
  assert.deepEqual([entry.entry_type, entry.amount, entry.created_by, entry.description], ['payment', 100_000, s.cashier, 'Pembayaran tunai']);
  const received = (await s.b.db('notification_outbox').where({ customer_id: s.sub.customerId, template: 'payment_received' }))[0];
  assert.equal(received.payload.amount, 'Rp 100.000');
  assert.equal(received.payload.invoiceNumber, s.invoice.invoice_number);
  assert.deepEqual(await s.b.nasControlJobs(), []);
});

test('suspended for non-payment: part of it keeps the walled garden, the rest reactivates and queues a nas-control job', async (t) => {
  const s = await setup(t);
  await suspendForNonPayment(s);
  const jobsBefore = await s.b.nasControlJobs(s.sub.id);
  assert.deepEqual(jobsBefore.map((j) => j.data.reason), ['dunning_soft_limit', 'dunning_suspend']);

  s.b.setDay('2026-12-19');
  const part = await s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 100_000, method: 'cash', invoiceId: s.invoice.id, receivedBy: s.cashier });
  assert.deepEqual(part.reactivatedSubscriptionIds, []);
  assert.deepEqual(await invoiceOf(s).then((i) => [i.status, i.amount_paid]), ['overdue', 100_000], 'past due and not settled: still overdue');
  assert.equal(await statusOf(s), 'suspended', 'still in the walled garden');
  assert.equal((await s.b.nasControlJobs(s.sub.id)).length, 2, 'nothing new for the router');

  const rest = await s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 50_000, method: 'bank_transfer', invoiceId: s.invoice.id, receivedBy: s.cashier, reference: 'BCA 19/12 0012' });
  assert.deepEqual(rest.paidInvoiceIds, [s.invoice.id]);
  assert.deepEqual(rest.reactivatedSubscriptionIds, [s.sub.id]);
  assert.equal(rest.balance, 0);
  const inv = await invoiceOf(s);
  assert.deepEqual([inv.status, inv.amount_paid], ['paid', 150_000]);
  assert.equal(new Date(inv.paid_at!).toISOString(), s.b.clock.now().toISOString());
  const sub = await s.b.db('subscriptions').where({ id: s.sub.id }).first('status', 'status_reason', 'version', 'paid_until');
  assert.deepEqual([sub.status, sub.status_reason], ['active', 'paid']);
  assert.equal(new Date(sub.paid_until).toISOString(), new Date('2027-01-01T00:00:00+07:00').toISOString(), 'paid until the end of December');
  const jobs = await s.b.nasControlJobs(s.sub.id);
  assert.equal(jobs.length, 3);
  assert.deepEqual(jobs[2], { id: `sub-${s.sub.id}-v${sub.version}`, data: { subscriptionId: s.sub.id, reason: 'paid' } }, 'idempotent job id: the version after the change');
  assert.deepEqual(await s.b.db('payments').where({ id: rest.paymentId }).first('method', 'reference', 'received_by'), { method: 'bank_transfer', reference: 'BCA 19/12 0012', received_by: s.cashier });
  assert.deepEqual((await outboxOf(s.b.db, s.sub.customerId)).slice(-3).map((m) => m.template), ['payment_received', 'payment_received', 'reactivated']);
  assert.deepEqual(await ledgerInvariantViolations(s.b.db), []);
});

test('a suspension staff made for another reason is not lifted by a payment', async (t) => {
  const s = await setup(t);
  await s.b.db('subscriptions').where({ id: s.sub.id }).update({ status: 'suspended', status_reason: 'staff: kabel dicuri' });
  const out = await s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 150_000, method: 'cash', receivedBy: s.cashier });
  assert.deepEqual(out.paidInvoiceIds, [s.invoice.id], 'the invoice is paid');
  assert.deepEqual(out.reactivatedSubscriptionIds, []);
  assert.equal(await statusOf(s), 'suspended');
  assert.deepEqual(await s.b.nasControlJobs(s.sub.id), []);
});

test('paying only the newer of two overdue invoices keeps the suspension', async (t) => {
  const s = await setup(t);
  await suspendForNonPayment(s);
  s.b.setDay('2026-12-25');
  await s.b.engine.generateInvoices();
  const jan = (await invoicesOfSubscription(s.b.db, s.sub.id))[1]!;
  s.b.setDay('2027-01-12');
  await s.b.engine.runDunningPass();
  // Both overdue now; the money is named for January, so December stays unpaid.
  const out = await s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 150_000, method: 'cash', invoiceId: jan.id, receivedBy: s.cashier });
  assert.deepEqual(out.paidInvoiceIds, [jan.id]);
  assert.deepEqual(out.reactivatedSubscriptionIds, []);
  assert.equal(await statusOf(s), 'suspended', 'December is still past due');
  const dec = await s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 150_000, method: 'cash', receivedBy: s.cashier });
  assert.deepEqual(dec.reactivatedSubscriptionIds, [s.sub.id]);
  assert.equal(await statusOf(s), 'active');
});

test('overpayment is kept as credit and the returned balance is the ledger sum', async (t) => {
  const s = await setup(t);
  const out = await s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 200_000, method: 'cash', receivedBy: s.cashier });
  assert.deepEqual(out.paidInvoiceIds, [s.invoice.id]);
  assert.equal(out.balance, 50_000);
  assert.equal(await ledgerSum(s.b.db, s.sub.customerId), 50_000);
});

test('amounts of 0, negative, fractional or not a number are refused with a clear error and nothing is stored', async (t) => {
  const s = await setup(t);
  const counts = async () => ({
    payments: Number((await s.b.db('payments').count({ n: '*' }).first())!.n),
    ledger: Number((await s.b.db('ledger_entries').count({ n: '*' }).first())!.n),
    outbox: Number((await s.b.db('notification_outbox').count({ n: '*' }).first())!.n),
  });
  const before = await counts();
  for (const amount of [0, -50_000, 1500.5, 0.4, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '150000' as unknown as number]) {
    await assert.rejects(
      s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount, method: 'cash', invoiceId: s.invoice.id, receivedBy: s.cashier }),
      (err: unknown) => {
        assert.ok(err instanceof AppError, `${String(amount)}: ${String(err)}`);
        assert.equal(err.code, 'invalid_amount');
        assert.equal(err.status, 400);
        assert.equal(err.expose, true);
        assert.match(err.message, /positive whole number of rupiah/);
        return true;
      },
      String(amount),
    );
  }
  assert.deepEqual(await counts(), before);
  assert.deepEqual(await invoiceOf(s).then((i) => [i.status, i.amount_paid]), ['open', 0]);
});

test('naming an invoice that is not this customer\'s open invoice is refused and nothing is stored', async (t) => {
  const s = await setup(t);
  const other = await subscriber(s.b.db, { planId: (await createPlan(s.b.db)).id, startDate: '2026-10-01' });
  for (const invoiceId of [s.invoice.id, 999_999]) {
    await assert.rejects(
      s.b.engine.recordStaffPayment({ customerId: other.customerId, amount: 150_000, method: 'cash', invoiceId, receivedBy: s.cashier }),
      (err: unknown) => err instanceof AppError && err.code === 'invoice_not_open' && err.status === 409,
    );
  }
  await s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 150_000, method: 'cash', invoiceId: s.invoice.id, receivedBy: s.cashier });
  await assert.rejects(
    s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 150_000, method: 'cash', invoiceId: s.invoice.id, receivedBy: s.cashier }),
    (err: unknown) => err instanceof AppError && err.code === 'invoice_not_open',
    'an invoice already paid',
  );
  assert.equal(Number((await s.b.db('payments').count({ n: '*' }).first())!.n), 1, 'only the valid payment');
  assert.equal(await ledgerSum(s.b.db, other.customerId), 0);
  assert.equal(await ledgerSum(s.b.db, s.sub.customerId), 0);
});

test('a customer that does not exist is refused with a clear error and nothing is stored', async (t) => {
  const s = await setup(t);
  await assert.rejects(
    s.b.engine.recordStaffPayment({ customerId: 987_654, amount: 150_000, method: 'cash', receivedBy: s.cashier }),
    (err: unknown) => err instanceof AppError && err.code === 'customer_not_found' && err.status === 404,
  );
  assert.equal(Number((await s.b.db('payments').count({ n: '*' }).first())!.n), 0);
});
