/**
 * Changing a subscription's plan, against a real database and queue.
 * Plans: Lite 100,000, Basic 150,000, Premium 250,000 (monthly). The subscription is on Basic,
 * postpaid, anchor 1, customer since 1 Oct 2026; the invoice run (lead 7 days) issues the
 * December invoice on 24 Nov.
 *
 * Rounding: each proration line is rounded half up to whole rupiah on its own (price × days left
 * / days in the period); the invoice total is the sum of the rounded lines (plus PPN, itself
 * rounded half up).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { loadPlanAccess, loadSubscriptionAccess } from '../access/subscription-access.js';
import { AppError } from '../../lib/errors.js';
import { createPlan } from '../../test/helpers/factories.js';
import {
  invoiceLines, invoicesOfSubscription, ledgerInvariantViolations, ledgerSum, setBillingSettings, startBillingTest, subscriber, waitForLockWaiters, type BillingTest,
} from '../../test/helpers/billing-fixtures.js';

interface Setup {
  b: BillingTest;
  lite: number;
  basic: number;
  premium: number;
  sub: { id: number; customerId: number };
}

/** `beforeRun` runs on 15 Nov, before the invoice run of 24 Nov. */
async function setup(t: TestContext, beforeRun?: (s: Setup) => Promise<void>): Promise<Setup> {
  const b = await startBillingTest({ day: '2026-11-15' });
  t.after(() => b.dispose());
  const lite = (await createPlan(b.db, { name: 'Lite', price: 100_000, rateLimit: '3M/5M' })).id;
  const basic = (await createPlan(b.db, { name: 'Basic', price: 150_000, rateLimit: '5M/10M' })).id;
  const premium = (await createPlan(b.db, { name: 'Premium', price: 250_000, rateLimit: '10M/20M' })).id;
  const sub = await subscriber(b.db, { planId: basic, startDate: '2026-10-01' });
  const s = { b, lite, basic, premium, sub };
  await beforeRun?.(s);
  b.setDay('2026-11-24');
  await b.engine.generateInvoices();
  if (!beforeRun) assert.equal((await invoicesOfSubscription(b.db, sub.id))[0]!.total, 150_000, 'December billed on Basic');
  return s;
}

async function rateLimitOf(b: BillingTest, subscriptionId: number): Promise<string> {
  const [access] = await loadSubscriptionAccess(b.db, 'Asia/Jakarta', [subscriptionId]);
  const [plan] = await loadPlanAccess(b.db, [access!.planId]);
  return plan!.rateLimit;
}

test('upgrade mid-period: the unused part of Basic credited, the rest of the period on Premium charged, access at once', async (t) => {
  const s = await setup(t);
  s.b.setDay('2026-12-11');
  // December has 31 days; from 11 Dec, 21 are left (11–31 Dec).
  //   credit  150,000 × 21 / 31 = 101,612.90… → −101,613
  //   charge  250,000 × 21 / 31 = 169,354.83… →  169,355
  //   total                                        67,742
  const preview = await s.b.engine.previewPlanChange(s.sub.id, s.premium);
  assert.deepEqual(preview, {
    kind: 'upgrade',
    effective: '2026-12-11',
    lines: [
      { description: 'Sisa paket Basic (21/31 hari)', amount: -101_613 },
      { description: 'Paket Premium (21/31 hari)', amount: 169_355 },
    ],
    amount: 67_742,
  });
  const changed = await s.b.engine.changePlan(s.sub.id, s.premium);
  assert.deepEqual({ ...changed, invoiceId: undefined }, { ...preview, invoiceId: undefined }, 'what was previewed is what is charged');

  const inv = (await s.b.db('invoices').where({ id: changed.invoiceId }).first());
  assert.deepEqual(
    [inv.kind, inv.subscription_id, inv.invoice_number, inv.issue_date, inv.due_date, inv.status, inv.subtotal, inv.tax_amount, inv.total],
    ['one_off', s.sub.id, 'INV/2026/12/000001', '2026-12-11', '2026-12-21', 'open', 67_742, 0, 67_742],
  );
  assert.deepEqual((await invoiceLines(s.b.db, inv.id)).map((l) => [l.kind, l.amount, l.plan_id]), [['proration', -101_613, s.basic], ['proration', 169_355, s.premium]]);
  assert.equal(await ledgerSum(s.b.db, s.sub.customerId), -(150_000 + 67_742));

  const sub = await s.b.db('subscriptions').where({ id: s.sub.id }).first('plan_id', 'version', 'next_plan_id');
  assert.equal(sub.plan_id, s.premium);
  assert.equal(await rateLimitOf(s.b, s.sub.id), '10M/20M', 'the radius role reads the new rate');
  assert.deepEqual(await s.b.nasControlJobs(s.sub.id), [{ id: `sub-${s.sub.id}-v${sub.version}`, data: { subscriptionId: s.sub.id, reason: 'plan_changed' } }]);

  // January is billed on Premium.
  s.b.setDay('2026-12-25');
  await s.b.engine.generateInvoices();
  const jan = (await invoicesOfSubscription(s.b.db, s.sub.id)).find((i) => i.period_start === '2027-01-01')!;
  assert.equal(jan.total, 250_000);
  assert.deepEqual(await ledgerInvariantViolations(s.b.db), []);
});

