/**
 * Outbound webhooks (issue 14, item 2; README.md, "Webhooks"): staff register an endpoint in the
 * console and get its signing secret once; a payment recorded sends `payment.received` once,
 * signed (checked by the receiver's own HMAC code, test/helpers/webhook-receiver.ts), with the
 * amount in rupiah; a 500 is retried on the backoff schedule and then delivered with the same
 * event id; replay and "send a test event" from the console; a switched-off endpoint gets
 * nothing; an event exists only when its transaction commits; an endpoint failing for
 * WEBHOOK_DISABLE_AFTER_DAYS is switched off with a staff alert; internal addresses are refused
 * unless WEBHOOK_ALLOW_PRIVATE_URLS (this server allows them, for its 127.0.0.1 receivers).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { recordEvent } from '../../lib/outbound-events.js';
import { raiseStaffAlerts } from '../../lib/staff-alerts.js';
import { paymentReceived } from '../../billing/events/event-data.js';
import { createSubscription as createSubscriptionUseCase } from '../../billing/subscriptions/create-subscription.js';
import { dispatchDueDeliveries } from '../../billing/webhooks-out/dispatch-deliveries.js';
import { createEndpoint } from '../../billing/webhooks-out/manage-endpoints.js';
import { postWebhook } from '../../billing/webhooks-out/post-webhook.js';
import { webhookDeps, type WebhookDeps } from '../../billing/webhooks-out/webhook-deps.js';
import { createCustomer, createPlan, createStaff, createSubscription } from '../helpers/factories.js';
import { decodeHtml, signedInAs } from '../helpers/subscriptions-fixtures.js';
import type { AdminClient } from '../helpers/admin-client.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const clock = settableClock(new Date());
let web: WebServer;
let deps: WebhookDeps;
let admin: AdminClient;
const actor = { staffUserId: null, username: 'test', ip: null };

before(async () => {
  web = await startWebServer({ clock, env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TIMEOUT_SECONDS: '2', WEBHOOK_DISABLE_AFTER_DAYS: '3' } });
  deps = webhookDeps(web.c);
  admin = (await signedInAs(web.baseUrl, web.c.db, 'admin')).client;
});
after(async () => {
  await web?.stop();
});

/** Registers `url` for `event` through the console; returns the endpoint id and the secret shown once. */
async function registerInConsole(url: string, event: string): Promise<{ id: number; secret: string }> {
  await admin.get('/admin/webhooks');
  const res = await admin.post('/admin/webhooks', { url, description: 'ERP', events: event, active: '1' });
  assert.equal(res.status, 302, decodeHtml(res.text).slice(0, 300));
  const id = Number(/^\/admin\/webhooks\/(\d+)\?saved=created$/.exec(res.location ?? '')?.[1]);
  const page = await admin.get(`/admin/webhooks/${id}`);
  const secret = /data-signing-secret>(whsec_[A-Za-z0-9_-]+)</.exec(page.text)?.[1];
  assert.ok(secret, 'the secret is shown after creation');
  assert.doesNotMatch((await admin.get(`/admin/webhooks/${id}`)).text, /data-signing-secret/, 'and only once');
  return { id, secret };
}

/** A fresh receiver and endpoint per test; every other endpoint is removed first. */
async function freshEndpoint(event = 'payment.received'): Promise<{ rx: WebhookReceiver; id: number; secret: string }> {
  await web.c.db('webhook_endpoints').del();
  const rx = await startWebhookReceiver();
  return { rx, ...(await registerInConsole(rx.url, event)) };
}

const payment = async (amount: number): Promise<number> => {
  const customer = await createCustomer(web.c.db);
  await web.engine.recordStaffPayment({ customerId: customer.id, amount, method: 'cash', receivedBy: null });
  return customer.id;
};

