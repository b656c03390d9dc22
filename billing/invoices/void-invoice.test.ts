/**
 * Voiding an invoice against a real database: the ledger effect reversed (late fees included),
 * audited, refused when money was applied, no longer dunned nor billed again, and a suspension
 * dunning made for it lifted.
 *
 * Every test: plan 150,000 monthly, postpaid, anchor 1, customer since 1 Oct 2026; the December
 * invoice is issued on 24 Nov and due on 11 Dec (soft limit H+3 = 14 Dec, suspension H+7 = 18 Dec).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditActor } from '../../lib/audit.js';
import { createStaff } from '../../test/helpers/factories.js';
import {
  invoicesOfSubscription, ledgerInvariantViolations, ledgerSum, outboxOf, withOneInvoice, type BillingTest, type InvoiceRow,
} from '../../test/helpers/billing-fixtures.js';
import { voidInvoice, type VoidInvoiceInput } from './void-invoice.js';

interface Setup {
  b: BillingTest;
  sub: { id: number; customerId: number };
  invoice: InvoiceRow;
  admin: AuditActor;
}

async function setup(t: TestContext): Promise<Setup> {
  const { b, sub, invoice } = await withOneInvoice(t);
  const staff = await createStaff(b.db, { username: 'admin-rina', role: 'admin' });
  return { b, sub, invoice, admin: { staffUserId: staff.id, username: staff.username, ip: '127.0.0.1' } };
}

const run = (s: Setup, input: Partial<VoidInvoiceInput> = {}) =>
  s.b.engine.run((u) => voidInvoice(u, { invoiceId: s.invoice.id, reason: 'Ditagih dua kali', actor: s.admin, ...input }));

test('voiding an unpaid invoice gives the balance back, marks it void with the reason, and is audited', async (t) => {
  const s = await setup(t);
  assert.equal(await ledgerSum(s.b.db, s.sub.customerId), -150_000);
  s.b.setDay('2026-11-26');
  const out = await run(s);
  assert.deepEqual(out, { ok: true, customerId: s.sub.customerId, invoiceNumber: s.invoice.invoice_number, reversed: 150_000, balance: 0, reactivatedSubscriptionIds: [] });
  const inv = await s.b.db('invoices').where({ id: s.invoice.id }).first('status', 'void_reason', 'voided_at', 'amount_paid');
  assert.deepEqual([inv.status, inv.void_reason, inv.amount_paid], ['void', 'Ditagih dua kali', 0]);
  assert.equal(new Date(inv.voided_at).toISOString(), s.b.clock.now().toISOString());
  const entries = await s.b.db('ledger_entries').where({ invoice_id: s.invoice.id }).orderBy('id').select('entry_type', 'amount', 'created_by');
  assert.deepEqual(entries, [
    { entry_type: 'invoice', amount: -150_000, created_by: null },
    { entry_type: 'void', amount: 150_000, created_by: s.admin.staffUserId },
  ]);
  const audit = await s.b.db('audit_log').where({ object_type: 'invoice', object_id: String(s.invoice.id) }).select('action', 'actor', 'before', 'after');
  assert.equal(audit.length, 1);
  assert.deepEqual([audit[0].action, audit[0].actor, audit[0].before.status, audit[0].after.reason, audit[0].after.ledgerReversal],
    ['invoice_voided', 'admin-rina', 'open', 'Ditagih dua kali', 150_000]);
  assert.deepEqual(await ledgerInvariantViolations(s.b.db), []);

  assert.deepEqual(await run(s), { ok: false, code: 'already_void' }, 'void is final');
  assert.equal((await s.b.db('ledger_entries').where({ invoice_id: s.invoice.id })).length, 2, 'a second void adds nothing');
});

test('a voided invoice is not dunned, and its period is not billed again', async (t) => {
  const s = await setup(t);
  await run(s);
  for (const day of ['2026-12-04', '2026-12-12', '2026-12-14', '2026-12-18']) {
    s.b.setDay(day);
    await s.b.engine.runDunningPass();
  }
  const sub = await s.b.db('subscriptions').where({ id: s.sub.id }).first('status');
  assert.equal(sub.status, 'active', 'no soft limit, no suspension');
  assert.deepEqual((await outboxOf(s.b.db, s.sub.customerId)).map((m) => m.template), ['invoice_issued'], 'no reminders for it');
  assert.equal((await s.b.db('invoices').where({ id: s.invoice.id }).first('status')).status, 'void', 'dunning did not mark it overdue');
  s.b.setDay('2026-12-25');
  await s.b.engine.generateInvoices();
  const all = await invoicesOfSubscription(s.b.db, s.sub.id);
  assert.deepEqual(all.map((i) => [i.period_start, i.status]), [['2026-12-01', 'void'], ['2027-01-01', 'open']], 'January billed, December not again');
  assert.equal(await ledgerSum(s.b.db, s.sub.customerId), -150_000, 'only January owed');
});

test('late fees are reversed with the invoice', async (t) => {
  const s = await setup(t);
  await s.b.db('dunning_steps').insert({ offset_days: 1, action: 'late_fee', late_fee_amount: 10_000 });
  s.b.setDay('2026-12-12');
  await s.b.engine.runDunningPass();
  assert.equal((await s.b.db('invoices').where({ id: s.invoice.id }).first('total')).total, 160_000, 'late fee on the invoice');
  assert.equal(await ledgerSum(s.b.db, s.sub.customerId), -160_000);
  const out = await run(s);
  assert.ok(out.ok);
  assert.equal(out.reversed, 160_000);
  assert.equal(await ledgerSum(s.b.db, s.sub.customerId), 0);
  assert.deepEqual(await ledgerInvariantViolations(s.b.db), []);
});

test('money applied to it refuses the void and changes nothing; so does a missing reason; a paid invoice cannot be voided', async (t) => {
  const s = await setup(t);
  assert.deepEqual(await run(s, { reason: '   ' }), { ok: false, code: 'reason_required' });
  await s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 100_000, method: 'cash', invoiceId: s.invoice.id, receivedBy: s.admin.staffUserId });
  const entries = (await s.b.db('ledger_entries').where({ customer_id: s.sub.customerId })).length;
  assert.deepEqual(await run(s), { ok: false, code: 'partly_paid', amountPaid: 100_000 });
  assert.equal((await s.b.db('invoices').where({ id: s.invoice.id }).first('status')).status, 'partially_paid');
  assert.equal((await s.b.db('ledger_entries').where({ customer_id: s.sub.customerId })).length, entries);
  assert.equal((await s.b.db('audit_log').where({ action: 'invoice_voided' })).length, 0);
  await s.b.engine.recordStaffPayment({ customerId: s.sub.customerId, amount: 50_000, method: 'cash', receivedBy: s.admin.staffUserId });
  assert.deepEqual(await run(s), { ok: false, code: 'partly_paid', amountPaid: 150_000 });
  assert.deepEqual(await s.b.engine.run((u) => voidInvoice(u, { invoiceId: 999_999, reason: 'x', actor: s.admin })), { ok: false, code: 'not_found' });
});

test('a subscription dunning suspended for the voided invoice is active again, the router and the customer told', async (t) => {
  const s = await setup(t);
  for (const day of ['2026-12-14', '2026-12-18']) {
    s.b.setDay(day);
    await s.b.engine.runDunningPass();
  }
  assert.equal((await s.b.db('subscriptions').where({ id: s.sub.id }).first('status')).status, 'suspended');
  s.b.setDay('2026-12-19');
  const out = await run(s);
  assert.ok(out.ok);
  assert.deepEqual(out.reactivatedSubscriptionIds, [s.sub.id]);
  const sub = await s.b.db('subscriptions').where({ id: s.sub.id }).first('status', 'status_reason', 'version');
  assert.deepEqual([sub.status, sub.status_reason], ['active', 'invoice_voided']);
  const jobs = await s.b.nasControlJobs(s.sub.id);
  assert.deepEqual(jobs.at(-1), { id: `sub-${s.sub.id}-v${sub.version}`, data: { subscriptionId: s.sub.id, reason: 'invoice_voided' } });
  assert.equal((await outboxOf(s.b.db, s.sub.customerId)).at(-1)!.template, 'reactivated');
});
