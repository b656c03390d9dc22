/**
 * The invoice run against a real database: when an invoice appears (lead time, anchor day,
 * quarterly / yearly / N-day cycles), that it appears once per subscription and period however
 * often and however concurrently the run runs, gapless numbers, what is on it (plan charge,
 * pending one-off charges and discounts, PPN in basis points) in integer rupiah, and what the
 * customer's money does to it (credit paid at issue, prepaid renewal from balance).
 * Each test gets its own database, so invoice numbers start at 000001.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createBillingEngine } from '../engine/engine.js';
import { addDays } from '../plans/billing-period.js';
import { createPlan } from '../../test/helpers/factories.js';
import {
  invoiceLines, invoicesOfSubscription, ledgerInvariantViolations, ledgerSum, outboxOf, setBillingSettings, startBillingTest, subscriber, waitForLockWaiters, type BillingTest,
} from '../../test/helpers/billing-fixtures.js';

async function start(t: TestContext, day: string): Promise<BillingTest> {
  const b = await startBillingTest({ day });
  t.after(() => b.dispose());
  return b;
}

/** Midnight at the start of local date `day` in Jakarta, as an ISO instant. */
const jakartaMidnight = (day: string): string => new Date(`${day}T00:00:00+07:00`).toISOString();

test('lead time: nothing before the 7 days, the invoice on the day they begin, due 10 days into the period', async (t) => {
  const b = await start(t, '2026-11-23');
  const plan = await createPlan(b.db, { name: 'Rumahan 10 Mbps', price: 150_000 });
  const s = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01', anchorDay: 1 });

  // 23 Nov + 7 days = 30 Nov: still inside the November period (billed before this system ran).
  assert.equal((await b.engine.generateInvoices()).created, 0);
  assert.deepEqual(await invoicesOfSubscription(b.db, s.id), []);

  // 24 Nov + 7 = 1 Dec: the December period enters the lead window.
  b.setDay('2026-11-24');
  const run = await b.engine.generateInvoices();
  assert.equal(run.created, 1);
  const [inv, ...more] = await invoicesOfSubscription(b.db, s.id);
  assert.equal(more.length, 0);
  assert.equal(inv!.invoice_number, 'INV/2026/11/000001', 'numbered by the month it was issued in');
  assert.equal(inv!.kind, 'recurring');
  assert.equal(inv!.period_start, '2026-12-01');
  assert.equal(inv!.period_end, '2027-01-01');
  assert.equal(inv!.issue_date, '2026-11-24');
  assert.equal(inv!.due_date, '2026-12-11', 'postpaid: due 10 days after the period starts (default)');
  assert.equal(inv!.status, 'open');
  assert.equal(inv!.total, 150_000);
  assert.deepEqual(await invoiceLines(b.db, inv!.id), [
    { position: 1, kind: 'plan', description: 'Rumahan 10 Mbps (01/12/2026 – 31/12/2026)', amount: 150_000, plan_id: plan.id },
  ]);
  assert.equal(await ledgerSum(b.db, s.customerId), -150_000, 'the invoice consumes 150,000 from the ledger');
  assert.deepEqual((await outboxOf(b.db, s.customerId)).map((m) => [m.template, m.day]), [['invoice_issued', '2026-11-24']]);
  assert.deepEqual(await b.nasControlJobs(), [], 'issuing an invoice changes nobody\'s access');
});

