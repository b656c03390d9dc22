/** markVouchersSold: ticked or next-N unused vouchers become sold, audited; nothing else changes. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContainer, type TestContainer } from '../../test/helpers/container.js';
import { createStaff } from '../../test/helpers/factories.js';
import { createVoucherBatch } from '../../test/helpers/vouchers-fixtures.js';
import type { AuditActor } from '../../lib/audit.js';
import { markVouchersSold } from './mark-vouchers-sold.js';

let c: TestContainer;
let actor: AuditActor;
const NOW = new Date('2026-11-22T03:00:00Z');

before(async () => {
  c = await createTestContainer();
  const staff = await createStaff(c.db, { role: 'cashier' });
  actor = { staffUserId: staff.id, username: staff.username, ip: '10.0.0.9' };
});
after(async () => {
  await c.dispose();
});

test('the next N unused, in order; then ticked ones; a voucher in use or another batch\'s is left alone', async () => {
  const { batchId, vouchers } = await createVoucherBatch(c.db, { quantity: 6 });
  const other = await createVoucherBatch(c.db, { quantity: 1 });
  await c.db('vouchers').where({ id: vouchers[0]!.id }).update({ status: 'active' });

  assert.deepEqual(await markVouchersSold(c.db, actor, NOW, { batchId, count: 2 }), { ok: true, sold: 2 });
  const sold = await c.db('vouchers').where({ batch_id: batchId, status: 'sold' }).orderBy('id').pluck('id');
  assert.deepEqual(sold.map(Number), [vouchers[1]!.id, vouchers[2]!.id], 'the first unused ones; the active one skipped');
  const row = await c.db('vouchers').where({ id: vouchers[1]!.id }).first();
  assert.equal(new Date(row.sold_at).toISOString(), NOW.toISOString());
  assert.equal(Number(row.sold_by), actor.staffUserId);

  const ticked = [vouchers[0]!.id, vouchers[1]!.id, vouchers[4]!.id, other.vouchers[0]!.id];
  assert.deepEqual(await markVouchersSold(c.db, actor, NOW, { batchId, voucherIds: ticked }), { ok: true, sold: 1 }, 'only the unused one of this batch');
  assert.equal((await c.db('vouchers').where({ id: other.vouchers[0]!.id }).first()).status, 'unused');
  assert.equal((await c.db('vouchers').where({ id: vouchers[0]!.id }).first()).status, 'active');

  const audit = await c.db('audit_log').where({ action: 'vouchers_sold', object_id: String(batchId) }).orderBy('id');
  assert.deepEqual(audit.map((a) => a.after.count), [2, 1]);
  assert.deepEqual(audit[1].after.voucher_ids, [vouchers[4]!.id]);
  assert.equal(audit[0].ip_address, '10.0.0.9');
});

test('nothing selected, or an unknown batch, is a value; no audit row', async () => {
  const { batchId } = await createVoucherBatch(c.db, { quantity: 1 });
  assert.deepEqual(await markVouchersSold(c.db, actor, NOW, { batchId, voucherIds: [] }), { ok: false, code: 'nothing_selected' });
  assert.deepEqual(await markVouchersSold(c.db, actor, NOW, { batchId, count: 0 }), { ok: false, code: 'nothing_selected' });
  assert.deepEqual(await markVouchersSold(c.db, actor, NOW, { batchId: 987_654, count: 1 }), { ok: false, code: 'batch_not_found' });
  assert.deepEqual(await markVouchersSold(c.db, actor, NOW, { batchId, voucherIds: [123_456_789] }), { ok: true, sold: 0 });
  assert.equal((await c.db('audit_log').where({ action: 'vouchers_sold', object_id: String(batchId) })).length, 0);
});
