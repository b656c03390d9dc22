/**
 * The daily dunning pass against a real database and queue, walked day by day at 09:00 Jakarta.
 * Plan 150,000 monthly (soft-limit rate 1M/2M), postpaid, anchor 1, customer since 1 Oct 2026:
 * the December invoice is issued on 24 Nov and due on 11 Dec. Most tests use this schedule
 * (staff edit it; replaced here to have every kind of step):
 *   H-3  8 Dec  reminder
 *   H+1 12 Dec  reminder            (the invoice is overdue from 12 Dec)
 *   H+2 13 Dec  late fee 25,000
 *   H+3 14 Dec  soft limit
 *   H+7 18 Dec  suspend (walled garden)
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createBillingEngine } from '../engine/engine.js';
import { addDays } from '../plans/billing-period.js';
import { createPlan, createStaff } from '../../test/helpers/factories.js';
import {
  invoiceLines, ledgerInvariantViolations, ledgerSum, outboxOf, startBillingTest, subscriber, waitForLockWaiters, type BillingTest,
} from '../../test/helpers/billing-fixtures.js';

const SCHEDULE = [
  { offset_days: -3, action: 'reminder', template: 'payment_reminder' },
  { offset_days: 1, action: 'reminder', template: 'payment_reminder' },
  { offset_days: 2, action: 'late_fee', late_fee_amount: 25_000 },
  { offset_days: 3, action: 'soft_limit', template: 'payment_reminder' },
  { offset_days: 7, action: 'suspend', template: 'suspended' },
];

interface Sub { id: number; customerId: number; invoiceId: number }

interface Setup {
  b: BillingTest;
  planId: number;
  /** A new subscriber whose December invoice the next invoice run issues. */
  add(): Promise<{ id: number; customerId: number }>;
  /** Runs the invoice run on 24 Nov and returns each subscriber with their December invoice. */
  invoice<T extends { id: number; customerId: number }>(subs: T[]): Promise<Array<T & Sub>>;
}

async function setup(t: TestContext, schedule: Array<Record<string, unknown>> | null = SCHEDULE): Promise<Setup> {
  const b = await startBillingTest({ day: '2026-11-24' });
  t.after(() => b.dispose());
  if (schedule) {
    await b.db('dunning_steps').delete();
    await b.db('dunning_steps').insert(schedule);
  }
  const planId = (await createPlan(b.db, { name: 'Rumahan', price: 150_000, softLimitRateLimit: '1M/2M' })).id;
  return {
    b,
    planId,
    add: () => subscriber(b.db, { planId, startDate: '2026-10-01', anchorDay: 1 }),
    async invoice(subs) {
      b.setDay('2026-11-24');
      await b.engine.generateInvoices();
      const out = [];
      for (const s of subs) {
        const inv = await b.db('invoices').where({ subscription_id: s.id }).first('id', 'due_date');
        assert.equal(inv.due_date, '2026-12-11');
        out.push({ ...s, invoiceId: Number(inv.id) });
      }
      return out;
    },
  };
}

/** Runs the pass on each day from `from` to `to` (inclusive), calling `each` after each day's pass. */
async function walk(b: BillingTest, from: string, to: string, each?: (day: string) => Promise<void>): Promise<void> {
  for (let day = from; day <= to; day = addDays(day, 1)) {
    b.setDay(day);
    await b.engine.runDunningPass();
    await each?.(day);
  }
}

const statusOf = async (b: BillingTest, id: number) => (await b.db('subscriptions').where({ id }).first('status')).status as string;
const invoiceState = async (b: BillingTest, id: number) => {
  const i = await b.db('invoices').where({ id }).first('status', 'subtotal', 'total', 'amount_paid');
  return [i.status, i.total, i.amount_paid] as [string, number, number];
};

