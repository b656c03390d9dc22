/**
 * The dunning schedule editor against the real database and the real dunning pass: the steps
 * listed in day order, a step edited in the console changes what the next pass does, the rules
 * the pass relies on refused with the input kept, stale edits refused, deletes confirmed and
 * everything audited.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlan } from '../helpers/factories.js';
import { subscriber } from '../helpers/billing-fixtures.js';
import { auditRows, capturingChannel, openInvoice, startConsoleServer, type ConsoleServer } from '../helpers/settings-fixtures.js';

let s: ConsoleServer;
const sms = capturingChannel('sms');

before(async () => {
  // 09:00 in Jakarta on 21 November 2026.
  s = await startConsoleServer({ start: '2026-11-21T02:00:00Z', gateways: {}, channels: { sms } });
});
after(() => s.stop());

const stepId = async (offset: number, action: string): Promise<number> => Number((await s.c.db('dunning_steps').where({ offset_days: offset, action }).first('id')).id);
const versionOf = async (id: number): Promise<string> => String((await s.c.db('dunning_steps').where({ id }).first('version')).version);

test('the schedule is listed in day order with its H-labels, actions and messages', async () => {
  const admin = await s.signedIn('admin');
  const page = await admin.get('/admin/dunning');
  assert.equal(page.status, 200);
  const order = [...page.text.matchAll(/data-step="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(order, ['H-7 reminder', 'H-3 reminder', 'H-1 reminder', 'H+1 reminder', 'H+2 reminder', 'H+3 soft_limit', 'H+6 reminder', 'H+7 suspend']);
  assert.match(page.text, /hx-confirm="Delete this step\?/, 'deleting asks first');
  assert.match(page.text, /SMS/, 'the channels that are on are named');
});

test('moving the suspension from H+7 to H+4 in the console suspends at the next pass what the old schedule only soft-limited', async () => {
  const admin = await s.signedIn('admin');
  const plan = await createPlan(s.c.db, { price: 150_000 });
  const sub = await subscriber(s.c.db, { planId: plan.id, startDate: '2026-10-01' });
  await openInvoice(s.c.db, sub.customerId, { number: 'INV/2026/11/000501', total: 150_000, dueDate: '2026-11-17', subscriptionId: sub.id });

  await s.engine.runDunningPass();
  assert.equal((await s.c.db('subscriptions').where({ id: sub.id }).first()).status, 'soft_limited', 'H+4 under the default schedule: soft limit only');

  const id = await stepId(7, 'suspend');
  const form = await admin.get(`/admin/dunning/${id}/edit`);
  assert.equal(form.status, 200);
  const saved = await admin.post(`/admin/dunning/${id}`, { version: await versionOf(id), offset_days: '4', action: 'suspend', late_fee_amount: '', template: '', is_active: '1' });
  assert.equal(saved.status, 302);
  assert.match(saved.location ?? '', /^\/admin\/dunning\?saved=updated/);

  await s.engine.runDunningPass();
  assert.equal((await s.c.db('subscriptions').where({ id: sub.id }).first()).status, 'suspended', 'the edited step acted');
  const messages = await s.c.db('notification_outbox').where({ customer_id: sub.customerId, template: 'suspended' });
  assert.equal(messages.length, 1, 'with the suspension message of the step');

  const audit = await auditRows(s.c.db, 'dunning_step', String(id));
  assert.equal(audit.length, 1);
  assert.deepEqual([(audit[0]!.before as { offset_days: number }).offset_days, (audit[0]!.after as { offset_days: number }).offset_days], [7, 4]);
});

test('what the pass cannot do is refused with the input kept: a second suspension, a soft limit after the suspension, an enforcing step before the due date, a late fee without an amount, a duplicate day', async () => {
  const admin = await s.signedIn('admin');
  const count = async (): Promise<number> => Number((await s.c.db('dunning_steps').count({ n: '*' }).first())!.n);
  const before = await count();
  const cases: Array<[Record<string, string>, string]> = [
    [{ offset_days: '10', action: 'suspend' }, 'action'],
    [{ offset_days: '9', action: 'soft_limit', is_active: '' }, ''], // paused: allowed (checked after)
    [{ offset_days: '-2', action: 'late_fee', late_fee_amount: '25.000' }, 'offset_days'],
    [{ offset_days: '5', action: 'late_fee', late_fee_amount: '' }, 'late_fee_amount'],
    [{ offset_days: '-3', action: 'reminder' }, 'offset_days'],
    [{ offset_days: '200', action: 'reminder' }, 'offset_days'],
  ];
  for (const [over, field] of cases) {
    const res = await admin.post('/admin/dunning', { offset_days: '', action: 'reminder', late_fee_amount: '', template: '', is_active: '1', ...over });
    if (!field) {
      assert.equal(res.status, 302, JSON.stringify(over));
      continue;
    }
    assert.equal(res.status, 422, JSON.stringify(over));
    assert.match(res.text, new RegExp(`data-error="${field}"`), JSON.stringify(over));
    assert.match(res.text, new RegExp(`name="offset_days" value="${over.offset_days}"`), 'kept');
  }
  assert.equal(await count(), before + 1, 'only the paused soft limit was added');
  // Switching that paused soft limit on: a second active soft limit, and after the suspension.
  const paused = await stepId(9, 'soft_limit');
  const on = await admin.post(`/admin/dunning/${paused}`, { version: await versionOf(paused), offset_days: '9', action: 'soft_limit', late_fee_amount: '', template: '', is_active: '1' });
  assert.equal(on.status, 422);
  assert.match(on.text, /already an active soft-limit step/);
  // A late fee with an amount typed as staff do.
  const fee = await admin.post('/admin/dunning', { offset_days: '5', action: 'late_fee', late_fee_amount: '25.000', template: 'payment_reminder', is_active: '1' });
  assert.equal(fee.status, 302);
  const row = await s.c.db('dunning_steps').where({ offset_days: 5, action: 'late_fee' }).first();
  assert.equal(Number(row.late_fee_amount), 25_000);
  assert.equal(row.template, null, 'a late fee sends no message, so it keeps no template');
});

test('a stale edit and a stale delete are refused; a delete with the current version removes the step; both audited', async () => {
  const admin = await s.signedIn('admin');
  const other = await s.signedIn('admin');
  const id = await stepId(6, 'reminder');
  const v = await versionOf(id);
  const first = await other.post(`/admin/dunning/${id}`, { version: v, offset_days: '5', action: 'reminder', late_fee_amount: '', template: 'payment_reminder', is_active: '1' });
  assert.equal(first.status, 302);
  const stale = await admin.post(`/admin/dunning/${id}`, { version: v, offset_days: '8', action: 'reminder', late_fee_amount: '', template: '', is_active: '1' });
  assert.equal(stale.status, 409);
  assert.match(stale.text, /Someone else changed this step/);
  assert.equal((await s.c.db('dunning_steps').where({ id }).first()).offset_days, 5);

  const staleDelete = await admin.post(`/admin/dunning/${id}/delete`, { version: v });
  assert.equal(staleDelete.location, '/admin/dunning?error=stale');
  assert.ok(await s.c.db('dunning_steps').where({ id }).first(), 'not deleted');
  const deleted = await admin.post(`/admin/dunning/${id}/delete`, { version: await versionOf(id) });
  assert.equal(deleted.location, '/admin/dunning?saved=deleted');
  assert.equal(await s.c.db('dunning_steps').where({ id }).first(), undefined);
  assert.deepEqual((await auditRows(s.c.db, 'dunning_step', String(id))).map((a) => a.action), ['dunning_step_updated', 'dunning_step_deleted']);
});
