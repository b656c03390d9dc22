/**
 * Every staff console route × every staff role, over HTTP against the web role, a real database
 * and Redis. The routes come from the console's router (`createAdminRouter(...).stack`), the
 * permission each route asks for from its own guard (test/helpers/route-table.ts), what each role
 * holds from lib/permissions.ts: a role holding the permission is served (anything but 403), any
 * other role gets 403. A route added later is covered without touching this file; one that
 * declares no permission fails here unless it is listed below as open to every staff member.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdminRouter } from '../../web/admin-routes.js';
import type { AdminDeps } from '../../admin/deps.js';
import { PERMISSIONS, permissionsOf, STAFF_ROLES, type StaffRole } from '../../lib/permissions.js';
import { settableClock } from '../../lib/clock.js';
import { adminClient, type AdminClient, type AdminResponse } from '../helpers/admin-client.js';
import { createStaff } from '../helpers/factories.js';
import { concretePath, declaredPermissions, routeKey, routesOf, type RouteEntry } from '../helpers/route-table.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

/** Routes without a permission, on purpose: signing in (no session yet) and one's own account. */
const SIGN_IN = new Set(['GET /admin/login', 'POST /admin/login']);
const ANY_STAFF = new Set(['POST /admin/logout', 'POST /admin/logout-everywhere', 'GET /admin/password', 'POST /admin/password', 'POST /admin/language']);

let web: WebServer;
const routes: Array<RouteEntry & { permissions: string[] }> = [];

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-11-21T03:00:00Z') });
  for (const route of routesOf(createAdminRouter({} as AdminDeps))) routes.push({ ...route, permissions: await declaredPermissions(route) });
});
after(async () => {
  await web?.stop();
});

test('every console route declares a permission of lib/permissions.ts, but sign-in and one\'s own account', () => {
  assert.ok(routes.length >= 100, `the console's routes are listed (${routes.length})`);
  const keys = new Set(routes.map(routeKey));
  for (const open of [...SIGN_IN, ...ANY_STAFF]) assert.ok(keys.has(open), `${open} is still a route (else drop it from the list)`);
  const undeclared = routes.filter((r) => r.permissions.length === 0 && !SIGN_IN.has(routeKey(r)) && !ANY_STAFF.has(routeKey(r))).map(routeKey);
  assert.deepEqual(undeclared, [], 'routes without a permission guard');
  const unknown = routes.flatMap((r) => r.permissions.filter((p) => !(PERMISSIONS as readonly string[]).includes(p)).map((p) => `${routeKey(r)}: ${p}`));
  assert.deepEqual(unknown, [], 'permissions that lib/permissions.ts does not define');
});

/** A signed-in client for `role` with the CSRF token of its session. */
async function signIn(role: StaffRole, staff: { username: string; password: string }, client = adminClient(web.baseUrl)): Promise<AdminClient> {
  assert.equal((await client.signIn(staff.username, staff.password)).status, 302, `sign-in as ${role}`);
  assert.equal((await client.get('/admin/password')).status, 200);
  assert.ok(client.csrf, 'the page carries the CSRF token');
  return client;
}

const signedOut = (res: AdminResponse): boolean => /^\/admin\/login/.test(res.location ?? '');

for (const role of STAFF_ROLES) {
  test(`${role}: every route the role's permissions allow is served, every other one is refused with 403`, async () => {
    const staff = await createStaff(web.c.db, { role });
    const client = await signIn(role, staff);
    const held = permissionsOf(role);
    const wrong: string[] = [];
    for (const route of routes) {
      if (SIGN_IN.has(routeKey(route))) continue;
      const allowed = route.permissions.every((p) => held.has(p as never));
      const path = concretePath(route.path);
      const res = route.method === 'GET' ? await client.get(path) : await client.post(path, {});
      const ok = allowed ? res.status !== 403 && res.status < 500 && (!signedOut(res) || ANY_STAFF.has(routeKey(route))) : res.status === 403;
      if (!ok) wrong.push(`${routeKey(route)} [${route.permissions.join(', ') || 'any staff'}]: ${res.status} ${res.location ?? ''} (expected ${allowed ? 'served' : '403'})`);
      // Signing out (this browser or everywhere) is served by ending the session: sign in again.
      if (signedOut(res)) await signIn(role, staff, client);
    }
    assert.deepEqual(wrong, [], `${role}: routes answered against the permission table`);
  });
}