/** What a pass could have changed, for comparing two passes on the same day. */
async function snapshot(b: BillingTest) {
  const count = async (table: string) => Number((await b.db(table).count({ n: '*' }).first())!.n);
  return {
    outbox: await count('notification_outbox'),
    ledger: await count('ledger_entries'),
    lines: await count('invoice_lines'),
    actions: await count('dunning_actions'),
    invoices: await b.db('invoices').orderBy('id').select('id', 'status', 'total', 'version'),
    subscriptions: await b.db('subscriptions').orderBy('id').select('id', 'status', 'version'),
    jobs: (await b.nasControlJobs()).length,
  };
}

test('each step on its day: reminder, overdue, late fee, soft limit, walled garden', async (t) => {
  const s = await setup(t);
  const [sub] = await s.invoice([await s.add()]);
  const { b } = s;
  const seen: Record<string, unknown> = {};
  await walk(b, '2026-11-24', '2026-12-19', async (day) => {
    seen[day] = [await statusOf(b, sub!.id), ...(await invoiceState(b, sub!.invoiceId))];
  });

  assert.deepEqual((await outboxOf(b.db, sub!.customerId)).map((m) => [m.template, m.day]), [
    ['invoice_issued', '2026-11-24'],
    ['payment_reminder', '2026-12-08'],
    ['payment_reminder', '2026-12-12'],
    ['payment_reminder', '2026-12-14'], // the soft-limit warning
    ['suspended', '2026-12-18'],
  ]);
  // [subscription, invoice status, invoice total, paid]
  assert.deepEqual(seen['2026-12-11'], ['active', 'open', 150_000, 0], 'due today: not overdue yet');
  assert.deepEqual(seen['2026-12-12'], ['active', 'overdue', 150_000, 0]);
  assert.deepEqual(seen['2026-12-13'], ['active', 'overdue', 175_000, 0], 'late fee 25,000 on H+2');
  assert.deepEqual(seen['2026-12-14'], ['soft_limited', 'overdue', 175_000, 0]);
  assert.deepEqual(seen['2026-12-17'], ['soft_limited', 'overdue', 175_000, 0]);
  assert.deepEqual(seen['2026-12-18'], ['suspended', 'overdue', 175_000, 0]);
  assert.deepEqual(seen['2026-12-19'], ['suspended', 'overdue', 175_000, 0]);

  assert.deepEqual((await invoiceLines(b.db, sub!.invoiceId)).map((l) => [l.position, l.kind, l.amount]), [[1, 'plan', 150_000], [2, 'late_fee', 25_000]]);
  assert.equal((await b.db('invoices').where({ id: sub!.invoiceId }).first('subtotal')).subtotal, 175_000);
  const fees = await b.db('ledger_entries').where({ customer_id: sub!.customerId, entry_type: 'late_fee' }).select('amount', 'invoice_id');
  assert.deepEqual(fees, [{ amount: -25_000, invoice_id: sub!.invoiceId }]);
  assert.equal(await ledgerSum(b.db, sub!.customerId), -175_000);

  const sub2 = await b.db('subscriptions').where({ id: sub!.id }).first('status_reason');
  assert.equal(sub2.status_reason, 'dunning_suspend');
  assert.deepEqual((await b.nasControlJobs(sub!.id)).map((j) => j.data.reason), ['dunning_soft_limit', 'dunning_suspend'], 'the router is told on both days');
  const suspendedMsg = await b.db('notification_outbox').where({ customer_id: sub!.customerId, template: 'suspended' }).first('payload');
  assert.equal(suspendedMsg.payload.amount, 'Rp 175.000', 'what is owed now, late fee included');
  assert.deepEqual(await ledgerInvariantViolations(b.db), []);
});

