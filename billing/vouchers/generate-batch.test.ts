/**
 * generateBatch against a real database: the largest batch (10,000) in one bulk insert, every
 * code unique and of the alphabet, the batch's terms stored and audited (never the codes), and
 * the invariants refused as values with nothing written.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContainer, type TestContainer } from '../../test/helpers/container.js';
import { createPlan, createStaff } from '../../test/helpers/factories.js';
import type { AuditActor } from '../../lib/audit.js';
import { generateBatch, type BatchInput } from './generate-batch.js';
import { VOUCHER_ALPHABET } from '../access/voucher-code.js';

let c: TestContainer;
let actor: AuditActor;
const base: BatchInput = { name: 'Harian 5K', planId: null, rateLimit: '1M/2M', timeLimitSeconds: 3600, dataLimitBytes: null, validitySeconds: 86_400, price: 5000, quantity: 10 };

before(async () => {
  c = await createTestContainer();
  const staff = await createStaff(c.db, { role: 'cashier' });
  actor = { staffUserId: staff.id, username: staff.username, ip: '127.0.0.1' };
});
after(async () => {
  await c.dispose();
});

test('10,000 vouchers in one go: unique codes of the alphabet, the terms stored, one audit row without codes', async () => {
  const r = await generateBatch(c.db, actor, { ...base, quantity: 10_000, codeLength: 10 });
  assert.ok(r.ok);
  assert.equal(r.quantity, 10_000);
  const codes = (await c.db('vouchers').where({ batch_id: r.batchId }).pluck('code')) as string[];
  assert.equal(codes.length, 10_000);
  assert.equal(new Set(codes).size, 10_000);
  assert.ok(codes.every((code) => code.length === 10 && [...code].every((ch) => VOUCHER_ALPHABET.includes(ch))));
  assert.ok(codes.every((code) => !/[0O1lI]/.test(code)), 'no look-alikes');
  const batch = await c.db('voucher_batches').where({ id: r.batchId }).first();
  assert.equal(batch.created_by, actor.staffUserId);
  assert.equal(Number(batch.quantity), 10_000);
  assert.equal(Number(batch.validity_seconds), 86_400);
  const audit = await c.db('audit_log').where({ object_type: 'voucher_batch', object_id: String(r.batchId) });
  assert.equal(audit.length, 1);
  assert.equal(audit[0].action, 'voucher_batch_created');
  assert.equal(audit[0].after.quantity, 10_000);
  assert.doesNotMatch(JSON.stringify(audit[0].after), new RegExp(codes[0]!), 'codes stay out of the audit log');
});

test('a plan instead of an own rate; a plan that does not exist is refused', async () => {
  const plan = await createPlan(c.db, { serviceType: 'hotspot', rateLimit: '2M/2M' });
  const ok = await generateBatch(c.db, actor, { ...base, planId: plan.id, rateLimit: null });
  assert.ok(ok.ok);
  assert.deepEqual(await generateBatch(c.db, actor, { ...base, planId: 999_999, rateLimit: null }), { ok: false, code: 'plan_not_found' });
});

test('invariants are refused as values and nothing is written', async () => {
  const before = Number((await c.db('voucher_batches').count({ n: '*' }).first())!.n);
  const cases: Array<[Partial<BatchInput>, string]> = [
    [{ name: ' ' }, 'name'],
    [{ rateLimit: null }, 'rate_limit'],
    [{ timeLimitSeconds: null, dataLimitBytes: null, validitySeconds: null }, 'time_limit'],
    [{ dataLimitBytes: -1 }, 'data_limit'],
    [{ price: -5 }, 'price'],
    [{ quantity: 0 }, 'quantity'],
    [{ quantity: 10_001 }, 'quantity'],
    [{ codeLength: 5 }, 'code_length'],
  ];
  for (const [over, field] of cases) assert.deepEqual(await generateBatch(c.db, actor, { ...base, ...over }), { ok: false, code: 'invalid', field }, field);
  assert.equal(Number((await c.db('voucher_batches').count({ n: '*' }).first())!.n), before);
});
