/**
 * A month in the life of three postpaid subscribers on the same plan (billing day 1, due 10 days
 * later, the default dunning schedule), with a fixed clock walked day by day at 09:00 Jakarta:
 * the invoice is issued 7 days before the period, reminders go out on H-7, H-3, H-1, H+1, H+2,
 * the speed drops on H+3 (a CoA-Request reaches the router), a warning on H+6, the walled garden
 * on H+7 (a Disconnect-Request). Then each pays another way — Midtrans, Xendit, cash at the
 * counter — and is back online: invoice paid, subscription active, and the router told within
 * 5 seconds of the payment.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays } from '../../billing/plans/billing-period.js';
import { createCustomer, createPlan, createSubscription } from '../helpers/factories.js';
import { startFakeSmsGateway, startSmtpPeer, type FakeProvider, type SmtpPeer } from '../helpers/fake-messaging.js';
import { NAS_SECRET, startBillingStack, type BillingStack } from '../helpers/billing-stack.js';
import type { ReceivedRequest } from '../helpers/nas-emulator.js';
import { radclient } from '../helpers/radclient.js';

let stack: BillingStack;
let sms: FakeProvider;
let smtp: SmtpPeer;
const subs: Record<'midtrans' | 'xendit' | 'cash', { id: number; username: string; password: string; customerId: number }> = {} as never;

/** 09:00 in Jakarta on local date `day`. */
const at = (day: string): string => `${day}T02:00:00Z`;

async function login(name: keyof typeof subs, sessionId: string, ip: string): Promise<string> {
  const s = subs[name];
  const accept = await radclient({ port: stack.radius.ports.authPort, secret: NAS_SECRET, type: 'auth', attributes: [`User-Name = "${s.username}"`, `User-Password = "${s.password}"`, 'Message-Authenticator = 0x00'] });
  assert.equal(accept.code, 'Access-Accept');
  const cls = accept.attributes.find(([n]) => n === 'Class')![1];
  const start = await radclient({ port: stack.radius.ports.acctPort, secret: NAS_SECRET, type: 'acct', attributes: [`User-Name = "${s.username}"`, 'Acct-Status-Type = Start', `Acct-Session-Id = "${sessionId}"`, `Framed-IP-Address = ${ip}`, `Class = ${cls}`] });
  assert.equal(start.code, 'Accounting-Response');
  await stack.radius.sync.settled();
  return Buffer.from(cls.slice(2), 'hex').toString();
}

async function logout(name: keyof typeof subs, sessionId: string): Promise<void> {
  const s = subs[name];
  await radclient({ port: stack.radius.ports.acctPort, secret: NAS_SECRET, type: 'acct', attributes: [`User-Name = "${s.username}"`, 'Acct-Status-Type = Stop', `Acct-Session-Id = "${sessionId}"`, 'Acct-Terminate-Cause = Admin-Reset'] });
  await stack.radius.sync.settled();
}

async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