test('the default schedule: reminders H-7, H-3, H-1, H+1, H+2, soft limit H+3, warning H+6, suspension H+7, no late fee', async (t) => {
  const s = await setup(t, null);
  const [sub] = await s.invoice([await s.add()]);
  await walk(s.b, '2026-11-24', '2026-12-20');
  assert.deepEqual((await outboxOf(s.b.db, sub!.customerId)).map((m) => `${m.template} ${m.day}`), [
    'invoice_issued 2026-11-24',
    'payment_reminder 2026-12-04',
    'payment_reminder 2026-12-08',
    'payment_reminder 2026-12-10',
    'payment_reminder 2026-12-12',
    'payment_reminder 2026-12-13',
    'payment_reminder 2026-12-14',
    'payment_reminder 2026-12-17',
    'suspended 2026-12-18',
  ]);
  assert.equal(await statusOf(s.b, sub!.id), 'suspended');
  assert.deepEqual(await invoiceState(s.b, sub!.invoiceId), ['overdue', 150_000, 0]);
});

test('running the pass twice on a day, or on two workers at once, acts once', async (t) => {
  const s = await setup(t);
  const [sub] = await s.invoice([await s.add()]);
  const other = createBillingEngine(s.b.c, { clock: s.b.clock, gateways: {}, channels: { sms: { name: 'sms', send: () => Promise.reject(new Error('not sent')) } } });
  for (let day = '2026-12-07'; day <= '2026-12-19'; day = addDays(day, 1)) {
    s.b.setDay(day);
    await s.b.engine.runDunningPass();
    const first = await snapshot(s.b);
    await s.b.engine.runDunningPass();
    await Promise.all([s.b.engine.runDunningPass(), other.runDunningPass()]);
    assert.deepEqual(await snapshot(s.b), first, day);
  }
  assert.equal((await invoiceLines(s.b.db, sub!.invoiceId)).filter((l) => l.kind === 'late_fee').length, 1, 'one late fee');
  assert.equal(await ledgerSum(s.b.db, sub!.customerId), -175_000);
  assert.equal((await outboxOf(s.b.db, sub!.customerId)).length, 5, 'invoice + 4 dunning messages, as on the single-pass walk');
  assert.equal((await s.b.nasControlJobs(sub!.id)).length, 2);
});

test('a two-worker race on the late-fee and suspension days still acts once', async (t) => {
  const s = await setup(t);
  const [sub] = await s.invoice([await s.add()]);
  const engines = [s.b.engine, createBillingEngine(s.b.c, { clock: s.b.clock, gateways: {}, channels: {} }), createBillingEngine(s.b.c, { clock: s.b.clock, gateways: {}, channels: {} })];
  for (const day of ['2026-12-13', '2026-12-14', '2026-12-18']) {
    s.b.setDay(day);
    await Promise.all(engines.map((e) => e.runDunningPass()));
  }
  assert.deepEqual(await invoiceState(s.b, sub!.invoiceId), ['overdue', 175_000, 0], 'one late fee of 25,000');
  assert.equal((await s.b.db('ledger_entries').where({ entry_type: 'late_fee' })).length, 1);
  assert.equal(await statusOf(s.b, sub!.id), 'suspended');
  assert.deepEqual((await s.b.nasControlJobs(sub!.id)).map((j) => j.data.reason), ['dunning_soft_limit', 'dunning_suspend']);
});

