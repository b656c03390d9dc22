/**
 * The staff console's gates, against the real database and Redis: every route refuses a
 * signed-out request, every state change needs the CSRF token, roles see and do only what they
 * may, sign-in locks out after repeated failures, and changes land in the audit log. Every route
 * for every role is route-matrix.test.ts; every state change without its token, csrf-matrix.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureFirstAdmin } from '../../admin/auth/first-admin.js';
import { createAdminRouter } from '../../web/admin-routes.js';
import type { AdminDeps } from '../../admin/deps.js';
import { createBillingEngine } from '../../billing/engine/engine.js';
import { settableClock } from '../../lib/clock.js';
import { freePort } from '../../lib/embedded/local-state.js';
import { createHttpServer, type HttpServer } from '../../web/app.js';
import { createLogger } from '../../lib/logger.js';
import { startWebRole } from '../../web/web-role.js';
import { adminClient } from '../helpers/admin-client.js';
import { createTestContainer, type TestContainer } from '../helpers/container.js';
import { createCustomer, createNas, createPlan, createStaff, createSubscription, TEST_STAFF_PASSWORD } from '../helpers/factories.js';

let c: TestContainer;
let http: HttpServer;
let baseUrl: string;
const clock = settableClock('2026-11-21T03:00:00Z');

before(async () => {
  c = await createTestContainer({ clock, env: { PASSWORD_HASH_ROUNDS: '4', STAFF_LOCKOUT_FAILURES: '3' } });
  http = createHttpServer(c, () => []);
  startWebRole(c, http, createBillingEngine(c, { clock }));
  const port = await freePort(0);
  await http.listen('127.0.0.1', port);
  baseUrl = `http://127.0.0.1:${port}`;
});
after(async () => {
  await http.close();
  await c.dispose();
});

/** What the browser shows of escaped HTML text (Handlebars escapes & < > " ' ` =). */
const decodeHtml = (html: string): string =>
  html.replace(/&(#x([0-9a-f]+)|quot|amp|lt|gt);/gi, (_m, name: string, hex?: string) => (hex ? String.fromCharCode(parseInt(hex, 16)) : ({ quot: '"', amp: '&', lt: '<', gt: '>' } as Record<string, string>)[name.toLowerCase()]!));

async function signedIn(role: 'admin' | 'cashier' | 'technician' | 'viewer') {
  const staff = await createStaff(c.db, { role });
  const client = adminClient(baseUrl);
  const res = await client.signIn(staff.username, staff.password);
  assert.equal(res.status, 302, `sign-in as ${role}`);
  await client.get('/admin');
  return { client, staff };
}

test('the first admin gets a one-time password that must be changed before anything else; a new password signs out other sessions', async () => {
  assert.equal(Number((await c.db('staff_users').count({ n: '*' }).first())!.n), 0, 'runs first, on a database without staff');
  const lines: string[] = [];
  const log = createLogger('warn');
  const password = await ensureFirstAdmin(c.db, 4, Object.assign(Object.create(log), { warn: (o: Record<string, unknown>) => void lines.push(JSON.stringify(o)) }));
  assert.ok(password && password.length >= 16);
  assert.equal(await ensureFirstAdmin(c.db, 4, log), null, 'only when there is no staff at all');
  assert.match(lines.join('\n'), new RegExp(password!), 'printed once to the log');

  const first = adminClient(baseUrl);
  const res = await first.signIn('admin', password!);
  assert.equal(res.location, '/admin/password');
  assert.equal((await first.get('/admin/customers')).location, '/admin/password', 'nothing else until the password is changed');
  const second = adminClient(baseUrl);
  await second.signIn('admin', password!);
  await first.get('/admin/password');
  const short = await first.post('/admin/password', { current: password!, password: 'short', confirm: 'short' });
  assert.equal(short.status, 422);
  const changed = await first.post('/admin/password', { current: password!, password: 'a much better secret', confirm: 'a much better secret' });
  assert.equal(changed.status, 302);
  assert.equal((await first.get('/admin/customers')).status, 200, 'this browser stays signed in');
  assert.match((await second.get('/admin/customers')).location ?? '', /^\/admin\/login/, 'the other session ended');
  assert.equal((await adminClient(baseUrl).signIn('admin', password!)).status, 401, 'the one-time password is gone');
});

test('every console route but sign-in sends a signed-out request to the sign-in page, and changes nothing', async () => {
  const router = createAdminRouter({} as AdminDeps);
  const routes = router.stack.flatMap((l) => l.methods.filter((m) => m !== 'HEAD').map((m) => ({ method: m, path: String(l.path) })));
  assert.ok(routes.length >= 15, `the console's routes are listed (${routes.length})`);
  const customers = await c.db('customers').count({ n: '*' });
  const client = adminClient(baseUrl);
  for (const { method, path } of routes) {
    if (path === '/admin/login') continue;
    const concrete = path.replace(/:id/g, '1');
    const res = method === 'GET' ? await client.get(concrete) : await client.post(concrete, { name: 'Intruder', amount: '1000', _csrf: null });
    assert.equal(res.status, 302, `${method} ${path}`);
    assert.match(res.location ?? '', /^\/admin\/login/, `${method} ${path} goes to sign-in`);
  }
  assert.deepEqual(await c.db('customers').count({ n: '*' }), customers, 'no customer was created');
  const login = await client.get('/admin/login');
  assert.equal(login.status, 200);
  assert.match(login.text, /Sign in|Masuk/);
});

test('an htmx request that is signed out is redirected as a whole page (HX-Redirect), not swapped into a fragment', async () => {
  const res = await adminClient(baseUrl).get('/admin/customers?q=a', { 'HX-Request': 'true' });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('hx-redirect'), '/admin/login');
});

test('a state change without the CSRF token, or with another session\'s, is refused and changes nothing', async () => {
  const { client } = await signedIn('admin');
  const other = await signedIn('admin');
  const before = Number((await c.db('customers').count({ n: '*' }).first())!.n);
  const none = await client.post('/admin/customers', { name: 'No Token', phone: '', email: '', locale: 'id', _csrf: null });
  assert.equal(none.status, 403);
  assert.match(none.text, /form has expired|Formulir kedaluwarsa/);
  const foreign = await client.post('/admin/customers', { name: 'Foreign Token', phone: '', email: '', locale: 'id', _csrf: other.client.csrf });
  assert.equal(foreign.status, 403);
  assert.equal(Number((await c.db('customers').count({ n: '*' }).first())!.n), before);
  const ok = await client.post('/admin/customers', { name: 'With Token', phone: '081234567890', email: '', address: '', identity_number: '', locale: 'id', notes: '' });
  assert.equal(ok.status, 302);
  assert.match(ok.location ?? '', /^\/admin\/customers\/\d+\?saved=1$/);
});

test('roles: a cashier records payments but cannot suspend or open a router script; a technician the reverse; a viewer only reads', async () => {
  const nas = await createNas(c.db, { ipAddress: '10.9.9.1' });
  const plan = await createPlan(c.db, { price: 150_000 });
  const customer = await createCustomer(c.db, { name: 'Role Test' });
  const sub = await createSubscription(c.db, { customerId: customer.id, planId: plan.id });

  const cashier = (await signedIn('cashier')).client;
  const page = await cashier.get(`/admin/customers/${customer.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Record a payment/);
  assert.doesNotMatch(page.text, /\/suspend"/, 'no suspend button for a cashier');
  assert.doesNotMatch(page.text, /href="\/admin\/audit"/, 'no audit log menu entry for a cashier');
  assert.equal((await cashier.post(`/admin/subscriptions/${sub.id}/suspend`, {})).status, 403);
  assert.equal((await cashier.get(`/admin/nas/${nas.id}/script`)).status, 403);
  assert.equal((await cashier.get('/admin/audit')).status, 403);
  const paid = await cashier.post(`/admin/customers/${customer.id}/payments`, { amount: '50.000', method: 'cash', invoice_id: '', reference: 'kwitansi 7' });
  assert.equal(paid.status, 302);
  assert.match(paid.location ?? '', /saved=payment/);
  const payment = await c.db('payments').where({ customer_id: customer.id }).first();
  assert.equal(Number(payment.amount), 50_000, '"50.000" is fifty thousand rupiah');

  const technician = (await signedIn('technician')).client;
  assert.equal((await technician.post(`/admin/customers/${customer.id}/payments`, { amount: '1000', method: 'cash' })).status, 403);
  const script = await technician.get(`/admin/nas/${nas.id}/script?server=10.0.0.2`);
  assert.equal(script.status, 200);
  const shown = decodeHtml(script.text);
  assert.match(shown, /\/radius add service=ppp,hotspot address=10\.0\.0\.2/);
  assert.match(shown, new RegExp(`secret="${nas.secret}"`), 'the script carries the shared secret');
  const suspended = await technician.post(`/admin/subscriptions/${sub.id}/suspend`, {});
  assert.match(suspended.location ?? '', /saved=suspend$/);
  assert.equal((await c.db('subscriptions').where({ id: sub.id }).first()).status, 'suspended');

  const viewer = (await signedIn('viewer')).client;
  const list = await viewer.get('/admin/customers');
  assert.equal(list.status, 200);
  assert.doesNotMatch(list.text, /href="\/admin\/customers\/new"/, 'no "New customer" for a viewer');
  assert.equal((await viewer.get('/admin/customers/new')).status, 403);
  assert.equal((await viewer.post('/admin/customers', { name: 'Viewer Made' })).status, 403);
  assert.equal((await viewer.post(`/admin/subscriptions/${sub.id}/reactivate`, {})).status, 403);
  assert.equal((await c.db('subscriptions').where({ id: sub.id }).first()).status, 'suspended', 'the viewer changed nothing');
});

test('bad input re-renders the form with field errors and what was typed; a stale edit is refused, not overwritten', async () => {
  const { client } = await signedIn('admin');
  const bad = await client.post('/admin/customers', { name: 'Budi Santoso', phone: '12ab', email: 'not-an-email', locale: 'id' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /value="Budi Santoso"/);
  assert.match(bad.text, /data-error="phone"/);
  assert.match(bad.text, /data-error="email"/);

  const customer = await createCustomer(c.db, { name: 'Sari' });
  const form = await client.get(`/admin/customers/${customer.id}/edit`);
  const version = /name="version" value="(\d+)"/.exec(form.text)?.[1];
  assert.ok(version);
  const fields = { phone: '', email: '', address: '', identity_number: '', locale: 'id', notes: '', version };
  assert.equal((await client.post(`/admin/customers/${customer.id}`, { ...fields, name: 'Sari Dewi' })).status, 302);
  const stale = await client.post(`/admin/customers/${customer.id}`, { ...fields, name: 'Sari Lama' });
  assert.equal(stale.status, 409);
  assert.match(stale.text, /Someone else changed this record/);
  assert.equal((await c.db('customers').where({ id: customer.id }).first()).name, 'Sari Dewi');

  const audit = await c.db('audit_log').where({ object_type: 'customer', object_id: String(customer.id) }).orderBy('id');
  assert.equal(audit.length, 1, 'one audited change');
  assert.equal(audit[0].action, 'customer_updated');
  assert.equal(audit[0].before.name, 'Sari');
  assert.equal(audit[0].after.name, 'Sari Dewi');
  assert.equal(audit[0].ip_address, '127.0.0.1');

  // The audit log's CSV, filtered to this customer: a header and the one change.
  const csv = await client.get(`/admin/audit.csv?object_type=customer&object_id=${customer.id}`);
  assert.equal(csv.status, 200);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(lines[0], 'when,staff,action,object_type,object_id,before,after,ip');
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /customer_updated,customer,\d+,.*Sari.*Sari Dewi.*,127\.0\.0\.1$/);
});

test('wrong passwords lock the account, even against the right password, until the lockout ends', async () => {
  const staff = await createStaff(c.db, { role: 'cashier' });
  const client = adminClient(baseUrl);
  for (let i = 0; i < 3; i++) assert.equal((await client.signIn(staff.username, 'wrong password!')).status, 401);
  const locked = await client.signIn(staff.username, staff.password);
  assert.equal(locked.status, 401);
  assert.match(locked.text, /dikunci/, 'told the account is locked (in Indonesian: signed out, the console speaks the default language)');
  clock.set(new Date(clock.now().getTime() + 16 * 60_000).toISOString());
  assert.equal((await client.signIn(staff.username, staff.password)).status, 302, 'after 15 minutes the right password works');
  assert.equal((await client.signIn('nobody-here', TEST_STAFF_PASSWORD)).status, 401, 'an unknown user gets the same answer');
});

