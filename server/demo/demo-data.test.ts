/**
 * The first-start demo data on a real database with the real billing engine: the held demo
 * subscribers are held as dunning holds a customer, so paying their bill brings them back, as the
 * README's walk-through promises.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBillingEngine } from '../../billing/engine/engine.js';
import { createTestContainer, type TestContainer } from '../../test/helpers/container.js';
import { settableClock } from '../../lib/clock.js';
import { loadDemoData } from './demo-data.js';

const clock = settableClock('2026-12-07T02:00:00Z');
let c: TestContainer;
before(async () => {
  c = await createTestContainer({ clock });
});
after(async () => {
  await c?.dispose();
});

test('demo-suspended and demo-soft are active again once their bill is paid', async () => {
  await loadDemoData(c.db, c.secrets, clock.now());
  const engine = createBillingEngine(c, { clock, gateways: {}, channels: {} });
  await engine.generateInvoices(); // the worker's invoice run on start
  for (const username of ['demo-suspended', 'demo-soft']) {
    const sub = await c.db('subscriptions').where({ username }).first('id', 'customer_id', 'status');
    assert.notEqual(sub.status, 'active', `${username} starts held`);
    const invoices = await c.db('invoices').where({ subscription_id: sub.id }).select('id', 'total', 'amount_paid');
    assert.equal(invoices.length, 1, `${username} has its first bill`);
    const [invoice] = invoices;
    const paid = await engine.recordStaffPayment({
      customerId: Number(sub.customer_id), amount: Number(invoice.total) - Number(invoice.amount_paid), method: 'cash', invoiceId: Number(invoice.id), receivedBy: null,
    });
    assert.deepEqual(paid.reactivatedSubscriptionIds, [Number(sub.id)], `${username} reactivated by the payment`);
    assert.equal((await c.db('subscriptions').where({ id: sub.id }).first('status')).status, 'active', username);
  }
});