test('promise to pay until 16 Dec: reminders still go out, late fee, soft limit and suspension wait until after it', async (t) => {
  const s = await setup(t);
  const [kept, broken] = await s.invoice([await s.add(), await s.add()]);
  for (const sub of [kept!, broken!]) await s.b.db('customers').where({ id: sub.customerId }).update({ promise_to_pay_until: '2026-12-16' });
  const seen: Record<string, [string, number]> = {};
  await walk(s.b, '2026-12-07', '2026-12-20', async (day) => {
    if (day === '2026-12-15') {
      await s.b.engine.recordStaffPayment({ customerId: kept!.customerId, amount: 150_000, method: 'cash', receivedBy: null });
    }
    seen[day] = [await statusOf(s.b, broken!.id), (await invoiceState(s.b, broken!.invoiceId))[1]];
  });
  // [subscription, invoice total] of the customer who did not keep the promise
  assert.deepEqual(seen['2026-12-13'], ['active', 150_000], 'no late fee during the promise');
  assert.deepEqual(seen['2026-12-14'], ['active', 150_000], 'no soft limit during the promise');
  assert.deepEqual(seen['2026-12-16'], ['active', 150_000], 'the promise holds through 16 Dec');
  assert.deepEqual(seen['2026-12-17'], ['soft_limited', 175_000], 'the day after: late fee and soft limit');
  assert.deepEqual(seen['2026-12-18'], ['suspended', 175_000], 'suspension on its own day, H+7');
  assert.deepEqual((await outboxOf(s.b.db, broken!.customerId)).map((m) => `${m.template} ${m.day}`), [
    'invoice_issued 2026-11-24',
    'payment_reminder 2026-12-08',
    'payment_reminder 2026-12-12',
    'payment_reminder 2026-12-17',
    'suspended 2026-12-18',
  ]);

  // The customer who paid within the promise: no late fee, never limited.
  assert.equal(await statusOf(s.b, kept!.id), 'active');
  assert.deepEqual(await invoiceState(s.b, kept!.invoiceId), ['paid', 150_000, 150_000]);
  assert.deepEqual(await s.b.nasControlJobs(kept!.id), []);
  assert.equal(await ledgerSum(s.b.db, kept!.customerId), 0);
});

test('a paid invoice stops dunning; a partly paid one goes on, reminding of what is left', async (t) => {
  const s = await setup(t);
  const [paid, partly] = await s.invoice([await s.add(), await s.add()]);
  await walk(s.b, '2026-12-07', '2026-12-20', async (day) => {
    if (day === '2026-12-12') {
      // After the H+1 reminder went out, on the day the invoice turned overdue.
      await s.b.engine.recordStaffPayment({ customerId: paid!.customerId, amount: 150_000, method: 'cash', receivedBy: null });
      await s.b.engine.recordStaffPayment({ customerId: partly!.customerId, amount: 100_000, method: 'cash', receivedBy: null });
    }
  });
  assert.deepEqual((await outboxOf(s.b.db, paid!.customerId)).map((m) => `${m.template} ${m.day}`), [
    'invoice_issued 2026-11-24', 'payment_reminder 2026-12-08', 'payment_reminder 2026-12-12', 'payment_received 2026-12-12',
  ]);
  assert.equal(await statusOf(s.b, paid!.id), 'active');
  assert.deepEqual(await invoiceState(s.b, paid!.invoiceId), ['paid', 150_000, 150_000], 'no late fee after payment');
  assert.deepEqual(await s.b.nasControlJobs(paid!.id), []);

  assert.equal(await statusOf(s.b, partly!.id), 'suspended');
  assert.deepEqual(await invoiceState(s.b, partly!.invoiceId), ['overdue', 175_000, 100_000]);
  const suspended = await s.b.db('notification_outbox').where({ customer_id: partly!.customerId, template: 'suspended' }).first('payload');
  // 150,000 + 25,000 late fee − 100,000 paid
  assert.equal(suspended.payload.amount, 'Rp 75.000');
});

test('the pass did not run on H+3: the soft limit is applied the next day, not lost', async (t) => {
  const s = await setup(t);
  const [sub] = await s.invoice([await s.add()]);
  await walk(s.b, '2026-12-07', '2026-12-13');
  // No pass on 14 Dec.
  await walk(s.b, '2026-12-15', '2026-12-15');
  assert.equal(await statusOf(s.b, sub!.id), 'soft_limited');
  assert.deepEqual((await s.b.nasControlJobs(sub!.id)).map((j) => j.data.reason), ['dunning_soft_limit']);
  assert.deepEqual((await outboxOf(s.b.db, sub!.customerId)).map((m) => `${m.template} ${m.day}`).slice(-2), [
    'payment_reminder 2026-12-12',
    'payment_reminder 2026-12-15', // the soft-limit warning, on the day it happened
  ]);
  await walk(s.b, '2026-12-16', '2026-12-18');
  assert.equal(await statusOf(s.b, sub!.id), 'suspended', 'the rest of the schedule keeps its days');
});