test('upgrade with PPN: the preview is the amount before tax, the invoice adds 11 % of it', async (t) => {
  const s = await setup(t);
  await setBillingSettings(s.b.db, { taxBasisPoints: 1100 });
  s.b.setDay('2026-12-11');
  const counts = async () => [await s.b.db('invoices').count({ n: '*' }).first(), await s.b.db('ledger_entries').count({ n: '*' }).first()];
  const before = await counts();
  const preview = await s.b.engine.previewPlanChange(s.sub.id, s.premium);
  assert.deepEqual(await counts(), before, 'a preview writes nothing');
  const changed = await s.b.engine.changePlan(s.sub.id, s.premium);
  assert.deepEqual(changed.lines, preview.lines);
  const inv = await s.b.db('invoices').where({ id: changed.invoiceId }).first('subtotal', 'tax_amount', 'total');
  // 67,742 × 11 % = 7,451.62 → 7,452
  assert.deepEqual(inv, { subtotal: preview.amount, tax_amount: 7_452, total: 67_742 + 7_452 });
});

test('upgrade paid from credit the customer holds, at once', async (t) => {
  const s = await setup(t);
  await s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 250_000, method: 'cash', receivedBy: null });
  // 250,000 − 150,000 (December) = 100,000 credit.
  s.b.setDay('2026-12-11');
  const changed = await s.b.engine.changePlan(s.sub.id, s.premium);
  const inv = await s.b.db('invoices').where({ id: changed.invoiceId }).first('status', 'amount_paid');
  assert.deepEqual(inv, { status: 'paid', amount_paid: 67_742 });
  assert.equal(await ledgerSum(s.b.db, s.sub.customerId), 100_000 - 67_742);
});

test('downgrade: nothing now, no refund; the next period is billed on the new plan and the speed changes on its first day', async (t) => {
  const s = await setup(t);
  s.b.setDay('2026-12-05');
  await s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 150_000, method: 'cash', receivedBy: null });
  s.b.setDay('2026-12-11');
  const preview = await s.b.engine.previewPlanChange(s.sub.id, s.lite);
  assert.deepEqual(preview, { kind: 'downgrade', effective: '2027-01-01', lines: [], amount: 0 });
  const changed = await s.b.engine.changePlan(s.sub.id, s.lite);
  assert.deepEqual(changed, { ...preview, invoiceId: null });
  assert.equal((await invoicesOfSubscription(s.b.db, s.sub.id)).length, 1, 'no invoice, no credit note');
  assert.equal(await ledgerSum(s.b.db, s.sub.customerId), 0, 'December stays at 150,000, paid');
  assert.equal(await rateLimitOf(s.b, s.sub.id), '5M/10M', 'Basic speed for the rest of December');
  assert.deepEqual(await s.b.nasControlJobs(s.sub.id), []);

  s.b.setDay('2026-12-25');
  await s.b.engine.generateInvoices();
  const jan = (await invoicesOfSubscription(s.b.db, s.sub.id))[1]!;
  assert.deepEqual([jan.period_start, jan.total], ['2027-01-01', 100_000]);
  assert.deepEqual((await invoiceLines(s.b.db, jan.id)).map((l) => [l.description, l.amount, l.plan_id]), [['Lite (01/01/2027 – 31/01/2027)', 100_000, s.lite]]);

  s.b.setDay('2026-12-31');
  await s.b.engine.runDunningPass();
  assert.equal(await rateLimitOf(s.b, s.sub.id), '5M/10M', 'still Basic on 31 Dec');
  s.b.setDay('2027-01-01');
  await s.b.engine.runDunningPass();
  const sub = await s.b.db('subscriptions').where({ id: s.sub.id }).first('plan_id', 'next_plan_id', 'next_plan_effective', 'version');
  assert.deepEqual([sub.plan_id, sub.next_plan_id, sub.next_plan_effective], [s.lite, null, null]);
  assert.equal(await rateLimitOf(s.b, s.sub.id), '3M/5M');
  assert.deepEqual(await s.b.nasControlJobs(s.sub.id), [{ id: `sub-${s.sub.id}-v${sub.version}`, data: { subscriptionId: s.sub.id, reason: 'plan_changed' } }]);
  // February is on Lite too.
  s.b.setDay('2027-01-25');
  await s.b.engine.generateInvoices();
  assert.equal((await invoicesOfSubscription(s.b.db, s.sub.id))[2]!.total, 100_000);
});