async function nasRequest(pred: (r: ReceivedRequest) => boolean, ms = 5000): Promise<ReceivedRequest> {
  const until = Date.now() + ms;
  for (;;) {
    const r = stack.nas.received.find(pred);
    if (r) return r;
    if (Date.now() > until) throw new Error(`the router received nothing matching within ${ms} ms: ${JSON.stringify(stack.nas.received.map((x) => [x.kind, stack.nas.attr(x, 'User-Name')]))}`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

const outbox = async (customerId: number): Promise<Array<{ template: string; day: string; channel: string }>> =>
  (await stack.c.db('notification_outbox').where({ customer_id: customerId }).orderBy('id')
    .select('template', 'channel', stack.c.db.raw(`to_char(created_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD') AS day`))) as never;

before(async () => {
  sms = await startFakeSmsGateway({ token: 'sms-token' });
  smtp = await startSmtpPeer();
  stack = await startBillingStack({ start: at('2026-11-20'), env: { SMS_GATEWAY_URL: `${sms.url}/send`, SMS_GATEWAY_TOKEN: 'sms-token', SMTP_URL: smtp.url, SMTP_FROM: 'billing@isp.test' } });
  const { db } = stack.c;
  const plan = await createPlan(db, { name: 'Rumahan 10 Mbps', price: 150_000, rateLimit: '5M/10M', softLimitRateLimit: '1M/2M' });
  for (const name of ['midtrans', 'xendit', 'cash'] as const) {
    const customer = await createCustomer(db, { name: `Pelanggan ${name}`, phone: '081234567890', email: `${name}@example.id` });
    const s = await createSubscription(db, { customerId: customer.id, planId: plan.id, anchorDay: 1, password: `pw-${name}` });
    await db('subscriptions').where({ id: s.id }).update({ started_at: '2026-10-01T00:00:00+07:00' });
    subs[name] = { ...s, customerId: customer.id };
  }
  await stack.radius.sync.settled();
});

after(async () => {
  await stack?.stop();
  await Promise.all([sms?.close(), smtp?.close()]);
});

test('November 20 to December 18: invoice, reminders on their days, soft limit on H+3, walled garden on H+7', async () => {
  const { db } = stack.c;
  await login('midtrans', 'm-1', '100.64.2.1');
  for (let day = '2026-11-20'; day <= '2026-12-18'; day = addDays(day, 1)) {
    stack.clock.set(at(day));
    await stack.engine.generateInvoices();
    await stack.engine.runDunningPass();
    if (day === '2026-12-14') {
      // Soft limit: the live session is slowed down in place.
      const coa = await nasRequest((r) => r.kind === 'coa' && stack.nas.attr(r, 'Acct-Session-Id') === 'm-1');
      assert.equal(stack.nas.attr(coa, 'Mikrotik-Rate-Limit'), '1M/2M');
    }
  }
  const invoices = await db('invoices').where({ subscription_id: subs.midtrans.id });
  assert.equal(invoices.length, 1, 'one invoice for December, however often the run ran');
  const inv = invoices[0];
  assert.match(inv.invoice_number, /^INV\/2026\/11\/\d{6}$/);
  assert.equal(inv.issue_date, '2026-11-24', 'issued 7 days before the period');
  assert.equal(inv.due_date, '2026-12-11');
  assert.equal(inv.total, 150_000);
  assert.equal(inv.status, 'overdue');

  const sent = (await outbox(subs.midtrans.customerId)).filter((m) => m.channel === 'sms');
  assert.deepEqual(sent.map((m) => [m.template, m.day]), [
    ['invoice_issued', '2026-11-24'],
    ['payment_reminder', '2026-12-04'],
    ['payment_reminder', '2026-12-08'],
    ['payment_reminder', '2026-12-10'],
    ['payment_reminder', '2026-12-12'],
    ['payment_reminder', '2026-12-13'],
    ['payment_reminder', '2026-12-14'],
    ['payment_reminder', '2026-12-17'],
    ['suspended', '2026-12-18'],
  ]);
  assert.ok((await outbox(subs.midtrans.customerId)).some((m) => m.channel === 'email'), 'e-mail too, the customer has an address');
  // The worker sends them: the SMS gateway and the mail server receive the invoice in Indonesian.
  await eventually(() => sms.delivered.some((r) => String((r.body as { text: string }).text).includes(inv.invoice_number)));
  const texts = sms.delivered.map((r) => r.body as { to: string; text: string }).filter((b) => b.text.includes(inv.invoice_number));
  assert.ok(texts.some((b) => b.text.includes('Rp 150.000') && b.to.endsWith('81234567890')), JSON.stringify(texts[0]));
  await eventually(() => smtp.messages.some((m) => m.to.includes('midtrans@example.id') && m.text.includes(inv.invoice_number)));

  const disconnect = await nasRequest((r) => r.kind === 'disconnect' && stack.nas.attr(r, 'Acct-Session-Id') === 'm-1');
  assert.equal(stack.nas.attr(disconnect, 'User-Name'), subs.midtrans.username);
  for (const s of Object.values(subs)) {
    assert.equal((await db('subscriptions').where({ id: s.id }).first('status')).status, 'suspended');
  }
  await logout('midtrans', 'm-1');
});

test('paying through Midtrans brings the subscriber back online, and the router hears of it within 5 seconds', async () => {
  const { db } = stack.c;
  stack.clock.set('2026-12-18T05:00:00Z');
  assert.match(await login('midtrans', 'm-2', '100.64.2.2'), /;d=w$/, 'logged in again, into the walled garden');
  const invoice = await db('invoices').where({ subscription_id: subs.midtrans.id }).first('id');
  // The pay link from the reminder opens the Midtrans page.
  const payPage = await fetch(stack.engine.payUrl(invoice.id), { redirect: 'manual' });
  assert.equal(payPage.status, 302);
  const order = [...stack.midtrans.transactions.values()].at(-1)!;
  assert.equal(payPage.headers.get('location'), stack.midtrans.url + `/snap/v4/redirection/${order.token}`);
  assert.equal(order.grossAmount, 150_000);
  stack.midtrans.pay(order.orderId, { paymentType: 'qris' });
  const t0 = Date.now();
  const delivered = await stack.midtrans.notify(order.orderId, `${stack.baseUrl}/webhooks/midtrans`);
  assert.equal(delivered.status, 200);
  const disconnect = await nasRequest((r) => r.kind === 'disconnect' && stack.nas.attr(r, 'Acct-Session-Id') === 'm-2');
  assert.ok(Date.now() - t0 < 5000, `${Date.now() - t0} ms from notification to the router`);
  assert.equal(stack.nas.attr(disconnect, 'User-Name'), subs.midtrans.username);
  assert.equal((await db('invoices').where({ id: invoice.id }).first('status')).status, 'paid');
  const sub = await db('subscriptions').where({ id: subs.midtrans.id }).first('status', 'paid_until');
  assert.equal(sub.status, 'active');
  assert.equal(new Date(sub.paid_until).toISOString(), '2026-12-31T17:00:00.000Z', 'paid until 1 January 00:00 Jakarta');
  const payment = await db('payments').where({ gateway_order_id: order.orderId }).first();
  assert.equal(payment.status, 'settled');
  assert.equal(payment.gateway_payment_type, 'qris');
  const templates = (await outbox(subs.midtrans.customerId)).map((m) => m.template);
  assert.ok(templates.includes('payment_received') && templates.includes('reactivated'));
  await logout('midtrans', 'm-2');
  // Logging in again gets the plan's speed.
  const accept = await radclient({ port: stack.radius.ports.authPort, secret: NAS_SECRET, type: 'auth', attributes: [`User-Name = "${subs.midtrans.username}"`, `User-Password = "${subs.midtrans.password}"`, 'Message-Authenticator = 0x00'] });
  assert.deepEqual(accept.attributes.find(([n]) => n === 'Mikrotik-Rate-Limit'), ['Mikrotik-Rate-Limit', '5M/10M']);
});

test('paying through Xendit brings the subscriber back online the same way', async () => {
  const { db } = stack.c;
  await login('xendit', 'x-1', '100.64.3.1');
  const invoice = await db('invoices').where({ subscription_id: subs.xendit.id }).first('id');
  const link = await stack.engine.createPaymentLink(invoice.id, 'xendit');
  const xInvoice = [...stack.xendit.invoices.values()].find((i) => i.external_id === link.orderId)!;
  assert.equal(link.url, xInvoice.invoice_url);
  stack.xendit.pay(xInvoice.id);
  const t0 = Date.now();
  assert.equal((await stack.xendit.notify(xInvoice.id, `${stack.baseUrl}/webhooks/xendit`)).status, 200);
  await nasRequest((r) => r.kind === 'disconnect' && stack.nas.attr(r, 'Acct-Session-Id') === 'x-1');
  assert.ok(Date.now() - t0 < 5000);
  assert.equal((await db('invoices').where({ id: invoice.id }).first('status')).status, 'paid');
  assert.equal((await db('subscriptions').where({ id: subs.xendit.id }).first('status')).status, 'active');
});

test('cash at the counter: staff record it, the subscriber is back online', async () => {
  const { db } = stack.c;
  await login('cash', 'c-1', '100.64.4.1');
  const invoice = await db('invoices').where({ subscription_id: subs.cash.id }).first('id');
  // Part now, the rest later: still walled until the invoice is settled.
  const part = await stack.engine.recordStaffPayment({ customerId: subs.cash.customerId, amount: 100_000, method: 'cash', invoiceId: invoice.id, receivedBy: null });
  assert.deepEqual(part.paidInvoiceIds, []);
  assert.equal((await db('invoices').where({ id: invoice.id }).first('status')).status, 'overdue');
  assert.equal((await db('subscriptions').where({ id: subs.cash.id }).first('status')).status, 'suspended');
  const t0 = Date.now();
  const rest = await stack.engine.recordStaffPayment({ customerId: subs.cash.customerId, amount: 60_000, method: 'cash', invoiceId: invoice.id, receivedBy: null });
  assert.deepEqual(rest.paidInvoiceIds, [invoice.id]);
  assert.deepEqual(rest.reactivatedSubscriptionIds, [subs.cash.id]);
  assert.equal(rest.balance, 10_000, 'the 10,000 overpaid is credit');
  await nasRequest((r) => r.kind === 'disconnect' && stack.nas.attr(r, 'Acct-Session-Id') === 'c-1');
  assert.ok(Date.now() - t0 < 5000);
  assert.equal((await db('invoices').where({ id: invoice.id }).first('status')).status, 'paid');
});