test('a payment recorded sends payment.received once, signed, with the amount in rupiah', async () => {
  const { rx, id, secret } = await freshEndpoint();
  try {
    const customerId = await payment(150_000);
    assert.deepEqual(await dispatchDueDeliveries(deps), { attempted: 1, delivered: 1 });
    assert.deepEqual(await dispatchDueDeliveries(deps), { attempted: 0, delivered: 0 }, 'nothing twice');
    assert.equal(rx.received.length, 1);
    const [w] = rx.received;
    assert.ok(rx.verify(w!, secret), 'the signature verifies with the secret shown once');
    assert.ok(!rx.verify(w!, `${secret}x`), 'and not with another secret');
    assert.equal(w!.body.type, 'payment.received');
    assert.equal(w!.headers['x-webhook-id'], w!.body.id);
    assert.equal(w!.headers['x-webhook-event'], 'payment.received');
    assert.match(w!.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(w!.body.data.amount, 150_000);
    assert.equal(w!.body.data.customer_id, customerId);
    assert.equal(w!.body.data.currency, 'IDR');
    const log = decodeHtml((await admin.get(`/admin/webhooks/${id}`)).text);
    assert.match(log, /data-status="delivered"/);
    assert.match(log, /<code data-response-code>200<\/code>/);
  } finally {
    await rx.close();
  }
});

test('a 500 is retried after the backoff with the same event id, then delivered; replay and a test event from the console', async () => {
  const { rx, id, secret } = await freshEndpoint();
  try {
    rx.answer(500);
    await payment(75_000);
    assert.deepEqual(await dispatchDueDeliveries(deps), { attempted: 1, delivered: 0 });
    const pending = await web.c.db('webhook_deliveries').where({ endpoint_id: id }).first();
    assert.equal(pending.status, 'pending');
    assert.equal(pending.attempts, 1);
    assert.equal(pending.last_status_code, 500);
    assert.equal(pending.last_response, 'receiver says 500');
    assert.equal(new Date(pending.next_attempt_at).getTime() - clock.now().getTime(), 60_000, 'first retry a minute later');
    assert.deepEqual(await dispatchDueDeliveries(deps), { attempted: 0, delivered: 0 }, 'not before it is due');
    clock.advance(61_000);
    assert.deepEqual(await dispatchDueDeliveries(deps), { attempted: 1, delivered: 1 });
    assert.equal(rx.received.length, 2);
    assert.equal(rx.received[0]!.body.id, rx.received[1]!.body.id, 'the same event id on the retry');
    assert.ok(rx.received.every((w) => rx.verify(w, secret)));

    const replay = await admin.post(`/admin/webhooks/deliveries/${pending.id}/replay`, {});
    assert.equal(replay.location, `/admin/webhooks/${id}?saved=replay_delivered`);
    assert.equal(rx.received.length, 3);
    assert.equal(rx.received[2]!.body.id, rx.received[0]!.body.id, 'a replay sends the same event again');
    assert.equal((await web.c.db('webhook_deliveries').where({ id: pending.id }).first('attempts')).attempts, 3);

    const sent = await admin.post(`/admin/webhooks/${id}/test`, {});
    assert.equal(sent.location, `/admin/webhooks/${id}?saved=test_delivered`);
    assert.equal(rx.received[3]!.body.type, 'webhook.test');
    assert.ok(rx.verify(rx.received[3]!, secret));
    assert.equal((await admin.post(`/admin/webhooks/${id}/test`, { _csrf: null })).status, 403, 'no CSRF token, nothing sent');
    assert.equal(rx.received.length, 4);
  } finally {
    await rx.close();
  }
});

test('a switched-off endpoint gets nothing: no new deliveries, pending ones wait, replay refused', async () => {
  const { rx, id } = await freshEndpoint();
  try {
    await payment(10_000); // pending before it is switched off
    const off = await admin.post(`/admin/webhooks/${id}`, { url: rx.url, description: 'ERP', events: 'payment.received' });
    assert.equal(off.location, `/admin/webhooks/${id}?saved=updated`);
    assert.deepEqual(await web.c.db('webhook_endpoints').where({ id }).first('is_active', 'disabled_reason'), { is_active: false, disabled_reason: 'staff' });
    await payment(20_000);
    assert.deepEqual(await dispatchDueDeliveries(deps), { attempted: 0, delivered: 0 });
    assert.equal(rx.received.length, 0);
    const rows = await web.c.db('webhook_deliveries').where({ endpoint_id: id }).select('id');
    assert.equal(rows.length, 1, 'the second payment made no delivery');
    assert.equal((await admin.post(`/admin/webhooks/deliveries/${rows[0]!.id}/replay`, {})).location, `/admin/webhooks/${id}?saved=inactive`);
    assert.equal(rx.received.length, 0);
  } finally {
    await rx.close();
  }
});

test('an event is recorded only when its transaction commits', async () => {
  const { rx } = await freshEndpoint();
  try {
    const before = Number((await web.c.db('webhook_events').count({ n: '*' }).first())!.n);
    const event = paymentReceived({ paymentId: 1, customerId: 1, amount: 5_000, invoiceId: null, paidInvoiceIds: [] });
    await assert.rejects(web.c.db.transaction(async (trx) => {
      assert.equal(await recordEvent(trx, event), true);
      throw new Error('the change fails');
    }), /the change fails/);
    assert.equal(Number((await web.c.db('webhook_events').count({ n: '*' }).first())!.n), before, 'rolled back: no event');
    assert.deepEqual(await dispatchDueDeliveries(deps), { attempted: 0, delivered: 0 });
    await web.c.db.transaction((trx) => recordEvent(trx, event));
    assert.deepEqual(await dispatchDueDeliveries(deps), { attempted: 1, delivered: 1 });
    assert.equal(rx.received.length, 1);
  } finally {
    await rx.close();
  }
});

test('suspension, reactivation, a new subscription and a staff alert each record their event', async () => {
  await web.c.db('webhook_endpoints').del();
  const rx = await startWebhookReceiver();
  try {
    const made = await createEndpoint(deps, {
      url: rx.url, description: '', active: true,
      events: ['subscription.suspended', 'subscription.reactivated', 'subscription.created', 'invoice.issued', 'alert.raised'],
    }, actor);
    assert.ok(made.ok);
    const staff = await createStaff(web.c.db);
    const staffActor = { staffUserId: staff.id, username: staff.username, ip: null };
    const sub = await createSubscription(web.c.db);
    await web.engine.suspendOrReactivate({ subscriptionId: sub.id, action: 'suspend', actor: staffActor });
    await web.engine.suspendOrReactivate({ subscriptionId: sub.id, action: 'reactivate', actor: staffActor });
    await raiseStaffAlerts(web.c.db, [{ kind: 'test_alert', message: 'Look at this', key: 'webhook-test-alert' }]);
    const customer = await createCustomer(web.c.db);
    const plan = await createPlan(web.c.db);
    const created = await web.engine.run((u) => createSubscriptionUseCase({ ...u, secrets: web.c.secrets }, {
      customerId: customer.id, planId: plan.id, serviceType: 'pppoe', billingType: 'postpaid', anchorDay: 1, username: null, staticIp: null, macAddress: null, actor: staffActor,
    }));
    assert.ok(created.ok && created.invoice, 'created with its first invoice');
    await raiseStaffAlerts(web.c.db, [{ kind: 'test_alert', message: 'Look at this', key: 'webhook-test-alert' }]); // once per key
    await dispatchDueDeliveries(deps);
    // Deliveries go out in parallel: no order is promised (README.md, "Webhooks").
    const got = rx.received.map((w) => `${w.body.type} ${String(w.body.data.subscription_id ?? w.body.data.kind)}`).sort();
    assert.deepEqual(got, ['alert.raised test_alert', `invoice.issued ${created.subscriptionId}`, `subscription.created ${created.subscriptionId}`, `subscription.reactivated ${sub.id}`, `subscription.suspended ${sub.id}`].sort());
    const issued = rx.received.find((w) => w.body.type === 'invoice.issued')!.body.data;
    assert.equal(issued.invoice_id, created.invoice!.id);
    assert.equal(issued.total, created.invoice!.total);
    assert.equal(issued.subscription_id, created.subscriptionId);
    assert.equal(rx.received.find((w) => w.body.type === 'subscription.created')!.body.data.username, created.username);
    assert.equal(rx.received.find((w) => w.body.type === 'subscription.suspended')!.body.data.reason, 'staff_suspend');
  } finally {
    await rx.close();
  }
});

test('the dunning pass sends invoice.overdue once per invoice that passed its due date', async () => {
  await web.c.db('webhook_endpoints').del();
  const rx = await startWebhookReceiver();
  try {
    assert.ok((await createEndpoint(deps, { url: rx.url, description: '', active: true, events: ['invoice.overdue'] }, actor)).ok);
    const customer = await createCustomer(web.c.db);
    const [invoice] = await web.c.db('invoices').insert({
      customer_id: customer.id, kind: 'one_off', issue_date: '2026-01-01', due_date: '2026-01-10', status: 'open', subtotal: 110_000, total: 110_000, amount_paid: 10_000,
    }).returning('id');
    await web.engine.runDunningPass();
    await web.engine.runDunningPass();
    await dispatchDueDeliveries(deps);
    const mine = rx.received.filter((w) => w.body.data.invoice_id === Number(invoice.id));
    assert.equal(mine.length, 1);
    assert.deepEqual(mine[0]!.body.data, {
      invoice_id: Number(invoice.id), invoice_number: null, customer_id: customer.id, subscription_id: null, total: 110_000, amount_due: 100_000, currency: 'IDR', due_date: '2026-01-10',
    });
  } finally {
    await rx.close();
  }
});

test('an endpoint failing for WEBHOOK_DISABLE_AFTER_DAYS is switched off with a staff alert', async () => {
  const { rx, id } = await freshEndpoint();
  await rx.close(); // nobody answers any more
  await payment(30_000);
  await dispatchDueDeliveries(deps);
  const first = await web.c.db('webhook_endpoints').where({ id }).first('is_active', 'failing_since');
  assert.equal(first.is_active, true);
  assert.equal(new Date(first.failing_since).getTime(), clock.now().getTime());
  const delivery = await web.c.db('webhook_deliveries').where({ endpoint_id: id }).first('last_error', 'last_status_code');
  assert.equal(delivery.last_status_code, null);
  assert.equal(delivery.last_error, 'ECONNREFUSED');
  clock.advance(3 * 86_400_000 + 1000);
  await dispatchDueDeliveries(deps);
  assert.deepEqual(await web.c.db('webhook_endpoints').where({ id }).first('is_active', 'disabled_reason'), { is_active: false, disabled_reason: 'failing' });
  const alert = await web.c.db('staff_alerts').where({ kind: 'webhook_endpoint_disabled' }).first('message');
  assert.match(alert.message, /^Webhook endpoint http:\/\/127\.0\.0\.1:\d+\/hooks switched off/);
  assert.match(decodeHtml((await admin.get(`/admin/webhooks/${id}`)).text), /Switched off: kept failing/);
});

test('internal addresses are refused unless WEBHOOK_ALLOW_PRIVATE_URLS, at registration and at connection', async () => {
  const rx = await startWebhookReceiver();
  try {
    const strict: WebhookDeps = { ...deps, settings: { ...deps.settings, allowInternal: false } };
    for (const url of [rx.url, `http://localhost:${rx.port}/hooks`, 'http://169.254.169.254/latest', 'http://[::1]/x', 'http://10.1.2.3/x']) {
      const refused = await createEndpoint(strict, { url, description: '', events: ['payment.received'], active: true }, actor);
      assert.deepEqual(refused, { ok: false, code: 'invalid', errors: { url: 'webhooks.error.url_internal' } }, url);
    }
    assert.deepEqual((await createEndpoint(strict, { url: 'ftp://example.com/x', description: '', events: ['payment.received'], active: true }, actor)), { ok: false, code: 'invalid', errors: { url: 'webhooks.error.url_scheme' } });
    // At connection time too: a name resolving to loopback (DNS rebinding after registration) and a literal.
    for (const url of [`http://localhost:${rx.port}/hooks`, rx.url]) {
      const outcome = await postWebhook(url, '{}', {}, { timeoutMs: 2000, allowInternal: false });
      assert.equal(outcome.ok, false);
      assert.equal(outcome.error, 'internal address refused', url);
    }
    assert.equal(rx.received.length, 0);
    // The console says so in the form.
    const page = await admin.post('/admin/webhooks', { url: 'ftp://example.com/x', description: '', events: 'payment.received', active: '1' });
    assert.equal(page.status, 422);
    assert.match(page.text, /data-error="url"/);
  } finally {
    await rx.close();
  }
});
