/**
 * The REST API's framework over HTTP against the web role, a real database and Redis: bearer
 * tokens (missing, unknown, revoked, deactivated staff), RFC 9457 problems on bad input,
 * Idempotency-Key retries, cursor pagination stable under inserts, audit of writes with the
 * staff member as actor, and the rate limit (429 with Retry-After).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { revokeApiToken } from '../../lib/api-tokens/revoke-api-token.js';
import { createCustomer, createPlan } from '../helpers/factories.js';
import { api, tokenFor } from '../helpers/api-client.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
const clock = settableClock('2026-12-08T03:00:00Z');

before(async () => {
  web = await startWebServer({ clock, env: { API_RATE_LIMIT_PER_MINUTE: '1000' } });
});
after(async () => {
  await web?.stop();
});

test('no token, a malformed or unknown token, a revoked token and a deactivated staff member are all refused with 401 problem+json', async () => {
  const none = await api(web.baseUrl, null, 'GET', '/customers');
  assert.equal(none.status, 401);
  assert.match(none.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(none.json.status, 401);
  assert.equal(none.json.type, 'about:blank');
  assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
  assert.equal((await api(web.baseUrl, 'isp_' + 'x'.repeat(43), 'GET', '/customers')).status, 401);
  assert.equal((await api(web.baseUrl, 'nonsense', 'GET', '/customers')).status, 401);

  const t = await tokenFor(web.c.db, 'admin');
  assert.equal((await api(web.baseUrl, t.token, 'GET', '/customers')).status, 200);
  const row = await web.c.db('api_tokens').where({ id: t.tokenId }).first('last_used_at', 'token_hash');
  assert.ok(row.last_used_at, 'the last use is recorded');
  assert.ok(!Buffer.from(row.token_hash).toString('utf8').includes(t.token), 'only the hash is stored');
  assert.deepEqual((await revokeApiToken({ db: web.c.db, clock }, { tokenId: t.tokenId, actor: { staffUserId: null, username: 'test', ip: null } })).ok, true);
  const revoked = await api(web.baseUrl, t.token, 'GET', '/customers');
  assert.equal(revoked.status, 401);
  assert.match(revoked.headers.get('www-authenticate') ?? '', /invalid_token/);

  const u = await tokenFor(web.c.db, 'admin');
  await web.c.db('staff_users').where({ id: u.staffId }).update({ is_active: false });
  assert.equal((await api(web.baseUrl, u.token, 'GET', '/customers')).status, 401, 'a deactivated staff member\'s token stops at once');
});

test('bad input answers RFC 9457 problems: field errors with JSON pointers, bad JSON, wrong media type, unknown route and method', async () => {
  const { token } = await tokenFor(web.c.db, 'admin');
  const invalid = await api(web.baseUrl, token, 'POST', '/customers', { body: { name: '', locale: 'fr' } });
  assert.equal(invalid.status, 422);
  assert.match(invalid.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(invalid.json.type, '/api/v1/problems/validation');
  const pointers = invalid.json.errors.map((e: { pointer: string }) => e.pointer).sort();
  assert.deepEqual(pointers, ['#/body/locale', '#/body/name']);

  const phone = await api(web.baseUrl, token, 'POST', '/customers', { body: { name: 'Siti', phone: 'not a phone' } });
  assert.equal(phone.status, 422, 'the use case\'s own validation (phone) is a field error too');
  assert.deepEqual(phone.json.errors.map((e: { pointer: string }) => e.pointer), ['#/body/phone']);

  const badJson = await api(web.baseUrl, token, 'POST', '/customers', { rawBody: '{"name":', headers: { 'Content-Type': 'application/json' } });
  assert.equal(badJson.status, 400);
  assert.equal(badJson.json.status, 400);
  const form = await api(web.baseUrl, token, 'POST', '/customers', { rawBody: 'name=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(form.status, 415);
  const limit = await api(web.baseUrl, token, 'GET', '/customers?limit=1000');
  assert.equal(limit.status, 422);
  assert.equal(limit.json.errors[0].pointer, '#/query/limit');
  const cursor = await api(web.baseUrl, token, 'GET', '/customers?cursor=garbage');
  assert.equal(cursor.status, 422);
  assert.equal((await api(web.baseUrl, token, 'GET', '/customers/abc')).status, 422);
  const missing = await api(web.baseUrl, token, 'GET', '/customers/999999999');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.title, 'Not Found');
  assert.equal((await api(web.baseUrl, token, 'GET', '/nothing-here')).status, 404);
  const method = await api(web.baseUrl, token, 'POST', '/plans', { body: {} });
  assert.equal(method.status, 405);
  assert.match(method.headers.get('content-type') ?? '', /problem\+json/);
});

test('Idempotency-Key: a retry returns the stored answer and records once; another body with the same key is 422', async () => {
  const t = await tokenFor(web.c.db, 'cashier');
  const customer = await createCustomer(web.c.db, { name: 'Idempotent Ibu' });
  const body = { customer_id: customer.id, amount: 50_000, method: 'cash', reference: 'kuitansi 17' };
  const key = { 'Idempotency-Key': 'pay-7f3a' };
  const first = await api(web.baseUrl, t.token, 'POST', '/payments', { body, headers: key });
  assert.equal(first.status, 201, JSON.stringify(first.json));
  const again = await api(web.baseUrl, t.token, 'POST', '/payments', { body, headers: key });
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(again.json, first.json);
  const count = await web.c.db('payments').where({ customer_id: customer.id }).count<{ count: string }[]>('* as count');
  assert.equal(Number(count[0]!.count), 1, 'the payment is recorded once');

  const other = await api(web.baseUrl, t.token, 'POST', '/payments', { body: { ...body, amount: 60_000 }, headers: key });
  assert.equal(other.status, 422);
  assert.equal(other.json.type, '/api/v1/problems/idempotency_key_reused');

  const u = await tokenFor(web.c.db, 'cashier');
  const own = await api(web.baseUrl, u.token, 'POST', '/payments', { body, headers: key });
  assert.equal(own.status, 201, 'keys belong to a token: another token may use the same key');
  assert.notEqual(own.json.id, first.json.id);

  const audit = await web.c.db('audit_log').where({ action: 'payment_recorded', object_id: String(first.json.id) }).first('staff_user_id', 'actor');
  assert.equal(Number(audit.staff_user_id), t.staffId, 'audited with the token\'s staff member as actor');
  assert.match(audit.actor, new RegExp(`^${t.username} \\(API token #${t.tokenId}\\)$`));
});

test('a created subscription\'s password is answered once: a replay with the same key answers null', async () => {
  const t = await tokenFor(web.c.db, 'admin');
  const customer = await createCustomer(web.c.db);
  const plan = await createPlan(web.c.db);
  const body = { customer_id: customer.id, plan_id: plan.id, anchor_day: 8 };
  const first = await api(web.baseUrl, t.token, 'POST', '/subscriptions', { body, headers: { 'Idempotency-Key': 'sub-1' } });
  assert.equal(first.status, 201, JSON.stringify(first.json));
  assert.match(first.json.password, /^\S{10}$/);
  const replay = await api(web.baseUrl, t.token, 'POST', '/subscriptions', { body, headers: { 'Idempotency-Key': 'sub-1' } });
  assert.equal(replay.json.id, first.json.id);
  assert.equal(replay.json.password, null);
  const stored = await web.c.db('api_idempotency').where({ token_id: t.tokenId, key: 'sub-1' }).first('body');
  assert.ok(!JSON.stringify(stored.body).includes(first.json.password), 'the password is not kept with the key');
});

test('cursor pagination: rows inserted while paging neither repeat nor shift a page; next_cursor is null at the end', async () => {
  const { token } = await tokenFor(web.c.db, 'viewer');
  const area = `page-${Date.now()}`;
  for (let i = 0; i < 7; i++) await web.c.db('customers').insert({ name: `Paged ${i}`, area });
  const seen: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await api(web.baseUrl, token, 'GET', `/customers?area=${area}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.status, 200);
    seen.push(...res.json.data.map((c: { id: number }) => c.id));
    cursor = res.json.next_cursor;
    pages++;
    // New customers arrive while the client pages.
    await web.c.db('customers').insert({ name: `Arrived ${pages}`, area });
  } while (cursor);
  assert.equal(seen.length, 7, 'every customer that existed when paging began, once');
  assert.equal(new Set(seen).size, 7);
  assert.deepEqual(seen, [...seen].sort((a, b) => b - a), 'newest first');
  assert.equal(pages, 3);
});

test('rate limit: above the per-token limit 429 with Retry-After; another token is unaffected; the next minute is served', async () => {
  const limited = await startWebServer({ clock, env: { API_RATE_LIMIT_PER_MINUTE: '3' } });
  try {
    const a = await tokenFor(limited.c.db, 'viewer');
    const b = await tokenFor(limited.c.db, 'viewer');
    for (let i = 0; i < 3; i++) assert.equal((await api(limited.baseUrl, a.token, 'GET', '/plans')).status, 200);
    const over = await api(limited.baseUrl, a.token, 'GET', '/plans');
    assert.equal(over.status, 429);
    assert.match(over.headers.get('content-type') ?? '', /problem\+json/);
    const retry = Number(over.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After in seconds (${retry})`);
    assert.equal(over.headers.get('ratelimit-remaining'), '0');
    assert.equal((await api(limited.baseUrl, b.token, 'GET', '/plans')).status, 200, 'per token');
    clock.set(new Date(clock.now().getTime() + retry * 1000));
    assert.equal((await api(limited.baseUrl, a.token, 'GET', '/plans')).status, 200, 'served again after Retry-After');
  } finally {
    await limited.stop();
  }
});