test('a configured lead time of 3 days, and of 0 days (invoice on the first day of the period)', async (t) => {
  const b = await start(t, '2026-11-27');
  const plan = await createPlan(b.db, { price: 150_000 });
  await setBillingSettings(b.db, { leadDays: 3 });
  const s = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01', anchorDay: 1 });
  assert.equal((await b.engine.generateInvoices()).created, 0, '27 Nov + 3 = 30 Nov: not yet');
  b.setDay('2026-11-28');
  assert.equal((await b.engine.generateInvoices()).created, 1, '28 Nov + 3 = 1 Dec');
  assert.equal((await invoicesOfSubscription(b.db, s.id))[0]!.period_start, '2026-12-01');

  // Lead 0: the January invoice is issued on 1 January itself, not a day before.
  await setBillingSettings(b.db, { leadDays: 0 });
  b.setDay('2026-12-31');
  assert.equal((await b.engine.generateInvoices()).created, 0, 'not on 31 Dec');
  b.setDay('2027-01-01');
  assert.equal((await b.engine.generateInvoices()).created, 1, 'on 1 Jan');
  const jan = (await invoicesOfSubscription(b.db, s.id))[1]!;
  assert.deepEqual([jan.period_start, jan.issue_date, jan.due_date, jan.invoice_number], ['2027-01-01', '2027-01-01', '2027-01-11', 'INV/2027/01/000001']);
  b.setDay('2027-01-02');
  assert.equal((await b.engine.generateInvoices()).created, 0, 'and not again on 2 Jan');
  assert.equal((await invoicesOfSubscription(b.db, s.id)).length, 2);
});

test('exactly once: the run run twice, then again on later days, bills the period once', async (t) => {
  const b = await start(t, '2026-11-24');
  const plan = await createPlan(b.db, { price: 150_000 });
  const s = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01' });
  assert.equal((await b.engine.generateInvoices()).created, 1);
  assert.equal((await b.engine.generateInvoices()).created, 0, 'same day, second run');
  for (const day of ['2026-11-25', '2026-11-30', '2026-12-01', '2026-12-05']) {
    b.setDay(day);
    assert.equal((await b.engine.generateInvoices()).created, 0, day);
  }
  assert.equal((await invoicesOfSubscription(b.db, s.id)).length, 1);
  assert.equal(await ledgerSum(b.db, s.customerId), -150_000, 'one ledger charge');
  assert.equal((await outboxOf(b.db, s.customerId)).length, 1, 'one "invoice issued" message');
});