test('three days without a pass (12–14 Dec): late fee and soft limit caught up on 15 Dec, the stale H+1 reminder dropped', async (t) => {
  const s = await setup(t);
  const [sub] = await s.invoice([await s.add()]);
  await walk(s.b, '2026-12-07', '2026-12-11');
  await walk(s.b, '2026-12-15', '2026-12-15');
  assert.equal(await statusOf(s.b, sub!.id), 'soft_limited');
  assert.deepEqual(await invoiceState(s.b, sub!.invoiceId), ['overdue', 175_000, 0], 'the late fee of 13 Dec is charged');
  // H+1 (12 Dec) is 3 days old on 15 Dec: more than the 2 days a reminder may be late.
  assert.deepEqual((await outboxOf(s.b.db, sub!.customerId)).map((m) => `${m.template} ${m.day}`), [
    'invoice_issued 2026-11-24',
    'payment_reminder 2026-12-08',
    'payment_reminder 2026-12-15', // the soft-limit warning only
  ]);
});

test('a cash payment recorded while the pass runs: both go through, and the invoice just paid is not acted on', async (t) => {
  const s = await setup(t, null);
  const [payer, other] = await s.invoice([await s.add(), await s.add()]);
  const cashier = await createStaff(s.b.db, { role: 'cashier' });
  s.b.setDay('2026-12-18');
  // Stop the payment inside its transaction, after it took the customer's money lock: its
  // payments row waits for the cashier's staff row, which the test holds.
  const gate = await s.b.db.transaction();
  await gate('staff_users').where({ id: cashier.id }).forUpdate();
  const payment = s.b.engine.recordStaffPayment({ customerId: payer!.customerId, amount: 150_000, method: 'cash', receivedBy: cashier.id });
  await waitForLockWaiters(s.b, 1);
  // The pass reaches the soft-limit step (H+3 = 14 Dec, caught up) for the paying customer and waits.
  const pass = s.b.engine.runDunningPass();
  await waitForLockWaiters(s.b, 2);
  await gate.commit();
  const [paid] = await Promise.all([payment, pass]);
  assert.deepEqual(paid.paidInvoiceIds, [payer!.invoiceId]);
  assert.equal(await statusOf(s.b, payer!.id), 'active', 'paid before the pass could act on it');
  assert.deepEqual(await s.b.nasControlJobs(payer!.id), []);
  assert.equal(await statusOf(s.b, other!.id), 'suspended', 'the pass acted on everyone else');
});

test('a prepaid renewal left unpaid is reminded, never fined, slowed or suspended', async (t) => {
  const s = await setup(t);
  const prepaid = await subscriber(s.b.db, { planId: s.planId, startDate: '2026-10-01', billingType: 'prepaid', paidUntil: new Date('2026-11-30T17:00:00Z') });
  await s.b.engine.generateInvoices(); // 24 Nov
  const { id: invoice, due_date: due } = await s.b.db('invoices').where({ subscription_id: prepaid.id }).first('id', 'due_date');
  assert.equal(due, '2026-12-01', 'prepaid: due when the period starts');
  await walk(s.b, '2026-11-25', '2026-12-20');
  assert.deepEqual(await invoiceState(s.b, invoice), ['overdue', 150_000, 0], 'no late fee added');
  assert.equal(await statusOf(s.b, prepaid.id), 'active', 'access ended with its paid period already; no suspension');
  assert.deepEqual(await s.b.nasControlJobs(prepaid.id), []);
  assert.deepEqual((await outboxOf(s.b.db, prepaid.customerId)).map((m) => [m.template, m.day]), [
    ['invoice_issued', '2026-11-24'],
    ['payment_reminder', '2026-11-28'],
    ['payment_reminder', '2026-12-02'],
  ]);
});