test('upgrading after a downgrade was scheduled cancels the downgrade', async (t) => {
  const s = await setup(t);
  s.b.setDay('2026-12-11');
  await s.b.engine.changePlan(s.sub.id, s.lite);
  await s.b.engine.changePlan(s.sub.id, s.premium);
  const sub = await s.b.db('subscriptions').where({ id: s.sub.id }).first('plan_id', 'next_plan_id');
  assert.deepEqual([sub.plan_id, sub.next_plan_id], [s.premium, null]);
  s.b.setDay('2026-12-25');
  await s.b.engine.generateInvoices();
  assert.equal((await invoicesOfSubscription(s.b.db, s.sub.id)).find((i) => i.period_start === '2027-01-01')!.total, 250_000);
});

test('upgrade after the next period was already invoiced: that period is charged the difference too', async (t) => {
  const s = await setup(t);
  // 26 Nov: December (Basic, 150,000) was issued on 24 Nov. 5 of November's 30 days are left.
  //   credit  150,000 × 5 / 30 = −25,000
  //   charge  250,000 × 5 / 30 =  41,666.67 → 41,667
  //   December already billed on Basic: −150,000, on Premium: +250,000
  //   total 16,667 + 100,000 = 116,667
  s.b.setDay('2026-11-26');
  const preview = await s.b.engine.previewPlanChange(s.sub.id, s.premium);
  assert.equal(preview.amount, 116_667);
  const changed = await s.b.engine.changePlan(s.sub.id, s.premium);
  assert.deepEqual(changed.lines, preview.lines);
  assert.deepEqual((await invoiceLines(s.b.db, changed.invoiceId!)).map((l) => [l.description, l.amount, l.plan_id]), [
    ['Sisa paket Basic (5/30 hari)', -25_000, s.basic],
    ['Paket Premium (5/30 hari)', 41_667, s.premium],
    ['Paket Basic (01/12/2026 – 31/12/2026) sudah ditagih', -150_000, s.basic],
    ['Paket Premium (01/12/2026 – 31/12/2026)', 250_000, s.premium],
  ]);
  assert.equal((await s.b.db('invoices').where({ id: changed.invoiceId }).first('total')).total, 116_667);
  // What the customer pays for November's last 5 days and December: Basic until today, Premium after.
  assert.equal(await ledgerSum(s.b.db, s.sub.customerId), -(150_000 + 116_667));
});