test('two workers at once: one invoice per subscription, numbers without gap or duplicate', async (t) => {
  const b = await start(t, '2026-11-24');
  const plan = await createPlan(b.db, { price: 150_000 });
  const subs = [];
  for (let i = 0; i < 50; i++) subs.push(await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01' }));
  const [fee] = await b.db('pending_charges').insert({ subscription_id: subs[0]!.id, kind: 'one_off', description: 'Biaya pemasangan', amount: 250_000 }).returning('id');
  // Separate engines, as on separate worker processes (each run in its own transactions).
  const [first, second, third] = [b.engine, ...[1, 2].map(() => createBillingEngine(b.c, { clock: b.clock, gateways: {}, channels: {} }))];
  // Holding the pending charge stops every run inside its transaction, past its "already
  // invoiced?" check, where only the unique index and the number counter keep them apart.
  const gate = await b.db.transaction();
  await gate('pending_charges').where({ id: fee.id }).forUpdate();
  const runs = [first!.generateInvoices()];
  await waitForLockWaiters(b, 1);
  // 10 more subscriptions that only the later runs see: they insert 10 of their 60 candidates.
  for (let i = 0; i < 10; i++) subs.push(await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01' }));
  runs.push(second!.generateInvoices(), third!.generateInvoices());
  await waitForLockWaiters(b, 3);
  await gate.commit();
  const created = (await Promise.all(runs)).map((r) => r.created);
  assert.equal(created[0], 50, 'the first run invoices its 50');
  assert.deepEqual(created.slice(1).sort(), [0, 10], 'of the later two, one invoices the 10 new ones, the other nothing');

  const rows = await b.db('invoices').orderBy('id').select('id', 'subscription_id', 'invoice_number', 'period_start');
  assert.equal(rows.length, 60);
  assert.deepEqual(new Set(rows.map((r) => r.subscription_id)), new Set(subs.map((s) => s.id)), 'one per subscription');
  assert.ok(rows.every((r) => r.period_start === '2026-12-01'));
  const expected = Array.from({ length: 60 }, (_, i) => `INV/2026/11/${String(i + 1).padStart(6, '0')}`);
  assert.deepEqual(rows.map((r) => r.invoice_number), expected, 'gapless, in the order the invoices were created');
  assert.equal((await b.db('invoice_lines').where({ kind: 'one_off' })).length, 1, 'the installation fee is billed once');
  assert.equal(await ledgerSum(b.db, subs[0]!.customerId), -400_000);

  // Unhindered concurrent runs the next day change nothing.
  b.setDay('2026-11-25');
  assert.deepEqual((await Promise.all([first!, second!, third!].map((e) => e.generateInvoices()))).map((r) => r.created), [0, 0, 0]);
  // The next invoice issued this month continues the sequence: no number was burnt by a conflict.
  const late = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01' });
  await b.engine.generateInvoices();
  assert.equal((await invoicesOfSubscription(b.db, late.id))[0]!.invoice_number, 'INV/2026/11/000061');
  assert.deepEqual(await ledgerInvariantViolations(b.db), []);
});

test('anchor day 15: periods run from the 15th to the 14th', async (t) => {
  const b = await start(t, '2026-12-07');
  const plan = await createPlan(b.db, { name: 'Paket 15', price: 200_000 });
  const s = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-20', anchorDay: 15 });
  assert.equal((await b.engine.generateInvoices()).created, 0, '7 Dec + 7 = 14 Dec: still the 15 Nov – 14 Dec period');
  b.setDay('2026-12-08');
  await b.engine.generateInvoices();
  const [inv] = await invoicesOfSubscription(b.db, s.id);
  assert.equal(inv!.period_start, '2026-12-15');
  assert.equal(inv!.period_end, '2027-01-15');
  assert.equal(inv!.due_date, '2026-12-25');
  assert.equal((await invoiceLines(b.db, inv!.id))[0]!.description, 'Paket 15 (15/12/2026 – 14/01/2027)');
});

test('a new subscription: its first, partial period is prorated by days', async (t) => {
  const b = await start(t, '2026-11-20');
  const plan = await createPlan(b.db, { name: 'Rumahan', price: 150_000 });
  const s = await subscriber(b.db, { planId: plan.id, startDate: '2026-11-20', anchorDay: 1 });
  await b.engine.generateInvoices();
  const [first] = await invoicesOfSubscription(b.db, s.id);
  // 20–30 Nov is 11 of November's 30 days: 150,000 × 11 / 30 = 55,000.
  assert.equal(first!.period_start, '2026-11-20');
  assert.equal(first!.period_end, '2026-12-01');
  assert.equal(first!.total, 55_000);
  assert.equal(first!.due_date, '2026-11-30');
  const lines = await invoiceLines(b.db, first!.id);
  assert.deepEqual(lines.map((l) => [l.kind, l.amount]), [['proration', 55_000]]);
  assert.match(lines[0]!.description, /prorata/);
  // Four days later the full December period follows.
  b.setDay('2026-11-24');
  await b.engine.generateInvoices();
  assert.deepEqual((await invoicesOfSubscription(b.db, s.id)).map((i) => [i.period_start, i.total]), [['2026-11-20', 55_000], ['2026-12-01', 150_000]]);
});

test('quarterly and yearly plans: one invoice per 3 or 12 months, for the whole price', async (t) => {
  const b = await start(t, '2026-11-24');
  const quarterly = await createPlan(b.db, { name: 'Triwulan', price: 420_000, billingCycle: 'quarterly' });
  const yearly = await createPlan(b.db, { name: 'Tahunan', price: 1_500_000, billingCycle: 'yearly' });
  const q = await subscriber(b.db, { planId: quarterly.id, startDate: '2025-09-01', anchorDay: 1 });
  // Customers for over a year: their current periods were billed before.
  const y = await subscriber(b.db, { planId: yearly.id, startDate: '2025-01-10', anchorDay: 10 });

  await b.engine.generateInvoices();
  assert.deepEqual((await invoicesOfSubscription(b.db, q.id)).map((i) => [i.period_start, i.period_end, i.total]), [['2026-12-01', '2027-03-01', 420_000]]);
  assert.deepEqual(await invoicesOfSubscription(b.db, y.id), [], 'the yearly period runs to 10 Jan 2027');

  for (const day of ['2026-12-24', '2027-01-02', '2027-01-03']) {
    b.setDay(day);
    await b.engine.generateInvoices();
  }
  assert.equal((await invoicesOfSubscription(b.db, q.id)).length, 1, 'nothing for the quarterly one in December or January');
  assert.deepEqual((await invoicesOfSubscription(b.db, y.id)).map((i) => [i.period_start, i.period_end, i.total, i.invoice_number]), [
    ['2027-01-10', '2028-01-10', 1_500_000, 'INV/2027/01/000001'],
  ]);

  b.setDay('2027-02-22');
  await b.engine.generateInvoices();
  assert.deepEqual((await invoicesOfSubscription(b.db, q.id)).map((i) => i.period_start), ['2026-12-01', '2027-03-01']);
  assert.equal((await invoicesOfSubscription(b.db, y.id)).length, 1);
});

test('PPN 11 % (1100 basis points) on the subtotal, rounded half up to whole rupiah', async (t) => {
  const b = await start(t, '2026-11-24');
  await setBillingSettings(b.db, { taxBasisPoints: 1100 });
  const odd = await createPlan(b.db, { name: 'Ganjil', price: 100_050 });
  const even = await createPlan(b.db, { name: 'Genap', price: 150_000 });
  const below = await createPlan(b.db, { name: 'Bawah', price: 100_040 });
  const a = await subscriber(b.db, { planId: odd.id, startDate: '2026-10-01' });
  const c = await subscriber(b.db, { planId: even.id, startDate: '2026-10-01' });
  const d = await subscriber(b.db, { planId: below.id, startDate: '2026-10-01' });
  await b.engine.generateInvoices();
  const pick = async (id: number) => {
    const [i] = await invoicesOfSubscription(b.db, id);
    return [i!.subtotal, i!.tax_basis_points, i!.tax_amount, i!.total];
  };
  // 100,050 × 11 % = 11,005.5 → 11,006 (half up); total 111,056.
  assert.deepEqual(await pick(a.id), [100_050, 1100, 11_006, 111_056]);
  // 150,000 × 11 % = 16,500 exactly.
  assert.deepEqual(await pick(c.id), [150_000, 1100, 16_500, 166_500]);
  // 100,040 × 11 % = 11,004.4 → 11,004.
  assert.deepEqual(await pick(d.id), [100_040, 1100, 11_004, 111_044]);
  assert.equal(await ledgerSum(b.db, a.customerId), -111_056, 'the ledger is charged the total with tax');
  const msg = await b.db('notification_outbox').where({ customer_id: a.customerId }).first('payload');
  assert.equal(msg.payload.amount, 'Rp 111.056', 'the customer is told the total with tax');
});

test('tax off by default: no tax on the invoice', async (t) => {
  const b = await start(t, '2026-11-24');
  const plan = await createPlan(b.db, { price: 100_050 });
  const s = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01' });
  await b.engine.generateInvoices();
  const [i] = await invoicesOfSubscription(b.db, s.id);
  assert.deepEqual([i!.subtotal, i!.tax_basis_points, i!.tax_amount, i!.total], [100_050, 0, 0, 100_050]);
});

test('a pending installation fee and discount are billed on the next invoice, exactly once', async (t) => {
  const b = await start(t, '2026-11-24');
  const plan = await createPlan(b.db, { name: 'Rumahan', price: 150_000 });
  const s = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01' });
  await b.db('pending_charges').insert([
    { subscription_id: s.id, kind: 'one_off', description: 'Biaya pemasangan', amount: 250_000 },
    { subscription_id: s.id, kind: 'discount', description: 'Diskon pelanggan baru', amount: -25_000 },
  ]);
  await b.engine.generateInvoices();
  await b.engine.generateInvoices();
  const [dec] = await invoicesOfSubscription(b.db, s.id);
  assert.deepEqual((await invoiceLines(b.db, dec!.id)).map((l) => [l.position, l.kind, l.description, l.amount]), [
    [1, 'plan', 'Rumahan (01/12/2026 – 31/12/2026)', 150_000],
    [2, 'one_off', 'Biaya pemasangan', 250_000],
    [3, 'discount', 'Diskon pelanggan baru', -25_000],
  ]);
  // 150,000 + 250,000 − 25,000
  assert.equal(dec!.total, 375_000);
  assert.deepEqual(await b.db('pending_charges').where({ subscription_id: s.id }).pluck('invoice_id'), [dec!.id, dec!.id]);

  // A charge added after December was issued waits for January; the billed ones do not come back.
  await b.db('pending_charges').insert({ subscription_id: s.id, kind: 'one_off', description: 'Ganti router', amount: 300_000 });
  b.setDay('2026-11-30');
  await b.engine.generateInvoices();
  assert.equal((await invoicesOfSubscription(b.db, s.id)).length, 1, 'not added to the December invoice already issued');
  b.setDay('2026-12-25');
  await b.engine.generateInvoices();
  const jan = (await invoicesOfSubscription(b.db, s.id))[1]!;
  assert.deepEqual((await invoiceLines(b.db, jan.id)).map((l) => [l.kind, l.amount]), [['plan', 150_000], ['one_off', 300_000]]);
  assert.equal(jan.total, 450_000);
  assert.equal(await ledgerSum(b.db, s.customerId), -(375_000 + 450_000));
});

test('credit the customer holds pays the new invoice at issue; less credit leaves it partially paid', async (t) => {
  const b = await start(t, '2026-11-20');
  const plan = await createPlan(b.db, { price: 150_000 });
  const rich = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01' });
  const poor = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01' });
  // Money paid in ahead, with nothing open: it becomes credit.
  assert.equal((await b.engine.recordStaffPayment({ customerId: rich.customerId, amount: 200_000, method: 'cash', receivedBy: null })).balance, 200_000);
  assert.equal((await b.engine.recordStaffPayment({ customerId: poor.customerId, amount: 100_000, method: 'bank_transfer', receivedBy: null })).balance, 100_000);

  b.setDay('2026-11-24');
  const run = await b.engine.generateInvoices();
  assert.equal(run.created, 2);
  assert.equal(run.paidFromBalance, 1);

  const [paid] = await invoicesOfSubscription(b.db, rich.id);
  assert.equal(paid!.status, 'paid');
  assert.equal(paid!.amount_paid, 150_000);
  assert.equal(await ledgerSum(b.db, rich.customerId), 50_000, '200,000 − 150,000 stays as credit');
  const sub = await b.db('subscriptions').where({ id: rich.id }).first('paid_until');
  assert.equal(new Date(sub.paid_until).toISOString(), jakartaMidnight('2027-01-01'), 'paid until the end of December');
  assert.deepEqual((await outboxOf(b.db, rich.customerId)).filter((m) => m.template === 'invoice_issued'), [], 'no bill to pay: no "invoice issued"');

  const [part] = await invoicesOfSubscription(b.db, poor.id);
  assert.equal(part!.status, 'partially_paid');
  assert.equal(part!.amount_paid, 100_000);
  assert.equal(await ledgerSum(b.db, poor.customerId), -50_000, '50,000 left to pay');
  const [issued] = await b.db('notification_outbox').where({ customer_id: poor.customerId, template: 'invoice_issued' }).select('payload');
  assert.equal(issued.payload.amount, 'Rp 50.000', 'the message asks for what is left, not the whole 150,000');
  assert.deepEqual(await ledgerInvariantViolations(b.db), []);
});

test('runs missed for longer than the lead time: the period that began meanwhile is still billed, an imported one is not', async (t) => {
  const b = await start(t, '2026-11-24');
  const plan = await createPlan(b.db, { price: 150_000 });
  const billedHere = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01' });
  await b.engine.generateInvoices(); // December, on 24 Nov
  // The worker is down from 25 Nov to 3 Jan: January's lead window (25 Dec - 1 Jan) passes unseen.
  b.setDay('2027-01-03');
  const imported = await subscriber(b.db, { planId: plan.id, startDate: '2025-06-01' }); // billed elsewhere until now
  await b.engine.generateInvoices();
  const periods = (await invoicesOfSubscription(b.db, billedHere.id)).map((i) => [i.period_start, i.issue_date, i.due_date]);
  // January's is due 10 days from the day it was issued, not from 1 January: the customer gets the usual time.
  assert.deepEqual(periods, [['2026-12-01', '2026-11-24', '2026-12-11'], ['2027-01-01', '2027-01-03', '2027-01-13']]);
  assert.deepEqual(await invoicesOfSubscription(b.db, imported.id), [], 'January predates its billing here');
  b.setDay('2027-01-25');
  await b.engine.generateInvoices();
  assert.deepEqual((await invoicesOfSubscription(b.db, imported.id)).map((i) => i.period_start), ['2027-02-01'], 'billed from the next period on');
});

test('prepaid: an unpaid renewal is not followed by another one; paying it lets the next come', async (t) => {
  const b = await start(t, '2026-11-24');
  const plan = await createPlan(b.db, { name: 'Prabayar', price: 100_000 });
  const s = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01', billingType: 'prepaid', paidUntil: new Date(jakartaMidnight('2026-12-01')) });
  await b.engine.generateInvoices();
  for (const day of ['2026-12-25', '2027-01-25', '2027-02-22']) {
    b.setDay(day);
    await b.engine.generateInvoices();
  }
  const [december, ...more] = await invoicesOfSubscription(b.db, s.id);
  assert.equal(december!.status, 'open', 'unpaid (no dunning pass ran to mark it overdue)');
  assert.deepEqual(more, [], 'no January, February or March renewal while December is unpaid: no debt piles up');
  assert.equal(await ledgerSum(b.db, s.customerId), -100_000);

  await b.engine.recordStaffPayment({ customerId: s.customerId, amount: 100_000, method: 'cash', receivedBy: null });
  await b.engine.generateInvoices();
  assert.deepEqual((await invoicesOfSubscription(b.db, s.id)).map((i) => [i.period_start, i.status]), [['2026-12-01', 'paid'], ['2027-03-01', 'open']]);
});

test('prepaid: renewed from balance before access ends; without balance the invoice waits and access lapses at paid-until', async (t) => {
  const b = await start(t, '2026-11-20');
  const plan = await createPlan(b.db, { name: 'Prabayar', price: 100_000 });
  const paidUntil = new Date(jakartaMidnight('2026-12-01'));
  const funded = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01', billingType: 'prepaid', paidUntil });
  const empty = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01', billingType: 'prepaid', paidUntil });
  await b.engine.recordStaffPayment({ customerId: funded.customerId, amount: 100_000, method: 'cash', receivedBy: null });

  b.setDay('2026-11-24');
  await b.engine.generateInvoices();
  const [renewal] = await invoicesOfSubscription(b.db, funded.id);
  assert.equal(renewal!.due_date, '2026-12-01', 'prepaid: due when the period starts');
  assert.equal(renewal!.status, 'paid');
  assert.equal(await ledgerSum(b.db, funded.customerId), 0);
  assert.equal(new Date((await b.db('subscriptions').where({ id: funded.id }).first('paid_until')).paid_until).toISOString(), jakartaMidnight('2027-01-01'));
  assert.deepEqual(await b.nasControlJobs(funded.id), [], 'access never lapsed: nothing to tell the router');

  const [waiting] = await invoicesOfSubscription(b.db, empty.id);
  assert.equal(waiting!.status, 'open');
  assert.equal(waiting!.due_date, '2026-12-01');
  const emptySub = await b.db('subscriptions').where({ id: empty.id }).first('paid_until', 'status');
  assert.equal(new Date(emptySub.paid_until).toISOString(), jakartaMidnight('2026-12-01'), 'access still ends on 1 December');
  assert.deepEqual((await outboxOf(b.db, empty.customerId)).map((m) => m.template), ['invoice_issued']);

  // Paying after access lapsed renews it and tells the router at once.
  b.setDay('2026-12-03');
  const pay = await b.engine.recordStaffPayment({ customerId: empty.customerId, amount: 100_000, method: 'cash', receivedBy: null, invoiceId: waiting!.id });
  assert.deepEqual(pay.paidInvoiceIds, [waiting!.id]);
  assert.equal(new Date((await b.db('subscriptions').where({ id: empty.id }).first('paid_until')).paid_until).toISOString(), jakartaMidnight('2027-01-01'));
  assert.deepEqual((await b.nasControlJobs(empty.id)).map((j) => j.data.reason), ['renewed']);
});

test('prepaid N-day cycle (7 days): back-to-back weeks renewed from balance', async (t) => {
  const b = await start(t, '2026-11-20');
  const plan = await createPlan(b.db, { name: 'Mingguan', price: 25_000, billingCycle: 'days', cycleDays: 7 });
  // Started 2 Nov: weeks 2–8, 9–15, 16–22, 23–29, 30 Nov – 6 Dec.
  const s = await subscriber(b.db, { planId: plan.id, startDate: '2026-11-02', billingType: 'prepaid', paidUntil: new Date(jakartaMidnight('2026-11-23')) });
  await b.engine.recordStaffPayment({ customerId: s.customerId, amount: 60_000, method: 'cash', receivedBy: null });
  // The run runs daily. A 7-day cycle allows a lead of 6 days (shorter than a period, so none is
  // skipped): each week is billed 6 days before it starts.
  const issued: string[] = [];
  for (let day = '2026-11-20'; day <= '2026-12-01'; day = addDays(day, 1)) {
    b.setDay(day);
    if ((await b.engine.generateInvoices()).created) issued.push(day);
  }
  assert.deepEqual(issued, ['2026-11-20', '2026-11-24', '2026-12-01']);
  const invs = await invoicesOfSubscription(b.db, s.id);
  assert.deepEqual(invs.map((i) => [i.period_start, i.period_end, i.status, i.amount_paid]), [
    ['2026-11-23', '2026-11-30', 'paid', 25_000],
    ['2026-11-30', '2026-12-07', 'paid', 25_000],
    // 60,000 − 2 × 25,000 = 10,000 left for the third week.
    ['2026-12-07', '2026-12-14', 'partially_paid', 10_000],
  ]);
  assert.equal(new Date((await b.db('subscriptions').where({ id: s.id }).first('paid_until')).paid_until).toISOString(), jakartaMidnight('2026-12-07'));
  assert.equal(await ledgerSum(b.db, s.customerId), -15_000);
});

test('a new subscription on a 7-day plan: its first week is billed, not skipped by the 7-day lead', async (t) => {
  const b = await start(t, '2026-11-20');
  const plan = await createPlan(b.db, { name: 'Mingguan', price: 25_000, billingCycle: 'days', cycleDays: 7 });
  const s = await subscriber(b.db, { planId: plan.id, startDate: '2026-11-20', billingType: 'prepaid' });
  await b.engine.recordStaffPayment({ customerId: s.customerId, amount: 50_000, method: 'cash', receivedBy: null });
  for (let day = '2026-11-20'; day <= '2026-11-22'; day = addDays(day, 1)) {
    b.setDay(day);
    await b.engine.generateInvoices();
  }
  assert.deepEqual((await invoicesOfSubscription(b.db, s.id)).map((i) => [i.period_start, i.issue_date, i.due_date, i.total]), [
    ['2026-11-20', '2026-11-20', '2026-11-20', 25_000],
    ['2026-11-27', '2026-11-21', '2026-11-27', 25_000],
  ]);
});

test('a subscription entered with a start date long past (an import) is billed from its next period, not for one that began months ago', async (t) => {
  const b = await start(t, '2026-11-24');
  const yearly = await createPlan(b.db, { name: 'Tahunan', price: 1_500_000, billingCycle: 'yearly' });
  const monthly = await createPlan(b.db, { price: 150_000 });
  const imported = await subscriber(b.db, { planId: yearly.id, startDate: '2026-01-10', anchorDay: 10 });
  const lateEntry = await subscriber(b.db, { planId: monthly.id, startDate: '2026-11-10', anchorDay: 1 }); // staff typed it in two weeks late
  await b.engine.generateInvoices();
  assert.deepEqual(await invoicesOfSubscription(b.db, imported.id), [], 'the year that began on 10 Jan was billed elsewhere');
  // 10–30 Nov is 21 of 30 days: 150,000 × 21 / 30 = 105,000; due 10 days from today, not from 10 Nov.
  assert.deepEqual((await invoicesOfSubscription(b.db, lateEntry.id)).map((i) => [i.period_start, i.total, i.due_date]), [
    ['2026-11-10', 105_000, '2026-12-04'],
    ['2026-12-01', 150_000, '2026-12-11'], // and December, which starts within the lead time
  ]);
  b.setDay('2027-01-03');
  await b.engine.generateInvoices();
  assert.deepEqual((await invoicesOfSubscription(b.db, imported.id)).map((i) => [i.period_start, i.period_end, i.total]), [['2027-01-10', '2028-01-10', 1_500_000]]);
});

test('terminated subscriptions are not billed; suspended ones still are', async (t) => {
  const b = await start(t, '2026-11-24');
  const plan = await createPlan(b.db, { price: 150_000 });
  const gone = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01', status: 'terminated' });
  const held = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01', status: 'suspended' });
  await b.engine.generateInvoices();
  assert.deepEqual(await invoicesOfSubscription(b.db, gone.id), []);
  assert.equal(await ledgerSum(b.db, gone.customerId), 0);
  assert.equal((await invoicesOfSubscription(b.db, held.id)).length, 1);
});

test('a month of mixed customers: the balance is always the sum of the ledger', async (t) => {
  const b = await start(t, '2026-11-20');
  await setBillingSettings(b.db, { taxBasisPoints: 1100 });
  const plan = await createPlan(b.db, { price: 133_333 });
  const subs = [];
  for (let i = 0; i < 6; i++) subs.push(await subscriber(b.db, { planId: plan.id, startDate: i % 2 ? '2026-10-01' : '2026-11-18', anchorDay: 1 + i * 4, billingType: i % 3 ? 'postpaid' : 'prepaid' }));
  await b.db('pending_charges').insert({ subscription_id: subs[1]!.id, kind: 'discount', description: 'Diskon', amount: -33_333 });
  await b.engine.recordStaffPayment({ customerId: subs[2]!.customerId, amount: 1_000_000, method: 'cash', receivedBy: null });
  for (let day = '2026-11-20'; day <= '2026-12-20'; day = addDays(day, 1)) {
    b.setDay(day);
    await b.engine.generateInvoices();
    if (day === '2026-12-05') await b.engine.recordStaffPayment({ customerId: subs[3]!.customerId, amount: 50_000, method: 'cash', receivedBy: null });
  }
  for (const s of subs) {
    const fromPayments = Number((await b.db('payments').where({ customer_id: s.customerId }).sum({ s: 'amount' }).first())?.s ?? 0);
    const invoiced = Number((await b.db('invoices').where({ customer_id: s.customerId }).sum({ s: 'total' }).first())?.s ?? 0);
    assert.equal(await ledgerSum(b.db, s.customerId), fromPayments - invoiced, `customer ${s.customerId}`);
  }
  assert.deepEqual(await ledgerInvariantViolations(b.db), []);
});
