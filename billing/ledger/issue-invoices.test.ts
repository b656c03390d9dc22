/**
 * The ledger's two writers that every billing flow goes through, against a real database:
 * issueInvoices (totals with PPN, gapless numbers, lines, the ledger entry, credit allocated at
 * once, "invoice issued" for what is still owed, a recurring period never invoiced twice) and
 * creditPayment (the ledger entry, "payment received").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCustomer, createPlan } from '../../test/helpers/factories.js';
import { invoiceLines, ledgerInvariantViolations, outboxOf, startBillingTest, subscriber } from '../../test/helpers/billing-fixtures.js';
import { localDate } from '../plans/billing-period.js';
import { loadBillingSettings } from '../settings/billing-settings.js';
import { creditPayment } from './credit-payment.js';
import { issueInvoices, type InvoiceDraft } from './issue-invoices.js';

test('issuing: PPN on the subtotal, gapless numbers, one ledger entry per invoice that costs something, credit allocated, "invoice issued" for what is still owed, a period never twice', async (t) => {
  const b = await startBillingTest({ day: '2026-11-24', settings: { taxBasisPoints: 1100 } });
  t.after(() => b.dispose());
  const plan = await createPlan(b.db, { price: 100_000 });
  const customerId = (await createCustomer(b.db, { name: 'Warung Bu Sri' })).id;
  const a = await subscriber(b.db, { customerId, planId: plan.id, startDate: '2026-10-01' });
  const c = await subscriber(b.db, { customerId, planId: plan.id, startDate: '2026-10-01' });
  const today = localDate(b.clock.now(), 'Asia/Jakarta');

  const recurring: InvoiceDraft = {
    customerId, subscriptionId: a.id, kind: 'recurring', periodStart: '2026-12-01', periodEnd: '2027-01-01', dueDate: '2026-12-11', planName: 'Paket A',
    lines: [
      { kind: 'plan', description: 'Paket A (01/12/2026 – 31/12/2026)', amount: 100_000, planId: plan.id, periodStart: '2026-12-01', periodEnd: '2027-01-01' },
      { kind: 'discount', description: 'Diskon', amount: -10_000 },
    ],
  };
  const free: InvoiceDraft = {
    customerId, subscriptionId: c.id, kind: 'one_off', periodStart: null, periodEnd: null, dueDate: today,
    lines: [{ kind: 'proration', description: 'Sisa paket', amount: -30_000 }, { kind: 'proration', description: 'Paket baru', amount: 20_000 }],
  };
  const issue = (drafts: InvoiceDraft[]) =>
    b.engine.run(async (deps) => {
      const settings = await loadBillingSettings(deps.db);
      return deps.effects.transaction(deps.db, (trx) =>
        issueInvoices(trx, drafts, { today, now: b.clock.now(), settings, effects: deps.effects, announce: { notifier: deps.notifier, payUrl: deps.payUrl } }));
    });

  // 50,000 of credit first: a staff payment with no invoice.
  await b.engine.run((deps) => deps.effects.transaction(deps.db, async (trx) => {
    const [p] = await trx('payments').insert({ customer_id: customerId, amount: 50_000, method: 'cash', status: 'settled', settled_at: b.clock.now() }).returning('id');
    const allocated = await creditPayment(trx, { today, now: b.clock.now(), effects: deps.effects, notifier: deps.notifier }, {
      customerId, paymentId: Number(p.id), amount: 50_000, description: 'Pembayaran tunai', createdBy: null, invoiceId: null,
    });
    assert.deepEqual(allocated, { paid: [], reactivated: [] }, 'nothing open: it stays as credit');
  }));

  const { issued, paidInFull } = await issue([recurring, free]);
  assert.equal(paidInFull, 0);
  const bySub = new Map(issued.map((i) => [i.draft.subscriptionId, i]));
  const [ia, ic] = [bySub.get(a.id)!, bySub.get(c.id)!];
  assert.deepEqual([ia.subtotal, ia.total, ia.owed], [90_000, 99_900, 49_900], '11 % PPN on 90,000; the 50,000 credit allocated to it');
  assert.deepEqual([ic.subtotal, ic.total, ic.owed], [0, 0, 0], 'lines below zero make a total of 0, never negative');
  const serial = (n: string) => Number(n.slice(-6));
  assert.deepEqual(issued.map((i) => serial(i.invoiceNumber)), [serial(issued[0]!.invoiceNumber), serial(issued[0]!.invoiceNumber) + 1], 'consecutive numbers in id order');

  const rows = await b.db('invoices').whereIn('id', [ia.id, ic.id]).orderBy('id').select('id', 'status', 'tax_amount', 'amount_paid', 'paid_at');
  const row = (id: number) => rows.find((r) => Number(r.id) === id);
  assert.deepEqual([row(ia.id).status, row(ia.id).tax_amount, row(ia.id).amount_paid], ['partially_paid', 9_900, 50_000]);
  assert.equal(row(ic.id).status, 'paid');
  assert.ok(row(ic.id).paid_at, 'a total of 0 is paid when issued');
  assert.deepEqual((await invoiceLines(b.db, ia.id)).map((l) => [l.position, l.kind, l.amount]), [[1, 'plan', 100_000], [2, 'discount', -10_000]]);

  const ledger = await b.db('ledger_entries').where({ customer_id: customerId }).orderBy('id').select('entry_type', 'amount', 'invoice_id', 'description');
  assert.deepEqual(ledger.map((l) => [l.entry_type, l.amount, l.invoice_id === null ? null : Number(l.invoice_id), l.description]), [
    ['payment', 50_000, null, 'Pembayaran tunai'],
    ['invoice', -99_900, ia.id, `Tagihan ${ia.invoiceNumber}`],
  ], 'no entry for the invoice that costs nothing');
  const paymentId = Number((await b.db('payments').where({ customer_id: customerId }).first('id'))!.id);
  assert.deepEqual((await outboxOf(b.db, customerId)).map((m) => m.key), [`payment_received:${paymentId}:sms`, `invoice_issued:${ia.id}:sms`],
    '"payment received", then "invoice issued" for the one still owed');

  assert.deepEqual((await issue([recurring])).issued, [], 'the period is invoiced already: not issued again');
  assert.equal(Number((await b.db('invoices').where({ subscription_id: a.id }).count({ n: '*' }).first())!.n), 1);
  await assert.rejects(issue([recurring, { ...free, subscriptionId: a.id }]), /one draft per subscription/);
  assert.deepEqual(await ledgerInvariantViolations(b.db), []);
});