test('upgrade after a scheduled downgrade was already invoiced ahead: the credit is what that invoice charged', async (t) => {
  // 15 Nov: Basic → Lite from 1 Dec; 24 Nov: December invoiced on Lite (100,000).
  const s = await setup(t, async (x) => {
    assert.equal((await x.b.engine.changePlan(x.sub.id, x.lite)).effective, '2026-12-01');
  });
  assert.equal((await invoicesOfSubscription(s.b.db, s.sub.id))[0]!.total, 100_000);
  s.b.setDay('2026-11-26');
  // Basic until today: −25,000 / +41,667 as above; December: −100,000 (Lite, as billed) + 250,000.
  const changed = await s.b.engine.changePlan(s.sub.id, s.premium);
  assert.deepEqual(changed.lines.map((l) => l.amount), [-25_000, 41_667, -100_000, 250_000]);
  assert.equal(changed.amount, 166_667);
  assert.match(changed.lines[2]!.description, /^Paket Lite \(01\/12\/2026/);
  const sub = await s.b.db('subscriptions').where({ id: s.sub.id }).first('plan_id', 'next_plan_id');
  assert.deepEqual([sub.plan_id, sub.next_plan_id], [s.premium, null], 'the downgrade is cancelled');
  s.b.setDay('2026-12-01');
  await s.b.engine.runDunningPass();
  assert.equal(await rateLimitOf(s.b, s.sub.id), '10M/20M', 'Premium stays on 1 Dec');
});

test('downgrade after the next period was already invoiced: takes effect after that period, as billed', async (t) => {
  const s = await setup(t);
  s.b.setDay('2026-11-26');
  const preview = await s.b.engine.previewPlanChange(s.sub.id, s.lite);
  assert.deepEqual(preview, { kind: 'downgrade', effective: '2027-01-01', lines: [], amount: 0 }, 'December was billed on Basic: the customer keeps Basic through December');
  await s.b.engine.changePlan(s.sub.id, s.lite);
  for (const day of ['2026-12-01', '2026-12-15']) {
    s.b.setDay(day);
    await s.b.engine.runDunningPass();
    assert.equal(await rateLimitOf(s.b, s.sub.id), '5M/10M', day);
  }
  s.b.setDay('2026-12-25');
  await s.b.engine.generateInvoices();
  assert.equal((await invoicesOfSubscription(s.b.db, s.sub.id))[1]!.total, 100_000, 'January on Lite');
  s.b.setDay('2027-01-01');
  await s.b.engine.runDunningPass();
  assert.equal(await rateLimitOf(s.b, s.sub.id), '3M/5M');
});

test('an upgrade and a cash payment for the same customer at the same moment both go through', async (t) => {
  const s = await setup(t);
  s.b.setDay('2026-12-11');
  const december = (await invoicesOfSubscription(s.b.db, s.sub.id))[0]!;
  // Hold December's invoice-number counter so the upgrade stops inside its transaction, then let
  // the cashier's payment (which moves this subscription's paid-until) start while it waits.
  const gate = await s.b.db.transaction();
  await gate.raw(`INSERT INTO invoice_number_counters (prefix, last_value) VALUES ('INV/2026/12', 0)`);
  const upgrade = s.b.engine.changePlan(s.sub.id, s.premium);
  await waitForLockWaiters(s.b, 1);
  const payment = s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 150_000, method: 'cash', invoiceId: december.id, receivedBy: null });
  await waitForLockWaiters(s.b, 2);
  await gate.commit();
  const [changed, paid] = await Promise.all([upgrade, payment]);
  assert.equal(changed.amount, 67_742);
  assert.deepEqual(paid.paidInvoiceIds, [december.id]);
  assert.equal((await s.b.db('subscriptions').where({ id: s.sub.id }).first('plan_id')).plan_id, s.premium);
  assert.equal(await ledgerSum(s.b.db, s.sub.customerId), -67_742, 'December paid, the upgrade owed');
  assert.deepEqual(await ledgerInvariantViolations(s.b.db), []);
});

test('refused: the same plan, a plan not on sale, a terminated subscription', async (t) => {
  const s = await setup(t);
  const retired = (await createPlan(s.b.db, { name: 'Lama', price: 300_000 })).id;
  await s.b.db('plans').where({ id: retired }).update({ is_active: false });
  const code = (c: string) => (err: unknown) => err instanceof AppError && err.code === c;
  await assert.rejects(s.b.engine.changePlan(s.sub.id, s.basic), code('same_plan'));
  await assert.rejects(s.b.engine.changePlan(s.sub.id, retired), code('plan_not_found'));
  await assert.rejects(s.b.engine.previewPlanChange(s.sub.id, retired), code('plan_not_found'));
  await s.b.db('subscriptions').where({ id: s.sub.id }).update({ status: 'terminated' });
  await assert.rejects(s.b.engine.changePlan(s.sub.id, s.premium), code('subscription_not_found'));
  assert.equal((await invoicesOfSubscription(s.b.db, s.sub.id)).length, 1);
  assert.deepEqual(await s.b.nasControlJobs(), []);
});

test('an English-speaking customer gets the plan-change lines in English only, an Indonesian one in Indonesian only', async (t) => {
  const s = await setup(t);
  await s.b.db('customers').where({ id: s.sub.customerId }).update({ locale: 'en' });
  s.b.setDay('2026-11-26');
  const changed = await s.b.engine.changePlan(s.sub.id, s.premium);
  assert.deepEqual((await invoiceLines(s.b.db, changed.invoiceId!)).map((l) => l.description), [
    'Unused Basic (5/30 days)',
    'Plan Premium (5/30 days)',
    'Plan Basic (01/12/2026 – 31/12/2026) already billed',
    'Plan Premium (01/12/2026 – 31/12/2026)',
  ]);
});
