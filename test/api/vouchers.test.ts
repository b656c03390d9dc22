/**
 * /api/v1/vouchers against the web role and a real database: a batch generated through the
 * console's use case (billing/vouchers/generate-batch.ts: exactly `quantity` unique codes,
 * audited), listed and read with its counts by status; its codes whole with vouchers.manage
 * (audited as an export) and masked with vouchers.view alone; a voucher's status by its code;
 * 404s and problem+json on bad input (rate-limit syntax, missing limits).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { api, tokenFor } from '../helpers/api-client.js';
import { createPlan } from '../helpers/factories.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-08T03:00:00Z'), env: { API_RATE_LIMIT_PER_MINUTE: '1000' } });
});
after(async () => {
  await web?.stop();
});

test('a cashier generates a batch; its counts, its whole codes (audited) and one code\'s status come back', async () => {
  const t = await tokenFor(web.c.db, 'cashier');
  const made = await api(web.baseUrl, t.token, 'POST', '/vouchers/batches', {
    body: { name: 'Harian 5rb', rate_limit: '2M/4M', time_limit_seconds: 86_400, price: 5000, quantity: 5, code_length: 6 },
  });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  assert.equal(made.headers.get('location'), `/api/v1/vouchers/batches/${made.json.id}`);
  assert.equal(made.json.quantity, 5);
  assert.deepEqual(made.json.counts, { unused: 5, sold: 0, active: 0, used: 0, expired: 0 });
  assert.equal(await web.c.db('vouchers').where({ batch_id: made.json.id }).count({ n: '*' }).first().then((r) => Number(r?.n)), 5);
  const audit = await web.c.db('audit_log').where({ action: 'voucher_batch_created' }).orderBy('id', 'desc').first('staff_user_id');
  assert.equal(Number(audit.staff_user_id), t.staffId);

  const list = await api(web.baseUrl, t.token, 'GET', '/vouchers/batches');
  assert.equal(list.status, 200);
  assert.equal(list.json.data[0].id, made.json.id);
  assert.equal((await api(web.baseUrl, t.token, 'GET', `/vouchers/batches/${made.json.id}`)).json.name, 'Harian 5rb');

  const codes = await api(web.baseUrl, t.token, 'GET', `/vouchers/batches/${made.json.id}/codes?limit=3`);
  assert.equal(codes.status, 200);
  assert.equal(codes.json.data.length, 3);
  assert.ok(codes.json.next_cursor);
  const first = codes.json.data[0];
  assert.equal(first.code_masked, false);
  assert.match(first.code, /^[A-Z2-9]{6}$/, 'the whole code with vouchers.manage');
  const exported = await web.c.db('audit_log').where({ action: 'voucher_batch_exported', object_id: String(made.json.id) }).first('after');
  assert.equal(exported.after.via, 'api', 'a page of whole codes is audited as an export');

  const byCode = await api(web.baseUrl, t.token, 'GET', `/vouchers/codes/${first.code.toLowerCase()}`);
  assert.equal(byCode.status, 200);
  assert.equal(byCode.json.id, first.id);
  assert.equal(byCode.json.status, 'unused');
  const unused = await api(web.baseUrl, t.token, 'GET', `/vouchers/batches/${made.json.id}/codes?status=sold`);
  assert.deepEqual(unused.json.data, []);
});

test('with vouchers.view alone (viewer) codes are masked but for their last three characters', async () => {
  const admin = await tokenFor(web.c.db, 'admin');
  const plan = await createPlan(web.c.db, { serviceType: 'hotspot' });
  const made = await api(web.baseUrl, admin.token, 'POST', '/vouchers/batches', { body: { name: 'Plan batch', plan_id: plan.id, validity_seconds: 3600, quantity: 2 } });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const whole = (await api(web.baseUrl, admin.token, 'GET', `/vouchers/batches/${made.json.id}/codes`)).json.data[0].code as string;

  const viewer = await tokenFor(web.c.db, 'viewer');
  const masked = await api(web.baseUrl, viewer.token, 'GET', `/vouchers/batches/${made.json.id}/codes`);
  assert.equal(masked.status, 200);
  for (const v of masked.json.data) {
    assert.equal(v.code_masked, true);
    assert.match(v.code, /^•+[A-Z2-9]{3}$/);
  }
  assert.ok(!masked.bytes.toString('utf8').includes(whole), 'no whole code in the answer');
  const looked = await api(web.baseUrl, viewer.token, 'GET', `/vouchers/codes/${whole}`);
  assert.equal(looked.status, 200);
  assert.equal(looked.json.code, `${'•'.repeat(whole.length - 3)}${whole.slice(-3)}`);
  assert.equal((await api(web.baseUrl, viewer.token, 'POST', '/vouchers/batches', { body: { name: 'x', rate_limit: '1M/1M', time_limit_seconds: 60, quantity: 1 } })).status, 403);
});

test('404s and problem+json: unknown batch or code, bad rate limit, no limit, unknown plan, too many codes', async () => {
  const { token } = await tokenFor(web.c.db, 'admin');
  assert.equal((await api(web.baseUrl, token, 'GET', '/vouchers/batches/999999999')).status, 404);
  assert.equal((await api(web.baseUrl, token, 'GET', '/vouchers/batches/999999999/codes')).status, 404);
  assert.equal((await api(web.baseUrl, token, 'GET', '/vouchers/codes/NOSUCHCODE')).status, 404);
  const pointers = async (body: unknown): Promise<string[]> => {
    const res = await api(web.baseUrl, token, 'POST', '/vouchers/batches', { body });
    assert.equal(res.status, 422, JSON.stringify(res.json));
    assert.equal(res.json.type, '/api/v1/problems/validation');
    return res.json.errors.map((e: { pointer: string }) => e.pointer).sort();
  };
  assert.deepEqual(await pointers({ name: 'x', rate_limit: 'fast please', time_limit_seconds: 60, quantity: 1 }), ['#/body/rate_limit']);
  assert.deepEqual(await pointers({ name: 'x', rate_limit: '1M/1M', quantity: 1 }), ['#/body/time_limit_seconds']);
  assert.deepEqual(await pointers({ name: 'x', time_limit_seconds: 60, quantity: 1 }), ['#/body/rate_limit']);
  assert.deepEqual(await pointers({ name: 'x', plan_id: 999999999, time_limit_seconds: 60, quantity: 1 }), ['#/body/plan_id']);
  assert.deepEqual(await pointers({ name: 'x', rate_limit: '1M/1M', time_limit_seconds: 60, quantity: 10_001 }), ['#/body/quantity']);
  assert.equal(await web.c.db('voucher_batches').where({ name: 'x' }).first(), undefined, 'nothing was created');
});
