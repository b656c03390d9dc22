/**
 * Every REST API route × every staff role, generated from the route table (api/resources/index.ts):
 * a role whose permissions (lib/permissions.ts) hold the route's permission is served (anything
 * but 403, never a 5xx), any other role gets 403 problem+json. A route added later is covered
 * without touching this file. For the admin, every 2xx JSON answer is also checked against the
 * route's own response schema (the one the OpenAPI document is generated from).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { API_ROUTES } from '../../api/resources/index.js';
import type { ApiRoute } from '../../api/framework/route.js';
import { settableClock } from '../../lib/clock.js';
import { PERMISSIONS, permissionsOf, STAFF_ROLES } from '../../lib/permissions.js';
import { createCustomer, createPlan } from '../helpers/factories.js';
import { api, tokenFor } from '../helpers/api-client.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
/** The ids the routes' `{id}` get, by the path's first segment. */
const ids: Record<string, number> = {};

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-08T03:00:00Z'), env: { API_RATE_LIMIT_PER_MINUTE: '10000' } });
  const { token } = await tokenFor(web.c.db, 'admin', 'fixtures');
  const customer = await createCustomer(web.c.db, { name: 'Matrix Customer' });
  const plan = await createPlan(web.c.db);
  const sub = await api(web.baseUrl, token, 'POST', '/subscriptions', { body: { customer_id: customer.id, plan_id: plan.id, anchor_day: 8 } });
  assert.equal(sub.status, 201, JSON.stringify(sub.json));
  const pay = await api(web.baseUrl, token, 'POST', '/payments', { body: { customer_id: customer.id, amount: 1000, method: 'cash' } });
  assert.equal(pay.status, 201, JSON.stringify(pay.json));
  Object.assign(ids, { customers: customer.id, plans: plan.id, subscriptions: sub.json.id, invoices: sub.json.first_invoice.id, payments: pay.json.id });
});
after(async () => {
  await web?.stop();
});

const pathOf = (r: ApiRoute): string => r.path.replace('{id}', String(ids[r.path.split('/')[1]!] ?? 999999999));

test('the route table is complete: every route declares a known permission, and ids are unique', () => {
  assert.ok(API_ROUTES.length >= 20, `routes listed (${API_ROUTES.length})`);
  for (const r of API_ROUTES) assert.ok((PERMISSIONS as readonly string[]).includes(r.permission), `${r.operationId}: ${r.permission}`);
  assert.equal(new Set(API_ROUTES.map((r) => r.operationId)).size, API_ROUTES.length);
  assert.equal(new Set(API_ROUTES.map((r) => `${r.method} ${r.path}`)).size, API_ROUTES.length);
});

for (const role of STAFF_ROLES) {
  test(`${role}: every API route the role's permissions allow is served, every other one is refused with 403`, async () => {
    const { token } = await tokenFor(web.c.db, role);
    const held = permissionsOf(role);
    const wrong: string[] = [];
    for (const r of API_ROUTES) {
      const allowed = held.has(r.permission);
      const res = await api(web.baseUrl, token, r.method.toUpperCase(), pathOf(r), r.method === 'get' ? {} : { body: {} });
      const ok = allowed ? res.status !== 403 && res.status < 500 : res.status === 403 && res.json?.status === 403;
      if (!ok) wrong.push(`${r.method.toUpperCase()} ${r.path} [${r.permission}]: ${res.status} ${JSON.stringify(res.json)?.slice(0, 200)} (expected ${allowed ? 'served' : '403'})`);
      if (role === 'admin' && res.status < 300 && 'schema' in r.response && res.json) {
        const parsed = r.response.schema.safeParse(res.json);
        if (!parsed.success) wrong.push(`${r.operationId}: the answer does not match its schema: ${parsed.error.message.slice(0, 300)}`);
      }
    }
    assert.deepEqual(wrong, [], `${role}: routes answered against the permission table`);
  });
}
