/**
 * CSRF on every state-changing route of the staff console and the portal, over HTTP against the
 * web role, a real database and Redis. The routes come from the routers' stacks
 * (`createAdminRouter`, `createPortalRouter`), so a route added later is covered without touching
 * this file. Each POST/PUT/PATCH/DELETE is sent by a signed-in browser without its CSRF token, and
 * with another browser's: each must be refused with 403 and the "expired form" page, and the
 * database must not change (every table's rows compared before and after), nor the session end.
 * POST /admin/login is the one exception (no session yet: SameSite cookies and the sign-in brakes,
 * admin/auth/routes.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdminRouter } from '../../web/admin-routes.js';
import type { AdminDeps } from '../../admin/deps.js';
import type { Knex } from '../../lib/db.js';
import { settableClock } from '../../lib/clock.js';
import { createPortalRouter } from '../../web/portal-routes.js';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { createCustomer, createNas, createPlan, createStaff, createSubscription } from '../helpers/factories.js';
import { portalClient, portalCustomer, signInWithPassword } from '../helpers/portal-fixtures.js';
import { concretePath, routeKey, routesOf, type RouteEntry } from '../helpers/route-table.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const NO_CSRF_NEEDED = new Set(['POST /admin/login']);

let web: WebServer;
before(async () => {
  web = await startWebServer({ clock: settableClock('2026-11-21T03:00:00Z') });
});
after(async () => {
  await web?.stop();
});

/** A digest of every row of every table: equal digests, nothing changed. */
async function fingerprint(db: Knex): Promise<Record<string, string>> {
  const { rows } = await db.raw("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1");
  const out: Record<string, string> = {};
  for (const { name } of rows as Array<{ name: string }>) {
    const r = await db.raw("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM ?? t", [name]);
    out[name] = (r.rows as Array<{ h: string }>)[0]!.h;
  }
  return out;
}

const stateChanging = (routes: RouteEntry[]): RouteEntry[] => routes.filter((r) => !SAFE.has(r.method) && !NO_CSRF_NEEDED.has(routeKey(r)));

/** Sends `route` with the form `form` (no `_csrf` unless given) by `method` as the route declares. */
function send(client: AdminClient, route: RouteEntry, path: string, form: Record<string, string | null>): ReturnType<AdminClient['post']> {
  assert.equal(route.method, 'POST', `${routeKey(route)}: extend send() for ${route.method}`);
  return client.post(path, form);
}

test('staff console: every state-changing route refuses a request without the session\'s CSRF token, and changes nothing', async () => {
  const db = web.c.db;
  const customer = await createCustomer(db, { name: 'CSRF Target' });
  const plan = await createPlan(db, { price: 150_000 });
  const sub = await createSubscription(db, { customerId: customer.id, planId: plan.id });
  const nas = await createNas(db, { ipAddress: '10.9.9.9' });
  const other = await createStaff(db, { role: 'cashier' });
  // Real rows where the route names one, so a route that skipped the check would change them.
  const ids: Record<string, number> = { customers: customer.id, subscriptions: sub.id, plans: plan.id, nas: nas.id, staff: other.id };
  const concrete = (path: string): string => concretePath(path.replace(/\/([a-z-]+)\/:id\b/g, (m, segment: string) => (ids[segment] ? `/${segment}/${ids[segment]}` : m)));

  const signedIn = async (): Promise<AdminClient> => {
    const staff = await createStaff(db, { role: 'admin' });
    const client = adminClient(web.baseUrl);
    assert.equal((await client.signIn(staff.username, staff.password)).status, 302);
    await client.get('/admin/password');
    assert.ok(client.csrf);
    return client;
  };
  const client = await signedIn();
  const foreign = (await signedIn()).csrf!;
  const routes = stateChanging(routesOf(createAdminRouter({} as AdminDeps)));
  assert.ok(routes.length >= 50, `the console's state-changing routes are listed (${routes.length})`);

  const before = await fingerprint(db);
  const wrong: string[] = [];
  for (const route of routes) {
    const path = concrete(route.path);
    // A form that would pass for the common fields, so only the token is missing.
    const form = { name: 'Changed By CSRF', status: 'suspended', amount: '1000', method: 'cash', role: 'admin', locale: 'en', version: '1' };
    for (const [how, token] of [['no token', null], ['another session\'s token', foreign]] as const) {
      const res = await send(client, route, path, { ...form, _csrf: token });
      if (res.status !== 403 || !/form has expired|Formulir kedaluwarsa/.test(res.text)) wrong.push(`${routeKey(route)} (${how}): ${res.status} ${res.location ?? ''}`);
    }
  }
  assert.deepEqual(wrong, [], 'state-changing routes that did not refuse a missing or foreign CSRF token');
  assert.deepEqual(await fingerprint(db), before, 'no row changed');
  assert.equal((await client.get('/admin/password')).status, 200, 'still signed in: sign-out without the token was refused too');
});

test('portal: every state-changing route refuses a request without the browser\'s CSRF token, and changes nothing', async () => {
  const db = web.c.db;
  const c = await portalCustomer(db, { phone: '081298765432', password: 'sandi csrf 12345' });
  const client = await portalClient(web.baseUrl);
  assert.equal((await signInWithPassword(client, c.customerNumber, 'sandi csrf 12345')).status, 302);
  assert.equal((await client.get('/portal/account')).status, 200);
  const foreign = (await portalClient(web.baseUrl)).csrf!;
  const router = createPortalRouter({
    db, redis: web.c.redis, clock: web.c.clock, config: web.c.config, log: web.c.log, engine: web.engine, signer: web.c.signer,
    render: () => {}, prefix: web.c.config.QUEUE_PREFIX,
  });
  const routes = stateChanging(routesOf(router));
  assert.ok(routes.length >= 10, `the portal's state-changing routes are listed (${routes.length})`);

  const before = await fingerprint(db);
  const wrong: string[] = [];
  for (const route of routes) {
    const path = concretePath(route.path, { number: c.invoices.at(-1)!.number, reference: 'TKT-NONE', token: 'no-such-token' });
    const form = { identifier: c.customerNumber, password: 'sandi csrf 12345', current: 'sandi csrf 12345', confirm: 'sandi csrf 12345', subject: 'CSRF', body: 'CSRF', email: 'csrf@example.com', provider: 'midtrans' };
    for (const [how, token] of [['no token', null], ['another browser\'s token', foreign]] as const) {
      const res = await send(client, route, path, { ...form, _csrf: token });
      if (res.status !== 403 || !/page has expired|Halaman sudah kedaluwarsa/.test(res.text)) wrong.push(`${routeKey(route)} (${how}): ${res.status} ${res.location ?? ''}`);
    }
  }
  assert.deepEqual(wrong, [], 'state-changing routes that did not refuse a missing or foreign CSRF token');
  assert.deepEqual(await fingerprint(db), before, 'no row changed');
  assert.equal((await client.get('/portal/account')).status, 200, 'still signed in: sign-out without the token was refused too');
});
